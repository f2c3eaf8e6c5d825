import IntakeModel
import IntakeRules

/// The summary's content as structured parts, for a typeset page (the PDF) rather than 80 columns.
///
/// Built from the same ``Summary`` as the text and in the same order (header, verdicts with
/// their findings, answers, decision and signature, versions and disclaimer), so the paper and
/// the terminal never disagree about what is on the page. Pure: strings only, no layout.
/// Identifiers that must read left to right inside Arabic (rule ids, source tags, the intake
/// code, dates) are given as they are; ``isolated(_:)`` wraps them for a BiDi-aware typesetter.
public struct SummaryDocument: Sendable, Codable {
    /// Who and which intake: printed at the top of every page.
    public struct Identity: Sendable, Codable {
        public var clinic: String
        public var title: String
        /// The patient's name, cleaned and cut at the question's length, or "(not answered)".
        public var patientName: String
        public var dateOfBirth: String
        /// "age 35", when the date of birth is a whole day.
        public var age: String?
        public var visitDate: String
        public var intakeCode: String
    }

    /// One finding under a verdict.
    public struct FindingLine: Sendable, Codable {
        public var rule: String
        public var verdict: Verdict
        public var verdictName: String
        public var until: String?
        public var reason: String
        /// The rule's source tags as the rule table gives them ("[S1], [L] KOEB").
        public var source: String
    }

    /// One procedure's verdict and what led to it.
    public struct VerdictLine: Sendable, Codable {
        public var procedure: Procedure
        public var procedureName: String
        /// The verdict as the big word ("REVIEW"), or INCOMPLETE.
        public var word: String
        public var verdict: Verdict
        public var isIncomplete: Bool
        /// "until 2026-12-06", when the deferral has a date.
        public var until: String?
        /// The unanswered required questions, by their text.
        public var missing: [String]
        public var findings: [FindingLine]
        /// "No findings." when there are none.
        public var noFindings: String?
        /// The patient's goals this procedure is indicated for.
        public var goals: String?
        /// The off-label notice, for micro-Botox.
        public var offLabel: String?
    }

    /// One answer; `triggered` when it made a rule fire.
    public struct AnswerRow: Sendable, Codable {
        public var question: String
        public var answer: String
        public var triggered: Bool
    }

    /// A questionnaire group's answers; `title` is nil for questions outside any group.
    public struct AnswerGroup: Sendable, Codable {
        public var title: String?
        public var rows: [AnswerRow]
    }

    /// The practitioner's block: what was signed, or empty boxes for a paper signature.
    public struct Decision: Sendable, Codable {
        public struct Line: Sendable, Codable {
            public var procedureName: String
            /// The signed choice ("PROCEED"), or nil when unsigned (then the three boxes are printed).
            public var choice: String?
            public var reason: String?
            /// The off-label tick box, printed after micro-Botox.
            public var offLabelTick: String?
        }
        public var heading: String
        public var lines: [Line]
        public var note: String?
        public var isSigned: Bool
        /// The full name and credential (or the login name) of who signed.
        public var signer: String?
        public var signedAt: String?
        /// The short form of the signed record's content hash.
        public var contentHash: String?
        public var amended: String?
        /// "ANSWERS CHANGED AFTER SIGNING …" when the record no longer matches what was signed.
        public var changedAfterSigning: String?
    }

    public var language: Language
    public var identity: Identity
    /// The questions left unanswered anywhere, for the INCOMPLETE banner above the verdicts; empty when complete.
    public var incomplete: [String]
    public var photos: String
    public var procedures: String?
    public var areas: String?
    /// Notes about the verdicts, such as "recorded under an older rule set".
    public var verdictNotes: [String]
    public var verdicts: [VerdictLine]
    public var answersNote: String?
    public var answerGroups: [AnswerGroup]
    public var decision: Decision
    /// The sources the findings on this page cite, with what each tag means.
    public var legend: [SourceLegend.Entry]
    public var versions: String
    public var disclaimer: String

    /// Wraps `text` in FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE, so a BiDi-aware typesetter
    /// keeps `MN-TOXIN-90`, `[S2]` or a date in its own order inside an Arabic line.
    public static func isolated(_ text: String) -> String { "\u{2068}" + text + "\u{2069}" }

