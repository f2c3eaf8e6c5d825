import IntakeModel
import IntakeRules

/// The printable summary of spec section 4: one plain-text document for the patient's file.
///
/// Verdicts come first and loudest; then every answer grouped as in the
/// questionnaire, with the answers that triggered a finding marked; then the
/// practitioner's lines. Patient-typed text passes through ``PatientText/clean(_:)``
/// and is marked as the patient's own words.
///
/// A summary longer than ``linesPerPage`` is cut into pages: every page names the patient,
/// the date of birth and the intake and says "page n of N", and the decision and signature
/// block is kept whole on one page. ``render()`` is for screens (no control characters);
/// ``renderForPrinter()`` separates the pages with form feeds, which CUPS's text filter honours.
public struct Summary: Sendable {
    public let questionnaire: Questionnaire
    public let answers: Answers
    /// The verdicts printed: worked out now, or as recorded when the intake was submitted.
    public let screening: Screening
    public let intakeID: String?
    public let language: Language
    /// Columns of the page; plain text fits 80.
    public let width: Int
    /// Lines of a printed page.
    public let pageLength: Int
    /// The practitioner's signed decision, when there is one.
    public let signed: SignedDecision?
    /// Today's rules where they differ, a re-assessment, and content changed after signing.
    public let record: RecordNotes

    /// Lines on a printed page.
    ///
    /// CUPS's text filter keeps half-inch top and bottom margins by default, which leaves 10 inches
    /// of US Letter (10.7 of A4). At CUPS's default 6 lines per inch that is 60 lines on Letter;
    /// at the 7 lines per inch `Printer` asks for, 70. Sixty lines therefore fit either paper at
    /// either setting (a summary saved to a file and printed later by hand included), with room
    /// to spare for printers whose hardware margins are wider than CUPS's defaults: the filter
    /// never has to break a page of ours in two.
    public static let linesPerPage = 60

    /// What the practitioner decided and signed, as the summary prints it.
    public struct SignedDecision: Sendable {
        /// The practitioner's choice: the record's one `ReviewDecision`, not a copy of it.
        public typealias Choice = ReviewDecision
        public let decisions: [Procedure: (decision: Choice, reason: String?)]
        public let note: String?
        public let practitioner: String
        /// When it was signed, as text (`2026-11-22 14:05 UTC`).
        public let signedAt: String
        /// Whether this decision amends an earlier signed one (which is kept).
        public let amended: Bool
        /// The signer's full name ("Sara Haddad"), when the account has one; else the login name is printed.
        public let fullName: String?
        /// The signer's credential ("MD, dermatologist"), when the account has one.
        public let credential: String?
        /// The signed record's content hash (hex), printed in short form so the paper can be matched to it.
        public let contentHash: String?

        public init(decisions: [Procedure: (decision: Choice, reason: String?)], note: String?,
                    practitioner: String, signedAt: String, amended: Bool,
                    fullName: String? = nil, credential: String? = nil, contentHash: String? = nil) {
            self.decisions = decisions; self.note = note; self.practitioner = practitioner
            self.signedAt = signedAt; self.amended = amended
            self.fullName = fullName; self.credential = credential; self.contentHash = contentHash
        }

        /// Who signed, as printed: the full name and credential when known, else the login name.
        public var signer: String {
            let name = fullName.map(PatientText.clean).flatMap { $0.isEmpty ? nil : $0 } ?? PatientText.clean(practitioner)
            guard let credential = credential.map(PatientText.clean), !credential.isEmpty else { return name }
            return "\(name), \(credential)"
        }

        /// The content hash's short form: its first 12 hex digits, in groups of four ("3f9a 0c12 77be").
        public var shortHash: String? {
            guard let hash = contentHash.map(PatientText.clean), !hash.isEmpty else { return nil }
            let digits = Array(hash.filter(\.isHexDigit).lowercased().prefix(12))
            guard !digits.isEmpty else { return nil }
            return stride(from: 0, to: digits.count, by: 4).map { String(digits[$0..<min($0 + 4, digits.count)]) }
                .joined(separator: " ")
        }
    }

    /// A summary of `assessment`, worked out now against `questionnaire`.
    public init(questionnaire: Questionnaire, answers: Answers, assessment: Assessment,
                intakeID: String?, language: Language = .en, width: Int = 80, signed: SignedDecision? = nil) {
        self.init(questionnaire: questionnaire, answers: answers,
                  screening: Screening(assessment, questionnaireVersion: questionnaire.version),
                  intakeID: intakeID, language: language, width: width, signed: signed)
    }

