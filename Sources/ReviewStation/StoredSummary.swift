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
        return stored.submittedAt.map(StationClock.day) ?? Day.today()
    }

    /// A stored intake's verdicts: as recorded on submission when that record is readable; otherwise
    /// today's rules applied to `answers` (nil when there are no answers to apply them to).
    public static func screening(_ stored: StoredIntake, answers: Answers?, questionnaire: Questionnaire) -> Summary.Screening? {
        let day = visitDay(stored)
        let current = answers.map { Assessor(questionnaire: questionnaire).assess($0, asOf: day) }
        if let json = stored.assessmentJSON,
           let recorded = try? Summary.Screening(recordedJSON: json,
                                                 questionnaireVersion: stored.questionnaireVersion ?? questionnaire.version,
                                                 rulesetVersion: stored.rulesetVersion ?? "?", current: current) {
            return recorded
        }
        return current.map { Summary.Screening($0, questionnaireVersion: stored.questionnaireVersion ?? questionnaire.version) }
    }

    /// The stored answers, read against today's questionnaire (which reads every earlier version's responses).
    public static func answers(_ stored: StoredIntake, questionnaire: Questionnaire) throws -> Answers {
        try ResponseReader(questionnaire: questionnaire, asOf: visitDay(stored)).read(Data((stored.responseJSON ?? "").utf8)).answers
    }

    public static func make(_ stored: StoredIntake, store: IntakeStore, language: Language,
                            questionnaire: Questionnaire) throws -> Summary {
        let answers = try Self.answers(stored, questionnaire: questionnaire)
        // With answers in hand there is always a screening: recorded, or worked out now.
        let screening = screening(stored, answers: answers, questionnaire: questionnaire)!
        let decisions = try store.currentDecisions(intakeID: stored.id)
        var signed: Summary.SignedDecision?
        if let latest = decisions.max(by: { $0.signedAt < $1.signedAt }) {
            var chosen: [Procedure: (decision: Summary.SignedDecision.Choice, reason: String?)] = [:]
            for decision in decisions {
                guard let procedure = Procedure(rawValue: decision.procedure),
                      let choice = Summary.SignedDecision.Choice(rawValue: decision.decision.rawValue) else { continue }
                chosen[procedure] = (choice, decision.reason)
            }
            let practitioner = ((try? store.users()) ?? []).first { $0.id == latest.userID }?.name ?? "#\(latest.userID)"
            signed = Summary.SignedDecision(decisions: chosen, note: latest.note, practitioner: practitioner,
                                            signedAt: StationClock.dateTime(latest.signedAt),
                                            amended: decisions.contains { $0.amends != nil })
        }
        return Summary(questionnaire: questionnaire, answers: answers, screening: screening, intakeID: stored.code,
                       language: language, signed: signed)
    }
}
