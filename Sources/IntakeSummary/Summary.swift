import IntakeModel
import IntakeRules

/// The printable summary of spec section 4: one plain-text document for the patient's file.
///
/// Verdicts come first and loudest; then every answer grouped as in the
/// questionnaire, with the answers that triggered a finding marked; then the
/// practitioner's lines. Patient-typed text passes through ``PatientText/clean(_:)``.
public struct Summary: Sendable {
    public let questionnaire: Questionnaire
    public let answers: Answers
    public let assessment: Assessment
    public let intakeID: String?
    public let language: Language
    /// Columns of the page; plain text fits 80.
    public let width: Int
    /// The practitioner's signed decision, when there is one.
    public let signed: SignedDecision?

    /// What the practitioner decided and signed, as the summary prints it.
    public struct SignedDecision: Sendable {
        public enum Choice: String, Sendable {
            case proceed, `defer`, decline
            func phrase(_ language: Language) -> String {
                switch self {
                case .proceed: Phrase.proceed(language)
                case .defer: Phrase.deferChoice(language)
                case .decline: Phrase.decline(language)
                }
            }
        }
        public let decisions: [Procedure: (decision: Choice, reason: String?)]
        public let note: String?
        public let practitioner: String
        /// When it was signed, as text (`2026-11-22 14:05 UTC`).
        public let signedAt: String
        /// Whether this decision amends an earlier signed one (which is kept).
        public let amended: Bool

        public init(decisions: [Procedure: (decision: Choice, reason: String?)], note: String?,
                    practitioner: String, signedAt: String, amended: Bool) {
            self.decisions = decisions; self.note = note; self.practitioner = practitioner
            self.signedAt = signedAt; self.amended = amended
        }
    }

    public init(questionnaire: Questionnaire, answers: Answers, assessment: Assessment,
                intakeID: String?, language: Language = .en, width: Int = 80, signed: SignedDecision? = nil) {
        self.signed = signed
        self.questionnaire = questionnaire
        self.answers = answers
        self.assessment = assessment
        self.intakeID = intakeID
        self.language = language
        self.width = width
    }

    /// The summary as lines of at most ``width`` columns, ending with a newline.
    public func render() -> String {
        var out: [String] = []
        let lang = language
        let rule = String(repeating: "=", count: width)
        let thin = String(repeating: "-", count: width)
        /// Appends `text` wrapped to the page, `first` before its first line and `rest` before the others.
        func add(_ text: String, first: String = "", rest: String? = nil) {
            let rest = rest ?? String(repeating: " ", count: first.count)
            let room = width - max(TextWidth.columns(first), TextWidth.columns(rest))
            for (i, line) in TextWidth.wrap(text, width: room).enumerated() {
                out.append((i == 0 ? first : rest) + line)
            }
        }

        out.append(rule)
        add(Phrase.clinicHeader(lang))
        add(Phrase.summaryTitle(lang))
        out.append(rule)
        let name = answers.string("patient-name").map(PatientText.clean) ?? Phrase.notAnswered(lang)
        add("\(Phrase.patient(lang)): \(name)")
        if let dob = answers.date("patient-dob") {
            var line = "\(Phrase.dateOfBirth(lang)): \(dob)"
            if let day = dob.exactDay { line += " (\(Phrase.age(lang, day.age(on: assessment.asOf))))" }
            add(line)
        } else {
            add("\(Phrase.dateOfBirth(lang)): \(Phrase.notAnswered(lang))")
        }
        add("\(Phrase.visitDate(lang)): \(assessment.asOf)")
        add("\(Phrase.intakeID(lang)): \(intakeID.map(PatientText.clean) ?? "-")")

        out.append("")
        add(Phrase.verdicts(lang))
        out.append(thin)
        let goals = answers.codes("goals")
        for procedure in assessment.procedures {
            var head = "\(procedure.procedure.name(lang)): \(procedure.verdict.name(lang).uppercased())"
            if let until = procedure.until { head += " " + Phrase.until(lang, until) }
            add(head, first: ">> ")
            if procedure.findings.isEmpty { add(Phrase.noFindings(lang), first: "   ") }
            for finding in procedure.findings {
                var label = "\(finding.rule) \(finding.verdict.name(lang))"
                if let until = finding.until { label += " " + Phrase.until(lang, until) }
                add("\(label): \(finding.reason(lang)) (\(Phrase.source(lang, finding.source)))", first: "   - ", rest: "     ")
            }
            let matching = (RuleTable.indications[procedure.procedure] ?? []).filter(goals.contains)
            if !matching.isEmpty, let item = questionnaire.item("goals") {
                let labels = matching.compactMap { item.option($0)?.display(lang) }
                add(Phrase.matchesGoals(lang, labels.joined(separator: ", ")), first: "   ", rest: "     ")
            }
        }

        out.append("")
        add("\(Phrase.answers(lang)) \(Phrase.triggeredLegend(lang))")
        out.append(thin)
        let enabled = questionnaire.enabledLinkIds(for: answers)
        let marked = assessment.triggeringLinkIds
        for group in questionnaire.items {
            add(group.text(lang))
            for question in questionsOf(group) where enabled.contains(question.linkId) {
                let mark = marked.contains(question.linkId) ? "* " : "  "
                add("\(question.text(lang)) -> \(question.answerText(answers, lang))", first: mark, rest: "      ")
            }
        }

        out.append("")
        add(Phrase.decision(lang))
        out.append(thin)
        if let signed {
            // A signed decision is printed as recorded; the blank lines are only for a paper signature.
            for procedure in assessment.procedures {
                guard let choice = signed.decisions[procedure.procedure] else { continue }
                var line = "\(procedure.procedure.name(lang)): \(choice.decision.phrase(lang).uppercased())"
                if let reason = choice.reason, !reason.isEmpty { line += " (\(PatientText.clean(reason)))" }
                add(line, first: "", rest: "   ")
            }
            if let note = signed.note, !note.isEmpty { add("\(Phrase.note(lang)): \(PatientText.clean(note))") }
            out.append("")
            add("\(Phrase.practitionerName(lang)): \(PatientText.clean(signed.practitioner))  \(Phrase.signedElectronically(lang))  \(Phrase.date(lang)): \(signed.signedAt)")
            if signed.amended { add(Phrase.amended(lang)) }
        } else {
            for procedure in assessment.procedures {
                add("\(procedure.procedure.name(lang)):  [ ] \(Phrase.proceed(lang))  [ ] \(Phrase.deferChoice(lang))  [ ] \(Phrase.decline(lang))")
            }
            out.append("\(Phrase.note(lang)): " + String(repeating: "_", count: max(10, width - TextWidth.columns(Phrase.note(lang)) - 2)))
            out.append("")
            let nameLine = "\(Phrase.practitionerName(lang)): ______________________"
            let signature = "\(Phrase.signature(lang)): __________________"
            let date = "\(Phrase.date(lang)): ____________"
            add("\(nameLine)  \(signature)  \(date)")
        }
        out.append(rule)
        add(Phrase.versions(lang, questionnaire.version, assessment.rulesetVersion))
        add(Phrase.disclaimer(lang))
        return out.joined(separator: "\n") + "\n"
    }

    /// A group's questions, including those nested under other questions.
    private func questionsOf(_ item: Questionnaire.Item) -> [Questionnaire.Item] {
        item.items.flatMap { child in (child.type.takesAnswers ? [child] : []) + questionsOf(child) }
    }
}