    /// A summary of `screening`, such as the verdicts stored with an intake when it was submitted.
    public init(questionnaire: Questionnaire, answers: Answers, screening: Screening,
                intakeID: String?, language: Language = .en, width: Int = 80,
                pageLength: Int = Summary.linesPerPage, signed: SignedDecision? = nil, record: RecordNotes = RecordNotes()) {
        self.questionnaire = questionnaire
        self.answers = answers
        self.screening = screening
        self.intakeID = intakeID
        self.language = language
        self.width = width
        self.pageLength = pageLength
        self.signed = signed
        self.record = record
    }

    /// The summary for a screen: every page one after the other, lines of at most ``width``
    /// columns, ending with a newline; no form feed or other control character.
    public func render() -> String {
        pages().map { $0.joined(separator: "\n") + "\n" }.joined()
    }

    /// The summary for a printer: as ``render()``, with a form feed before each page after the first.
    public func renderForPrinter() -> String {
        pages().map { $0.joined(separator: "\n") + "\n" }.joined(separator: Summary.formFeed)
    }

    /// Starts a new page on a printer (CUPS's text filter honours it); never sent to a screen.
    public static let formFeed = "\u{0C}"

    /// The summary cut into pages of at most ``pageLength`` lines. One page when it fits;
    /// otherwise every page starts with the patient's name, date of birth, intake and "page n of N".
    public func pages() -> [[String]] {
        let (head, blocks) = layout()
        let body = blocks.flatMap(\.lines)
        if head.count + body.count <= pageLength { return [head + body] }

        // Runs of blocks that stay together: a heading with what follows it.
        var units: [[String]] = []
        var run: [String] = []
        for block in blocks {
            run += block.lines
            if !block.keepWithNext { units.append(run); run = [] }
        }
        if !run.isEmpty { units.append(run) }

        // The running header's height can depend on how wide "page n of N" is: settle N first.
        var count = 2
        var bodies: [[String]] = []
        for _ in 0..<4 {
            bodies = paginate(units, firstRoom: pageLength - title(page: 1, of: count, head).count,
                              laterRoom: pageLength - runningHeader(page: count, of: count).count)
            if bodies.count == count { break }
            count = bodies.count
        }
        let total = bodies.count
        return bodies.enumerated().map { index, lines in
            index == 0 ? title(page: 1, of: total, head) + lines : runningHeader(page: index + 1, of: total) + lines
        }
    }

    /// Fills pages with units, starting a unit on a fresh page when it does not fit the rest of
    /// this one; only a unit longer than a whole page is split.
    private func paginate(_ units: [[String]], firstRoom: Int, laterRoom: Int) -> [[String]] {
        var pages: [[String]] = [[]]
        func room() -> Int { (pages.count == 1 ? firstRoom : laterRoom) - pages[pages.count - 1].count }
        func startPage() { pages.append([]) }
        for unit in units {
            var unit = unit
            if unit.count > room(), !pages[pages.count - 1].isEmpty, unit.drop(while: \.isEmpty).count <= laterRoom {
                startPage()
            }
            // A page after the first does not start with blank lines (the first starts with its header).
            func atTopOfLaterPage() -> Bool { pages.count > 1 && pages[pages.count - 1].isEmpty }
            if atTopOfLaterPage() { unit = Array(unit.drop(while: \.isEmpty)) }
            for line in unit {
                if room() <= 0 { startPage() }
                if atTopOfLaterPage() && line.isEmpty { continue }
                pages[pages.count - 1].append(line)
            }
        }
        if pages.count > 1, pages[pages.count - 1].isEmpty { pages.removeLast() }
        return pages
    }

    // MARK: - Content

    /// A run of lines; `keepWithNext` keeps it on the page of the block after it.
    private struct Block {
        var lines: [String] = []
        var keepWithNext = false
    }

    /// Wraps text to the page: `first` before its first line, `rest` before the others.
    private func wrap(_ text: String, first: String = "", rest: String? = nil) -> [String] {
        let rest = rest ?? String(repeating: " ", count: TextWidth.columns(first))
        let room = width - max(TextWidth.columns(first), TextWidth.columns(rest))
        return TextWidth.wrap(text, width: room).enumerated().map { (i, line) in (i == 0 ? first : rest) + line }
    }

    private var rule: String { String(repeating: "=", count: width) }
    private var thin: String { String(repeating: "-", count: width) }
    var listSeparator: String { language == .ar ? "؛ " : "; " }

