import Foundation
import IntakeModel
import IntakeRules
import IntakeStorage
import IntakeSummary
import TerminalUI

/// Everything the detail and decision screens show of one intake, read once when it is opened.
///
/// A plain value with every text in both languages, so the state stays pure and F2 needs no store.
public struct IntakeDetail: Equatable, Sendable {
    public struct ProcedureLine: Equatable, Sendable {
        public var procedure: Procedure
        public var verdict: Verdict?
        public var until: String?
        public var findings: [FindingLine]
        /// Not fully assessed: a required question was left unanswered (GEN-INCOMPLETE).
        public var incomplete: Bool = false
        /// The unanswered questions, as the questionnaire words them.
        public var missing: [LocalizedText] = []
    }

    public struct FindingLine: Equatable, Sendable {
        public var rule: String
        public var verdict: Verdict
        public var until: String?
        public var reason: LocalizedText
        public var source: String
    }

    public struct AnswerLine: Equatable, Sendable {
        public var question: LocalizedText
        public var answer: LocalizedText
        public var triggered: Bool
    }

    public struct Group: Equatable, Sendable {
        public var title: LocalizedText
        public var answers: [AnswerLine]
    }

    public var intakeID: Int64
    public var code: String
    /// Already cleaned of control characters.
    public var patientName: String
    public var dateOfBirth: String?
    public var age: Int?
    public var procedures: [ProcedureLine]
    public var groups: [Group]
    /// Why the answers could not be read, if they could not.
    public var problem: String?
    /// The decisions that stand, if signed.
    public var decisions: [Decision]
    /// The questionnaire the patient answered and the rule set that gave the verdicts.
    public var questionnaireVersion: String? = nil
    public var rulesetVersion: String? = nil
    /// The visit date of verdicts recorded on submission under a rule set other than today's; nil otherwise.
    public var recordedOn: String? = nil
    /// Today's rules where they differ, a re-assessment, and answers changed after signing.
    public var notes = Summary.RecordNotes()

    /// Whether today's rules would decide otherwise than the stored verdicts: re-assessing is offered.
    public var rulesUpdatedSince: Bool { !notes.rulesDifferences.isEmpty }

    /// A line of the detail screen.
    public struct Line: Equatable, Sendable {
        public var text: String
        public var role: Role
        public var bold: Bool
    }

    /// Reads a stored intake: the answers from its FHIR response, the verdicts the kiosk recorded on
    /// submission (or, without a readable record, today's rules for that day), and its current decisions.
    public static func make(_ stored: StoredIntake, questionnaire: Questionnaire, decisions: [Decision]) -> IntakeDetail {
        make(StoredSummary.Record(stored), questionnaire: questionnaire, decisions: decisions)
    }

    /// As above, for the standing record: a re-assessment's verdicts when there is one, and the
    /// notes on today's rules and on changes after signing.
    public static func make(_ record: StoredSummary.Record, questionnaire: Questionnaire, decisions: [Decision],
                            rules: [Rule] = RuleTable.rules, rulesetVersion: String = RuleTable.version) -> IntakeDetail {
        let stored = record.stored
        let day = StoredSummary.visitDay(stored)
        var detail = IntakeDetail(intakeID: stored.id, code: stored.code, patientName: PatientText.clean(stored.patientName ?? ""),
                                  dateOfBirth: stored.patientDOB.map(PatientText.clean), age: nil, procedures: [], groups: [],
                                  problem: nil, decisions: decisions,
                                  questionnaireVersion: stored.questionnaireVersion.map(PatientText.clean),
                                  rulesetVersion: stored.rulesetVersion.map(PatientText.clean))
        if let dob = stored.patientDOB.flatMap({ Day(iso: $0) }) { detail.age = dob.age(on: day) }
        do {
            let answers = try StoredSummary.answers(stored, questionnaire: questionnaire)
            // Reading the answers succeeded, so there is a screening: recorded, or worked out now.
            let screening = StoredSummary.screening(record, answers: answers, questionnaire: questionnaire)!
            detail.show(screening, questionnaire: questionnaire)
            detail.notes = StoredSummary.notes(record, screening: screening, answers: answers, questionnaire: questionnaire,
                                               rules: rules, rulesetVersion: rulesetVersion)
            let enabled = questionnaire.enabledLinkIds(for: answers)
            let marked = screening.triggeringLinkIds
            for group in questionnaire.items {
                let questions = Self.questions(of: group).filter { enabled.contains($0.linkId) }
                guard !questions.isEmpty else { continue }
                detail.groups.append(Group(title: group.text, answers: questions.map { item in
                    AnswerLine(question: item.text,
                               answer: LocalizedText(en: item.answerText(answers, .en), ar: item.answerText(answers, .ar)),
                               triggered: marked.contains(item.linkId))
                }))
            }
        } catch {
            detail.problem = PatientText.clean("\(error)")
            detail.notes.changedAfterSigning = record.changedAfterSigning
            detail.notes.changedOutsideIntake = record.changedOutsideIntake
            detail.notes.signedOnEarlierAssessment = record.signedOnEarlierAssessment
            if let recorded = StoredSummary.screening(record, answers: nil, questionnaire: questionnaire) {
                detail.show(recorded, questionnaire: questionnaire)
            } else {
                let verdicts = stored.verdicts ?? [:]
                detail.procedures = (stored.procedures ?? Procedure.allCases.filter { verdicts[$0] != nil }).map {
                    ProcedureLine(procedure: $0, verdict: verdicts[$0], until: nil, findings: [])
                }
            }
        }
        return detail
    }

