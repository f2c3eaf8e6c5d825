import Foundation

/// A stored intake as the FHIR export needs it: plain values, no database types.
public struct FHIRIntakeRecord: Sendable {
    /// The intake code, such as `K7P-W3X`: every resource id is derived from it.
    public var code: String
    /// The stored QuestionnaireResponse.
    public var response: JSONValue
    /// The stored assessment (the JSON of spec section 3, with findings); nil if none.
    public var assessment: JSONValue?
    public var submittedAt: Date
    public var patientName: String?
    public var patientDOB: String?
    public var language: String?
    public var rulesetVersion: String?
    public var decisions: [FHIRDecision]

    public init(code: String, response: JSONValue, assessment: JSONValue?, submittedAt: Date, patientName: String?,
                patientDOB: String?, language: String?, rulesetVersion: String?, decisions: [FHIRDecision]) {
        self.code = code; self.response = response; self.assessment = assessment; self.submittedAt = submittedAt
        self.patientName = patientName; self.patientDOB = patientDOB; self.language = language
        self.rulesetVersion = rulesetVersion; self.decisions = decisions
    }
}

/// One signed decision, for its Provenance.
public struct FHIRDecision: Sendable {
    public var procedure: String
    public var decision: String
    public var ruleVerdict: String?
    public var reason: String?
    public var note: String?
    public var practitioner: String
    public var signedAt: Date
    /// Whether this decision amends an earlier one.
    public var amends: Bool

    public init(procedure: String, decision: String, ruleVerdict: String?, reason: String?, note: String?,
                practitioner: String, signedAt: Date, amends: Bool) {
        self.procedure = procedure; self.decision = decision; self.ruleVerdict = ruleVerdict; self.reason = reason
        self.note = note; self.practitioner = practitioner; self.signedAt = signedAt; self.amends = amends
    }
}

/// One exported resource with its stable id and the urn:uuid a Bundle names it by.
public struct FHIRResource: Sendable {
    public let type: String
    public let id: String
    public let uuid: String
    public let json: JSONValue
}

/// Builds FHIR R4 resources and Bundles from stored intakes: pure, deterministic, no I/O.
///
/// Ids are derived from the intake code (`K7P-W3X-patient`, `K7P-W3X-response`,
/// `K7P-W3X-risk-microneedling`, `K7P-W3X-provenance-1` …) and urn:uuids from those ids, so the
/// same intake always exports the same bytes.
public struct FHIRExport: Sendable {
    /// How one resource names another: inside a Bundle by urn:uuid, in NDJSON as `Type/id`.
    public enum References: Sendable { case bundle, relative }

    public static let staffSystem = "https://intake.example/fhir/staff"
    public static let riskSystem = "http://terminology.hl7.org/CodeSystem/risk-probability"
    public static let signatureSystem = "urn:iso-astm:E1762-95:2013"
    /// Author's Signature.
    public static let signatureCode = "1.2.840.10065.1.12.1.1"

    public let questionnaire: Questionnaire
    /// SHA-256, supplied by the caller (the model has no crypto library).
    public let sha256: @Sendable ([UInt8]) -> [UInt8]

    public init(questionnaire: Questionnaire, sha256: @escaping @Sendable ([UInt8]) -> [UInt8]) {
        self.questionnaire = questionnaire
        self.sha256 = sha256
    }

    // MARK: - Ids