    /// Patient-typed text as printed: control characters and escape sequences removed, and the
    /// spaces they leave at either end trimmed.
    func cleaned(_ text: String) -> String {
        let clean = PatientText.clean(text)
        // Found from either end: the time grows with the spaces trimmed, not with the text.
        guard let first = clean.firstIndex(where: { $0 != " " }), let last = clean.lastIndex(where: { $0 != " " }) else {
            return ""
        }
        return String(clean[first...last])
    }

    /// Patient-typed text as printed: cleaned, and cut with "…" at the question's `maxLength`,
    /// the most the kiosk accepts (a response file may hold more).
    func limited(_ text: String, _ linkId: String) -> String {
        let clean = cleaned(text)
        guard let max = questionnaire.item(linkId)?.maxLength, max > 0,
              let end = clean.index(clean.startIndex, offsetBy: max, limitedBy: clean.endIndex), end < clean.endIndex else {
            return clean
        }
        return String(clean[..<end]) + "…"
    }

    /// The patient's name as printed: cleaned and limited, or "(not answered)".
    var patientName: String {
        answers.string("patient-name").map { limited($0, "patient-name") } ?? Phrase.notAnswered(language)
    }

    var dateOfBirth: String {
        answers.date("patient-dob")?.description ?? Phrase.notAnswered(language)
    }

    var intakeText: String { intakeID.map(PatientText.clean) ?? "-" }

    /// Free text the patient typed: a text question with no pattern to match (not the phone number).
    func isPatientsWords(_ item: Questionnaire.Item) -> Bool {
        (item.type == .string || item.type == .text) && item.pattern == nil
    }

    /// Cleaned and limited patient text with the patient's-words mark.
    func patientsWords(_ text: String, _ linkId: String) -> String {
        Phrase.patientQuoted(language, limited(text, linkId), Phrase.patientWords(language))
    }

    /// `text` with `marker` at the right edge of its last line, or on a line of its own when it does not fit.
    private func withMarker(_ lines: [String], _ marker: String) -> [String] {
        var lines = lines
        let last = lines.last ?? ""
        let gap = width - TextWidth.columns(last) - TextWidth.columns(marker)
        if gap >= 2 {
            lines[lines.count - 1] = last + String(repeating: " ", count: gap) + marker
        } else {
            lines.append(String(repeating: " ", count: max(0, width - TextWidth.columns(marker))) + marker)
        }
        return lines
    }

    /// Page 1's header, with "page 1 of N" on the title line when there is more than one page.
    private func title(page: Int, of total: Int, _ head: [String]) -> [String] {
        guard total > 1 else { return head }
        let marker = Phrase.page(language, page, total)
        let titleLines = wrap(Phrase.summaryTitle(language))
        let start = head.firstIndex(of: titleLines[0]).map { $0 + titleLines.count - 1 } ?? 2
        var head = head
        let marked = withMarker([head[start]], marker)
        head.replaceSubrange(start...start, with: marked)
        return head
    }

    /// The top of every page after the first: who and which intake, and which page.
    private func runningHeader(page: Int, of total: Int) -> [String] {
        let lang = language
        let who = "\(Phrase.patient(lang)): \(patientName) · \(Phrase.dateOfBirth(lang)): \(dateOfBirth) · \(Phrase.intakeID(lang)): \(intakeText)"
        return withMarker(wrap(who), Phrase.page(lang, page, total)) + [rule]
    }

    /// The first page's header and the blocks that follow it.
    private func layout() -> (head: [String], blocks: [Block]) {
        let lang = language
        var head: [String] = [rule]
        head += wrap(Phrase.clinicHeader(lang))
        head += wrap(Phrase.summaryTitle(lang))
        head.append(rule)
        let name = answers.string("patient-name").map { patientsWords($0, "patient-name") } ?? Phrase.notAnswered(lang)
        head += wrap("\(Phrase.patient(lang)): \(name)")
        if let dob = answers.date("patient-dob") {
            var line = "\(Phrase.dateOfBirth(lang)): \(dob)"
            if let day = dob.exactDay { line += " (\(Phrase.age(lang, day.age(on: screening.asOf))))" }
            head += wrap(line)
        } else {
            head += wrap("\(Phrase.dateOfBirth(lang)): \(Phrase.notAnswered(lang))")
        }
        head += wrap("\(Phrase.visitDate(lang)): \(screening.asOf)")
        head += wrap("\(Phrase.intakeID(lang)): \(intakeText)")
        head += wrap(answers.bool("photo-consent") == true ? Phrase.photosAgreed(lang) : Phrase.photosNotAgreed(lang))

        var blocks: [Block] = []
        blocks.append(verdictsHeading())
        blocks += screening.outcomes.map(verdictBlock)
        blocks += answerBlocks()
        blocks.append(decisionBlock())
        return (head, blocks)
    }