    /// Takes the verdicts, versions and unanswered questions of `screening`.
    mutating func show(_ screening: Summary.Screening, questionnaire: Questionnaire) {
        procedures = screening.outcomes.map { p in
            ProcedureLine(procedure: p.procedure, verdict: p.verdict, until: p.until?.description,
                          findings: p.findings.map {
                              FindingLine(rule: $0.rule, verdict: $0.verdict, until: $0.until?.description,
                                          reason: $0.reason, source: $0.source)
                          },
                          incomplete: p.isIncomplete,
                          missing: p.missing.map { questionnaire.item($0)?.text ?? LocalizedText([.en: $0]) })
        }
        questionnaireVersion = PatientText.clean(screening.questionnaireVersion)
        rulesetVersion = PatientText.clean(screening.rulesetVersion)
        recordedOn = screening.recorded && screening.rulesetVersion != RuleTable.version ? screening.asOf.description : nil
    }

    static func questions(of item: Questionnaire.Item) -> [Questionnaire.Item] {
        item.items.flatMap { child in (child.type.takesAnswers ? [child] : []) + questions(of: child) }
    }

    /// The rules' verdict for a procedure.
    public func verdict(of procedure: Procedure) -> Verdict? {
        procedures.first { $0.procedure == procedure }?.verdict
    }

