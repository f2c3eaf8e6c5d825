import Foundation

/// One answer value, typed as the question asks.
public enum AnswerValue: Hashable, Sendable {
    case boolean(Bool)
    case coding(String)
    case string(String)
    case date(PartialDate)
    case integer(Int)

    /// The FHIR `value[x]` key this value is written under.
    public var fhirKey: String {
        switch self {
        case .boolean: "valueBoolean"
        case .coding: "valueCoding"
        case .string: "valueString"
        case .date: "valueDate"
        case .integer: "valueInteger"
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
        }
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

extension Questionnaire {
    /// The linkIds of the items that are enabled for these answers.
    ///
    /// An item is enabled when its parent is and its enableWhen holds against the
    /// *enabled* answers of earlier questions, so a chain of conditions collapses
    /// when its first link does.
    public func enabledLinkIds(for answers: Answers) -> Set<String> {
        var enabled: Set<String> = []
        func visit(_ items: [Item]) {
            for item in items where isEnabled(item, answers: answers, enabled: enabled) {
                enabled.insert(item.linkId)
                visit(item.items)
            }
        }
        visit(items)
        return enabled
    }

    /// The answers with those to disabled questions removed: what the rules see.
    public func effectiveAnswers(_ answers: Answers) -> Answers {
        let enabled = enabledLinkIds(for: answers)
        return Answers(answers.values.filter { enabled.contains($0.key) })
    }

    private func isEnabled(_ item: Item, answers: Answers, enabled: Set<String>) -> Bool {
        guard !item.enableWhen.isEmpty else { return true }
        let results = item.enableWhen.map { condition -> Bool in
            let given = enabled.contains(condition.question) ? answers[condition.question] : []
            switch condition.op {
            case .exists:
                if case .boolean(let wanted) = condition.answer { return given.isEmpty != wanted }
                return !given.isEmpty
            case .equal: return given.contains(condition.answer)
            case .notEqual: return !given.isEmpty && !given.contains(condition.answer)
            }
        }
        return item.enableBehaviorAny ? results.contains(true) : !results.contains(false)
    }

    /// Enabled required questions with no answer.
    ///
    /// A `false` is an answer, except to a question marked must-be-true (the
    /// attestation), which counts as answered only when it is `true`.
    public func unansweredRequired(_ answers: Answers) -> [Item] {
        let enabled = enabledLinkIds(for: answers)
        return questions.filter { question in
            guard question.required, enabled.contains(question.linkId) else { return false }
            return question.mustBeTrue ? answers.bool(question.linkId) != true : !answers.isAnswered(question.linkId)
        }
    }
}