    private func verdictsHeading() -> Block {
        let lang = language
        var block = Block(lines: ["", Phrase.verdicts(lang), thin], keepWithNext: true)
        if let item = questionnaire.item("procedures") {
            block.lines += wrap(Phrase.proceduresChosen(lang, item.answerText(answers, lang)), first: "", rest: "   ")
        }
        if let item = questionnaire.item("treatment-area") {
            // Version 1 did not ask for the areas: its intakes say so rather than "not answered".
            let notAsked = !answers.isAnswered(item.linkId) && (Self.major(screening.questionnaireVersion) ?? 2) < 2
            let areas = notAsked ? Phrase.notAsked(lang) : item.answerText(answers, lang)
            block.lines += wrap(Phrase.treatmentAreas(lang, areas), first: "", rest: "   ")
        }
        if screening.recorded, screening.rulesetVersion != RuleTable.version {
            block.lines += wrap(Phrase.recordedUnder(lang, screening.asOf, screening.rulesetVersion, RuleTable.version))
        }
        if record.changedOutsideIntake {
            block.lines += wrap("!! " + Phrase.changedOutsideIntake(lang), first: "", rest: "   ")
        }
        if let again = record.reassessment {
            block.lines += wrap(Phrase.reassessed(lang, again.on, PatientText.clean(again.by), again.ruleset))
        }
        if !record.rulesDifferences.isEmpty {
            let differences = record.rulesDifferences.map { $0.text(lang) }.joined(separator: "; ")
            block.lines += wrap(Phrase.rulesUpdated(lang, record.todaysRuleset, differences))
        }
        return block
    }

    /// One procedure: its verdict (or INCOMPLETE) and the questions left unanswered, its findings,
    /// the goals it suits and, for micro-Botox, the off-label notice.
    private func verdictBlock(_ outcome: Screening.Outcome) -> Block {
        let lang = language
        var lines: [String] = []
        var verdict = outcome.verdict.name(lang).uppercased()
        if let until = outcome.until { verdict += " " + Phrase.until(lang, until) }
        let head: String
        if outcome.isIncomplete {
            // Incomplete is a review; a more severe finding among the answers given still leads.
            head = outcome.verdict == .review ? Phrase.incomplete(lang) : "\(verdict) · \(Phrase.incomplete(lang))"
        } else {
            head = verdict
        }
        lines += wrap("\(outcome.procedure.name(lang)): \(head)", first: ">> ")
        if outcome.isIncomplete, !outcome.missing.isEmpty {
            let names = outcome.missing.map { PatientText.clean(questionnaire.item($0)?.text(lang) ?? $0) }
            lines += wrap(Phrase.notAnsweredList(lang, names.joined(separator: listSeparator)), first: "   ", rest: "     ")
        }
        if outcome.findings.isEmpty { lines += wrap(Phrase.noFindings(lang), first: "   ") }
        for finding in outcome.findings {
            var label = "\(finding.rule) \(finding.verdict.name(lang))"
            if let until = finding.until { label += " " + Phrase.until(lang, until) }
            lines += wrap("\(label): \(finding.reason(lang)) (\(Phrase.source(lang, finding.source)))", first: "   - ", rest: "     ")
        }
        let goals = answers.codes("goals")
        let matching = (RuleTable.indications[outcome.procedure] ?? []).filter(goals.contains)
        if !matching.isEmpty, let item = questionnaire.item("goals") {
            let labels = matching.compactMap { item.option($0)?.display(lang) }
            lines += wrap(Phrase.matchesGoals(lang, labels.joined(separator: ", ")), first: "   ", rest: "     ")
        }
        if outcome.procedure == .microBotox {
            lines += wrap(Phrase.offLabel(lang), first: "   ")
        }
        return Block(lines: lines)
    }

