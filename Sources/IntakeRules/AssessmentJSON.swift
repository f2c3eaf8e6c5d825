import Foundation
import IntakeModel

/// The JSON shape of spec section 3, for `intake assess --format json` and storage.
public struct AssessmentJSON: Codable, Sendable, Equatable {
    public struct FindingJSON: Codable, Sendable, Equatable {
        public let rule: String
        public let verdict: String
        public let until: String?
        public let reason: String
        public let source: String
        /// GEN-INCOMPLETE's unanswered questions; absent on every other finding.
        public let missing: [String]?

        public init(rule: String, verdict: String, until: String?, reason: String, source: String, missing: [String]? = nil) {
            self.rule = rule; self.verdict = verdict; self.until = until
            self.reason = reason; self.source = source; self.missing = missing
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(rule, forKey: .rule)
            try c.encode(verdict, forKey: .verdict)
            try c.encode(until, forKey: .until)  // explicit null: the key is always there
            try c.encode(reason, forKey: .reason)
            try c.encode(source, forKey: .source)
            try c.encodeIfPresent(missing, forKey: .missing)
        }
    }
    public struct ProcedureJSON: Codable, Sendable, Equatable {
        public let procedure: String
        public let verdict: String
        public let until: String?
        public let findings: [FindingJSON]

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(procedure, forKey: .procedure)
            try c.encode(verdict, forKey: .verdict)
            try c.encode(until, forKey: .until)
            try c.encode(findings, forKey: .findings)
        }
    }
    public let asOf: String
    public let procedures: [ProcedureJSON]

    public init(_ assessment: Assessment, language: Language = .en) {
        asOf = assessment.asOf.description
        procedures = assessment.procedures.map { p in
            ProcedureJSON(
                procedure: p.procedure.rawValue, verdict: p.verdict.rawValue, until: p.until?.description,
                findings: p.findings.map {
                    FindingJSON(rule: $0.rule, verdict: $0.verdict.rawValue, until: $0.until?.description,
                                reason: $0.reason(language), source: $0.source, missing: $0.missing)
                })
        }
    }

    /// Pretty JSON text, keys in the spec's order.
    public func encoded() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .withoutEscapingSlashes, .sortedKeys]
        // Encoding plain strings and arrays cannot fail.
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }
}

extension Assessment {
    /// Human-readable lines for `intake assess --format text`.
    public func text(language: Language = .en) -> String {
        var lines: [String] = []
        for p in procedures {
            var head = "\(p.procedure.name(language)): \(p.verdict.name(language).uppercased())"
            if let until = p.until { head += " " + Phrase.until(language, until) }
            lines.append(head)
            if p.findings.isEmpty { lines.append("  " + Phrase.noFindings(language)) }
            for f in p.findings {
                var line = "  - \(f.rule) (\(f.verdict.rawValue)"
                if let until = f.until { line += " until \(until)" }
                line += "): \(f.reason(language)) (\(Phrase.source(language, f.source)))"
                lines.append(line)
                if let missing = f.missing, !missing.isEmpty {
                    lines.append("    " + Phrase.notAnsweredList(language, missing.joined(separator: ", ")))
                }
            }
        }
        return lines.joined(separator: "\n")
    }
}
