import Testing
import IntakeModel
import IntakeRules

/// Each rule fires on the answers it names and stays quiet on a near miss.
struct RuleTests {
    struct Example: CustomTestStringConvertible, Sendable {
        let rule: String
        let fires: [String: [AnswerValue]]
        let quiet: [String: [AnswerValue]]
        var testDescription: String { rule }
    }

    static func yes(_ id: String) -> [String: [AnswerValue]] { [id: [.boolean(true)]] }
    static func code(_ id: String, _ codes: String...) -> [String: [AnswerValue]] { [id: codes.map { .coding($0) }] }
    static func merge(_ a: [String: [AnswerValue]], _ b: [String: [AnswerValue]]) -> [String: [AnswerValue]] { a.merging(b) { $1 } }
    static func ago(_ id: String, _ n: Int) -> [String: [AnswerValue]] { [id: [Fixtures.daysAgo(n)]] }
    static func dob(yearsAgo: Int, plusDays: Int = 0) -> [String: [AnswerValue]] {
        let c = Fixtures.visit.components
        return ["patient-dob": [.date(PartialDate(Day(year: c.year - yearsAgo, month: c.month, day: c.day)!.adding(days: plusDays)))]]
    }

    /// An earlier toxin `n` days ago with no reaction: v2 asks about the reaction whenever there was a toxin.
    static func toxin(_ n: Int, reaction: String = "none") -> [String: [AnswerValue]] {
        merge(merge(code("botox-history", "yes"), ago("botox-date", n)), code("botox-reaction", reaction))
    }
    static func resurfaced(_ n: Int) -> [String: [AnswerValue]] { merge(yes("resurfacing"), ago("resurfacing-date", n)) }

