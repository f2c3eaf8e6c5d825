import IntakeModel
@_exported import IntakeVocabulary

extension Procedure {
    public var name: LocalizedText {
        switch self {
        case .microneedling: LocalizedText(en: "Microneedling (collagen induction)", ar: "الوخز بالإبر الدقيقة")
        case .microBotox: LocalizedText(en: "Micro-Botox (intradermal botulinum toxin)", ar: "المايكروبوتوكس")
        }
    }
}

extension Verdict {
    public var name: LocalizedText {
        switch self {
        case .eligible: LocalizedText(en: "Eligible", ar: "مؤهل")
        case .review: LocalizedText(en: "Review", ar: "يحتاج مراجعة")
        case .defer: LocalizedText(en: "Defer", ar: "تأجيل")
        case .contraindicated: LocalizedText(en: "Contraindicated", ar: "مانع للاستعمال")
        }
    }
}

/// When a rule fires, in terms of answers; evaluated against the *enabled* answers only.
public indirect enum Condition: Sendable {
    /// A boolean question answered yes.
    case yes(String)
    /// A choice question whose answer is one of these codes.
    case oneOf(String, [String])
    /// A repeating choice question that includes any of these codes.
    case includesAny(String, [String])
    /// A date answer within `days` of the visit date: visit − date < days, partial dates at their latest day.
    case within(String, days: Int)
    /// Age at the visit, from a date of birth, below `years`.
    case ageBelow(String, years: Int)
    /// An enabled required question is unanswered.
    case incomplete
    case any([Condition])
    case all([Condition])
    case not(Condition)

    /// A choice question answered with exactly this code.
    public static func `is`(_ linkId: String, _ code: String) -> Condition { .oneOf(linkId, [code]) }
    /// A repeating choice question that includes this code.
    public static func includes(_ linkId: String, _ code: String) -> Condition { .includesAny(linkId, [code]) }
}

/// How a dated deferral's `until` is worked out from a date answer.
public enum Wait: Sendable {
    /// `days` after the date answered to `linkId` (a partial date at its latest day, never after the visit).
    case days(Int, after: String)
    /// The birthday on which the person born on the date answered to `linkId` turns `years`
    /// (29 February births: 1 March in a year without one).
    case birthday(Int, of: String)
}

/// One screening rule: when it fires, what it says and why.
public struct Rule: Sendable, Identifiable {
    public let id: String
    /// The procedures it screens; general rules screen both.
    public let procedures: [Procedure]
    public let when: Condition
    public let verdict: Verdict
    /// For a dated deferral, how its `until` is computed; nil for undated findings.
    public let wait: Wait?
    public let reason: LocalizedText
    public let source: String

    public init(_ id: String, _ procedures: [Procedure], when: Condition, _ verdict: Verdict,
                wait: Wait? = nil, reason: LocalizedText, source: String) {
        self.id = id; self.procedures = procedures; self.when = when; self.verdict = verdict
        self.wait = wait; self.reason = reason; self.source = source
    }
}
