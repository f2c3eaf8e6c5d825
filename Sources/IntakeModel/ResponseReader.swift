import Foundation

/// A response that can't be assessed, with where the problem is.
public struct InvalidResponse: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of mistake, so callers and tests can tell them apart.
    public enum Kind: String, Sendable {
        case malformedJSON, notAResponse, wrongQuestionnaire, unknownLinkId, duplicateAnswer
        case tooManyAnswers, wrongType, unknownOption, foreignSystem, badDate, futureDate, ageOutOfRange
    }
    public let kind: Kind
    /// File name, if the response came from one.
    public let file: String?
    /// JSON path and, where known, the linkId: `item[3].item[0] (botox-date)`.
    public let location: String
    public let message: String

    /// One line: file, location, message. Cleaned, since linkIds and values come from the file.
    public var description: String {
        PatientText.clean(([file, location.isEmpty ? nil : location].compactMap { $0 } + [message]).joined(separator: ": "))
    }
}

/// A checked response: its answers and its FHIR `id`, if it has one.
public struct ParsedResponse: Sendable, Hashable {
    public let answers: Answers
    public let id: String?
}

/// Reads a FHIR R4 `QuestionnaireResponse` into ``Answers``, checking every answer
/// against the questionnaire.
///
/// Items may be nested in groups or flat, and answers may carry nested items;
/// answers to questions that turn out disabled are still checked here and only
/// dropped later by ``Questionnaire/effectiveAnswers(_:)``.
public struct ResponseReader: Sendable {
    public let questionnaire: Questionnaire
    /// The visit date: no date answer may be after it.
    public let asOf: Day

    public init(questionnaire: Questionnaire, asOf: Day) {
        self.questionnaire = questionnaire
        self.asOf = asOf
    }

    /// Parses and checks `data`; `file` only labels error messages.
    public func read(_ data: Data, file: String? = nil) throws(InvalidResponse) -> ParsedResponse {
        let root: JSONValue
        do { root = try JSONValue.parse(data) } catch {
            throw InvalidResponse(kind: .malformedJSON, file: file, location: "", message: "malformed JSON at \(error)")
        }
        return try read(root, file: file)
    }

    /// Checks an already-parsed document.
    public func read(_ root: JSONValue, file: String? = nil) throws(InvalidResponse) -> ParsedResponse {
        var walker = Walker(questionnaire: questionnaire, asOf: asOf, file: file)
        try walker.readRoot(root)
        return ParsedResponse(answers: Answers(walker.values), id: root["id"]?.string)
    }

    private struct Walker {
        let questionnaire: Questionnaire
        let asOf: Day
        let file: String?
        var values: [String: [AnswerValue]] = [:]
        var seen: Set<String> = []

        /// Where the walk is, kept as a stack and turned into text only for an error message.
        var trail: [Step] = []
        enum Step { case key(String), index(Int), linkId(String) }

        var path: String {
            trail.reduce(into: "") { text, step in
                switch step {
                case .key(let k): text += text.isEmpty ? k : ".\(k)"
                case .index(let i): text += "[\(i)]"
                case .linkId(let id): text += " (\(id))"
                }
            }
        }

        func fail(_ kind: InvalidResponse.Kind, _ message: String) -> InvalidResponse {
            InvalidResponse(kind: kind, file: file, location: path, message: message)
        }

        mutating func readRoot(_ root: JSONValue) throws(InvalidResponse) {
            guard root.object != nil else {
                throw fail(.notAResponse, "expected a JSON object, a FHIR QuestionnaireResponse")
            }
            guard root["resourceType"]?.string == "QuestionnaireResponse" else {
                trail = [.key("resourceType")]
                throw fail(.notAResponse, "must be \"QuestionnaireResponse\", found \(root["resourceType"]?.brief ?? "nothing")")
            }
            if let canonical = root["questionnaire"] {
                trail = [.key("questionnaire")]
                guard let text = canonical.string else {
                    throw fail(.wrongQuestionnaire, "must be the questionnaire's canonical URL as text, found \(canonical.brief)")
                }
                if let problem = questionnaire.canonicalProblem(text) {
                    throw fail(.wrongQuestionnaire, PatientText.clean(problem))
                }
                trail = []
            }
            try readItems(root["item"])
        }

        mutating func readItems(_ value: JSONValue?) throws(InvalidResponse) {
            guard let value, value != .null else { return }
            trail.append(.key("item"))
            defer { trail.removeLast() }
            guard let array = value.array else { throw fail(.notAResponse, "must be an array of items") }
            for (i, element) in array.enumerated() {
                trail.append(.index(i))
                try readItem(element)
                trail.removeLast()
            }
        }