    public init(_ summary: Summary) {
        let lang = summary.language
        let screening = summary.screening
        let answers = summary.answers
        let questionnaire = summary.questionnaire
        language = lang

        var age: String?
        if let dob = answers.date("patient-dob"), let day = dob.exactDay { age = Phrase.age(lang, day.age(on: screening.asOf)) }
        identity = Identity(clinic: Phrase.clinicHeader(lang), title: Phrase.summaryTitle(lang),
                            patientName: summary.patientName, dateOfBirth: summary.dateOfBirth, age: age,
                            visitDate: screening.asOf.description, intakeCode: summary.intakeText)
        photos = answers.bool("photo-consent") == true ? Phrase.photosAgreed(lang) : Phrase.photosNotAgreed(lang)

        // The unanswered questions of every incomplete procedure, once each, in questionnaire order.
        var missing: [String] = []
        for outcome in screening.outcomes where outcome.isIncomplete {
            for linkId in outcome.missing where !missing.contains(linkId) { missing.append(linkId) }
        }
        let incompleteAny = screening.outcomes.contains(where: \.isIncomplete)
        incomplete = missing.map { PatientText.clean(questionnaire.item($0)?.text(lang) ?? $0) }
        if incompleteAny && incomplete.isEmpty { incomplete = [Phrase.incomplete(lang)] }

        procedures = questionnaire.item("procedures").map { Phrase.proceduresChosen(lang, $0.answerText(answers, lang)) }
        if let item = questionnaire.item("treatment-area") {
            let notAsked = !answers.isAnswered(item.linkId) && (Summary.major(screening.questionnaireVersion) ?? 2) < 2
            areas = Phrase.treatmentAreas(lang, notAsked ? Phrase.notAsked(lang) : item.answerText(answers, lang))
        }
        verdictNotes = []
        if screening.recorded, screening.rulesetVersion != RuleTable.version {
            verdictNotes.append(Phrase.recordedUnder(lang, screening.asOf, screening.rulesetVersion, RuleTable.version))
        }
        let record = summary.record
        if record.changedOutsideIntake { verdictNotes.append(Phrase.changedOutsideIntake(lang)) }
        if let again = record.reassessment {
            verdictNotes.append(Phrase.reassessed(lang, again.on, PatientText.clean(again.by), again.ruleset))
        }
        if !record.rulesDifferences.isEmpty {
            let differences = record.rulesDifferences.map { $0.text(lang) }.joined(separator: "; ")
            verdictNotes.append(Phrase.rulesUpdated(lang, record.todaysRuleset, differences))
        }

        let goals = answers.codes("goals")
        verdicts = screening.outcomes.map { outcome in
            let findings = outcome.findings.map { finding in
                FindingLine(rule: finding.rule, verdict: finding.verdict, verdictName: finding.verdict.name(lang),
                            until: finding.until.map { Phrase.until(lang, $0) }, reason: finding.reason(lang),
                            source: finding.source)
            }
            let matching = (RuleTable.indications[outcome.procedure] ?? []).filter(goals.contains)
            var goalText: String?
            if !matching.isEmpty, let item = questionnaire.item("goals") {
                goalText = Phrase.matchesGoals(lang, matching.compactMap { item.option($0)?.display(lang) }.joined(separator: ", "))
            }
            // Incomplete is a review; a more severe finding among the answers given still leads.
            let word = outcome.isIncomplete && outcome.verdict == .review
                ? DocumentText.incompleteWord(lang) : outcome.verdict.name(lang).uppercased()
            return VerdictLine(
                procedure: outcome.procedure, procedureName: outcome.procedure.name(lang), word: word,
                verdict: outcome.verdict, isIncomplete: outcome.isIncomplete,
                until: outcome.until.map { Phrase.until(lang, $0) },
                missing: outcome.missing.map { PatientText.clean(questionnaire.item($0)?.text(lang) ?? $0) },
                findings: findings, noFindings: outcome.findings.isEmpty ? Phrase.noFindings(lang) : nil,
                goals: goalText, offLabel: outcome.procedure == .microBotox ? Phrase.offLabel(lang) : nil)
        }

        answersNote = screening.questionnaireVersion != questionnaire.version
            ? Phrase.olderQuestionnaire(lang, screening.questionnaireVersion, questionnaire.version) : nil
        answerGroups = Self.answerGroups(summary)
        decision = Self.decision(summary)
        legend = SourceLegend.entries(citedBy: screening.outcomes.flatMap(\.findings).map(\.source), language: lang)
        versions = Phrase.versions(lang, screening.questionnaireVersion, screening.rulesetVersion)
        disclaimer = Phrase.disclaimer(lang)
    }

