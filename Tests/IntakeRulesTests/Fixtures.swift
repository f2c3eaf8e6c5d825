import Foundation
import IntakeModel
import IntakeRules

/// Shared test data: the bundled questionnaire, the visit date of the cases, and case files.
enum Fixtures {
    static let questionnaire: Questionnaire = try! Questionnaire.bundled()
    static let visit = Day(year: 2026, month: 11, day: 22)!

    /// The project's copy of the example cases.
    static var bundledCases: URL { Bundle.module.url(forResource: "Cases", withExtension: nil)! }

    /// `../shared/cases` beside the checkout, when it is there (CI always has it).
    static var sharedCases: URL? {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let shared = root.deletingLastPathComponent().appendingPathComponent("shared/cases")
        return FileManager.default.fileExists(atPath: shared.path) ? shared : nil
    }

    /// Case names (`NN-name`) in a folder, sorted.
    static func caseNames(in folder: URL) -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return files.filter { $0.hasSuffix(".json") && !$0.hasSuffix(".expected.json") }
            .map { String($0.dropLast(5)) }.sorted()
    }

    static func answers(_ file: URL) throws -> Answers {
        try ResponseReader(questionnaire: questionnaire, asOf: visit).read(Data(contentsOf: file), file: file.lastPathComponent).answers
    }

    /// Case 01: every question answered, nothing to find.
    static var clearCandidate: Answers {
        try! answers(bundledCases.appendingPathComponent("01-clear-candidate.json"))
    }

    static func assess(_ answers: Answers, on day: Day = visit) -> Assessment {
        Assessor(questionnaire: questionnaire).assess(answers, asOf: day)
    }

    static func daysAgo(_ n: Int) -> AnswerValue { .date(PartialDate(visit.adding(days: -n))) }
}

extension Answers {
    /// These answers with some replaced; an empty array removes the answer.
    func with(_ changes: [String: [AnswerValue]]) -> Answers {
        var copy = self
        for (linkId, values) in changes { copy[linkId] = values }
        return copy
    }
}
