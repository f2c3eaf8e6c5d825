import Foundation
import IntakeModel
import IntakeRules

extension Summary {
    /// The verdicts a summary prints, and the questionnaire and rule set they came from.
    ///
    /// Either worked out now (``init(_:questionnaireVersion:)``) or, for a stored intake, as the
    /// kiosk recorded them when the patient submitted (``init(recordedJSON:questionnaireVersion:rulesetVersion:current:)``):
    /// the record is what was assessed then, under the rules of the day, even after the rules change.
    public struct Screening: Sendable {
        /// One procedure's result.
        public struct Outcome: Sendable {
            public let procedure: Procedure
            public let verdict: Verdict
            public let until: Day?
            public let findings: [Finding]

            public init(procedure: Procedure, verdict: Verdict, until: Day?, findings: [Finding]) {
                self.procedure = procedure; self.verdict = verdict; self.until = until; self.findings = findings
            }

            /// Whether a required question was left unanswered (GEN-INCOMPLETE): not fully assessed.
            public var isIncomplete: Bool {
                findings.contains { $0.rule == Screening.incompleteRule || $0.missing != nil }
            }

            /// The unanswered required questions, in questionnaire order; empty when none were
            /// recorded (version 1 of the rules did not record them).
            public var missing: [String] {
                findings.lazy.compactMap(\.missing).first ?? []
            }
        }

        /// The rule that fires when a required question is unanswered.
        public static let incompleteRule = "GEN-INCOMPLETE"

        /// The visit date the rules counted from.
        public let asOf: Day
        /// In spec order: microneedling, then micro-Botox.
        public let outcomes: [Outcome]
        /// The questionnaire the patient answered.
        public let questionnaireVersion: String
        /// The rule set that gave these verdicts.
        public let rulesetVersion: String
        /// Questions whose answers triggered a finding, to mark them among the answers.
        public let triggeringLinkIds: Set<String>
        /// Whether these are the verdicts recorded when the intake was submitted, rather than worked out now.
        public let recorded: Bool

        /// The result for one procedure, if it was assessed.
        public subscript(procedure: Procedure) -> Outcome? {
            outcomes.first { $0.procedure == procedure }
        }

        /// Verdicts worked out now by today's rules.
        public init(_ assessment: Assessment, questionnaireVersion: String) {
            asOf = assessment.asOf
            outcomes = assessment.procedures.map {
                Outcome(procedure: $0.procedure, verdict: $0.verdict, until: $0.until, findings: $0.findings)
            }
            self.questionnaireVersion = questionnaireVersion
            rulesetVersion = assessment.rulesetVersion
            triggeringLinkIds = assessment.triggeringLinkIds
            recorded = false
        }

        /// The verdicts stored with an intake: the `intake assess` JSON (spec section 3) the kiosk
        /// kept on submit, with the versions stored beside it.
        ///
        /// Verdicts, dates, rule ids, sources and unanswered questions are the record's. A reason
        /// is stored in one language (English); when today's rule of that id still gives the same
        /// words, its other translations are used, otherwise the stored words are printed as they
        /// are, in every language. Which answers to mark comes from `current`, today's assessment
        /// of the same answers, for the rules that appear in the record.
        public init(recordedJSON json: String, questionnaireVersion: String, rulesetVersion: String,
                    current: Assessment?) throws(RecordError) {
            let stored: AssessmentJSON
            do {
                stored = try JSONDecoder().decode(AssessmentJSON.self, from: Data(json.utf8))
            } catch {
                throw RecordError(description: "the stored assessment is not readable JSON (\(error))")
            }
            guard let asOf = Day(iso: stored.asOf) else {
                throw RecordError(description: "the stored assessment's date \"\(PatientText.clean(stored.asOf))\" is not a date")
            }
            func day(_ text: String?) throws(RecordError) -> Day? {
                guard let text else { return nil }
                guard let day = Day(iso: text) else {
                    throw RecordError(description: "the stored date \"\(PatientText.clean(text))\" is not a date")
                }
                return day
            }
            func verdict(_ text: String) throws(RecordError) -> Verdict {
                guard let verdict = Verdict(rawValue: text) else {
                    throw RecordError(description: "the stored verdict \"\(PatientText.clean(text))\" is not one this program knows")
                }
                return verdict
            }
            var outcomes: [Outcome] = []
            var marked = Set<String>()
            for p in stored.procedures {
                guard let procedure = Procedure(rawValue: p.procedure) else {
                    throw RecordError(description: "the stored procedure \"\(PatientText.clean(p.procedure))\" is not one this program knows")
                }
                var findings: [Finding] = []
                for f in p.findings {
                    let now = current?[procedure]?.findings.first { $0.rule == f.rule }
                        ?? current?.procedures.lazy.flatMap(\.findings).first { $0.rule == f.rule }
                    let linkIds = now?.linkIds ?? []
                    marked.formUnion(linkIds)
                    findings.append(Finding(rule: f.rule, verdict: try verdict(f.verdict), until: try day(f.until),
                                            reason: Self.reason(rule: f.rule, recorded: f.reason), source: f.source,
                                            linkIds: linkIds, missing: f.missing))
                }
                outcomes.append(Outcome(procedure: procedure, verdict: try verdict(p.verdict), until: try day(p.until), findings: findings))
            }
            self.asOf = asOf
            self.outcomes = outcomes
            self.questionnaireVersion = questionnaireVersion
            self.rulesetVersion = rulesetVersion
            self.triggeringLinkIds = marked
            self.recorded = true
        }

        /// A recorded reason in every language: today's rule's translations when its words are unchanged.
        static func reason(rule: String, recorded: String) -> LocalizedText {
            if let known = RuleTable.rules.first(where: { $0.id == rule }), known.reason.values.values.contains(recorded) {
                return known.reason
            }
            return LocalizedText([.en: recorded])
        }
    }

    /// Why a stored assessment cannot be shown as recorded.
    public struct RecordError: Error, CustomStringConvertible, Sendable {
        public let description: String
    }
}