    /// A stable urn:uuid for a resource id: the first 16 bytes of SHA-256 of the id, marked as a
    /// name-based UUID (version 5 layout, RFC 4122 variant).
    public func uuid(for id: String) -> String {
        var bytes = Array(sha256(Array("intake-export:\(id)".utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        let h = Array(hex)
        return "urn:uuid:" + [String(h[0..<8]), String(h[8..<12]), String(h[12..<16]), String(h[16..<20]), String(h[20..<32])]
            .joined(separator: "-")
    }

    static func fhirId(_ text: String) -> String {
        String(text.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") ? $0 : "-" }.prefix(64))
    }

    func reference(_ type: String, _ id: String, _ style: References, display: String? = nil) -> JSONValue {
        var object: [String: JSONValue] = ["reference": .string(style == .bundle ? uuid(for: id) : "\(type)/\(id)")]
        if let display { object["display"] = .string(display) }
        return .object(object)
    }


    // MARK: - Resources

    /// The intake's resources in Bundle order: Patient, QuestionnaireResponse, RiskAssessments, Provenances.
    public func resources(for record: FHIRIntakeRecord, references style: References) -> [FHIRResource] {
        let base = Self.fhirId(record.code)
        let patientID = base + "-patient", responseID = base + "-response"
        let answers = storedAnswers(record)
        var out: [FHIRResource] = []
        func add(_ type: String, _ id: String, _ fields: [String: JSONValue]) {
            var fields = fields
            fields["resourceType"] = .string(type)
            fields["id"] = .string(id)
            out.append(FHIRResource(type: type, id: id, uuid: uuid(for: id), json: .object(fields)))
        }

        // Patient
        var patient: [String: JSONValue] = [:]
        let name = answers?.string("patient-name") ?? record.patientName
        if let name, !name.isEmpty { patient["name"] = .array([.object(["text": .string(name)])]) }
        if let dob = answers?.date("patient-dob")?.description ?? record.patientDOB { patient["birthDate"] = .string(dob) }
        if let phone = answers?.string("patient-phone"), !phone.isEmpty {
            patient["telecom"] = .array([.object(["system": .string("phone"), "value": .string(phone)])])
        }
        patient["identifier"] = .array([.object(["system": .string("https://intake.example/fhir/intake-code"),
                                                 "value": .string(record.code)])])
        add("Patient", patientID, patient)
        let patientRef = patientReference(record, answers: answers, style)

        // QuestionnaireResponse
        add("QuestionnaireResponse", responseID, questionnaireResponse(record, answers: answers, patient: patientRef,
                                                                        references: style))

        // RiskAssessments, one per assessed procedure
        var riskIDs: [String] = []
        for procedure in record.assessment?["procedures"]?.array ?? [] {
            guard let code = procedure["procedure"]?.string, let verdict = procedure["verdict"]?.string else { continue }
            let id = base + "-risk-" + Self.fhirId(code)
            riskIDs.append(id)
            add("RiskAssessment", id, riskAssessment(record, procedure: procedure, code: code, verdict: verdict,
                                                     patient: patientRef,
                                                     response: reference("QuestionnaireResponse", responseID, style)))
        }

        // Provenance, one per signed decision
        let hash = record.decisions.isEmpty ? [] : responseHash(record, answers: answers)
        for (n, decision) in record.decisions.enumerated() {
            let who: JSONValue = .object([
                "display": .string(decision.practitioner),
                "identifier": .object(["system": .string(Self.staffSystem), "value": .string(decision.practitioner)]),
            ])
            let signedAt = ClockText.instant(decision.signedAt)
            var activity = "\(decision.procedure): \(decision.decision) (rules: \(decision.ruleVerdict ?? "none"))"
            if decision.amends { activity += ", amending an earlier decision" }
            var fields: [String: JSONValue] = [
                "target": .array([reference("QuestionnaireResponse", responseID, style)]
                    + riskIDs.map { reference("RiskAssessment", $0, style) }),
                "recorded": .string(signedAt),
                "activity": .object(["text": .string(activity)]),
                "agent": .array([.object([
                    "type": .object(["coding": .array([.object([
                        "system": .string("http://terminology.hl7.org/CodeSystem/provenance-participant-type"),
                        "code": .string("verifier"), "display": .string("Verifier"),
                    ])])]),
                    "who": who,
                ])]),
                "signature": .array([.object([
                    "type": .array([.object(["system": .string(Self.signatureSystem), "code": .string(Self.signatureCode),
                                             "display": .string("Author's Signature")])]),
                    "when": .string(signedAt),
                    "who": who,
                    "sigFormat": .string("application/octet-stream"),
                    "data": .string(Data(hash).base64EncodedString()),
                ])]),
            ]
            var reasons: [JSONValue] = []
            if let reason = decision.reason, !reason.isEmpty { reasons.append(.object(["text": .string(reason)])) }
            if let note = decision.note, !note.isEmpty { reasons.append(.object(["text": .string(note)])) }
            if !reasons.isEmpty { fields["reason"] = .array(reasons) }
            add("Provenance", base + "-provenance-\(n + 1)", fields)
        }
        return out
    }

    /// How the other resources name the Patient: its reference, with the name as display.
    func patientReference(_ record: FHIRIntakeRecord, answers: Answers?, _ style: References) -> JSONValue {
        let name = answers?.string("patient-name") ?? record.patientName
        return reference("Patient", Self.fhirId(record.code) + "-patient", style, display: name.flatMap { $0.isEmpty ? nil : $0 })
    }

    /// The stored answers, checked again and with answers to disabled questions left out; nil if
    /// the stored response no longer reads (then its items are copied as stored).
    func storedAnswers(_ record: FHIRIntakeRecord) -> Answers? {
        // Dates are checked against the day after submission (and after `authored`), never today.
        var asOf = ClockText.localDay(record.submittedAt).adding(days: 1)
        if let authored = record.response["authored"]?.string, let day = Day(iso: authored.prefix(10)), day >= asOf {
            asOf = day.adding(days: 1)
        }
        guard let parsed = try? ResponseReader(questionnaire: questionnaire, asOf: asOf).read(record.response) else { return nil }
        return questionnaire.effectiveAnswers(parsed.answers)
    }

    func questionnaireResponse(_ record: FHIRIntakeRecord, answers: Answers?, patient: JSONValue,
                               references style: References) -> [String: JSONValue] {
        let stored = record.response
        var fields: [String: JSONValue] = [:]
        if let answers, case .object(let built) = questionnaire.response(for: answers) {
            fields["item"] = built["item"]
        } else {
            fields["item"] = stored["item"] ?? .array([])
        }
        fields["questionnaire"] = .string(stored["questionnaire"]?.string ?? "\(questionnaire.url)|\(questionnaire.version)")
        // A response with enabled required questions unanswered is not complete in FHIR's sense
        // (the rules flag it GEN-INCOMPLETE); a validator would reject it as `completed`.
        let complete = answers.map { questionnaire.unansweredRequired($0, enablement: questionnaire.enablement(for: $0)).isEmpty } ?? true
        fields["status"] = .string(!complete ? "in-progress" : record.decisions.contains(where: \.amends) ? "amended" : "completed")
        fields["subject"] = patient
        fields["authored"] = .string(stored["authored"]?.string ?? ClockText.instant(record.submittedAt))
        // The patient answered at the kiosk unless the response came with another source.
        if let source = stored["source"], source.object != nil, source["reference"] == nil {
            fields["source"] = source
        } else {
            fields["source"] = patient
        }
        if let language = stored["language"]?.string ?? record.language, !language.isEmpty {
            fields["language"] = .string(language)
        }
        fields["identifier"] = .object(["system": .string("https://intake.example/fhir/intake-code"), "value": .string(record.code)])
        return fields
    }

    /// The content hash a signature carries: SHA-256 of the QuestionnaireResponse as canonical
    /// JSON (keys sorted, no spaces, references as `Type/id`).
    public func responseHash(_ record: FHIRIntakeRecord) -> [UInt8] {
        responseHash(record, answers: storedAnswers(record))
    }

    func responseHash(_ record: FHIRIntakeRecord, answers: Answers?) -> [UInt8] {
        let base = Self.fhirId(record.code)
        var fields = questionnaireResponse(record, answers: answers, patient: patientReference(record, answers: answers, .relative),
                                           references: .relative)
        fields["resourceType"] = .string("QuestionnaireResponse")
        fields["id"] = .string(base + "-response")
        return sha256(Array(JSONValue.object(fields).serialized().utf8))
    }

    func riskAssessment(_ record: FHIRIntakeRecord, procedure: JSONValue, code: String, verdict: String,
                        patient: JSONValue, response: JSONValue) -> [String: JSONValue] {
        let risk: (code: String, display: String) = switch verdict {
        case "eligible": ("low", "Low likelihood")
        case "review": ("moderate", "Moderate likelihood")
        case "defer": ("high", "High likelihood")
        default: ("certain", "Certain")
        }
        var text = verdict
        if let until = procedure["until"]?.string { text += " until \(until)" }
        let option = questionnaire.item("procedures")?.option(code)
        var coding: [String: JSONValue] = ["code": .string(code)]
        if let system = option?.system ?? questionnaire.codeSystem { coding["system"] = .string(system) }
        if let display = option?.display.values[.en] { coding["display"] = .string(display) }
        var prediction: [String: JSONValue] = [
            "outcome": .object(["text": .string("\(code): \(text)")]),
            "qualitativeRisk": .object([
                "coding": .array([.object(["system": .string(Self.riskSystem), "code": .string(risk.code),
                                           "display": .string(risk.display)])]),
                "text": .string(text),
            ]),
        ]
        if let until = procedure["until"]?.string { prediction["whenPeriod"] = .object(["end": .string(until)]) }
        var notes: [JSONValue] = []
        for finding in procedure["findings"]?.array ?? [] {
            guard let rule = finding["rule"]?.string else { continue }
            var line = "\(rule) (\(finding["verdict"]?.string ?? "?")"
            if let until = finding["until"]?.string { line += " until \(until)" }
            line += "): \(finding["reason"]?.string ?? "")"
            if let source = finding["source"]?.string, !source.isEmpty { line += " [\(source)]" }
            notes.append(.object(["text": .string(line)]))
        }
        if notes.isEmpty { notes.append(.object(["text": .string("No rule fired.")])) }
        var fields: [String: JSONValue] = [
            "status": .string("final"),
            "subject": patient,
            "code": .object(["coding": .array([.object(coding)]), "text": .string("Screening for \(code)")]),
            "method": .object(["text": .string("intake rule set \(record.rulesetVersion ?? "unknown")")]),
            "basis": .array([response]),
            "prediction": .array([.object(prediction)]),
            "note": .array(notes),
        ]
        if let asOf = record.assessment?["asOf"]?.string { fields["occurrenceDateTime"] = .string(asOf) }
        return fields
    }

    // MARK: - Bundles and NDJSON

    /// One Bundle for the intake: `collection`, or `transaction` with a POST request per entry.
    public func bundle(for record: FHIRIntakeRecord, transaction: Bool = false) -> JSONValue {
        let entries = resources(for: record, references: .bundle).map { resource -> JSONValue in
            var entry: [String: JSONValue] = ["fullUrl": .string(resource.uuid), "resource": resource.json]
            if transaction {
                entry["request"] = .object(["method": .string("POST"), "url": .string(resource.type)])
            }
            return .object(entry)
        }
        return .object([
            "resourceType": .string("Bundle"),
            "id": .string(Self.fhirId(record.code) + "-bundle"),
            "type": .string(transaction ? "transaction" : "collection"),
            "timestamp": .string(ClockText.instant(record.submittedAt)),
            "entry": .array(entries),
        ])
    }

    /// The QuestionnaireResponse in a file: the resource itself or the first one in a Bundle's
    /// entries. Nil when there is none; the caller then reports what the file is.
    public static func response(in root: JSONValue) -> JSONValue? {
        guard root["resourceType"]?.string == "Bundle" else { return root }
        return (root["entry"]?.array ?? []).lazy.compactMap { $0["resource"] }
            .first { $0["resourceType"]?.string == "QuestionnaireResponse" }
    }
}

extension FHIRExport {
    /// JSON text for people and FHIR tools: as ``JSONValue/serialized(pretty:)`` (keys sorted, so
    /// the same intake gives the same bytes) except that `resourceType` comes first in every
    /// resource, as FHIR's own examples and streaming readers expect.
    public static func text(_ value: JSONValue, pretty: Bool = false) -> String {
        var out = ""
        write(value, to: &out, pretty: pretty, indent: 0)
        return out
    }

    private static func write(_ value: JSONValue, to out: inout String, pretty: Bool, indent: Int) {
        let newline = pretty ? "\n" + String(repeating: "  ", count: indent + 1) : ""
        let close = pretty ? "\n" + String(repeating: "  ", count: indent) : ""
        switch value {
        case .array(let values) where !values.isEmpty:
            out += "["
            for (i, inner) in values.enumerated() {
                out += (i == 0 ? "" : ",") + newline
                write(inner, to: &out, pretty: pretty, indent: indent + 1)
            }
            out += close + "]"
        case .object(let fields) where !fields.isEmpty:
            out += "{"
            let keys = fields.keys.sorted { a, b in
                a == "resourceType" ? b != "resourceType" : b == "resourceType" ? false : a < b
            }
            for (i, key) in keys.enumerated() {
                out += (i == 0 ? "" : ",") + newline
                out += JSONValue.string(key).serialized()
                out += pretty ? ": " : ":"
                write(fields[key]!, to: &out, pretty: pretty, indent: indent + 1)
            }
            out += close + "}"
        default:
            out += value.serialized()
        }
    }
}
