/// Writes answers back out as FHIR JSON: single answers for autosave, whole responses on submit.
extension AnswerValue {
    /// The FHIR `answer` element for this value.
    public var json: JSONValue {
        switch self {
        case .boolean(let b): .object(["valueBoolean": .bool(b)])
        case .coding(let code): .object(["valueCoding": .object(["code": .string(code)])])
        case .string(let s): .object(["valueString": .string(s)])
        case .date(let d): .object(["valueDate": .string(d.description)])
        case .integer(let n): .object(["valueInteger": .number(Double(n))])
        case .decimal(let digits): .object(["valueDecimal": .number(Double(digits) ?? 0)])
        }
    }
}

extension Questionnaire {
    /// A FHIR R4 QuestionnaireResponse for `answers`, items nested in their groups as in the questionnaire.
    ///
    /// Only answered questions are written; groups with no answered question are left out.
    public func response(for answers: Answers, id: String? = nil, authored: String? = nil,
                         language: Language? = nil, status: String = "completed") -> JSONValue {
        func items(_ children: [Item]) -> [JSONValue] {
            children.compactMap { item -> JSONValue? in
                if item.type == .group {
                    let nested = items(item.items)
                    return nested.isEmpty ? nil : .object(["linkId": .string(item.linkId), "item": .array(nested)])
                }
                guard item.type.takesAnswers, answers.isAnswered(item.linkId) else { return nil }
                return .object(["linkId": .string(item.linkId), "answer": .array(answers[item.linkId].map { answerJSON($0, of: item) })])
            }
        }
        var object: [String: JSONValue] = [
            "resourceType": .string("QuestionnaireResponse"),
            "questionnaire": .string("\(url)|\(version)"),
            "status": .string(status),
            "item": .array(items(self.items)),
        ]
        if let id { object["id"] = .string(id) }
        if let authored { object["authored"] = .string(authored) }
        if let language { object["language"] = .string(language.rawValue) }
        return .object(object)
    }

    /// The FHIR `answer` element for a value of `item`: a coding carries the option's system and English display,
    /// which standard tools (validators, form fillers) compare and show.
    public func answerJSON(_ value: AnswerValue, of item: Item) -> JSONValue {
        guard case .coding(let code) = value else { return value.json }
        var coding: [String: JSONValue] = ["code": .string(code)]
        let option = item.option(code)
        if let system = option?.system ?? codeSystem { coding["system"] = .string(system) }
        if let display = option?.display.values[.en] { coding["display"] = .string(display) }
        return .object(["valueCoding": .object(coding)])
    }

    /// A flat response holding `stored` answers (linkId → JSON answer array), as autosave keeps them.
    public func response(fromStored stored: [String: String]) -> JSONValue {
        let items = stored.sorted { (position(of: $0.key) ?? .max) < (position(of: $1.key) ?? .max) }.map { linkId, text in
            JSONValue.object(["linkId": .string(linkId), "answer": (try? JSONValue.parse(Array(text.utf8))) ?? .array([])])
        }
        return .object(["resourceType": .string("QuestionnaireResponse"), "item": .array(items)])
    }
}

extension JSONValue {
    /// JSON text; keys sorted so the same value always gives the same text.
    public func serialized(pretty: Bool = false) -> String {
        var out = ""
        write(to: &out, pretty: pretty, indent: 0)
        return out
    }

    private func write(to out: inout String, pretty: Bool, indent: Int) {
        let newline = pretty ? "\n" + String(repeating: "  ", count: indent + 1) : ""
        let close = pretty ? "\n" + String(repeating: "  ", count: indent) : ""
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        // JSON has no infinity or NaN: never write them (the parser never makes them either).
        case .number(let d) where !d.isFinite: out += "null"
        case .number(let d): out += d.rounded() == d && abs(d) < 1e15 ? String(Int(d)) : String(d)
        case .string(let s): JSONValue.quote(s, into: &out)
        case .array(let values):
            guard !values.isEmpty else { out += "[]"; return }
            out += "["
            for (i, value) in values.enumerated() {
                out += (i == 0 ? "" : ",") + newline
                value.write(to: &out, pretty: pretty, indent: indent + 1)
            }
            out += close + "]"
        case .object(let fields):
            guard !fields.isEmpty else { out += "{}"; return }
            out += "{"
            for (i, key) in fields.keys.sorted().enumerated() {
                out += (i == 0 ? "" : ",") + newline
                JSONValue.quote(key, into: &out)
                out += pretty ? ": " : ":"
                fields[key]!.write(to: &out, pretty: pretty, indent: indent + 1)
            }
            out += close + "}"
        }
    }

    private static func quote(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
