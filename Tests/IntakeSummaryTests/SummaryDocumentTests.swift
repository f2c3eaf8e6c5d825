import Foundation
import Testing
import IntakeModel
import IntakeRules
import IntakeSummary

/// The summary's structured content (what the PDF is set from) says what the text says, in the same order.
struct SummaryDocumentTests {
    /// Every answer and every finding of the text appears in the document in the same order.
    @Test(arguments: SummaryTests.publicCases, Language.allCases)
    func theDocumentFollowsTheTextsOrder(_ name: String, _ language: Language) throws {
        let summary = SummaryTests.make(SummaryTests.answers(name), language)
        let text = SummaryTests.flat(summary.render())
        let document = SummaryDocument(summary)
        var cursor = text.startIndex
        func next(_ part: String, _ what: String) {
            let flat = SummaryTests.flat(part)
            guard let found = text.range(of: flat, range: cursor..<text.endIndex) else {
                Issue.record("\(name) \(language): \(what) \"\(flat)\" is not in the text after the previous part")
                return
            }
            cursor = found.upperBound
        }
        next(document.identity.patientName, "patient")
        next(document.identity.visitDate, "visit date")
        for verdict in document.verdicts {
            next(verdict.procedureName, "procedure")
            for finding in verdict.findings { next(finding.rule, "rule"); next(finding.reason, "reason") }
        }
        for group in document.answerGroups {
            if let title = group.title { next(title, "group") }
            for row in group.rows { next(row.question, "question") }
        }
        next(document.decision.heading, "decision")
        next(document.versions, "versions")
        next(document.disclaimer, "disclaimer")
    }

    @Test func anIncompleteIntakeNamesTheUnansweredQuestionsOnce() {
        let document = SummaryDocument(SummaryTests.make(SummaryTests.answers("10-incomplete"), .en))
        #expect(!document.incomplete.isEmpty)
        #expect(Set(document.incomplete).count == document.incomplete.count)
        #expect(document.verdicts.contains { $0.isIncomplete })
        #expect(DocumentText.incompleteBanner(.en, "x") == "INCOMPLETE — not answered: x")
    }

    @Test func theLegendListsTheSourcesCitedAndOnlyThose() {
        let entries = SourceLegend.entries(citedBy: ["[S1], [L] PRAC (convention)", "[L] BTX"], language: .en)
        #expect(entries.map(\.tag) == ["[S1]", "[L]", "BTX", "PRAC", "(convention)"])
        #expect(SourceLegend.entries(citedBy: ["[L] BTXC"], language: .ar).map(\.tag) == ["[L]", "BTXC"], "BTX is not BTXC")
        // Every tag the rule table cites has a line in both languages.
        for rule in RuleTable.rules {
            let entries = SourceLegend.entries(citedBy: [rule.source], language: .ar)
            #expect(!entries.isEmpty, "\(rule.id): \(rule.source)")
            #expect(entries.allSatisfy { !$0.text.isEmpty })
        }
    }

    @Test func theSignerIsTheFullNameWithCredentialElseTheLogin() {
        func signed(_ fullName: String?, _ credential: String?, _ hash: String? = nil) -> Summary.SignedDecision {
            Summary.SignedDecision(decisions: [:], note: nil, practitioner: "drsara", signedAt: "2026-11-22 14:05 UTC",
                                   amended: false, fullName: fullName, credential: credential, contentHash: hash)
        }
        #expect(signed("Sara Haddad", "MD, dermatologist").signer == "Sara Haddad, MD, dermatologist")
        #expect(signed("Sara Haddad", nil).signer == "Sara Haddad")
        #expect(signed(nil, "MD").signer == "drsara, MD")
        #expect(signed("", nil).signer == "drsara")
        #expect(signed(nil, nil, "3F9A0C1277BE54D1").shortHash == "3f9a 0c12 77be")
        #expect(signed(nil, nil, "ab").shortHash == "ab")
    }
}