        mutating func readItem(_ element: JSONValue) throws(InvalidResponse) {
            guard element.object != nil else { throw fail(.notAResponse, "each item must be an object") }
            guard let linkId = element["linkId"]?.string else { throw fail(.notAResponse, "item has no linkId") }
            trail.append(.linkId(linkId))
            defer { trail.removeLast() }
            guard let item = questionnaire.item(linkId) else {
                throw fail(.unknownLinkId, "linkId \"\(linkId)\" is not in the questionnaire \(questionnaire.url) version \(questionnaire.version)")
            }
            guard seen.insert(linkId).inserted else {
                throw fail(.duplicateAnswer, "\"\(linkId)\" appears more than once; answer each question once")
            }
            if let rawAnswers = element["answer"] {
                trail.append(.key("answer"))
                guard let answers = rawAnswers.array else { throw fail(.notAResponse, "must be an array of answers") }
                if !item.type.takesAnswers, !answers.isEmpty {
                    throw fail(.wrongType, "\"\(linkId)\" is a \(item.type.rawValue), which takes no answer")
                }
                if answers.count > 1, !item.repeats {
                    throw fail(.tooManyAnswers, "\"\(linkId)\" takes one answer, found \(answers.count)")
                }
                var parsed: [AnswerValue] = []
                for (i, answer) in answers.enumerated() {
                    trail.append(.index(i))
                    guard let fields = answer.object else { throw fail(.notAResponse, "each answer must be an object") }
                    let value = try readValue(fields, item: item)
                    if !parsed.contains(value) { parsed.append(value) }
                    try readItems(answer["item"])
                    trail.removeLast()
                }
                trail.removeLast()
                if !parsed.isEmpty { values[linkId] = parsed }
            }
            try readItems(element["item"])
        }

        func readValue(_ answer: [String: JSONValue], item: Questionnaire.Item) throws(InvalidResponse) -> AnswerValue {
            var key: String? = nil
            for candidate in answer.keys where candidate.hasPrefix("value") {
                guard key == nil else {
                    throw fail(.wrongType, "the answer has several values (\(answer.keys.filter { $0.hasPrefix("value") }.sorted().joined(separator: ", ")))")
                }
                key = candidate
            }
            guard let key, let raw = answer[key] else { throw fail(.wrongType, "the answer has no value") }
            let expected: String
            switch item.type {
            case .boolean: expected = "valueBoolean"
            case .choice: expected = "valueCoding"
            case .string, .text: expected = "valueString"
            case .date: expected = "valueDate"
            case .integer: expected = "valueInteger"
            case .decimal: expected = "valueDecimal"
            case .group, .display: expected = "no value"
            }
            guard key == expected else {
                throw fail(.wrongType, "\"\(item.linkId)\" is a \(item.type.rawValue) question and needs \(expected), found \(key)")
            }
            switch item.type {
            case .boolean:
                guard let b = raw.bool else { throw fail(.wrongType, "valueBoolean must be true or false, found \(raw.brief)") }
                return .boolean(b)
            case .choice:
                guard let code = raw["code"]?.string else {
                    throw fail(.wrongType, "valueCoding must be an object with a code")
                }
                // A coding with no system is read as ours (version 1 wrote none); any other system is not ours.
                if let system = raw["system"], system.string != questionnaire.codeSystem {
                    throw fail(.foreignSystem, "the coding's system \(system.brief) is not \(questionnaire.codeSystem ?? "this questionnaire's CodeSystem"); \"\(item.linkId)\" takes its codes from that CodeSystem")
                }
                guard item.option(code) != nil else {
                    throw fail(.unknownOption, "\"\(PatientText.clean(code))\" is not an option of \"\(item.linkId)\"; use one of: \(item.options.map(\.code).joined(separator: ", "))")
                }
                return .coding(code)
            case .string, .text:
                guard let s = raw.string else { throw fail(.wrongType, "valueString must be text, found \(raw.brief)") }
                return .string(s)
            case .integer:
                guard let n = raw.int else { throw fail(.wrongType, "valueInteger must be a whole number, found \(raw.brief)") }
                return .integer(n)
            case .decimal:
                guard case .number(let d) = raw else { throw fail(.wrongType, "valueDecimal must be a number, found \(raw.brief)") }
                return .decimal(AnswerValue.decimalDigits(d))
            case .date:
                let text = raw.string
                switch text.map({ item.checkDate($0, asOf: asOf) }) ?? .failure(.invalid) {
                case .success(let date):
                    return .date(date)
                case .failure(.invalid):
                    throw fail(.badDate, "\(raw.brief) is not a valid date; use YYYY-MM-DD\(item.allowsPartialDate ? ", YYYY-MM or YYYY" : "")")
                case .failure(.needsFullDate):
                    throw fail(.badDate, "\"\(text ?? "")\" is incomplete; \"\(item.linkId)\" needs a full date YYYY-MM-DD")
                case .failure(.future):
                    throw fail(.futureDate, "\"\(text ?? "")\" is after the visit date \(asOf)")
                case .failure(.age(let age, let range)):
                    throw fail(.ageOutOfRange, "\"\(text ?? "")\" gives an age of \(age) on the visit date \(asOf); \"\(item.linkId)\" allows ages \(range.lowerBound) to \(range.upperBound)")
                }
            case .group, .display:
                throw fail(.wrongType, "\"\(item.linkId)\" takes no answer")
            }
        }
    }
}