    static let examples: [Example] = [
        .init(rule: "GEN-INCOMPLETE", fires: ["eczema": []], quiet: ["goals": [], "patient-phone": []]),
        .init(rule: "GEN-MINOR", fires: dob(yearsAgo: 18, plusDays: 1), quiet: dob(yearsAgo: 18)),
        .init(rule: "GEN-PREGNANCY", fires: code("pregnant", "possibly"), quiet: code("pregnant", "not-applicable")),
        .init(rule: "GEN-BREASTFEEDING", fires: yes("breastfeeding"), quiet: [:]),
        .init(rule: "GEN-OTHER-ALLERGY", fires: merge(code("allergies", "nickel", "other"), ["allergies-other": [.string("latex")]]),
              quiet: merge(code("allergies", "nickel"), ["allergies-other": [.string("latex")]])),
        .init(rule: "MN-NICKEL-ALLERGY", fires: code("allergies", "nickel"), quiet: code("allergies", "metal")),
        .init(rule: "MN-RETINOID", fires: yes("topical-retinoid"), quiet: [:]),
        .init(rule: "MN-RESURFACING-30", fires: resurfaced(29), quiet: resurfaced(30)),
        .init(rule: "MN-RESURFACING-90", fires: resurfaced(89), quiet: resurfaced(90)),
        .init(rule: "MB-MINOR", fires: dob(yearsAgo: 18, plusDays: 1), quiet: dob(yearsAgo: 18)),
        .init(rule: "MB-IRRITATED", fires: yes("sunburn-recent"), quiet: [:]),
        .init(rule: "MB-TOXIN-REACTION", fires: toxin(200, reaction: "side-effect"), quiet: toxin(200, reaction: "allergic")),
        .init(rule: "MB-MILK-ALLERGY", fires: code("allergies", "cows-milk-protein"), quiet: code("allergies", "albumin")),
        .init(rule: "MB-SKIN-CANCER", fires: yes("skin-cancer"), quiet: [:]),
        .init(rule: "MB-ACNE", fires: yes("acne-active"), quiet: [:]),
        .init(rule: "MB-NECK", fires: code("treatment-area", "face", "neck"), quiet: code("treatment-area", "face", "scalp", "body")),
        .init(rule: "MB-SURGERY", fires: yes("facial-surgery"), quiet: [:]),
        .init(rule: "MB-CARDIO", fires: yes("cardiovascular"), quiet: [:]),
        .init(rule: "MN-ACNE", fires: yes("acne-active"), quiet: [:]),
        .init(rule: "MN-HERPES-ACTIVE", fires: yes("herpes-active"), quiet: yes("herpes-history")),
        .init(rule: "MN-HERPES-HISTORY", fires: yes("herpes-history"), quiet: [:]),
        .init(rule: "MN-INFECTION", fires: yes("skin-infection"), quiet: [:]),
        .init(rule: "MN-ECZEMA-ACTIVE", fires: code("eczema", "active"), quiet: code("eczema", "active-elsewhere")),
        .init(rule: "MN-ECZEMA-ELSEWHERE", fires: code("eczema", "active-elsewhere"), quiet: code("eczema", "active")),
        .init(rule: "MN-ECZEMA-HISTORY", fires: code("eczema", "history"), quiet: code("eczema", "active")),
        .init(rule: "MN-PSORIASIS-ACTIVE", fires: code("psoriasis", "active"), quiet: code("psoriasis", "active-elsewhere")),
        .init(rule: "MN-PSORIASIS-ELSEWHERE", fires: code("psoriasis", "active-elsewhere"), quiet: code("psoriasis", "history")),
        .init(rule: "MN-PSORIASIS-HISTORY", fires: code("psoriasis", "history"), quiet: code("psoriasis", "none")),
        .init(rule: "MN-KELOID", fires: yes("keloid-tendency"), quiet: [:]),
        .init(rule: "MN-CHEMO-CURRENT", fires: code("chemotherapy", "current"), quiet: merge(code("chemotherapy", "past"), ago("chemotherapy-end-date", 10))),
        .init(rule: "MN-CHEMO-RECENT", fires: merge(code("chemotherapy", "past"), ago("chemotherapy-end-date", 179)),
              quiet: merge(code("chemotherapy", "past"), ago("chemotherapy-end-date", 180))),
        .init(rule: "MN-IMMUNO", fires: yes("immunosuppressed"), quiet: [:]),
        .init(rule: "MN-TOXIN-14", fires: toxin(13), quiet: toxin(14)),
        .init(rule: "MN-TOXIN-90", fires: toxin(14), quiet: toxin(13)),
        .init(rule: "MN-FILLER-14", fires: merge(code("filler-history", "yes"), ago("filler-date", 13)), quiet: merge(code("filler-history", "yes"), ago("filler-date", 14))),
        .init(rule: "MN-ISO-CURRENT", fires: code("isotretinoin", "current"), quiet: merge(code("isotretinoin", "past"), ago("isotretinoin-end-date", 400))),
        .init(rule: "MN-ISO-RECENT", fires: merge(code("isotretinoin", "past"), ago("isotretinoin-end-date", 179)),
              quiet: merge(code("isotretinoin", "past"), ago("isotretinoin-end-date", 180))),
        .init(rule: "MN-BLEEDING", fires: yes("bleeding-disorder"), quiet: yes("anticoagulants")),
        .init(rule: "MN-ANTICOAG", fires: yes("anticoagulants"), quiet: yes("bleeding-disorder")),
        .init(rule: "MN-DIABETES", fires: code("diabetes", "uncontrolled"), quiet: code("diabetes", "controlled")),
        .init(rule: "MN-SUNBURN", fires: yes("sunburn-recent"), quiet: [:]),
        .init(rule: "MN-SKIN-CANCER", fires: yes("skin-cancer"), quiet: [:]),
        .init(rule: "MN-METAL-ALLERGY", fires: code("allergies", "metal"), quiet: code("allergies", "nickel")),
        .init(rule: "MN-ANAESTHETIC-ALLERGY", fires: code("allergies", "local-anaesthetic", "none"), quiet: code("allergies", "metal")),
        .init(rule: "MN-PIH", fires: code("skin-type", "IV"), quiet: code("skin-type", "III")),
        .init(rule: "MN-SKIN-TYPE-UNKNOWN", fires: code("skin-type", "unsure"), quiet: code("skin-type", "VI")),
        .init(rule: "MN-ROSACEA-ACTIVE", fires: code("rosacea", "active"), quiet: code("rosacea", "history")),
        .init(rule: "MN-VITILIGO", fires: yes("vitiligo"), quiet: [:]),
        .init(rule: "MN-GOLD-THREADS", fires: yes("gold-threads"), quiet: [:]),
        .init(rule: "MB-TOXIN-ALLERGY", fires: code("allergies", "albumin"), quiet: code("allergies", "cows-milk-protein")),
        .init(rule: "MB-TOXIN-ALLERGY", fires: toxin(200, reaction: "allergic"), quiet: toxin(200, reaction: "side-effect")),
        .init(rule: "MB-NEUROMUSCULAR", fires: yes("neuromuscular"), quiet: [:]),
        .init(rule: "MB-INFECTION", fires: yes("herpes-active"), quiet: yes("herpes-history")),
        .init(rule: "MB-TOXIN-90", fires: toxin(89), quiet: toxin(90)),
        .init(rule: "MB-AMINOGLYCOSIDE", fires: yes("aminoglycosides"), quiet: [:]),
        .init(rule: "MB-SWALLOW-BREATH", fires: yes("swallowing-breathing"), quiet: [:]),
        .init(rule: "MB-BLEEDING", fires: yes("anticoagulants"), quiet: yes("immunosuppressed")),
        .init(rule: "MB-DEEP-LINES", fires: code("goals", "deep-lines", "texture"), quiet: code("goals", "fine-lines")),
        .init(rule: "MB-ROSACEA", fires: code("rosacea", "history"), quiet: code("rosacea", "none")),
        .init(rule: "MB-SKIN-DISEASE", fires: code("psoriasis", "active"), quiet: merge(code("psoriasis", "active-elsewhere"), code("eczema", "active-elsewhere"))),
        .init(rule: "MB-CHEMO-CURRENT", fires: code("chemotherapy", "current"), quiet: merge(code("chemotherapy", "past"), ago("chemotherapy-end-date", 10))),
    ]

