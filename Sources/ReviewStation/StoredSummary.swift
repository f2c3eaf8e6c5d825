import Bidi
import Foundation
import IntakeModel
import IntakeRules
import IntakeStorage
import IntakeSummary

/// The printable summary of a stored intake, with the practitioner's signed decision when there is one.
///
/// Shared by the station's `p` and `intake print` / `intake summary CODE`. The verdicts are the
/// ones the kiosk stored when the patient submitted, under the rule set and questionnaire of that
/// day (an intake stored under version 1 keeps its version-1 verdicts); only when no readable
/// record was stored are they worked out again, by today's rules, for the day of submission.
public enum StoredSummary {
    /// The text to send to a printer: pages separated by form feeds; in Arabic, lines in visual
    /// order, shaped and aligned right, since CUPS's text filter does neither.
    public static func printable(_ summary: Summary) -> String {
        devicePages(summary).joined(separator: Summary.formFeed)
    }

    /// The same text for a terminal that does no BiDi of its own: one page after another, no form feeds.
    public static func displayable(_ summary: Summary) -> String {
        devicePages(summary).joined()
    }

    /// Each page as a device that does no BiDi receives it, ending with a newline.
    static func devicePages(_ summary: Summary) -> [String] {
        summary.pages().map { lines in
            let text = lines.joined(separator: "\n") + "\n"
            guard summary.language.isRightToLeft else { return text }
            return Bidi.page(text, base: .rightToLeft, width: summary.width, measure: TextWidth.columns)
        }
    }

    /// The visit date a stored intake was assessed for: the one in its stored assessment, else the day it was submitted.
    public static func visitDay(_ stored: StoredIntake) -> Day {
        if let json = stored.assessmentJSON,
           let record = try? JSONDecoder().decode(AssessmentJSON.self, from: Data(json.utf8)),
           let day = Day(iso: record.asOf) {
            return day
        }
        return stored.submittedAt.map(ClockText.localDay) ?? Day.today()
    }

    /// What the store holds around an intake that its screens and printouts must show: the
    /// re-assessment that stands, who asked for it, and whether it changed after signing.
    public struct Record: Sendable {
        public var stored: StoredIntake
        /// The newest re-assessment; nil when the assessment made at submit stands.
        public var reassessment: Reassessment?
        /// The staff name of whoever asked for `reassessment`.
        public var reassessedBy: String?
        /// A standing decision was signed on other answers or another assessment than those stored.
        public var changedAfterSigning: Bool
        /// The intake differs from its audit entry: changed outside intake since it was submitted.
        public var changedOutsideIntake: Bool = false
        /// A standing decision was signed before the re-assessment that now stands.
        public var signedOnEarlierAssessment: Bool = false

        /// A record with nothing beside the intake: no re-assessment, nothing changed.
        public init(_ stored: StoredIntake) {
            self.stored = stored
            reassessment = nil
            reassessedBy = nil
            changedAfterSigning = false
        }

        /// Reads what `store` holds around `stored`.
        public init(_ stored: StoredIntake, store: IntakeStore) throws {
            self.init(stored)
            reassessment = try store.reassessments(intakeID: stored.id).last
            if let reassessment {
                reassessedBy = ((try? store.users()) ?? []).first { $0.id == reassessment.userID }?.name ?? "#\(reassessment.userID)"
            }
            changedAfterSigning = !(try store.decisionsSignedOnOtherContent(intakeID: stored.id)).isEmpty
            changedOutsideIntake = !(try store.isAsSubmitted(intakeID: stored.id))
            if let reassessment {
                signedOnEarlierAssessment = try store.currentDecisions(intakeID: stored.id).contains { $0.reassessmentID != reassessment.id }
            }
        }

        /// The assessment JSON that stands, with its questionnaire and rule-set versions.
        var standing: (json: String?, questionnaireVersion: String?, rulesetVersion: String?) {
            if let reassessment {
                return (reassessment.assessmentJSON, reassessment.questionnaireVersion, reassessment.rulesetVersion)
            }
            return (stored.assessmentJSON, stored.questionnaireVersion, stored.rulesetVersion)
        }
    }

