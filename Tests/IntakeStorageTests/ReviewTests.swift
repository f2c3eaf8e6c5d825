import Foundation
import GRDB
import Testing
@testable import IntakeStorage

@Suite("Review queue")
struct QueueTests {
    /// Every page of the queue, following cursors, `limit` rows at a time.
    func allPages(_ store: IntakeStore, filter: QueueFilter, search: String? = nil,
                  nameMatch: NameMatch = .contains, limit: Int) throws -> [[QueueRow]] {
        var pages: [[QueueRow]] = []
        var cursor: QueueCursor?
        while true {
            let page = try store.queue(filter: filter, search: search, nameMatch: nameMatch, after: cursor, limit: limit)
            if page.isEmpty { return pages }
            pages.append(page)
            cursor = page.last?.cursor
        }
    }

    /// The ids the queue should list, straight from SQL.
    func expectedIDs(_ store: IntakeStore, where condition: String = "1") throws -> [Int64] {
        try store.pool.read { db in
            try Int64.fetchAll(db, sql: """
                SELECT id FROM intake WHERE status = 'submitted' AND \(condition)
                ORDER BY submitted_at DESC, id DESC
                """)
        }
    }

    func queryPlan(_ store: IntakeStore, _ filter: QueueFilter, after: QueueCursor?) throws -> [String] {
        let (sql, arguments) = IntakeStore.queueQuery(filter: filter, search: nil, after: after, limit: 50)
        return try store.pool.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments)
                .map { $0["detail"] as String? ?? "" }
        }
    }

    @Test(arguments: [QueueFilter.all, .unsigned])
    func theQueueIsServedFromAnIndexWithoutSorting(filter: QueueFilter) throws {
        let temp = TemporaryFolder()
        let store = try openStore(temp.file("intake.sqlite"))
        try store.seedForBenchmark(count: 50, now: fixedNow)
        for after in [nil, QueueCursor(submittedAt: fixedNow, id: 10)] {
            let plan = try queryPlan(store, filter, after: after)
            let index = filter == .all ? "intake_queue" : "intake_unsigned_queue"
            #expect(plan.contains { $0.contains("USING INDEX \(index)") || $0.contains("USING COVERING INDEX \(index)") },
                    "\(plan)")
            #expect(!plan.contains { $0.contains("SCAN intake") && !$0.contains("INDEX") }, "\(plan)")
            #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(plan)")
        }
    }

    @Test func pagesAreNewestFirstWithoutDuplicatesOrGaps() throws {
        let temp = TemporaryFolder()
        let store = try openStore(temp.file("intake.sqlite"))
        // Three intakes share each submission time, so pages must break ties by id.
        try store.seedForBenchmark(count: 250, now: fixedNow)

        let pages = try allPages(store, filter: .all, limit: 7)
        let ids = pages.flatMap { $0.map(\.id) }
        #expect(pages.count == 36)
        #expect(pages.dropLast().allSatisfy { $0.count == 7 })
        #expect(ids.count == 250)
        #expect(Set(ids).count == 250)
        #expect(ids == (try expectedIDs(store)))
        let times = pages.flatMap { $0.map(\.submittedAt) }
        #expect(times == times.sorted(by: >))
        #expect(times.first == fixedNow)

        let unsigned = try allPages(store, filter: .unsigned, limit: 4).flatMap { $0.map(\.id) }
        #expect(unsigned == (try expectedIDs(store, where: "review_state <> 'signed'")))
        #expect(unsigned.count == 50)
    }

    @Test func rowsCarryWhatTheListShows() throws {
        let temp = TemporaryFolder()
        let store = try openStore(temp.file("intake.sqlite"))
        let intake = try submitIntake(store, name: "Layla Haddad", dob: "1990-02-03")
        let row = try #require(try store.queue().first)
        #expect(row.id == intake.id)
        #expect(row.code == intake.code)
        #expect(row.submittedAt == intake.submittedAt)
        #expect(row.patientName == "Layla Haddad")
        #expect(row.patientDOB == "1990-02-03")
        #expect(row.procedures == [.microneedling, .microBotox])
        #expect(row.verdicts == [.microneedling: .defer, .microBotox: .eligible])
        #expect(row.reviewState == .new)
    }

    @Test func draftsAndAbandonedIntakesAreNotQueued() throws {
        let temp = TemporaryFolder()
        let store = try openStore(temp.file("intake.sqlite"))
        let submitted = try submitIntake(store)
        _ = try store.startDraft(language: "en", kiosk: nil)
        let gone = try store.startDraft(language: "en", kiosk: nil)
        try store.abandon(draftID: gone.id, reason: "left")
        #expect(try store.queue().map(\.id) == [submitted.id])
    }

    @Test func todayStartsAtLocalMidnight() throws {
        let temp = TemporaryFolder()
        let store = try openStore(temp.file("intake.sqlite"))
        let midnight = StorageTime.localMidnight(of: fixedNow)
        var parts = tm()
        var seconds = time_t(midnight.timeIntervalSince1970)
        localtime_r(&seconds, &parts)
        #expect(parts.tm_hour == 0 && parts.tm_min == 0 && parts.tm_sec == 0)
        #expect(midnight <= fixedNow && fixedNow.timeIntervalSince(midnight) < 25 * 3600)

        let times = [midnight.addingTimeInterval(-1), midnight, fixedNow]
        var ids: [Int64] = []
        for time in times {
            let intake = try submitIntake(store)
            try store.pool.write { db in
                try db.execute(sql: "UPDATE intake SET submitted_at = ? WHERE id = ?",
                               arguments: [StorageTime.text(time), intake.id])
            }
            ids.append(intake.id)
        }
        #expect(try store.queue(filter: .today(now: fixedNow)).map(\.id) == [ids[2], ids[1]])
        #expect(try store.queue(filter: .all).map(\.id) == ids.reversed())
    }

    @Test func unsignedLeavesOutSignedIntakes() throws {
        let temp = TemporaryFolder()
        let (store, user) = try storeWithPractitioner(temp)
        let signed = try submitIntake(store, verdicts: [.microneedling: .eligible])
        let opened = try submitIntake(store)
        let fresh = try submitIntake(store)
        try store.markOpened(intakeID: opened.id, user: user)
        try store.sign(intakeID: signed.id, decisions: [ProcedureDecision(procedure: .microneedling, decision: .proceed)],
                       user: user, password: "correct horse")
        #expect(try store.queue(filter: .unsigned).map(\.id) == [fresh.id, opened.id])
        #expect(try store.queue(filter: .all).map(\.reviewState) == [.new, .inReview, .signed])
    }

    @Test func searchFindsCodesTypedAnyWay() throws {
        let temp = TemporaryFolder()
        let store = try openStore(temp.file("intake.sqlite"))
        let wanted = try submitIntake(store, name: "Omar Khoury")
        _ = try submitIntake(store, name: "Sara Najjar")
        let code = wanted.code
        for typed in [code, code.lowercased(), code.replacingOccurrences(of: "-", with: ""),
                      " " + code.replacingOccurrences(of: "-", with: "").lowercased()] {
            #expect(try store.queue(search: typed).map(\.id) == [wanted.id], "\(typed)")
        }
    }

    @Test func searchFindsDatesOfBirthAndNames() throws {
        let temp = TemporaryFolder()
        let store = try openStore(temp.file("intake.sqlite"))
        let ada = try submitIntake(store, name: "Ada Lovelace", dob: "1815-12-10")
        let grace = try submitIntake(store, name: "Grace Hopper", dob: "1906-12-09")
        let adam = try submitIntake(store, name: "adam Smith", dob: "1906-12-09")
        let percent = try submitIntake(store, name: "100% Ada", dob: "2000-01-01")

        #expect(try store.queue(search: "1906-12-09").map(\.id) == [adam.id, grace.id])
        #expect(try store.queue(search: "1906-12-10").isEmpty)
        #expect(try store.queue(search: "ADA", nameMatch: .prefix).map(\.id) == [adam.id, ada.id])
        #expect(try store.queue(search: "ada").map(\.id) == [percent.id, adam.id, ada.id])
        #expect(try store.queue(search: "hop").map(\.id) == [grace.id])
        #expect(try store.queue(search: "hop", nameMatch: .prefix).isEmpty)
        // LIKE's wildcards are taken literally.
        #expect(try store.queue(search: "0%").map(\.id) == [percent.id])
        #expect(try store.queue(search: "_").isEmpty)
        // A search narrows the filter, it does not replace it.
        #expect(try store.queue(filter: .today(now: Date().addingTimeInterval(2 * 86_400)), search: "ada").isEmpty)
        #expect(try store.queue(filter: .today(now: Date()), search: "ada").count == 3)
    }

    @Test func nameSearchesPage() throws {
        let temp = TemporaryFolder()
        let store = try openStore(temp.file("intake.sqlite"))
        try store.seedForBenchmark(count: 600, now: fixedNow)
        for (term, match) in [("haddad", NameMatch.contains), ("LAYLA", .prefix), ("ar", .contains)] {
            let ids = try allPages(store, filter: .all, search: term, nameMatch: match, limit: 5).flatMap { $0.map(\.id) }
            let pattern = match == .prefix ? "\(term)%" : "%\(term)%"
            let expected = try expectedIDs(store, where: "patient_name LIKE '\(pattern)'")
            #expect(!expected.isEmpty)
            #expect(ids == expected, "\(term)")
        }
    }

    @Test func selectiveSearchesUseTheirOwnIndex() throws {
        let temp = TemporaryFolder()
        let store = try openStore(temp.file("intake.sqlite"))
        let cases: [(IntakeStore.SearchTerm, String)] = [
            (.name("lay", .prefix), "intake_on_patient_name_nocase (patient_name>? AND patient_name<?)"),
            (.dateOfBirth("1950-01-01"), "intake_on_patient_dob (patient_dob=?)"),
            (.code("ABC-DEF"), "(code=?)"),
        ]
        for (term, index) in cases {
            for filter in [QueueFilter.all, .unsigned] {
                let (sql, arguments) = IntakeStore.queueQuery(filter: filter, search: term, after: nil, limit: 50)
                let plan = try store.pool.read { db in
                    try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments)
                        .map { $0["detail"] as String? ?? "" }
                }
                #expect(plan.contains { $0.hasPrefix("SEARCH intake") && $0.contains(index) }, "\(plan)")
            }
        }
    }
}