    static func fired(_ changes: [String: [AnswerValue]]) -> Set<String> {
        Fixtures.assess(Fixtures.clearCandidate.with(changes)).firedRules
    }

    @Test(arguments: examples)
    func fires(_ example: Example) {
        #expect(Self.fired(example.fires).contains(example.rule))
    }

    @Test(arguments: examples)
    func staysQuiet(_ example: Example) {
        #expect(!Self.fired(example.quiet).contains(example.rule))
    }

    @Test func everyRuleHasAnExample() {
        #expect(Set(RuleTable.rules.map(\.id)) == Set(Self.examples.map(\.rule)))
        #expect(RuleTable.rules.count == Set(RuleTable.rules.map(\.id)).count, "rule ids are unique")
    }

    @Test func everyReasonHasBothLanguages() {
        for rule in RuleTable.rules {
            #expect(rule.reason.missingLanguages.isEmpty, "\(rule.id)")
            #expect(!rule.source.isEmpty, "\(rule.id)")
        }
    }

    @Test func aClearCandidateHasNoFindings() {
        #expect(Fixtures.assess(Fixtures.clearCandidate).firedRules.isEmpty)
    }
}

/// Day counting, partial dates, enableWhen and how findings combine into verdicts.
struct VerdictTests {
    let base = Fixtures.clearCandidate

    @Test func untilIsTheDateThatTheWaitEnds() {
        let a = Fixtures.assess(base.with(["botox-history": [.coding("yes")], "botox-reaction": [.coding("none")], "botox-date": [Fixtures.daysAgo(10)]]))
        #expect(a[.microneedling]?.until == Fixtures.visit.adding(days: 4))
        #expect(a[.microBotox]?.until == Fixtures.visit.adding(days: 80))
    }

    @Test func partialMonthCountsFromItsLastDay() {
        // 2026-10 → 2026-10-31: 22 days before the visit.
        let a = Fixtures.assess(base.with(["botox-history": [.coding("yes")], "botox-reaction": [.coding("none")], "botox-date": [.date(PartialDate("2026-10")!)]]))
        #expect(a[.microneedling]?.findings.map(\.rule) == ["MN-TOXIN-90"])
        #expect(a[.microBotox]?.until == Day(iso: "2027-01-29"))
    }

