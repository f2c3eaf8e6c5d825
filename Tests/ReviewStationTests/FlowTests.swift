import Foundation
import Testing
import IntakeModel
import IntakeStorage
import ReviewStation
import TerminalUI

/// The station driven key by key, checked on screen, in the database and in the audit log.
struct FlowTests {
    @Test func signInShowsTheQueue() throws {
        let h = try Harness()
        #expect(h.screen.contains("Practitioner sign-in"))
        h.signIn()
        #expect(h.app.state.screen == .queue)
        #expect(h.screen.contains("Signed in: drsara"))
        #expect(!h.screen.contains("Practitioner sign-in"))
    }

    @Test func theWrongPasswordSaysSoAndMakesOneWait() throws {
        let h = try Harness()
        h.signIn(password: "wrong password")
        #expect(h.screen.contains("Wrong name or password. Try again in 1 s."))
        #expect(h.app.state.screen == .signIn)
        // Enter before the wait has passed is not sent to the store.
        h.type(Harness.password); h.type([.enter])
        #expect(h.app.state.screen == .signIn)
        #expect(h.screen.contains("Please wait 1 s"))
        h.wait(1.5)
        h.type([.enter])
        #expect(h.app.state.screen == .queue)
    }

    @Test func fiveWrongPasswordsLockTheName() throws {
        let h = try Harness()
        h.type("drsara"); h.type([.tab])
        for attempt in 1...5 {
            h.type("wrong password \(attempt)"); h.type([.enter])
            h.wait(20)
        }
        h.type([.enter])
        #expect(h.screen.contains("Too many wrong passwords: this name is locked until"))
        h.type(Harness.password); h.type([.enter])
        #expect(h.app.state.screen == .signIn)
    }

    @Test func theQueueIsNewestFirstWithBadgesAndPages() throws {
        let h = try Harness(size: Size(rows: 12, columns: 80))  // six rows a page
        let pageSize = StationView.queueRows(for: Size(rows: 12, columns: 80))
        #expect(pageSize == 6)
        for i in 1...9 { try h.submit(name: "Patient \(i)") }
        try h.submit(name: "Deferred Person", answers: Harness.deferredAnswers())
        h.signIn()
        let screen = h.screen
        let first = try #require(screen.range(of: "Deferred Person"))
        let second = try #require(screen.range(of: "Patient 9"))
        #expect(first.lowerBound < second.lowerBound)
        #expect(screen.contains("MN Defer") && screen.contains("MB Defer"))
        #expect(screen.contains("MN Eligible"))
        // The badge carries the verdict's role.
        let canvas = try #require(h.backend.last)
        let row = try #require((0..<12).first { canvas.line($0).contains("Deferred Person") })
        let column = try #require((0..<80).first { canvas[row, $0].text == "M" && canvas[row, $0 + 1].text == "N" })
        #expect(canvas[row, column].style.role == .deferred, "\(canvas.line(row))")
        #expect(!screen.contains("Patient 4"))
        h.type([.pageDown])
        #expect(h.screen.contains("Patient 4") && h.screen.contains("Patient 1") && !h.screen.contains("Patient 5"))
        #expect(!h.screen.contains("Deferred Person"))
        #expect(h.screen.contains("Page 2"))
        h.type([.pageUp])
        #expect(h.screen.contains("Deferred Person"))
        #expect(h.screen.contains("Page 1"))
    }

    @Test func searchByCodeFindsOne() throws {
        let h = try Harness()
        let wanted = try h.submit(name: "Grace Hopper")
        try h.submit(name: "Ada Lovelace")
        h.signIn()
        #expect(h.screen.contains("Ada Lovelace"))
        h.type([.character("/")]); h.type(wanted.code); h.type([.enter])
        #expect(h.app.state.rows.map(\.code) == [wanted.code])
        #expect(h.screen.contains("Grace Hopper") && !h.screen.contains("Ada Lovelace"))
    }

    @Test func openingMarksInReviewAndShowsVerdictsBeforeAnswers() throws {
        let h = try Harness()
        let intake = try h.submit(name: "Layla Haddad", answers: Harness.deferredAnswers())
        h.signIn()
        #expect(h.screen.contains("new"))
        h.type([.enter])
        #expect(try h.store.reviewState(intakeID: intake.id) == .inReview)
        let screen = h.screen
        let verdicts = try #require(screen.range(of: "VERDICTS"))
        let answers = try #require(screen.range(of: "ANSWERS"))
        #expect(verdicts.lowerBound < answers.lowerBound)
        #expect(screen.contains("Microneedling (collagen induction): DEFER"))
        #expect(screen.contains("MN-TOXIN-14"))
        let audit = try h.store.auditEntries()
        #expect(audit.contains { $0.action == .intakeOpened && $0.intakeCode == intake.code })
        h.type([.escape])
        #expect(h.screen.contains("in review"))
    }

    @Test func triggeredAnswersAreMarkedFurtherDown() throws {
        let h = try Harness()
        try h.submit(answers: Harness.deferredAnswers())
        h.signIn(); h.type([.enter])
        var marked: [String] = []
        for _ in 0..<60 {
            h.type([.down])
            marked += h.screen.split(separator: "\n").map(String.init).filter { $0.hasPrefix(" * ") && $0.contains("->") }
        }
        // The Botox answers made MN-TOXIN-14 fire, so they are marked.
        #expect(marked.contains { $0.contains("2026") || $0.contains("Botox") || $0.contains("botulinum") })
        #expect(!marked.contains { $0.contains("diabetes") })
        h.type([.pageUp, .pageUp, .pageUp, .pageUp, .pageUp, .pageUp])
        #expect(h.screen.contains("VERDICTS"))
    }