    /// Every enabled question by group, in questionnaire order; display items never.
    private static func answerGroups(_ summary: Summary) -> [AnswerGroup] {
        let lang = summary.language
        let questionnaire = summary.questionnaire
        let answers = summary.answers
        let enabled = questionnaire.enabledLinkIds(for: answers)
        let marked = summary.screening.triggeringLinkIds
        func row(_ question: Questionnaire.Item) -> AnswerRow {
            var answer = question.answerText(answers, lang)
            if let text = answers.string(question.linkId), question.type == .string || question.type == .text {
                answer = summary.isPatientsWords(question) ? summary.patientsWords(text, question.linkId)
                    : summary.limited(text, question.linkId)
            }
            return AnswerRow(question: question.text(lang), answer: answer, triggered: marked.contains(question.linkId))
        }
        var groups: [AnswerGroup] = []
        for item in questionnaire.items {
            switch item.type {
            case .group:
                let questions = summary.questionsOf(item).filter { enabled.contains($0.linkId) }
                guard !questions.isEmpty else { continue }
                groups.append(AnswerGroup(title: item.text(lang), rows: questions.map(row)))
            case .display:
                continue
            default:
                guard enabled.contains(item.linkId) else { continue }
                if groups.last.map({ $0.title == nil }) == true {
                    groups[groups.count - 1].rows.append(row(item))
                } else {
                    groups.append(AnswerGroup(title: nil, rows: [row(item)]))
                }
            }
        }
        return groups
    }

    private static func decision(_ summary: Summary) -> Decision {
        let lang = summary.language
        let outcomes = summary.screening.outcomes
        let offLabel = outcomes.contains { $0.procedure == .microBotox }
        var lines: [Decision.Line] = []
        for outcome in outcomes {
            var line = Decision.Line(procedureName: outcome.procedure.name(lang))
            if let signed = summary.signed {
                guard let choice = signed.decisions[outcome.procedure] else { continue }
                line.choice = choice.decision.phrase(lang).uppercased()
                if let reason = choice.reason.map(PatientText.clean), !reason.isEmpty { line.reason = reason }
            }
            if outcome.procedure == .microBotox, offLabel { line.offLabelTick = Phrase.offLabelTick(lang) }
            lines.append(line)
        }
        var decision = Decision(heading: Phrase.decision(lang), lines: lines, isSigned: summary.signed != nil)
        if let signed = summary.signed {
            if let note = signed.note.map(PatientText.clean), !note.isEmpty { decision.note = note }
            decision.signer = signed.signer
            decision.signedAt = signed.signedAt
            decision.contentHash = signed.shortHash
            if signed.amended { decision.amended = Phrase.amended(lang) }
            if summary.record.changedAfterSigning { decision.changedAfterSigning = Phrase.changedAfterSigning(lang) }
            if summary.record.signedOnEarlierAssessment {
                decision.amended = [decision.amended, Phrase.signedOnEarlierAssessment(lang)].compactMap { $0 }.joined(separator: " ")
            }
        }
        return decision
    }
}

extension SummaryDocument.Decision.Line {
    init(procedureName: String) {
        self.init(procedureName: procedureName, choice: nil, reason: nil, offLabelTick: nil)
    }
}

/// Words the typeset summary adds to the text one's, named for the page; the words themselves
/// are in `phrases.json` with every other phrase.
public enum DocumentText {
    public static func incompleteBanner(_ language: Language, _ questions: String) -> String { Phrase.documentIncompleteBanner(language, questions) }
    public static func incompleteWord(_ language: Language) -> String { Phrase.documentIncompleteWord(language) }
    public static func findings(_ language: Language) -> String { Phrase.documentFindings(language) }
    public static func sources(_ language: Language) -> String { Phrase.documentSources(language) }
    public static func signedBy(_ language: Language) -> String { Phrase.documentSignedBy(language) }
    public static func signedAt(_ language: Language) -> String { Phrase.documentSignedAt(language) }
    public static func contentHash(_ language: Language, _ hash: String) -> String { Phrase.documentContentHash(language, hash) }
    public static func unsigned(_ language: Language) -> String { Phrase.documentUnsigned(language) }
}

/// What the source tags on a finding mean: the spec's "Sources", in a line each.
public enum SourceLegend {
    public struct Entry: Sendable, Equatable, Codable {
        /// The tag as printed on a finding: "[S1]", "BTX", "(convention)".
        public var tag: String
        public var text: String
    }

