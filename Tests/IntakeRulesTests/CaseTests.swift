import Foundation
import Testing
import IntakeModel
import IntakeRules

/// The example responses of `../shared/cases` give their expected verdicts.
struct CaseTests {
    struct Expected: Decodable {
        struct Procedure: Decodable { let procedure: String; let verdict: String; let until: String?; let rules: [String] }
        let asOf: String
        let procedures: [Procedure]
    }

    static func check(_ name: String, in folder: URL) throws {
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: folder.appendingPathComponent("\(name).expected.json")))
        let asOf = try #require(Day(iso: expected.asOf))
        let data = try Data(contentsOf: folder.appendingPathComponent("\(name).json"))
        let answers = try ResponseReader(questionnaire: Fixtures.questionnaire, asOf: asOf).read(data).answers
        let result = Fixtures.assess(answers, on: asOf)
        #expect(result.procedures.map(\.procedure.rawValue) == expected.procedures.map(\.procedure), "\(name): procedures")
        for (got, want) in zip(result.procedures, expected.procedures) {
            #expect(got.verdict.rawValue == want.verdict, "\(name) \(want.procedure): verdict")
            #expect(got.until?.description == want.until, "\(name) \(want.procedure): until")
            #expect(Set(got.findings.map(\.rule)) == Set(want.rules), "\(name) \(want.procedure): rules")
        }
    }

    @Test(arguments: Fixtures.caseNames(in: Fixtures.bundledCases))
    func bundledCase(_ name: String) throws {
        try Self.check(name, in: Fixtures.bundledCases)
    }

    @Test func bundledCasesAreThere() {
        #expect(Fixtures.caseNames(in: Fixtures.bundledCases).count >= 23)
    }

    /// Runs whatever `../shared/cases` holds now, so a new case there is picked up without a copy.
    @Test(.enabled(if: Fixtures.sharedCases != nil))
    func sharedCases() throws {
        let folder = try #require(Fixtures.sharedCases)
        let names = Fixtures.caseNames(in: folder)
        #expect(!names.isEmpty)
        for name in names { try Self.check(name, in: folder) }
    }
}
