import Bidi
import Foundation
import IntakeModel
import IntakeRules
import IntakeStorage
import IntakeSummary

/// The printable summary of a stored intake, with the practitioner's signed decision when there is one.
///
/// Shared by the station's `p` and `intake print` / `intake summary CODE`. The verdicts are
/// worked out again for the day the intake was submitted: the rules are pure, so this is what
/// the kiosk stored, in whichever language the summary is asked for.
public enum StoredSummary {
    /// The text to send to a printer: in Arabic, lines in visual order, shaped and aligned right,
    /// since CUPS's text filter does neither; other languages as they are.
    public static func printable(_ summary: Summary) -> String {
        let text = summary.render()
        guard summary.language.isRightToLeft else { return text }
        return Bidi.page(text, base: .rightToLeft, width: summary.width, measure: TextWidth.columns)
    }

    public static func make(_ stored: StoredIntake, store: IntakeStore, language: Language,
                            questionnaire: Questionnaire) throws -> Summary {
        let day = stored.submittedAt.map(StationClock.day) ?? Day.today()
        let answers = try ResponseReader(questionnaire: questionnaire, asOf: day).read(Data((stored.responseJSON ?? "").utf8)).answers
        let assessment = Assessor(questionnaire: questionnaire).assess(answers, asOf: day)
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
        return Summary(questionnaire: questionnaire, answers: answers, assessment: assessment, intakeID: stored.code,
                       language: language, signed: signed)
    }
}
