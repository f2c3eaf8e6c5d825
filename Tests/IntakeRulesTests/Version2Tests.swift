import Foundation
import Testing
import IntakeModel
import IntakeRules

/// What version 2 of the spec changed beyond single rules: dated deferral to a birthday,
/// GEN-INCOMPLETE's list, repeating enableWhen and version-1 responses.
struct Version2Tests {
    let base = Fixtures.clearCandidate

    func assess(dob: String, on visit: String) -> Assessment {
        Fixtures.assess(base.with(["patient-dob": [.date(PartialDate(dob)!)]]), on: Day(iso: visit)!)
    }

    @Test func microBotoxDefersUntilTheEighteenthBirthday() {
        let dayBefore = assess(dob: "2008-11-23", on: "2026-11-22")
        #expect(dayBefore[.microBotox]?.verdict == .defer)
        #expect(dayBefore[.microBotox]?.until == Day(iso: "2026-11-23"))
        #expect(dayBefore[.microBotox]?.findings.map(\.rule) == ["MB-MINOR", "GEN-MINOR"])
        // Microneedling keeps v1's guardian-consent review.
        #expect(dayBefore[.microneedling]?.verdict == .review)
        #expect(dayBefore[.microneedling]?.findings.map(\.rule) == ["GEN-MINOR"])

        let birthday = assess(dob: "2008-11-22", on: "2026-11-22")
        #expect(birthday.firedRules.isEmpty, "18 on the day itself")
    }

    @Test func aTwentyNinthOfFebruaryBirthTurnsEighteenOnTheFirstOfMarch() {
        let eve = assess(dob: "2008-02-29", on: "2026-02-28")
        #expect(eve[.microBotox]?.until == Day(iso: "2026-03-01"))
        #expect(eve.firedRules == ["GEN-MINOR", "MB-MINOR"])
        #expect(assess(dob: "2008-02-29", on: "2026-03-01").firedRules.isEmpty)
        // In a leap year the birthday itself exists.
        #expect(assess(dob: "2012-02-29", on: "2026-11-22")[.microBotox]?.until == Day(iso: "2030-02-28").map { $0.adding(days: 1) })
        #expect(Day(iso: "2012-02-29")!.birthday(turning: 16) == Day(iso: "2028-02-29"))
    }

    @Test func aBirthdayDeferralCombinesWithOtherDatedOnes() {
        // A toxin 10 days ago defers micro-Botox to day 80; the 18th birthday in 30 days is earlier, so 80 wins.
        let answers = base.with(["patient-dob": [.date(PartialDate("2008-12-22")!)], "botox-history": [.coding("yes")],
                                 "botox-date": [Fixtures.daysAgo(10)], "botox-reaction": [.coding("none")]])
        let a = Fixtures.assess(answers)
        #expect(a[.microBotox]?.until == Fixtures.visit.adding(days: 80))
        // With an undated deferral beside it, no date can be promised.
        #expect(Fixtures.assess(answers.with(["pregnant": [.coding("yes")]]))[.microBotox]?.until == nil)
    }

    @Test func resurfacingDefersThirtyDaysFromThePartialDatesLatestDay() {
        let day = base.with(["resurfacing": [.boolean(true)], "resurfacing-date": [Fixtures.daysAgo(12)]])
        #expect(Fixtures.assess(day)[.microneedling]?.until == Fixtures.visit.adding(days: 18))
        // 2026-10 → 2026-10-31, 22 days before the visit → until 2026-11-30.
        let month = base.with(["resurfacing": [.boolean(true)], "resurfacing-date": [.date(PartialDate("2026-10")!)]])
        #expect(Fixtures.assess(month)[.microneedling]?.until == Day(iso: "2026-11-30"))
        #expect(Fixtures.assess(month)[.microBotox]?.verdict == .eligible, "resurfacing is a microneedling rule")
        // Answered no: the date question is disabled and any date given is ignored.
        let no = base.with(["resurfacing": [.boolean(false)], "resurfacing-date": [Fixtures.daysAgo(3)]])
        #expect(Fixtures.assess(no).firedRules.isEmpty)
    }

