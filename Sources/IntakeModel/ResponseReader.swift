import Foundation

/// A response that can't be assessed, with where the problem is.
public struct InvalidResponse: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of mistake, so callers and tests can tell them apart.
    public enum Kind: String, Sendable {
        case malformedJSON, notAResponse, wrongQuestionnaire, unknownLinkId, duplicateAnswer
        case tooManyAnswers, wrongType, unknownOption, badDate, futureDate
    }
    public let kind: Kind
    /// File name, if the response came from one.
    public let file: String?
    /// JSON path and, where known, the linkId: `item[3].item[0] (botox-date)`.
    public let location: String
    public let message: String

    public var description: String {
        [file, location.isEmpty ? nil : location].compactMap { $0 }.joined(separator: ": ") + (file == nil && location.isEmpty ? "" : ": ") + message
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
        let root: Any
        do { root = try JSONSerialization.jsonObject(with: data) } catch {
            throw InvalidResponse(kind: .malformedJSON, file: file, location: "", message: "malformed JSON at \(JSONLocation.describe(error, in: data))")
        }
        return try read(object: root, file: file)
    }

    /// Checks an already-parsed JSON object.
    public func read(object root: Any, file: String? = nil) throws(InvalidResponse) -> ParsedResponse {
        var walker = Walker(questionnaire: questionnaire, asOf: asOf, file: file)
        try walker.readRoot(root)
        return ParsedResponse(answers: Answers(walker.values), id: (root as? [String: Any])?["id"] as? String)
    }

    private struct Walker {
        let questionnaire: Questionnaire
        let asOf: Day
        let file: String?
        var values: [String: [AnswerValue]] = [:]
        var seen: Set<String> = []

        func fail(_ kind: InvalidResponse.Kind, _ location: String, _ message: String) -> InvalidResponse {
            InvalidResponse(kind: kind, file: file, location: location, message: message)
        }

        mutating func readRoot(_ root: Any) throws(InvalidResponse) {
            guard let object = root as? [String: Any] else {
                throw fail(.notAResponse, "", "expected a JSON object, a FHIR QuestionnaireResponse")
            }
            guard object["resourceType"] as? String == "QuestionnaireResponse" else {
                throw fail(.notAResponse, "resourceType", "must be \"QuestionnaireResponse\", found \(describe(object["resourceType"]))")
            }
            if let canonical = object["questionnaire"] {
                guard let text = canonical as? String, questionnaire.accepts(canonical: text) else {
                    throw fail(.wrongQuestionnaire, "questionnaire", "names \(describe(canonical)), but this program screens with \(questionnaire.url)")
                }
            }
            try readItems(object["item"], path: "item")
        }

        mutating func readItems(_ value: Any?, path: String) throws(InvalidResponse) {
            guard let value, !(value is NSNull) else { return }
            guard let array = value as? [Any] else { throw fail(.notAResponse, path, "must be an array of items") }
            for (i, element) in array.enumerated() {
                try readItem(element, path: "\(path)[\(i)]")
            }
        }

        mutating func readItem(_ element: Any, path: String) throws(InvalidResponse) {
            guard let object = element as? [String: Any] else { throw fail(.notAResponse, path, "each item must be an object") }
            guard let linkId = object["linkId"] as? String else { throw fail(.notAResponse, path, "item has no linkId") }
            let at = "\(path) (\(linkId))"
            guard let item = questionnaire.item(linkId) else {
                throw fail(.unknownLinkId, at, "linkId \"\(linkId)\" is not in the questionnaire \(questionnaire.url) version \(questionnaire.version)")
            }
            guard seen.insert(linkId).inserted else {
                throw fail(.duplicateAnswer, at, "\"\(linkId)\" appears more than once; answer each question once")
            }
            let answers = object["answer"] as? [Any] ?? []
            if object["answer"] != nil, !(object["answer"] is [Any]) {
                throw fail(.notAResponse, "\(at).answer", "must be an array of answers")
            }
            if !item.type.takesAnswers, !answers.isEmpty {
                throw fail(.wrongType, "\(at).answer", "\"\(linkId)\" is a \(item.type.rawValue), which takes no answer")
            }
            if answers.count > 1, !item.repeats {
                throw fail(.tooManyAnswers, "\(at).answer", "\"\(linkId)\" takes one answer, found \(answers.count)")
            }
            var parsed: [AnswerValue] = []
            for (i, raw) in answers.enumerated() {
                let answerPath = "\(at).answer[\(i)]"
                guard let answer = raw as? [String: Any] else { throw fail(.notAResponse, answerPath, "each answer must be an object") }
                let value = try readValue(answer, item: item, path: answerPath)
                if !parsed.contains(value) { parsed.append(value) }
                try readItems(answer["item"], path: "\(answerPath).item")
            }
            if !parsed.isEmpty { values[linkId] = parsed }
            try readItems(object["item"], path: "\(at).item")
        }

        func readValue(_ answer: [String: Any], item: Questionnaire.Item, path: String) throws(InvalidResponse) -> AnswerValue {
            let keys = answer.keys.filter { $0.hasPrefix("value") }
            guard keys.count == 1, let key = keys.first else {
                throw fail(.wrongType, path, keys.isEmpty ? "the answer has no value" : "the answer has several values (\(keys.sorted().joined(separator: ", ")))")
            }
            let raw = answer[key]!
            let expected: String
            switch item.type {
            case .boolean: expected = "valueBoolean"
            case .choice: expected = "valueCoding"
            case .string, .text: expected = "valueString"
            case .date: expected = "valueDate"
            case .integer: expected = "valueInteger"
            case .group, .display: expected = "no value"
            }
            guard key == expected else {
                throw fail(.wrongType, path, "\"\(item.linkId)\" is a \(item.type.rawValue) question and needs \(expected), found \(key)")
            }
            switch item.type {
            case .boolean:
                guard isJSONBoolean(raw), let number = raw as? NSNumber else {
                    throw fail(.wrongType, path, "valueBoolean must be true or false, found \(describe(raw))")
                }
                return .boolean(number.boolValue)
            case .choice:
                guard let coding = raw as? [String: Any], let code = coding["code"] as? String else {
                    throw fail(.wrongType, path, "valueCoding must be an object with a code")
                }
                guard item.option(code) != nil else {
                    throw fail(.unknownOption, path, "\"\(code)\" is not an option of \"\(item.linkId)\"; use one of: \(item.options.map(\.code).joined(separator: ", "))")
                }
                return .coding(code)
            case .string, .text:
                guard let s = raw as? String else { throw fail(.wrongType, path, "valueString must be text, found \(describe(raw))") }
                return .string(s)
            case .integer:
                guard !isJSONBoolean(raw), let n = raw as? Int else { throw fail(.wrongType, path, "valueInteger must be a whole number, found \(describe(raw))") }
                return .integer(n)
            case .date:
                guard let text = raw as? String, let date = PartialDate(text) else {
                    throw fail(.badDate, path, "\(describe(raw)) is not a valid date; use YYYY-MM-DD\(item.allowsPartialDate ? ", YYYY-MM or YYYY" : "")")
                }
                guard date.isComplete || item.allowsPartialDate else {
                    throw fail(.badDate, path, "\"\(text)\" is incomplete; \"\(item.linkId)\" needs a full date YYYY-MM-DD")
                }
                guard date.earliestDay <= asOf else {
                    throw fail(.futureDate, path, "\"\(text)\" is after the visit date \(asOf)")
                }
                return .date(date)
            case .group, .display:
                throw fail(.wrongType, path, "\"\(item.linkId)\" takes no answer")
            }
        }
    }
}

/// Whether a parsed JSON value is a `true`/`false` rather than a number.
///
/// JSONSerialization gives NSNumber for both, and `1 as? Bool` succeeds, so look at
/// the stored type: JSON booleans are stored as a C `char` ("c").
func isJSONBoolean(_ value: Any) -> Bool {
    guard let number = value as? NSNumber else { return false }
    return String(cString: number.objCType) == "c"
}