    @Test func aMissingRequiredReasonIsNamed() throws {
        let h = try Harness()
        let intake = try h.submit(answers: Harness.deferredAnswers())
        h.signIn(); h.type([.enter, .character("d")])
        #expect(h.app.state.screen == .decision)
        h.type([.up])                                   // microneedling: defer -> proceed, against the rules
        #expect(h.screen.contains("Reason for Microneedling"))
        h.type([.tab, .tab, .tab, .tab])                // past the reason, micro-botox and the note
        h.type(Harness.password); h.type([.enter])
        #expect(h.screen.contains("A reason is required for Microneedling (collagen induction)"))
        #expect(try h.store.currentDecisions(intakeID: intake.id).isEmpty)
    }

    @Test func theWrongPasswordRefusesTheSignature() throws {
        let h = try Harness()
        let intake = try h.submit()
        h.signIn(); h.type([.enter, .character("d"), .tab, .tab, .tab])
        h.type("not my password"); h.type([.enter])
        #expect(h.screen.contains("Signature refused: the password is wrong."))
        #expect(try h.store.currentDecisions(intakeID: intake.id).isEmpty)
        #expect(try h.store.reviewState(intakeID: intake.id) == .inReview)
    }

    @Test func signingRecordsTheDecisionAndTheQueueShowsSigned() throws {
        let h = try Harness()
        let intake = try h.submit(answers: Harness.deferredAnswers())
        h.signIn(); h.type([.enter, .character("d")])
        h.type([.up, .tab]); h.type("Botox was only on the forehead")
        h.type([.tab, .tab]); h.type("Patient informed")
        h.type([.tab]); h.type(Harness.password); h.type([.enter])
        #expect(h.screen.contains("Signed."))
        #expect(h.screen.contains("Signed decisions"))
        let decisions = try h.store.currentDecisions(intakeID: intake.id)
        #expect(decisions.map(\.decision) == [.proceed, .defer])
        #expect(decisions.first?.reason == "Botox was only on the forehead")
        #expect(decisions.first?.note == "Patient informed")
        h.type([.escape])
        #expect(h.screen.contains("signed"))
        // Deciding again amends: the original stays.
        h.type([.enter, .character("d"), .tab, .tab, .down, .tab, .tab]); h.type(Harness.password); h.type([.enter])
        #expect(try h.store.decisions(intakeID: intake.id).count == 3)
        #expect(try h.store.currentDecisions(intakeID: intake.id).first { $0.procedure == .microBotox }?.decision == .decline)
    }

    @Test func printingSendsTheSummaryAndAuditsIt() throws {
        let h = try Harness()
        let intake = try h.submit(name: "Layla Haddad")
        h.signIn(); h.type([.enter, .character("p")])
        #expect(h.screen.contains("Print: Sent to the default printer (job fake-1)."))
        #expect(try Data(contentsOf: URL(fileURLWithPath: h.records + "/stdin")).starts(with: Array("%PDF-".utf8)), "a PDF")
        let printed = h.printed
        #expect(printed.contains("Patient: Layla Haddad"))
        #expect(printed.contains(intake.code))
        #expect(printed.contains("Pre-treatment screening summary"))
        #expect(try h.store.auditEntries().contains { $0.action == .print && $0.intakeCode == intake.code })
    }

    @Test func aSignedSummaryPrintsTheDecision() throws {
        let h = try Harness()
        try h.submit()
        h.signIn(); h.type([.enter, .character("d"), .tab, .tab, .tab]); h.type(Harness.password); h.type([.enter])
        h.type([.character("p")])
        let printed = h.printed
        #expect(printed.contains { _ in true } && printed.split(separator: "\n").contains {
            $0.contains("Microneedling (collagen induction)") && $0.contains("PROCEED")
        })
        #expect(printed.contains("Signed by: drsara"))
    }

    @Test func idleSignOutClearsThePatientAndIsAudited() throws {
        let h = try Harness(idle: 300)
        try h.submit(name: "Layla Haddad")
        h.signIn(); h.type([.enter])
        #expect(h.screen.contains("Layla Haddad"))
        h.wait(299)
        #expect(h.screen.contains("Layla Haddad"))
        h.wait(2)
        #expect(!h.screen.contains("Layla Haddad"))
        #expect(h.screen.contains("Practitioner sign-in"))
        #expect(h.app.state.detail == nil && h.app.state.rows.isEmpty && h.app.state.nameField.text.isEmpty)
        let entry = try #require(try h.store.auditEntries().first { $0.action == .signOut })
        #expect(entry.detail == "idle" && entry.user == "drsara")
    }

    @Test func ctrlQSignsOutThenQuits() throws {
        let h = try Harness()
        h.signIn()
        h.type([.control("q")])
        #expect(h.app.state.screen == .signIn && !h.app.finished)
        #expect(try h.store.auditEntries().contains { $0.action == .signOut && $0.detail == "" })
        h.type([.control("q")])
        #expect(h.app.finished)
    }

    @Test func patientTextWithEscapesShowsClean() throws {
        let h = try Harness()
        try h.submit(name: "Evil\u{1B}[2J\u{1B}]0;owned\u{07}Name\u{202E}")
        h.signIn()
        #expect(h.screen.contains("EvilName"))
        #expect(!h.screen.contains("\u{1B}") && !h.screen.contains("owned"))
        h.type([.enter])
        #expect(h.screen.contains("EvilName"))
        #expect(!h.screen.contains("\u{1B}") && !h.screen.contains("\u{202E}"))
    }

    @Test func f2SwitchesToArabic() throws {
        let h = try Harness()
        h.type([.function(2)])
        #expect(h.screen.contains("تسجيل دخول الطبيب") || h.app.state.language == .ar)
        #expect(h.app.state.language == .ar)
    }
}
