import IntakeModel
import IntakeRules

extension Summary {
    /// What the record says about itself beside the stored verdicts: whether today's rules would
    /// decide otherwise, whether it was re-assessed, and whether it changed after it was signed.
    ///
    /// The verdicts printed are always the stored ones; these notes only label what differs.
    public struct RecordNotes: Sendable, Hashable {
        /// Where today's rules give another verdict than the stored one, per procedure.
        public var rulesDifferences: [RulesDifference]
        /// The rule set today's verdicts come from.
        public var todaysRuleset: String
        /// The re-assessment that stands; nil when none.
        public var reassessment: Reassessed?
        /// The answers or assessment differ from those the standing decision was signed on.
        public var changedAfterSigning: Bool
        /// The intake differs from what was recorded when it was submitted: changed outside intake.
        public var changedOutsideIntake: Bool = false
        /// The standing decisions were signed before the re-assessment that now stands.
        public var signedOnEarlierAssessment: Bool = false

        public init(rulesDifferences: [RulesDifference] = [], todaysRuleset: String = RuleTable.version,
                    reassessment: Reassessed? = nil, changedAfterSigning: Bool = false) {
            self.rulesDifferences = rulesDifferences
            self.todaysRuleset = todaysRuleset
            self.reassessment = reassessment
            self.changedAfterSigning = changedAfterSigning
        }
    }

    /// When, by whom and under which rule set an intake was re-assessed.
    public struct Reassessed: Sendable, Hashable {
        public let on: String
        public let by: String
        public let ruleset: String

        public init(on: String, by: String, ruleset: String) {
            self.on = on; self.by = by; self.ruleset = ruleset
        }
    }

    /// One procedure on which today's rules and the stored verdict disagree.
    public struct RulesDifference: Sendable, Hashable {
        public let procedure: Procedure
        public let recorded: Verdict
        public let today: Verdict
        /// The rules behind today's verdict, most severe first.
        public let rules: [String]

        /// "Microneedling: DEFER (MN-ACNE-ACTIVE)" in `language`.
        public func text(_ language: Language) -> String {
            let rules = rules.isEmpty ? "" : " (" + rules.joined(separator: ", ") + ")"
            return "\(procedure.name(language)): \(today.name(language).uppercased())\(rules)"
        }
    }

    /// The procedures on which `today` gives another verdict than `recorded`, in spec order.
    public static func rulesDifferences(recorded: Screening, today: Assessment) -> [RulesDifference] {
        today.procedures.compactMap { now in
            guard let stored = recorded[now.procedure], stored.verdict != now.verdict else { return nil }
            let rules = now.findings.filter { $0.verdict == now.verdict }.map(\.rule)
            return RulesDifference(procedure: now.procedure, recorded: stored.verdict, today: now.verdict, rules: rules)
        }
    }
}
