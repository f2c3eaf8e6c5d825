import Testing
import IntakeModel

/// The one date check that the kiosk and the response reader share.
struct DateCheckTests {
    static let questionnaire = try! Questionnaire.bundled()
    static let visit = Day(iso: "2026-11-22")!

    @Test func aDateOfBirthIsRealCompleteNotFutureAndWithinTheAgeRange() throws {
        let dob = try #require(Self.questionnaire.item("patient-dob"))
        #expect(dob.checkDate("1985-07-30", asOf: Self.visit) == .success(PartialDate("1985-07-30")!))
        #expect(dob.checkDate("1985-02-30", asOf: Self.visit) == .failure(.invalid))
        #expect(dob.checkDate("1985-07", asOf: Self.visit) == .failure(.needsFullDate))
        #expect(dob.checkDate("2026-11-23", asOf: Self.visit) == .failure(.future))
        #expect(dob.checkDate("1905-11-22", asOf: Self.visit) == .failure(.age(121, allowed: 0...120)))
        #expect(dob.checkDate("1906-11-22", asOf: Self.visit) == .success(PartialDate("1906-11-22")!), "120 is allowed")
    }

    @Test func aPartialDateIsAllowedWhereTheQuestionSaysSo() throws {
        let item = try #require(Self.questionnaire.items.lazy.flatMap { Self.all($0) }.first { $0.allowsPartialDate })
        #expect(item.checkDate("2026-10", asOf: Self.visit) == .success(PartialDate("2026-10")!))
        #expect(item.checkDate("2026-12", asOf: Self.visit) == .failure(.future))
    }

    static func all(_ item: Questionnaire.Item) -> [Questionnaire.Item] { [item] + item.items.flatMap(all) }
}
