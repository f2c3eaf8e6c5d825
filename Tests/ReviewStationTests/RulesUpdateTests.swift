import Foundation
import Testing
import IntakeModel
import IntakeRules
import IntakeStorage
import IntakeSummary
import ReviewStation
import TerminalUI
import GRDB

/// An intake submitted under one rule set and reviewed after the rules changed: every screen and
/// printout shows the verdict stored at submit, labels today's difference, and a re-assessment is
/// a new audited row that never overwrites the first.
@Suite struct RulesUpdateTests {
    /// Rule set "2.0.0-B": today's table with MN-ACNE changed to defer whenever the patient has
    /// *no* active acne, so that a clear intake submitted under 2.0.0 would now be deferred.
    static let ruleSetB: RuleSet = {
        let rules = RuleTable.rules.map { rule -> Rule in
            guard rule.id == "MN-ACNE" else { return rule }
            return Rule(rule.id, rule.procedures, when: .not(.yes("acne-active")), rule.verdict,
                        wait: rule.wait, reason: rule.reason, source: rule.source)
        }
        return RuleSet(rules: rules, version: "2.0.0-B")
    }()

    @Test func everyViewShowsTheStoredVerdictWithTodaysDifferenceLabelled() throws {
        let h = try Harness(size: Size(rows: 40, columns: 132), rules: Self.ruleSetB)
        let intake = try h.submit()
        #expect(intake.verdicts == [.microneedling: .eligible, .microBotox: .eligible])
        h.signIn()

        // The queue: the stored verdicts.
        let row = try #require(try h.store.queue().first)
        #expect(row.verdicts[.microneedling] == .eligible)
        #expect(!h.screen.contains("Defer"), "the queue shows what was stored: \(h.screen)")

        // The detail screen: stored verdict, then the note naming today's verdict and rule.
        h.type([.enter])
        #expect(h.app.state.screen == .detail)
        #expect(h.screen.contains("Microneedling (collagen induction): ELIGIBLE"), "\(h.screen)")
        #expect(h.screen.contains("Rules updated since: today's rules (2.0.0-B) would say Microneedling (collagen induction): DEFER (MN-ACNE)"), "\(h.screen)")
        #expect(h.screen.contains("a re-assess"))

        // The summary and the printout: the stored verdict and the same note.
        let summary = try StoredSummary.make(intake, store: h.store, language: .en, questionnaire: Harness.questionnaire,
                                             rules: Self.ruleSetB.rules, rulesetVersion: Self.ruleSetB.version).render()
        #expect(summary.contains("Microneedling (collagen induction): ELIGIBLE"), "\(summary)")
        #expect(summary.contains("today's rules (2.0.0-B) would say Microneedling (collagen"), "\(summary)")
        h.type("p")
        #expect(h.printed.contains("ELIGIBLE") && h.printed.contains("2.0.0-B"), "\(h.printed.prefix(2000))")

        // Re-assessing: a new row and an audit entry; the first assessment is kept as it was.
        let before = try h.store.auditEntries(limit: 1000).count
        h.type("a")
        let again = try h.store.reassessments(intakeID: intake.id)
        #expect(again.count == 1)
        #expect(again.first?.rulesetVersion == "2.0.0-B")
        #expect(again.first?.verdicts[.microneedling] == .defer)
        #expect(try h.store.intake(id: intake.id)?.assessmentJSON == intake.assessmentJSON, "the assessment at submit is never overwritten")
        let entries = try h.store.auditEntries(limit: 1000)
        #expect(entries.count == before + 1)
        #expect(entries.first?.action == .reassessed)
        #expect(entries.first?.subject == "reassessment:\(again[0].id)")
        #expect(try h.store.queue().first?.verdicts[.microneedling] == .defer, "the queue now shows the standing re-assessment")
        #expect(h.screen.contains("Microneedling (collagen induction): DEFER"), "\(h.screen)")
        #expect(h.screen.contains("Re-assessed on"), "\(h.screen)")
        #expect(!h.screen.contains("Rules updated since"), "nothing differs any more: \(h.screen)")
        #expect(try h.store.verifyIntegrity().isIntact)
    }

