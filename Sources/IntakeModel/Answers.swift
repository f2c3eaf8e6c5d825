import Foundation

/// One answer value, typed as the question asks.
public enum AnswerValue: Hashable, Sendable {
    case boolean(Bool)
    case coding(String)
    case string(String)
    case date(PartialDate)
    case integer(Int)
    /// A FHIR `decimal`, kept as the digits given (`72.50` stays `72.50`): a Double would change them.
    case decimal(String)

    /// The FHIR `value[x]` key this value is written under.
    public var fhirKey: String {
        switch self {
        case .boolean: "valueBoolean"
        case .coding: "valueCoding"
        case .string: "valueString"
        case .date: "valueDate"
        case .integer: "valueInteger"
        case .decimal: "valueDecimal"
        }
    }

    /// The FHIR JSON object for this answer (`{"valueBoolean": true}`).
    public var fhirObject: [String: Any] {
        switch self {
        case .boolean(let b): [fhirKey: b]
        case .coding(let code): [fhirKey: ["code": code]]
        case .string(let s): [fhirKey: s]
        case .date(let d): [fhirKey: d.description]
        case .integer(let n): [fhirKey: n]
        case .decimal(let digits): [fhirKey: Double(digits) ?? 0]
        }
    }
}

extension AnswerValue {
    /// A decimal as the shortest digits that read back as the same number (`72.5`, `3`).
    public static func decimalDigits(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    /// Typed digits as a decimal answer: an optional minus, digits, an optional fraction; nil otherwise.
    public static func decimal(typed text: String) -> AnswerValue? {
        let digits = western(text)
        guard digits.wholeMatch(of: /-?[0-9]+(\.[0-9]+)?/) != nil, let value = Double(digits), value.isFinite else { return nil }
        return .decimal(decimalDigits(value))
    }

    /// Typed digits as an integer answer (Western or Arabic-Indic digits, an optional minus); nil otherwise.
    public static func integer(typed text: String) -> AnswerValue? {
        let digits = western(text)
        guard digits.wholeMatch(of: /-?[0-9]+/) != nil, let value = Int(digits) else { return nil }
        return .integer(value)
    }

    /// Arabic-Indic digits as 0–9 and the Arabic decimal separator as ".", everything else as typed.
    public static func western(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { scalar -> Unicode.Scalar in
            switch scalar.value {
            case 0x660...0x669: Unicode.Scalar(scalar.value - 0x660 + 0x30)!
            case 0x6F0...0x6F9: Unicode.Scalar(scalar.value - 0x6F0 + 0x30)!
            case 0x66B: "."
            default: scalar
            }
        }))
    }
}

/// A patient's answers, by `linkId`.
///
/// Kept flat: groups carry no answers, and the rules and kiosk look answers up
/// by linkId. The questionnaire supplies the structure when a response is written.
public struct Answers: Hashable, Sendable {
    public private(set) var values: [String: [AnswerValue]]

    public init(_ values: [String: [AnswerValue]] = [:]) {
        self.values = values.filter { !$0.value.isEmpty }
    }

    public subscript(linkId: String) -> [AnswerValue] {
        get { values[linkId] ?? [] }
        set { values[linkId] = newValue.isEmpty ? nil : newValue }
    }

    public func isAnswered(_ linkId: String) -> Bool { values[linkId] != nil }

    /// The boolean answer, if any.
    public func bool(_ linkId: String) -> Bool? {
        if case .boolean(let b)? = values[linkId]?.first { return b }
        return nil
    }

    /// The chosen option codes.
    public func codes(_ linkId: String) -> [String] {
        self[linkId].compactMap { if case .coding(let c) = $0 { c } else { nil } }
    }

    public func string(_ linkId: String) -> String? {
        if case .string(let s)? = values[linkId]?.first { return s }
        return nil
    }

    public func date(_ linkId: String) -> PartialDate? {
        if case .date(let d)? = values[linkId]?.first { return d }
        return nil
    }
}