    @Test func partialDateInTheVisitMonthIsClampedToTheVisit() {
        // 2026-11 → 2026-11-30, clamped to 2026-11-22: within 14 days, until visit + 14.
        let a = Fixtures.assess(base.with(["botox-history": [.coding("yes")], "botox-reaction": [.coding("none")], "botox-date": [.date(PartialDate("2026-11")!)]]))
        #expect(a[.microneedling]?.until == Fixtures.visit.adding(days: 14))
        let yearOnly = Fixtures.assess(base.with(["botox-history": [.coding("yes")], "botox-reaction": [.coding("none")], "botox-date": [.date(PartialDate("2026")!)]]))
        #expect(yearOnly[.microBotox]?.until == Fixtures.visit.adding(days: 90))
        let lastYear = Fixtures.assess(base.with(["botox-history": [.coding("yes")], "botox-reaction": [.coding("none")], "botox-date": [.date(PartialDate("2025")!)]]))
        #expect(lastYear.firedRules.isEmpty, "2025 → 2025-12-31, 326 days ago")
    }

    @Test func answersToDisabledQuestionsAreIgnored() {
        let a = Fixtures.assess(base.with(["botox-history": [.coding("never")], "botox-date": [Fixtures.daysAgo(3)]]))
        #expect(a.firedRules.isEmpty)
    }

    @Test func anEnabledDateQuestionLeftEmptyIsIncomplete() {
        let a = Fixtures.assess(base.with(["chemotherapy": [.coding("past")]]))
        #expect(a.firedRules == ["GEN-INCOMPLETE"])
        #expect(a.procedures.allSatisfy { $0.findings.first?.linkIds == ["chemotherapy-end-date"] })
    }

    @Test func attestCountsOnlyWhenTrue() {
        #expect(Fixtures.assess(base.with(["attest": [.boolean(false)]])).firedRules == ["GEN-INCOMPLETE"])
    }

    @Test func anUndatedDeferralLeavesUntilAbsent() {
        let a = Fixtures.assess(base.with(["acne-active": [.boolean(true)], "botox-history": [.coding("yes")], "botox-date": [Fixtures.daysAgo(2)]]))
        #expect(a[.microneedling]?.verdict == .defer)
        #expect(a[.microneedling]?.until == nil)
        #expect(a[.microBotox]?.until == Fixtures.visit.adding(days: 88))
    }

    @Test func theLatestOfSeveralDatedDeferralsWins() {
        let a = Fixtures.assess(base.with(["botox-history": [.coding("yes")], "botox-reaction": [.coding("none")], "botox-date": [Fixtures.daysAgo(2)],
                                           "filler-history": [.coding("yes")], "filler-date": [Fixtures.daysAgo(5)]]))
        #expect(Set(a[.microneedling]!.findings.map(\.rule)) == ["MN-TOXIN-14", "MN-FILLER-14"])
        #expect(a[.microneedling]?.until == Fixtures.visit.adding(days: 12))
    }

    @Test func theMostSevereFindingDecidesAndComesFirst() {
        let a = Fixtures.assess(base.with(["anticoagulants": [.boolean(true)], "acne-active": [.boolean(true)], "keloid-tendency": [.boolean(true)]]))
        #expect(a[.microneedling]?.verdict == .contraindicated)
        #expect(a[.microneedling]?.findings.map(\.verdict) == [.contraindicated, .defer, .review])
    }

    @Test func proceduresFollowTheChoiceAndBothWhenUnsure() {
        #expect(Fixtures.assess(base.with(["procedures": [.coding("micro-botox")]])).procedures.map(\.procedure) == [.microBotox])
        #expect(Fixtures.assess(base.with(["procedures": [.coding("micro-botox"), .coding("unsure")]])).procedures.map(\.procedure) == [.microneedling, .microBotox])
        #expect(Fixtures.assess(base.with(["procedures": []])).procedures.map(\.procedure) == [.microneedling, .microBotox])
    }

    @Test func sameAnswersAndDateGiveTheSameResult() {
        let answers = base.with(["herpes-active": [.boolean(true)], "skin-type": [.coding("V")]])
        #expect(Fixtures.assess(answers) == Fixtures.assess(answers))
    }

    @Test func ageIsCompletedYearsOnTheVisitDate() {
        let born = Day(iso: "2008-11-22")!
        #expect(born.age(on: Fixtures.visit) == 18)
        #expect(born.age(on: Fixtures.visit.adding(days: -1)) == 17)
        #expect(Day(iso: "2008-02-29")!.age(on: Day(iso: "2026-02-28")!) == 17)
    }
}