    /// The scrollable lines: verdicts first, then signed decisions, then every answer by group.
    public func lines(_ lang: Language) -> [Line] {
        var out: [Line] = []
        out.append(Line(text: Phrase.verdicts(lang), role: .accent, bold: true))
        for p in procedures {
            var verdict = StationText.verdictName(p.verdict, lang).uppercased()
            if let until = p.until { verdict += " " + Phrase.until(lang, until) }
            if p.incomplete {
                verdict = p.verdict == .review ? Phrase.incomplete(lang) : "\(verdict) · \(Phrase.incomplete(lang))"
            }
            out.append(Line(text: "\(StationText.procedureName(p.procedure, lang)): \(verdict)", role: StationText.role(p.verdict), bold: true))
            if p.incomplete, !p.missing.isEmpty {
                let names = p.missing.map { PatientText.clean($0(lang)) }.joined(separator: lang == .ar ? "؛ " : "; ")
                out.append(Line(text: "   " + Phrase.notAnsweredList(lang, names), role: .warning, bold: false))
            }
            if p.findings.isEmpty && problem == nil { out.append(Line(text: "   " + Phrase.noFindings(lang), role: .muted, bold: false)) }
            for f in p.findings {
                var label = "\(f.rule) \(StationText.verdictName(f.verdict, lang))"
                if let until = f.until { label += " " + Phrase.until(lang, until) }
                out.append(Line(text: "  - \(label): \(f.reason(lang)) (\(Phrase.source(lang, f.source)))", role: .text, bold: false))
            }
        }
        if let recordedOn, let rulesetVersion {
            out.append(Line(text: Phrase.recordedUnder(lang, recordedOn, rulesetVersion, RuleTable.version), role: .muted, bold: false))
        }
        if let again = notes.reassessment {
            out.append(Line(text: Phrase.reassessed(lang, again.on, PatientText.clean(again.by), again.ruleset), role: .muted, bold: false))
        }
        if let questionnaireVersion, let rulesetVersion {
            out.append(Line(text: Phrase.versions(lang, questionnaireVersion, rulesetVersion), role: .muted, bold: false))
        }
        if rulesUpdatedSince {
            let differences = notes.rulesDifferences.map { $0.text(lang) }.joined(separator: "; ")
            out.append(Line(text: Phrase.rulesUpdated(lang, notes.todaysRuleset, differences) + " " + Phrase.stationReassessHint(lang),
                            role: .warning, bold: true))
        }
        if notes.changedOutsideIntake {
            out.append(Line(text: Phrase.changedOutsideIntake(lang), role: .error, bold: true))
        }
        if notes.changedAfterSigning {
            out.append(Line(text: Phrase.changedAfterSigning(lang), role: .error, bold: true))
        }
        if !decisions.isEmpty {
            out.append(Line(text: "", role: .text, bold: false))
            out.append(Line(text: Phrase.stationCurrentDecisions(lang), role: .accent, bold: true))
            for d in decisions {
                var line = "\(StationText.procedureName(d.procedure, lang)): \(StationText.decisionName(d.decision, lang).uppercased())"
                if let reason = d.reason, !reason.isEmpty { line += " (\(PatientText.clean(reason)))" }
                out.append(Line(text: line, role: .success, bold: false))
            }
            if notes.signedOnEarlierAssessment {
                out.append(Line(text: Phrase.signedOnEarlierAssessment(lang), role: .warning, bold: true))
            }
            if let note = decisions.last?.note, !note.isEmpty {
                out.append(Line(text: "\(Phrase.note(lang)): \(PatientText.clean(note))", role: .text, bold: false))
            }
        }
        out.append(Line(text: "", role: .text, bold: false))
        if let problem {
            out.append(Line(text: Phrase.stationDetailUnreadable(lang, problem), role: .error, bold: true))
            return out
        }
        out.append(Line(text: "\(Phrase.answers(lang)) \(Phrase.triggeredLegend(lang))", role: .accent, bold: true))
        for group in groups {
            out.append(Line(text: PatientText.clean(group.title(lang)), role: .muted, bold: true))
            for a in group.answers {
                let mark = a.triggered ? "* " : "  "
                out.append(Line(text: mark + PatientText.clean(a.question(lang)) + " -> " + PatientText.clean(a.answer(lang)),
                                role: a.triggered ? .warning : .text, bold: a.triggered))
            }
        }
        return out
    }
}

/// Names and roles shared by the screens.
enum StationText {
    static func procedureName(_ procedure: Procedure, _ lang: Language) -> String {
        procedure.name(lang)
    }

    static func procedureShort(_ procedure: Procedure, _ lang: Language) -> String {
        switch procedure {
        case .microneedling: Phrase.stationProcMicroneedling(lang)
        case .microBotox: Phrase.stationProcMicroBotox(lang)
        }
    }

    static func verdictName(_ verdict: Verdict?, _ lang: Language) -> String {
        verdict.map { $0.name(lang) } ?? "?"
    }

    static func decisionName(_ decision: ReviewDecision, _ lang: Language) -> String {
        switch decision {
        case .proceed: Phrase.proceed(lang)
        case .defer: Phrase.deferChoice(lang)
        case .decline: Phrase.decline(lang)
        }
    }

    static func role(_ verdict: Verdict?) -> Role {
        switch verdict {
        case .eligible?: .eligible
        case .review?: .review
        case .defer?: .deferred
        case .contraindicated?: .contraindicated
        case nil: .muted
        }
    }

    static func status(_ state: IntakeStorage.ReviewState, _ lang: Language) -> String {
        switch state {
        case .new: Phrase.stationStatusNew(lang)
        case .inReview: Phrase.stationStatusInReview(lang)
        case .signed: Phrase.stationStatusSigned(lang)
        }
    }
}