    /// A stored intake's verdicts: the standing record (the assessment at submit, or the newest
    /// re-assessment) when it is readable; otherwise today's rules applied to `answers` (nil when
    /// there are no answers to apply them to).
    public static func screening(_ record: Record, answers: Answers?, questionnaire: Questionnaire) -> Summary.Screening? {
        let day = visitDay(record.stored)
        let current = answers.map { Assessor(questionnaire: questionnaire).assess($0, asOf: day) }
        let standing = record.standing
        if let json = standing.json,
           let recorded = try? Summary.Screening(recordedJSON: json,
                                                 questionnaireVersion: standing.questionnaireVersion ?? questionnaire.version,
                                                 rulesetVersion: standing.rulesetVersion ?? "?", current: current) {
            return recorded
        }
        return current.map { Summary.Screening($0, questionnaireVersion: record.stored.questionnaireVersion ?? questionnaire.version) }
    }

    /// What to say beside the stored verdicts: today's rules where they differ, the re-assessment, a change after signing.
    public static func notes(_ record: Record, screening: Summary.Screening, answers: Answers?, questionnaire: Questionnaire,
                             rules: [Rule] = RuleTable.rules, rulesetVersion: String = RuleTable.version) -> Summary.RecordNotes {
        var notes = Summary.RecordNotes(todaysRuleset: rulesetVersion, changedAfterSigning: record.changedAfterSigning)
        notes.changedOutsideIntake = record.changedOutsideIntake
        notes.signedOnEarlierAssessment = record.signedOnEarlierAssessment
        // Only a newer rule set is "rules updated since"; with the same rules, a different verdict
        // means the answers changed, which `changedOutsideIntake` says.
        if screening.recorded, screening.rulesetVersion != rulesetVersion, let answers {
            let today = Assessor(questionnaire: questionnaire, rules: rules).assess(answers, asOf: visitDay(record.stored))
            notes.rulesDifferences = Summary.rulesDifferences(recorded: screening, today: today)
        }
        if let again = record.reassessment {
            notes.reassessment = .init(on: ClockText.localMinute(again.assessedAt), by: record.reassessedBy ?? "?", ruleset: again.rulesetVersion)
        }
        return notes
    }

    /// The stored answers, read against today's questionnaire (which reads every earlier version's responses).
    public static func answers(_ stored: StoredIntake, questionnaire: Questionnaire) throws -> Answers {
        try ResponseReader(questionnaire: questionnaire, asOf: visitDay(stored)).read(Data((stored.responseJSON ?? "").utf8)).answers
    }

    public static func make(_ stored: StoredIntake, store: IntakeStore, language: Language,
                            questionnaire: Questionnaire, rules: [Rule] = RuleTable.rules,
                            rulesetVersion: String = RuleTable.version) throws -> Summary {
        let record = try Record(stored, store: store)
        let answers = try Self.answers(stored, questionnaire: questionnaire)
        // With answers in hand there is always a screening: recorded, or worked out now.
        let screening = screening(record, answers: answers, questionnaire: questionnaire)!
        let notes = notes(record, screening: screening, answers: answers, questionnaire: questionnaire,
                          rules: rules, rulesetVersion: rulesetVersion)
        let decisions = try store.currentDecisions(intakeID: stored.id)
        var signed: Summary.SignedDecision?
        if let latest = decisions.max(by: { $0.signedAt < $1.signedAt }) {
            var chosen: [Procedure: (decision: Summary.SignedDecision.Choice, reason: String?)] = [:]
            for decision in decisions {
                chosen[decision.procedure] = (decision.decision, decision.reason)
            }
            let signer = ((try? store.users()) ?? []).first { $0.id == latest.userID }
            signed = Summary.SignedDecision(decisions: chosen, note: latest.note,
                                            practitioner: signer?.name ?? "#\(latest.userID)",
                                            signedAt: ClockText.localMinute(latest.signedAt),
                                            amended: decisions.contains { $0.amends != nil },
                                            fullName: signer?.fullName, credential: signer?.credential,
                                            // The answers the signature is bound to, short enough to read out or copy by hand.
                                            contentHash: latest.responseSHA256.map { String($0.prefix(16)) })
        }
        return Summary(questionnaire: questionnaire, answers: answers, screening: screening, intakeID: stored.code,
                       language: language, signed: signed, record: notes)
    }
}