    @Test func theSameRulesSayNothingAndOfferNoReassessment() throws {
        let h = try Harness(size: Size(rows: 40, columns: 132))
        try h.submit()
        h.signIn()
        h.type([.enter])
        #expect(!h.screen.contains("Rules updated since"))
        #expect(!h.screen.contains("re-assess"))
        h.type("a")
        #expect(try h.store.reassessments(intakeID: 1).isEmpty, "a does nothing when the rules agree")
    }

    @Test func aSignatureAfterReassessmentBindsTheNewAssessment() throws {
        let h = try Harness(size: Size(rows: 40, columns: 132), rules: Self.ruleSetB)
        let intake = try h.submit()
        h.signIn()
        h.type([.enter])
        h.type("a")
        let user = try h.store.signIn(name: "drsara", password: Harness.password)
        let signed = try h.store.sign(intakeID: intake.id, decisions: [
            .init(procedure: .microneedling, decision: .defer), .init(procedure: .microBotox, decision: .proceed),
        ], user: user, password: Harness.password)
        let reassessment = try #require(try h.store.reassessments(intakeID: intake.id).last)
        #expect(signed.allSatisfy { $0.reassessmentID == reassessment.id })
        #expect(signed.allSatisfy { $0.assessmentSHA256 == Integrity.sha256(reassessment.assessmentJSON) })
        #expect(signed.first?.ruleVerdict == .defer, "signed against the verdict that stands")
        #expect(try h.store.decisionsSignedOnOtherContent(intakeID: intake.id).isEmpty)
        #expect(try h.store.verifyIntegrity().isIntact)
    }
}

/// A signed intake whose answers were changed behind intake's back: the station says so beside the decision.
@Suite struct ChangedAfterSigningStationTests {
    @Test func theDetailScreenSaysAnswersChangedAfterSigning() throws {
        let h = try Harness(size: Size(rows: 60, columns: 132))
        let intake = try h.submit()
        let user = try h.store.signIn(name: "drsara", password: Harness.password)
        try h.store.sign(intakeID: intake.id, decisions: [
            .init(procedure: .microneedling, decision: .proceed), .init(procedure: .microBotox, decision: .proceed),
        ], user: user, password: Harness.password)
        h.signIn()
        h.type([.enter])
        #expect(!h.screen.contains("ANSWERS CHANGED AFTER SIGNING"), "\(h.screen)")
        h.type([.escape])

        let queue = try DatabaseQueue(path: h.store.path)
        try queue.write { db in
            try db.execute(sql: """
                UPDATE intake SET response_json = replace(response_json, '"valueBoolean":false}],"linkId":"acne-active"',
                                                          '"valueBoolean":true}],"linkId":"acne-active"')
                """)
        }
        h.type([.enter])
        #expect(h.screen.contains("ANSWERS CHANGED AFTER SIGNING"), "\(h.screen)")
        #expect(try h.store.decisionsSignedOnOtherContent(intakeID: intake.id).count == 2)
        #expect(!(try h.store.verifyIntegrity().isIntact))
        #expect(h.screen.contains("RECORD CHANGED OUTSIDE INTAKE"), "\(h.screen)")
        // Same rules, other verdicts: that is the changed answers, not "rules updated", and nothing offers to re-assess them.
        #expect(!h.screen.contains("Rules updated since"), "\(h.screen)")
        #expect(throws: ReviewError.recordChanged(code: intake.code)) {
            try h.store.sign(intakeID: intake.id, decisions: [.init(procedure: .microneedling, decision: .decline, reason: "x")],
                             user: user, password: Harness.password)
        }
        #expect(throws: ReviewError.recordChanged(code: intake.code)) {
            try h.store.reassess(intakeID: intake.id, assessmentJSON: "{}", verdicts: [:], questionnaireVersion: "2.0.0",
                                 rulesetVersion: "2.0.0", user: user)
        }
        #expect(try h.store.decisions(intakeID: intake.id).count == 2, "nothing was signed over the changed answers")
    }
}