@Suite("Review decisions and signatures")
struct SigningTests {
    @Test func theReasonRuleGoesByTheRulesVerdict() {
        #expect(ReviewRules.needsReason(.proceed, verdict: .defer))
        #expect(ReviewRules.needsReason(.proceed, verdict: .contraindicated))
        #expect(ReviewRules.needsReason(.defer, verdict: .eligible))
        #expect(ReviewRules.needsReason(.decline, verdict: .eligible))
        #expect(!ReviewRules.needsReason(.proceed, verdict: .eligible))
        #expect(!ReviewRules.needsReason(.decline, verdict: .contraindicated))
        #expect(!ReviewRules.needsReason(.defer, verdict: .defer))
        for decision in ReviewDecision.allCases {
            #expect(!ReviewRules.needsReason(decision, verdict: .review))
            #expect(!ReviewRules.needsReason(decision, verdict: nil))
        }
    }

    @Test func reviewStateGoesFromNewToInReviewToSigned() throws {
        let temp = TemporaryFolder()
        let (store, user) = try storeWithPractitioner(temp)
        let intake = try submitIntake(store)
        #expect(try store.reviewState(intakeID: intake.id) == .new)
        #expect(try store.markOpened(intakeID: intake.id, user: user, now: fixedNow) == .inReview)
        #expect(try store.reviewState(intakeID: intake.id) == .inReview)

        try store.sign(intakeID: intake.id, decisions: [
            ProcedureDecision(procedure: .microneedling, decision: .defer),
            ProcedureDecision(procedure: .microBotox, decision: .proceed),
        ], user: user, password: "correct horse", now: fixedNow)
        #expect(try store.reviewState(intakeID: intake.id) == .signed)
        // Opening a signed intake again is audited but does not reopen it.
        #expect(try store.markOpened(intakeID: intake.id, user: user, now: fixedNow) == .signed)
        let opened = try store.auditEntries().filter { $0.action == .intakeOpened }
        #expect(opened.count == 2)
        #expect(opened.allSatisfy { $0.intakeCode == intake.code && $0.user == "dr.haddad" })
        #expect(try store.verifyAuditChain() == .ok(count: try store.auditEntries(limit: 1000).count))
    }