    /// Every tag, in the order the legend lists them.
    static let table: [(tag: String, text: LocalizedText)] = [
        ("[S1]", LocalizedText(en: "Arabic consumer article on microneedling (a magazine article: weaker ground than a label)",
                               ar: "مقال توعوي عربي عن الوخز بالإبر الدقيقة (مقال مجلة: سند أضعف من النشرة المعتمدة)")),
        ("[S2]", LocalizedText(en: "Arabic consumer article on micro-Botox (a magazine article: weaker ground than a label)",
                               ar: "مقال توعوي عربي عن المايكروبوتوكس (مقال مجلة: سند أضعف من النشرة المعتمدة)")),
        ("[L]", LocalizedText(en: "labelling and literature, by short key:", ar: "النشرات المعتمدة والأدبيات الطبية، بالرمز المختصر:")),
        ("ABL", LocalizedText(en: "Ablon, J Clin Aesthet Dermatol 2018 (sessions 30 days apart)",
                              ar: "Ablon، J Clin Aesthet Dermatol 2018 (جلسات بفاصل 30 يومًا)")),
        ("AMG", LocalizedText(en: "aminoglycosides and muscle relaxants potentiate the toxin (BTX interactions)",
                              ar: "الأمينوغليكوزيدات ومرخيات العضلات تقوّي أثر التوكسين (تداخلات BTX)")),
        ("BTX", LocalizedText(en: "BOTOX Cosmetic prescribing information and Medication Guide",
                              ar: "معلومات وصف BOTOX Cosmetic ودليل الدواء")),
        ("BTXC", LocalizedText(en: "botulinum toxin class labelling (cardiovascular events, neck muscles)",
                               ar: "النشرات المعتمدة لفئة توكسين البوتولينوم (أحداث قلبية، عضلات الرقبة)")),
        ("CHU", LocalizedText(en: "Chu et al., Dermatol Surg 2021 (risk factors)", ar: "Chu وآخرون، Dermatol Surg 2021 (عوامل الخطر)")),
        ("CMAC", LocalizedText(en: "Vaghela et al., J Clin Aesthet Dermatol 2021 (herpes prophylaxis)",
                               ar: "Vaghela وآخرون، J Clin Aesthet Dermatol 2021 (الوقاية من الهربس)")),
        ("DP4", LocalizedText(en: "Dermapen 4 manual §10.1", ar: "دليل Dermapen 4 البند 10.1")),
        ("DSP", LocalizedText(en: "Dysport prescribing information §4", ar: "معلومات وصف Dysport البند 4")),
        ("IMM", LocalizedText(en: "CDC/ACIP immunosuppressive steroid dose (20 mg/day for 2 weeks or more)",
                              ar: "جرعة الستيرويد المثبطة للمناعة حسب CDC/ACIP (20 ملغ يوميًا لأسبوعين أو أكثر)")),
        ("ISO", LocalizedText(en: "isotretinoin insert vs Waldman 2017 and Spring 2017: sources disagree",
                              ar: "نشرة الإيزوتريتينوين مقابل Waldman 2017 وSpring 2017: المصادر مختلفة")),
        ("KOEB", LocalizedText(en: "Koebner phenomenon: Orzan 2014, Esmat 2022", ar: "ظاهرة كوبنر: Orzan 2014، Esmat 2022")),
        ("PRAC", LocalizedText(en: "clinic pre-treatment instructions (practice, not labelling)",
                               ar: "تعليمات العيادة قبل العلاج (ممارسة، لا نشرة معتمدة)")),
        ("SP", LocalizedText(en: "SkinPen Precision labelling (FDA De Novo DEN160029)",
                             ar: "النشرة المعتمدة لجهاز SkinPen Precision (FDA De Novo DEN160029)")),
        ("(convention)", LocalizedText(en: "an interval from clinic practice, not from a label or a study",
                                       ar: "فاصل زمني من ممارسة العيادة، لا من نشرة أو دراسة")),
        ("(by analogy)", LocalizedText(en: "applied by analogy with a related label", ar: "مطبّق بالقياس على نشرة مشابهة")),
        ("(weak)", LocalizedText(en: "weak evidence", ar: "دليل ضعيف")),
        ("safety default", LocalizedText(en: "a cautious default where no source speaks", ar: "افتراض حذر حيث لا يوجد مصدر")),
    ]

    /// The entries for the tags that `sources` cite, in the table's order.
    public static func entries(citedBy sources: [String], language: Language) -> [Entry] {
        var cited = Set<String>()
        for source in sources {
            for (tag, _) in table where cites(source, tag) { cited.insert(tag) }
        }
        // "[L]" introduces the keys; it is listed only when a key or a bare [L] is cited.
        return table.filter { cited.contains($0.tag) }.map { Entry(tag: $0.tag, text: $0.text(language)) }
    }

    /// Whether `source` cites `tag`: bracketed tags and notes anywhere, keys as whole words.
    static func cites(_ source: String, _ tag: String) -> Bool {
        if tag.hasPrefix("[") || tag.hasPrefix("(") || tag.contains(" ") { return source.contains(tag) }
        let words = source.split { !($0.isLetter || $0.isNumber) }
        return words.contains { $0 == tag }
    }
}

/// What the PDF helper (`intake-pdf`) is given on its standard input: the document and the paper.
///
/// The typesetting libraries (Pango, Cairo, fontconfig and some thirty more) live in that helper
/// alone, so the kiosk and the station never load them: they cost start-up time and memory at
/// every kiosk start for a page the kiosk never prints.
public struct PDFJob: Codable, Sendable {
    public var document: SummaryDocument
    public var paper: Paper

    public init(document: SummaryDocument, paper: Paper) {
        self.document = document
        self.paper = paper
    }
}