    @Test func incompleteListsTheUnansweredQuestionsInOrder() throws {
        let a = Fixtures.assess(base.with(["treatment-area": [], "eczema": [], "resurfacing": [.boolean(true)]]))
        let finding = try #require(a[.microneedling]?.findings.first { $0.rule == "GEN-INCOMPLETE" })
        #expect(finding.missing == ["treatment-area", "eczema", "resurfacing-date"])
        let json = AssessmentJSON(a)
        #expect(json.procedures.allSatisfy { $0.findings.first { $0.rule == "GEN-INCOMPLETE" }?.missing == finding.missing })
        #expect(json.procedures.flatMap(\.findings).filter { $0.rule != "GEN-INCOMPLETE" }.allSatisfy { $0.missing == nil })
        #expect(!json.encoded().contains("\"missing\" : null"))
        #expect(Fixtures.assess(base).procedures.allSatisfy { $0.findings.isEmpty })
    }

    @Test func otherAllergyAsksForTheWordsEvenBesideOtherAllergies() {
        let q = Fixtures.questionnaire
        let several = base.with(["allergies": [.coding("nickel"), .coding("other")]])
        #expect(q.enablement(for: several).isEnabled("allergies-other"))
        #expect(Fixtures.assess(several).firedRules.contains("GEN-INCOMPLETE"), "the words are required once other is chosen")
        let answered = several.with(["allergies-other": [.string("latex gloves: hives")]])
        #expect(Fixtures.assess(answered).firedRules == ["GEN-OTHER-ALLERGY", "MN-NICKEL-ALLERGY"])
        let withoutOther = base.with(["allergies": [.coding("nickel")], "allergies-other": [.string("latex")]])
        #expect(!q.enablement(for: withoutOther).isEnabled("allergies-other"))
        #expect(!Fixtures.assess(withoutOther).firedRules.contains("GEN-INCOMPLETE"))
    }

    @Test func noneBesideOtherAllergiesIsIgnored() {
        let a = Fixtures.assess(base.with(["allergies": [.coding("none"), .coding("cows-milk-protein")]]))
        #expect(a.firedRules == ["MB-MILK-ALLERGY"])
    }

    @Test func anAllergicReactionToAnEarlierToxinContraindicatesMicroBotoxOnly() {
        let a = Fixtures.assess(base.with(["botox-history": [.coding("yes")], "botox-date": [Fixtures.daysAgo(400)],
                                           "botox-reaction": [.coding("allergic")]]))
        #expect(a[.microBotox]?.verdict == .contraindicated)
        #expect(a[.microBotox]?.findings.map(\.rule) == ["MB-TOXIN-ALLERGY"])
        #expect(a[.microneedling]?.verdict == .eligible)
        // The reaction question is asked only after a toxin: an answer without one is ignored.
        let never = Fixtures.assess(base.with(["botox-history": [.coding("never")], "botox-reaction": [.coding("allergic")]]))
        #expect(never.firedRules.isEmpty)
    }

    @Test func freeTextAndPhotoConsentDecideNothing() {
        let a = Fixtures.assess(base.with(["medicines": [.string("isotretinoin 20 mg, warfarin")], "photo-consent": [],
                                           "patient-phone": []]))
        #expect(a.firedRules.isEmpty)
    }

    @Test func aVersionOneResponseCountsTheNewQuestionsAsUnanswered() throws {
        let v1 = try Fixtures.answers(Fixtures.bundledCases.appendingPathComponent("23-v1-clear-candidate.json"))
        let a = Fixtures.assess(v1)
        let missing = try #require(a[.microneedling]?.findings.first?.missing)
        #expect(Set(missing) == ["treatment-area", "topical-retinoid", "resurfacing", "facial-surgery", "cardiovascular"])
        #expect(a.firedRules == ["GEN-INCOMPLETE"])
    }

    @Test func theRuleSetIsVersionTwo() {
        #expect(RuleTable.version == "2.0.0")
        #expect(Fixtures.questionnaire.version == "2.0.0")
        #expect(RuleTable.rules.count == 60)
    }
}
