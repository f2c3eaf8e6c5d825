import Bidi
import Foundation
import Testing
import IntakeModel
import IntakeRules
import IntakeSummary
import ReviewStation

/// The summary as a printer receives it: CUPS's text filter neither reorders nor joins Arabic.
struct PrintableSummaryTests {
    static func summary(_ language: Language) throws -> Summary {
        let questionnaire = try Questionnaire.bundled()
        var answers = Answers()
        answers["patient-name"] = [.string("ليلى حداد")]
        answers["patient-dob"] = [.date(PartialDate("1990-04-12")!)]
        answers["acne-active"] = [.boolean(true)]
        let day = Day(iso: "2026-11-22")!
        let assessment = Assessor(questionnaire: questionnaire).assess(answers, asOf: day)
        return Summary(questionnaire: questionnaire, answers: answers, assessment: assessment, intakeID: "K7M-4QX", language: language)
    }

    @Test func arabicLinesGoOutShapedInVisualOrderAndAlignedRight() throws {
        let summary = try Self.summary(.ar)
        let page = StoredSummary.printable(summary)
        let lines = page.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == summary.render().split(separator: "\n", omittingEmptySubsequences: false).count)
        for line in lines { #expect(TextWidth.columns(line) <= 80, "\(line)") }
        #expect(page.contains(Bidi.terminalLine("المريض: ليلى حداد", base: .rightToLeft)))
        #expect(!page.contains("المريض"), "no line in logical order")
        let patient = try #require(lines.first { $0.contains(Bidi.terminalLine("ليلى حداد", base: .rightToLeft)) })
        #expect(TextWidth.columns(patient) == 80, "aligned to the right edge")
        #expect(patient.hasPrefix(" "))
        #expect(page.contains("1990-04-12"), "dates keep their own order")
    }

    @Test func englishIsPrintedAsItIs() throws {
        let summary = try Self.summary(.en)
        #expect(StoredSummary.printable(summary) == summary.render())
    }
}
