import IntakeModel

/// One rule that fired.
public struct Finding: Sendable, Hashable {
    public let rule: String
    public let verdict: Verdict
    public let until: Day?
    public let reason: LocalizedText
    public let source: String
    /// The questions whose answers made the rule fire (unanswered ones for GEN-INCOMPLETE).
    public let linkIds: [String]
    /// For GEN-INCOMPLETE only: the enabled required questions left unanswered, in questionnaire order.
    public let missing: [String]?

    public init(rule: String, verdict: Verdict, until: Day?, reason: LocalizedText, source: String,
                linkIds: [String], missing: [String]? = nil) {
        self.rule = rule; self.verdict = verdict; self.until = until; self.reason = reason
        self.source = source; self.linkIds = linkIds; self.missing = missing
    }
}

/// The screening result for one procedure.
public struct ProcedureAssessment: Sendable, Hashable {
    public let procedure: Procedure
    /// The most severe finding's verdict, or eligible.
    public let verdict: Verdict
    /// Present only for a deferral whose every deferring finding has a date: the latest of them.
    public let until: Day?
    /// Most severe first, then in rule-table order.
    public let findings: [Finding]
}

/// The screening result for a whole response on a visit date.
public struct Assessment: Sendable, Hashable {
    public let asOf: Day
    /// In spec order: microneedling, then micro-Botox.
    public let procedures: [ProcedureAssessment]
    public let rulesetVersion: String

    /// The result for one procedure, if it was assessed.
    public subscript(procedure: Procedure) -> ProcedureAssessment? {
        procedures.first { $0.procedure == procedure }
    }

    /// The verdict per procedure, as the queue and the database keep it.
    public var verdicts: [Procedure: Verdict] {
        Dictionary(uniqueKeysWithValues: procedures.map { ($0.procedure, $0.verdict) })
    }

    /// Rule ids that fired for any procedure, to mark the answers that triggered them.
    public var firedRules: Set<String> { Set(procedures.flatMap { $0.findings.map(\.rule) }) }

    /// Questions whose answers triggered any finding: the summary and review station mark them.
    public var triggeringLinkIds: Set<String> { Set(procedures.flatMap { $0.findings.flatMap(\.linkIds) }) }
}