    /// Every enabled question by group, the answers that triggered a finding marked; display items never.
    private func answerBlocks() -> [Block] {
        let lang = language
        var blocks: [Block] = []
        var heading = Block(lines: ["", "\(Phrase.answers(lang)) \(Phrase.triggeredLegend(lang))", thin], keepWithNext: true)
        if screening.questionnaireVersion != questionnaire.version {
            heading.lines += wrap(Phrase.olderQuestionnaire(lang, screening.questionnaireVersion, questionnaire.version))
        }
        blocks.append(heading)
        let enabled = questionnaire.enabledLinkIds(for: answers)
        let marked = screening.triggeringLinkIds
        func answerBlock(_ question: Questionnaire.Item) -> Block {
            let mark = marked.contains(question.linkId) ? "* " : "  "
            var answer = question.answerText(answers, lang)
            if let text = answers.string(question.linkId), question.type == .string || question.type == .text {
                answer = isPatientsWords(question) ? patientsWords(text, question.linkId) : limited(text, question.linkId)
            }
            return Block(lines: wrap("\(question.text(lang)) -> \(answer)", first: mark, rest: "      "))
        }
        for item in questionnaire.items {
            switch item.type {
            case .group:
                let questions = questionsOf(item).filter { enabled.contains($0.linkId) }
                guard !questions.isEmpty else { continue }
                blocks.append(Block(lines: wrap(item.text(lang)), keepWithNext: true))
                blocks += questions.map(answerBlock)
            case .display:
                continue  // a notice shown to the patient, never an answer
            default:
                if enabled.contains(item.linkId) { blocks.append(answerBlock(item)) }
            }
        }
        return blocks
    }

    /// The practitioner's decision and signature, the versions and the disclaimer: one block, never split.
    private func decisionBlock() -> Block {
        let lang = language
        var out: [String] = ["", Phrase.decision(lang), thin]
        let offLabel = screening.outcomes.contains { $0.procedure == .microBotox }
        // A tick box for the paper: the electronic signature does not record the off-label consent.
        let offLabelBox = wrap("[ ] " + Phrase.offLabelTick(lang), first: "   ", rest: "       ")
        if let signed {
            // A signed decision is printed as recorded; the blank lines are only for a paper signature.
            for outcome in screening.outcomes {
                if let choice = signed.decisions[outcome.procedure] {
                    var line = "\(outcome.procedure.name(lang)): \(choice.decision.phrase(lang).uppercased())"
                    if let reason = choice.reason, !reason.isEmpty { line += " (\(PatientText.clean(reason)))" }
                    out += wrap(line, first: "", rest: "   ")
                }
                if outcome.procedure == .microBotox, offLabel { out += offLabelBox }
            }
            if let note = signed.note, !note.isEmpty { out += wrap("\(Phrase.note(lang)): \(PatientText.clean(note))") }
            out.append("")
            out += wrap("\(Phrase.practitionerName(lang)): \(signed.signer)  \(Phrase.signedElectronically(lang))  \(Phrase.date(lang)): \(signed.signedAt)")
            if let hash = signed.shortHash { out += wrap(DocumentText.contentHash(lang, hash)) }
            if signed.amended { out += wrap(Phrase.amended(lang)) }
            if record.signedOnEarlierAssessment { out += wrap(Phrase.signedOnEarlierAssessment(lang)) }
            if record.changedAfterSigning { out += wrap("!! " + Phrase.changedAfterSigning(lang), first: "", rest: "   ") }
        } else {
            for outcome in screening.outcomes {
                out += wrap("\(outcome.procedure.name(lang)):  [ ] \(Phrase.proceed(lang))  [ ] \(Phrase.deferChoice(lang))  [ ] \(Phrase.decline(lang))")
                if outcome.procedure == .microBotox, offLabel { out += offLabelBox }
            }
            out.append("\(Phrase.note(lang)): " + String(repeating: "_", count: max(10, width - TextWidth.columns(Phrase.note(lang)) - 2)))
            out.append("")
            let nameLine = "\(Phrase.practitionerName(lang)): ______________________"
            let signature = "\(Phrase.signature(lang)): __________________"
            let date = "\(Phrase.date(lang)): ____________"
            out += wrap("\(nameLine)  \(signature)  \(date)")
        }
        out.append(rule)
        out += wrap(Phrase.versions(lang, screening.questionnaireVersion, screening.rulesetVersion))
        out += wrap(Phrase.disclaimer(lang))
        return Block(lines: out)
    }

    /// The major number of a version such as `1.0.0`, or nil when it does not start with one.
    static func major(_ version: String) -> Int? {
        Int(version.prefix { $0 != "." })
    }

    /// A group's questions, including those nested under other questions.
    func questionsOf(_ item: Questionnaire.Item) -> [Questionnaire.Item] {
        item.items.flatMap { child in (child.type.takesAnswers ? [child] : []) + questionsOf(child) }
    }
}

extension ReviewDecision {
    /// The decision as the summary prints it.
    func phrase(_ language: Language) -> String {
        switch self {
        case .proceed: Phrase.proceed(language)
        case .defer: Phrase.deferChoice(language)
        case .decline: Phrase.decline(language)
        }
    }
}
