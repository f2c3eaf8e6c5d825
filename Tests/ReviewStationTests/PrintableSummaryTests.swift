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
        #expect(StoredSummary.printable(summary) == summary.renderForPrinter())
        #expect(StoredSummary.displayable(summary) == summary.render())
    }

    /// Pages go to a printer with a form feed between them, and to a terminal without one;
    /// in Arabic each page is reordered on its own, so the form feed never lands inside a line.
    @Test(arguments: Language.allCases)
    func pagesAreSeparatedByFormFeedsOnlyForThePrinter(_ language: Language) throws {
        let summary = try Self.summary(language)
        let pages = summary.pages()
        #expect(pages.count >= 2)
        let printable = StoredSummary.printable(summary)
        let screen = StoredSummary.displayable(summary)
        #expect(printable.filter { $0 == "\u{0C}" }.count == pages.count - 1)
        #expect(!screen.contains("\u{0C}"))
        #expect(printable.replacingOccurrences(of: "\u{0C}", with: "") == screen)
        for (index, page) in printable.components(separatedBy: "\u{0C}").enumerated() {
            #expect(page.hasSuffix("\n"))
            #expect(page.split(separator: "\n").count <= Summary.linesPerPage)
            #expect(page.contains(language == .ar ? "\(index + 1)" : "page \(index + 1) of \(pages.count)"))
            #expect(page.contains("K7M-4QX") && page.contains("1990-04-12"))
        }
    }
}
