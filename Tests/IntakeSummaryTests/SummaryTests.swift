import Foundation
import Testing
import IntakeModel
import IntakeRules
import IntakeSummary

struct SummaryTests {
    static let questionnaire = try! Questionnaire.bundled()
    static let visit = Day(iso: "2026-11-22")!

    static func answers(_ name: String) -> Answers {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("IntakeRulesTests/Cases/\(name).json")
        return try! ResponseReader(questionnaire: questionnaire, asOf: visit).read(Data(contentsOf: url)).answers
    }

    static func summary(_ answers: Answers, _ language: Language, id: String? = "K7M-4QX") -> String {
        let assessment = Assessor(questionnaire: questionnaire).assess(answers, asOf: visit)
        return Summary(questionnaire: questionnaire, answers: answers, assessment: assessment, intakeID: id, language: language).render()
    }

    static func snapshot(_ name: String) -> String {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("__Snapshots__/\(name).txt")
        return (try? String(contentsOf: url, encoding: .utf8)) ?? "(missing snapshot \(url.path))"
    }

    @Test func englishSnapshot() {
        #expect(Self.summary(Self.answers("04-botox-ten-days-ago"), .en) == Self.snapshot("04-botox-ten-days-ago.en"))
    }

    @Test func arabicSnapshot() {
        #expect(Self.summary(Self.answers("11-eczema-and-herpes"), .ar) == Self.snapshot("11-eczema-and-herpes.ar"))
    }

    @Test(arguments: Language.allCases)
    func everyLineFitsEightyColumns(_ language: Language) {
        let long = Self.answers("11-eczema-and-herpes").with(["patient-name": [.string(String(repeating: "Abdulrahman ", count: 10))]])
        for line in Self.summary(long, language).split(separator: "\n") {
            #expect(TextWidth.columns(line) <= 80, "\(line)")
        }
    }

    @Test func verdictsComeBeforeAnswersAndTheDisclaimerIsThere() throws {
        let text = Self.summary(Self.answers("04-botox-ten-days-ago"), .en)
        let verdict = try #require(text.range(of: "DEFER until 2026-11-26"))
        let answers = try #require(text.range(of: "ANSWERS"))
        #expect(verdict.lowerBound < answers.lowerBound)
        #expect(text.contains("Decision support only: the treating practitioner decides."))
        #expect(text.contains("Questionnaire 1.0.0 · Rule set \(RuleTable.version)"))
        #expect(text.contains("* When was your last injection? -> 2026-11-12"))
        #expect(text.contains("  Do you have active acne now? -> No"))
    }

    @Test func aSignedDecisionIsPrintedInsteadOfBlankLines() {
        let answers = Self.answers("04-botox-ten-days-ago")
        let assessment = Assessor(questionnaire: Self.questionnaire).assess(answers, asOf: Self.visit)
        let signed = Summary.SignedDecision(
            decisions: [.microneedling: (.defer, nil), .microBotox: (.proceed, "Last dose was to the forehead only\u{1B}[2J")],
            note: "Review in two weeks.", practitioner: "Dr Salma Nasser", signedAt: "2026-11-22 14:05 UTC", amended: true)
        let text = Summary(questionnaire: Self.questionnaire, answers: answers, assessment: assessment,
                           intakeID: "K7M-4QX", signed: signed).render()
        #expect(text.contains("Microneedling (collagen induction): DEFER"))
        #expect(text.contains("Micro-Botox (intradermal botulinum toxin): PROCEED (Last dose was to the\n   forehead only)"))
        #expect(text.contains("Note: Review in two weeks."))
        #expect(text.contains("Name: Dr Salma Nasser  Signed electronically.  Date: 2026-11-22 14:05 UTC"))
        #expect(text.contains("amends an earlier signed one"))
        #expect(!text.contains("[ ] proceed"))
        #expect(!text.contains("\u{1B}"))
    }

    @Test func patientTextWithEscapesComesOutClean() {
        let hostile = Self.answers("01-clear-candidate").with([
            "patient-name": [.string("Layla\u{1B}[2J\u{1B}]0;owned\u{07}\u{9B}31m Haddad\r\n\u{08}")],
            "patient-phone": [.string("+962\u{1B}[1A 79")],
        ])
        let text = Self.summary(hostile, .en, id: "ID\u{1B}[5m")
        #expect(!text.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) })
        #expect(text.contains("Patient: Layla Haddad"))
        #expect(text.contains("Intake: ID"))
    }
}

extension Answers {
    func with(_ changes: [String: [AnswerValue]]) -> Answers {
        var copy = self
        for (k, v) in changes { copy[k] = v }
        return copy
    }
}