    @Test func onlySubmittedIntakesCanBeOpenedOrSigned() throws {
        let temp = TemporaryFolder()
        let (store, user) = try storeWithPractitioner(temp)
        let draft = try store.startDraft(language: "en", kiosk: nil)
        #expect(throws: ReviewError.notSubmitted(code: draft.code, status: "draft")) {
            try store.markOpened(intakeID: draft.id, user: user)
        }
        #expect(throws: ReviewError.intakeNotFound(id: 999)) {
            try store.sign(intakeID: 999, decisions: [ProcedureDecision(procedure: .microneedling, decision: .defer)],
                           user: user, password: "correct horse")
        }
    }

    @Test func goingAgainstTheRulesNeedsAReasonNamingTheProcedure() throws {
        let temp = TemporaryFolder()
        let (store, user) = try storeWithPractitioner(temp)
        let intake = try submitIntake(store)  // microneedling: defer, micro-botox: eligible
        let entriesBefore = try store.auditEntries().count

        #expect(throws: ReviewError.reasonRequired(procedure: .microneedling, decision: .proceed, verdict: .defer)) {
            try store.sign(intakeID: intake.id, decisions: [
                ProcedureDecision(procedure: .microneedling, decision: .proceed, reason: "   "),
                ProcedureDecision(procedure: .microBotox, decision: .proceed),
            ], user: user, password: "correct horse")
        }
        #expect(throws: ReviewError.reasonRequired(procedure: .microBotox, decision: .decline, verdict: .eligible)) {
            try store.sign(intakeID: intake.id, decisions: [
                ProcedureDecision(procedure: .microneedling, decision: .defer),
                ProcedureDecision(procedure: .microBotox, decision: .decline),
            ], user: user, password: "correct horse")
        }
        #expect(ReviewError.reasonRequired(procedure: .microBotox, decision: .decline, verdict: .eligible)
            .description.contains("micro-botox"))
        // Nothing was written, not even to the audit log.
        #expect(try store.decisions(intakeID: intake.id).isEmpty)
        #expect(try store.reviewState(intakeID: intake.id) == .new)
        #expect(try store.auditEntries().count == entriesBefore)

        let written = try store.sign(intakeID: intake.id, decisions: [
            ProcedureDecision(procedure: .microneedling, decision: .proceed, reason: " Eczema healed since, seen today "),
            ProcedureDecision(procedure: .microBotox, decision: .proceed),
        ], note: "Patch test first", user: user, password: "correct horse", now: fixedNow)
        #expect(written.map(\.reason) == ["Eczema healed since, seen today", nil])
        #expect(written.map(\.ruleVerdict) == [.defer, .eligible])
        #expect(written.allSatisfy { $0.note == "Patch test first" && $0.userID == user.id && $0.signedAt == fixedNow })
        #expect(try store.decisions(intakeID: intake.id) == written)
        let actions = try store.auditEntries(limit: 3).reversed().map(\.action)
        #expect(actions == [.decision, .decision, .signature])
    }

    @Test func aFirstSignatureDecidesEveryProcedureOnceAndNoOther() throws {
        let temp = TemporaryFolder()
        let (store, user) = try storeWithPractitioner(temp)
        let intake = try submitIntake(store)
        func sign(_ decisions: [ProcedureDecision]) throws {
            try store.sign(intakeID: intake.id, decisions: decisions, user: user, password: "correct horse")
        }
        #expect(throws: ReviewError.noDecisions) { try sign([]) }
        #expect(throws: ReviewError.missingDecision(procedure: .microBotox)) {
            try sign([ProcedureDecision(procedure: .microneedling, decision: .defer)])
        }
        // A procedure outside the vocabulary ("laser") cannot even be written; one the patient did not come for is refused.
        let needlingOnly = try submitIntake(store, verdicts: [.microneedling: .eligible])
        #expect(throws: ReviewError.unknownProcedure(.microBotox, code: needlingOnly.code)) {
            try store.sign(intakeID: needlingOnly.id, decisions: [ProcedureDecision(procedure: .microBotox, decision: .defer)],
                           user: user, password: "correct horse")
        }
        #expect(throws: ReviewError.duplicateDecision(procedure: .microneedling)) {
            try sign([ProcedureDecision(procedure: .microneedling, decision: .defer),
                      ProcedureDecision(procedure: .microneedling, decision: .decline)])
        }
        #expect(try store.decisions(intakeID: intake.id).isEmpty)
    }

    @Test func aWrongPasswordRefusesTheSignatureAndCountsAsAFailedSignIn() throws {
        let temp = TemporaryFolder()
        let (store, user) = try storeWithPractitioner(temp)
        let intake = try submitIntake(store, verdicts: [.microneedling: .eligible])
        let decisions = [ProcedureDecision(procedure: .microneedling, decision: .proceed)]

        #expect(throws: ReviewError.signatureRefused(.wrongNameOrPassword(retryAfter: 1))) {
            try store.sign(intakeID: intake.id, decisions: decisions, user: user, password: "wrong horse", now: fixedNow)
        }
        #expect(try store.decisions(intakeID: intake.id).isEmpty)
        #expect(try store.reviewState(intakeID: intake.id) == .new)
        let failure = try #require(try store.auditEntries(limit: 1).first)
        #expect(failure.action == .signInFailed)
        #expect(failure.detail.contains(intake.code))
        #expect(try store.users().first?.failedAttempts == 1)

        let receptionist = try store.addUser(name: "amal", role: .reception, password: "battery staple")
        #expect(throws: ReviewError.notAPractitioner(name: "amal")) {
            try store.sign(intakeID: intake.id, decisions: decisions, user: receptionist, password: "battery staple")
        }
        #expect(try store.decisions(intakeID: intake.id).isEmpty)
    }

    @Test func anAmendmentKeepsTheOriginal() throws {
        let temp = TemporaryFolder()
        let (store, user) = try storeWithPractitioner(temp)
        let intake = try submitIntake(store)
        let first = try store.sign(intakeID: intake.id, decisions: [
            ProcedureDecision(procedure: .microneedling, decision: .defer),
            ProcedureDecision(procedure: .microBotox, decision: .proceed),
        ], user: user, password: "correct horse", now: fixedNow)

        // An amendment may change one procedure; the other keeps its decision.
        let later = fixedNow.addingTimeInterval(3600)
        let amended = try store.sign(intakeID: intake.id, decisions: [
            ProcedureDecision(procedure: .microBotox, decision: .decline, reason: "Wedding in two days"),
        ], user: user, password: "correct horse", now: later)

        let all = try store.decisions(intakeID: intake.id)
        #expect(all.count == 3)
        #expect(Array(all.prefix(2)) == first)
        #expect(all[2] == amended[0])
        #expect(amended[0].amends == first[1].id)
        #expect(amended[0].decision == .decline)
        #expect(amended[0].signedAt == later)
        #expect(try store.currentDecisions(intakeID: intake.id).map(\.id) == [first[0].id, amended[0].id])
        #expect(try store.reviewState(intakeID: intake.id) == .signed)
        let actions = try store.auditEntries(limit: 2).reversed().map(\.action)
        #expect(actions == [.amendment, .signature])

        // The database itself refuses to rewrite a signed decision.
        #expect(throws: DatabaseError.self) {
            try store.pool.write { db in try db.execute(sql: "UPDATE decision SET decision = 'proceed'") }
        }
        #expect(throws: DatabaseError.self) {
            try store.pool.write { db in try db.execute(sql: "DELETE FROM decision") }
        }
        #expect(try store.decisions(intakeID: intake.id) == all)
    }
}