/// Which items are enabled for a set of answers: a question's enableWhen decides whether it is asked.
public struct Enablement: Sendable {
    /// Indexed by document position.
    let flags: [Bool]
    let questionnaire: Questionnaire

    public func isEnabled(_ linkId: String) -> Bool {
        guard let position = questionnaire.position(of: linkId) else { return false }
        return flags[position]
    }

    /// The enabled linkIds.
    public var linkIds: Set<String> {
        Set(zip(questionnaire.plan, flags).compactMap { $1 ? $0.linkId : nil })
    }
}

extension Questionnaire {
    /// Works out which items are enabled for these answers.
    ///
    /// An item is enabled when its parent is and its enableWhen holds against the
    /// *enabled* answers of earlier questions, so a chain of conditions collapses
    /// when its first link does.
    public func enablement(for answers: Answers) -> Enablement {
        var flags = [Bool](repeating: false, count: plan.count)
        for (position, step) in plan.enumerated() {
            if let parent = step.parent, !flags[parent] { continue }
            flags[position] = step.enableWhen.isEmpty || conditionsHold(step, answers: answers, flags: flags)
        }
        return Enablement(flags: flags, questionnaire: self)
    }

    /// The linkIds of the items that are enabled for these answers.
    public func enabledLinkIds(for answers: Answers) -> Set<String> {
        enablement(for: answers).linkIds
    }

    /// The answers with those to disabled questions removed: what the rules see.
    public func effectiveAnswers(_ answers: Answers) -> Answers {
        let enabled = enablement(for: answers)
        return Answers(answers.values.filter { enabled.isEnabled($0.key) })
    }

    private func conditionsHold(_ step: Step, answers: Answers, flags: [Bool]) -> Bool {
        let results = step.enableWhen.lazy.map { condition -> Bool in
            let asked = self.position(of: condition.question).map { flags[$0] } ?? false
            let given = asked ? answers[condition.question] : []
            switch condition.op {
            case .exists:
                if case .boolean(let wanted) = condition.answer { return given.isEmpty != wanted }
                return !given.isEmpty
            case .equal: return given.contains(condition.answer)
            case .notEqual: return !given.isEmpty && !given.contains(condition.answer)
            }
        }
        return step.enableBehaviorAny ? results.contains(true) : !results.contains(false)
    }

    /// Enabled required questions with no answer.
    ///
    /// A `false` is an answer, except to a question marked must-be-true (the
    /// attestation), which counts as answered only when it is `true`.
    public func unansweredRequired(_ answers: Answers) -> [Item] {
        unansweredRequired(answers, enablement: enablement(for: answers)).map { questions[$0] }
    }

    /// Positions in ``questions`` of the unanswered required questions, for callers that already know the enablement.
    public func unansweredRequired(_ answers: Answers, enablement: Enablement) -> [Int] {
        var missing: [Int] = []
        var questionIndex = 0
        for (position, step) in plan.enumerated() where step.takesAnswers {
            defer { questionIndex += 1 }
            guard step.required, enablement.flags[position] else { continue }
            let answered = step.mustBeTrue ? answers.bool(step.linkId) == true : answers.isAnswered(step.linkId)
            if !answered { missing.append(questionIndex) }
        }
        return missing
    }
}

extension Questionnaire.Item {
    /// The answer to this question as the patient reads it: option labels, Yes/No, cleaned text.
    public func answerText(_ answers: Answers, _ language: Language) -> String {
        let values = answers[linkId]
        guard !values.isEmpty else { return Phrase.notAnswered(language) }
        return values.map { value -> String in
            switch value {
            case .boolean(let b): b ? Phrase.yes(language) : Phrase.no(language)
            case .coding(let code): PatientText.clean(option(code)?.display(language) ?? code)
            case .string(let s): PatientText.clean(s)
            case .date(let d): d.description
            case .integer(let n): String(n)
            case .decimal(let digits): digits
            }
        }.joined(separator: language == .ar ? "، " : ", ")
    }
}
