import Foundation
import GRDB
import Testing
@testable import IntakeStorage

@Suite("Submitting and reading intakes")
struct SubmitTests {
    @Test func submitStoresEveryField() throws {
        let temp = TemporaryFolder()
        let store = try openStore(temp.file("intake.sqlite"))
        let draft = try store.startDraft(language: "en", kiosk: "front")
        try store.saveAnswer(draftID: draft.id, linkId: "pregnant", valueJSON: "false")

        let submitted = try store.submit(draftID: draft.id, sampleSubmission())

        #expect(submitted.id == draft.id)
        #expect(submitted.code == draft.code)
        #expect(submitted.status == .submitted)
        #expect(submitted.submittedAt != nil)
        #expect(submitted.patientName == "Ada Lovelace")
        #expect(submitted.patientDOB == "1984-03-07")
        #expect(submitted.procedures == [.microneedling, .microBotox])
        #expect(submitted.responseJSON == sampleSubmission().responseJSON)
        #expect(submitted.assessmentJSON == assessmentJSON([.microneedling: .defer, .microBotox: .eligible]))
        #expect(submitted.verdicts == [.microneedling: .defer, .microBotox: .eligible])
        #expect(submitted.questionnaireVersion == "2025.1")
        #expect(submitted.rulesetVersion == "7")
        #expect(submitted.language == "en")
        #expect(submitted.kiosk == "front")
        #expect(try store.intake(code: draft.code) == submitted)

        // JSON columns hold JSON text that other tools (sqlite3, the review station) can read.
        let (procedures, verdicts) = try store.pool.read { db in
            let row = try #require(try Row.fetchOne(db, sql: "SELECT procedures, verdicts FROM intake"))
            return (row["procedures"] as String?, row["verdicts"] as String?)
        }
        #expect(procedures == #"["microneedling","micro-botox"]"#)
        #expect(verdicts == #"{"micro-botox":"eligible","microneedling":"defer"}"#)

        // The answers stay with the submitted intake; only the open drafts list drops it.
        #expect(try store.answers(draftID: draft.id) == ["pregnant": "false"])
        #expect(try store.openDrafts().isEmpty)
    }

    @Test func aSubmittedIntakeCannotBeSubmittedOrChangedAgain() throws {
        let temp = TemporaryFolder()
        let store = try openStore(temp.file("intake.sqlite"))
        let draft = try store.startDraft(language: "en", kiosk: nil)
        let first = try store.submit(draftID: draft.id, sampleSubmission())

        let expected = StorageError.notADraft(code: draft.code, status: "submitted")
        #expect(throws: expected) { try store.submit(draftID: draft.id, sampleSubmission(name: "Other")) }
        #expect(throws: expected) { try store.saveAnswer(draftID: draft.id, linkId: "a", valueJSON: "1") }
        #expect(throws: expected) { try store.removeAnswer(draftID: draft.id, linkId: "a") }
        #expect(throws: expected) { try store.setLanguage(draftID: draft.id, language: "fr") }
        #expect(throws: expected) { try store.abandon(draftID: draft.id, reason: "late") }
        #expect(try store.intake(id: draft.id) == first)
        #expect(expected.description.contains(draft.code))
    }

    @Test func anAbandonedDraftCannotBeSubmitted() throws {
        let temp = TemporaryFolder()
        let store = try openStore(temp.file("intake.sqlite"))
        let draft = try store.startDraft(language: "en", kiosk: nil)
        try store.abandon(draftID: draft.id, reason: "patient left")
        #expect(throws: StorageError.notADraft(code: draft.code, status: "abandoned")) {
            try store.submit(draftID: draft.id, sampleSubmission())
        }
        #expect(try store.intake(id: draft.id)?.patientName == nil)
    }

    @Test func aFailedSubmitLeavesTheDraftAsItWas() throws {
        let temp = TemporaryFolder()
        let store = try openStore(temp.file("intake.sqlite"))
        let draft = try store.startDraft(language: "en", kiosk: nil)
        try store.saveAnswer(draftID: draft.id, linkId: "q", valueJSON: "1")
        let before = try #require(try store.intake(id: draft.id))
        // Make the database refuse the write halfway, as a full disk would.
        try store.pool.write { db in
            try db.execute(sql: """
                CREATE TEMP TRIGGER refuse BEFORE UPDATE OF verdicts ON intake
                BEGIN SELECT RAISE(ABORT, 'disk full'); END
                """)
        }

        #expect {
            try store.submit(draftID: draft.id, sampleSubmission())
        } throws: { error in
            guard case let .databaseFailed(path, reason) = error as? StorageError else { return false }
            return path == store.path && reason.contains("disk full")
        }
        #expect(try store.intake(id: draft.id) == before)
        #expect(try store.answers(draftID: draft.id) == ["q": "1"])
    }

    @Test func recentIntakesAreNewestFirstAndFilteredByStatus() throws {
        let temp = TemporaryFolder()
        let store = try openStore(temp.file("intake.sqlite"))
        var submittedIDs: [Int64] = []
        for index in 0..<5 {
            let draft = try store.startDraft(language: "en", kiosk: nil)
            if index == 2 {
                try store.abandon(draftID: draft.id, reason: "left")
            } else {
                _ = try store.submit(draftID: draft.id, sampleSubmission(name: "P\(index)"))
                submittedIDs.append(draft.id)
            }
        }
        let open = try store.startDraft(language: "en", kiosk: nil)

        #expect(try store.recentIntakes(limit: 10, status: "submitted").map(\.id) == submittedIDs.reversed())
        #expect(try store.recentIntakes(limit: 2, status: "submitted").map(\.patientName) == ["P4", "P3"])
        #expect(try store.recentIntakes(limit: 10, status: "draft").map(\.id) == [open.id])
        #expect(try store.recentIntakes(limit: 10, status: "abandoned").count == 1)
        #expect(try store.recentIntakes(limit: 3, status: nil).first?.id == open.id)
        #expect(try store.recentIntakes(limit: 3, status: nil).count == 3)
        #expect(throws: StorageError.unknownStatus("done")) {
            try store.recentIntakes(limit: 1, status: "done")
        }
    }

    @Test func codesAreFoundHoweverReceptionTypesThem() throws {
        let temp = TemporaryFolder()
        let store = try openStore(temp.file("intake.sqlite"))
        let draft = try store.startDraft(language: "en", kiosk: nil)
        let typed = draft.code.lowercased().replacingOccurrences(of: "-", with: " ")
        #expect(try store.intake(code: typed)?.id == draft.id)
        #expect(try store.intake(code: "ZZZ-ZZZ") == nil || draft.code == "ZZZ-ZZZ")
        #expect(try store.intake(code: "not a code") == nil)
    }
}