@Suite("Review queue at 100,000 intakes", .enabled(if: ProcessInfo.processInfo.environment["INTAKE_BIG"] == "1"))
struct BigQueueTests {
    @Test func pagesStayQuickAtOneHundredThousandIntakes() throws {
        let temp = TemporaryFolder()
        let store = try openStore(temp.file("intake.sqlite"))
        let clock = ContinuousClock()

        let seeding = try clock.measure { try store.seedForBenchmark(count: 100_000, now: fixedNow) }
        let midway = try store.pool.read { db in
            try Row.fetchOne(db, sql: """
                SELECT id, submitted_at FROM intake WHERE status = 'submitted'
                ORDER BY submitted_at DESC, id DESC LIMIT 1 OFFSET 49999
                """)
        }
        let row = try #require(midway)
        let cursor = QueueCursor(submittedAt: try #require(StorageTime.date(row["submitted_at"])), id: row["id"])

        var timings: [(String, Duration)] = [("seed 100,000", seeding)]
        func time(_ label: String, _ body: () throws -> [QueueRow]) throws {
            var rows: [QueueRow] = []
            let elapsed = try clock.measure { rows = try body() }
            #expect(!rows.isEmpty, "\(label)")
            timings.append((label, elapsed))
        }
        try time("all, first page") { try store.queue(filter: .all, limit: 50) }
        try time("all, after 50,000 rows") { try store.queue(filter: .all, after: cursor, limit: 50) }
        try time("unsigned, first page") { try store.queue(filter: .unsigned, limit: 50) }
        try time("unsigned, after 50,000 rows") { try store.queue(filter: .unsigned, after: cursor, limit: 50) }
        try time("name prefix 'Layla'") { try store.queue(search: "Layla", nameMatch: .prefix, limit: 50) }
        try time("name contains 'haddad'") { try store.queue(search: "haddad", limit: 50) }
        try time("date of birth") { try store.queue(search: "1950-01-01", limit: 50) }
        for (label, elapsed) in timings {
            print("queue timing: \(label): \(elapsed)")
        }
        for (label, elapsed) in timings.dropFirst() {
            #expect(elapsed < .milliseconds(250), "\(label) took \(elapsed)")
        }
    }
}
