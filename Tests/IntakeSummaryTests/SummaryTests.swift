import Foundation
import Testing
import IntakeModel
import IntakeRules
import IntakeSummary
import TestSupport

/// The printable summary of spec section 4, version 2.
/// Record new snapshots with `INTAKE_RECORD_SNAPSHOTS=1 swift test --filter IntakeSummaryTests`,
/// after reading the differences.
struct SummaryTests {
    static let questionnaire = try! Questionnaire.bundled()
    static let visit = Day(iso: "2026-11-22")!
    static let cases = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("IntakeRulesTests/Cases")

    static func answers(_ name: String) -> Answers {
        let url = cases.appendingPathComponent("\(name).json")
        return try! ResponseReader(questionnaire: questionnaire, asOf: visit).read(Data(contentsOf: url)).answers
    }

    static func make(_ answers: Answers, _ language: Language, id: String? = "K7M-4QX",
                     signed: Summary.SignedDecision? = nil) -> Summary {
        let assessment = Assessor(questionnaire: questionnaire).assess(answers, asOf: visit)
        return Summary(questionnaire: questionnaire, answers: answers, assessment: assessment, intakeID: id,
                       language: language, signed: signed)
    }

    static func summary(_ answers: Answers, _ language: Language, id: String? = "K7M-4QX") -> String {
        make(answers, language, id: id).render()
    }

    /// The text with every run of spaces and newlines made one space: a sentence whatever the wrapping.
    static func flat(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
    }

    static let publicCases: [String] = (try? FileManager.default.contentsOfDirectory(atPath: cases.path))?
        .filter { $0.hasSuffix(".json") && !$0.hasSuffix(".expected.json") }
        .map { String($0.dropLast(5)) }.sorted() ?? []

    // MARK: - Snapshots

    static let snapshots = [
        "04-botox-ten-days-ago.en", "11-eczema-and-herpes.ar",
        "20-other-allergy-free-text.en", "20-other-allergy-free-text.ar", "10-incomplete.en",
    ]

    @Test(arguments: snapshots)
    func snapshot(_ name: String) throws {
        let caseName = String(name.dropLast(3))
        let language = try #require(Language(rawValue: String(name.suffix(2))))
        let text = Self.summary(Self.answers(caseName), language)
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("__Snapshots__/\(name).txt")
        let expected = try Snapshot.expected(for: text, at: url)
        #expect(expected != nil, "no snapshot at \(url.path): record it")
        #expect(text == expected, "\(name)")
    }

    // MARK: - Layout

    @Test(arguments: Language.allCases)
    func everyLineFitsEightyColumns(_ language: Language) {
        let long = Self.answers("11-eczema-and-herpes").with([
            "patient-name": [.string(String(repeating: "Abdulrahman ", count: 10))],
            "medicines": [.string(String(repeating: "Isotretinoin-like-very-long-medicine-name ", count: 6))],
        ])
        var summaries = [Self.make(long, language)]
        summaries += Self.publicCases.map { Self.make(Self.answers($0), language) }
        for summary in summaries {
            for line in summary.renderForPrinter().split(separator: "\n") {
                #expect(TextWidth.columns(line) <= 80, "\(line)")
            }
        }
    }

    @Test func verdictsComeBeforeAnswersAndTheDisclaimerIsThere() throws {
        let text = Self.summary(Self.answers("04-botox-ten-days-ago"), .en)
        let verdict = try #require(text.range(of: "DEFER until 2026-11-26"))
        let answers = try #require(text.range(of: "ANSWERS"))
        #expect(verdict.lowerBound < answers.lowerBound)
        #expect(text.contains("Decision support only: the treating practitioner decides."))
        #expect(text.contains("Questionnaire 2.0.0 · Rule set \(RuleTable.version)"))
        #expect(text.contains("* When was your last injection? -> 2026-11-12"))
        #expect(text.contains("  Do you have a cold sore now? -> No"))
    }

    @Test func treatmentAreasArePrintedBesideTheProcedures() throws {
        let text = Self.summary(Self.answers("13-neck-micro-botox"), .en)
        let verdicts = try #require(text.range(of: "VERDICTS"))
        let procedures = try #require(text.range(of: "Procedures: Micro-Botox (intradermal botulinum toxin)\nAreas to treat: Face, Neck\n>> Micro-Botox"))
        #expect(verdicts.upperBound < procedures.lowerBound)
        let ar = Self.summary(Self.answers("13-neck-micro-botox"), .ar)
        #expect(ar.contains("مناطق العلاج: الوجه، الرقبة"))
        let unanswered = Self.summary(Self.answers("13-neck-micro-botox").with(["treatment-area": []]), .en)
        #expect(unanswered.contains("Areas to treat: (not answered)"))
    }

    // MARK: - Incomplete

    @Test func anIncompleteProcedureIsHeadedSoAndNamesItsUnansweredQuestions() throws {
        let text = Self.summary(Self.answers("10-incomplete"), .en)
        let verdicts = String(text[..<(try #require(text.range(of: "ANSWERS"))).lowerBound])
        for name in ["Microneedling (collagen induction)", "Micro-Botox (intradermal botulinum toxin)"] {
            #expect(verdicts.contains(">> \(name): INCOMPLETE: not fully assessed\n   Not answered: Do you have eczema?; Do you have psoriasis?\n"))
        }
        #expect(!verdicts.contains(": REVIEW"), "incomplete is not shown as a bare review")

        let ar = Self.summary(Self.answers("10-incomplete"), .ar)
        let eczema = try #require(Self.questionnaire.item("eczema")).text(.ar)
        let psoriasis = try #require(Self.questionnaire.item("psoriasis")).text(.ar)
        #expect(ar.contains(">> الوخز بالإبر الدقيقة: غير مكتمل: لم يُقيَّم بالكامل\n"))
        #expect(Self.flat(ar).contains("لم تتم الإجابة: \(eczema)؛ \(psoriasis)"))
    }

    @Test func aMoreSevereVerdictStillLeadsAnIncompleteProcedure() {
        let text = Self.summary(Self.answers("10-incomplete").with(["keloid-tendency": [.boolean(true)]]), .en)
        #expect(text.contains(">> Microneedling (collagen induction): CONTRAINDICATED · INCOMPLETE: not fully\n   assessed\n   Not answered:"))
        #expect(text.contains(">> Micro-Botox (intradermal botulinum toxin): INCOMPLETE: not fully assessed\n"))
    }

    // MARK: - Off-label

    @Test func theOffLabelNoticeAndItsTickBoxOnlyWhenMicroBotoxIsAssessed() throws {
        let notice = Phrase.offLabel(.en)
        let tick = "   [ ] Off-label use explained; patient consents"

        let microneedlingOnly = Self.summary(Self.answers("03-keloid-tendency"), .en)
        #expect(!microneedlingOnly.lowercased().contains("off-label"), "the display item is never listed among the answers")

        let both = Self.summary(Self.answers("01-clear-candidate"), .en)
        #expect(Self.flat(both).components(separatedBy: notice).count == 2, "the notice, once")
        let inVerdicts = try #require(both.range(of: "intradermal) of\n   the face or neck."))
        #expect(inVerdicts.upperBound < (try #require(both.range(of: "ANSWERS"))).lowerBound, "in the verdict block")
        #expect(both.contains("Micro-Botox (intradermal botulinum toxin):  [ ] proceed  [ ] defer  [ ] decline\n\(tick)\n"))

        // Signed: the box stays, for the paper.
        let signed = Summary.SignedDecision(decisions: [.microneedling: (.proceed, nil), .microBotox: (.proceed, nil)],
                                            note: nil, practitioner: "Dr Salma Nasser", signedAt: "2026-11-22 14:05", amended: false)
        let signedText = Self.make(Self.answers("01-clear-candidate"), .en, signed: signed).render()
        #expect(signedText.contains("Micro-Botox (intradermal botulinum toxin): PROCEED\n\(tick)\n"))

        let ar = Self.summary(Self.answers("13-neck-micro-botox"), .ar)
        #expect(Self.flat(ar).contains(Phrase.offLabel(.ar)))
        #expect(ar.contains("[ ] " + Phrase.offLabelTick(.ar)))
    }

    // MARK: - Photographs

    @Test(arguments: [Optional(true), false, nil])
    func photoConsent(_ answer: Bool?) {
        let answers = Self.answers("01-clear-candidate").with(["photo-consent": answer.map { [.boolean($0)] } ?? []])
        let en = Self.summary(answers, .en)
        let ar = Self.summary(answers, .ar)
        if answer == true {
            #expect(en.contains("Photographs for the medical record: agreed\n"))
            #expect(ar.contains("الصور للملف الطبي: موافق\n"))
        } else {
            #expect(en.contains("Photographs for the medical record: not agreed\n"))
            #expect(!en.contains("record: agreed"))
            #expect(ar.contains("الصور للملف الطبي: غير موافق\n"))
        }
    }

    // MARK: - The patient's own words

    @Test func patientTextWithEscapesComesOutCleanAndMarked() {
        let hostile = Self.answers("20-other-allergy-free-text").with([
            "patient-name": [.string("Layla\u{1B}[2J\u{1B}]0;owned\u{07}\u{9B}31m Haddad\r\n\u{08}")],
            "patient-phone": [.string("+962\u{1B}[1A 79")],
            "medicines": [.string("Metformin\u{1B}[31m 500 mg\u{1B}[0m\u{1B}P+q\u{1B}\\ daily")],
            "allergies-other": [.string("latex\u{1B}]52;c;ZWNobyBvd25lZA==\u{07} gloves\u{202E}: hives")],
        ])
        for summary in [Self.make(hostile, .en, id: "ID\u{1B}[5m"), Self.make(hostile, .ar, id: "ID\u{1B}[5m")] {
            for text in [summary.render(), summary.renderForPrinter()] {
                #expect(!text.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n" && $0 != "\u{0C}") || (0x7F...0x9F).contains($0.value) })
                #expect(!text.unicodeScalars.contains { (0x202A...0x202E).contains($0.value) })
            }
        }
        let text = Self.make(hostile, .en, id: "ID\u{1B}[5m").render()
        #expect(!text.contains("\u{0C}"), "no form feed on a screen")
        #expect(text.contains("Patient: Layla Haddad (patient's own words)\n"))
        #expect(text.contains("Intake: ID\n"))
        let flat = Self.flat(text)
        #expect(flat.contains("-> Metformin 500 mg daily (patient's own words)"))
        #expect(flat.contains("-> latex gloves: hives (patient's own words)"))
        #expect(!flat.contains("ZWNob"))
        #expect(Self.flat(Self.make(hostile, .ar).render()).contains("Metformin 500 mg daily (بكلمات المريض)"))
    }

    @Test func aSignedDecisionIsPrintedInsteadOfBlankLines() {
        let answers = Self.answers("04-botox-ten-days-ago")
        let signed = Summary.SignedDecision(
            decisions: [.microneedling: (.defer, nil), .microBotox: (.proceed, "Last dose was to the forehead only\u{1B}[2J")],
            note: "Review in two weeks.", practitioner: "Dr Salma Nasser", signedAt: "2026-11-22 14:05 UTC", amended: true)
        let text = Self.make(answers, .en, signed: signed).render()
        #expect(text.contains("Microneedling (collagen induction): DEFER"))
        #expect(text.contains("Micro-Botox (intradermal botulinum toxin): PROCEED (Last dose was to the\n   forehead only)"))
        #expect(text.contains("Note: Review in two weeks."))
        #expect(text.contains("Name: Dr Salma Nasser  Signed electronically.  Date: 2026-11-22 14:05 UTC"))
        #expect(text.contains("amends an earlier signed one"))
        #expect(!text.contains("[ ] proceed"))
        #expect(!text.contains("\u{1B}"))
    }

    // MARK: - Pages

    /// Case 20 with a medicines answer `words` words long: the summary grows a line every dozen
    /// words or so, which walks the decision block across every position near a page end.
    static func growing(_ words: Int, _ language: Language) -> Summary {
        let medicines = (0..<words).map { "med\($0)" }.joined(separator: " ")
        let answers = answers("20-other-allergy-free-text").with(["medicines": words == 0 ? [] : [.string(medicines)]])
        let assessment = Assessor(questionnaire: unlimited).assess(answers, asOf: visit)
        return Summary(questionnaire: unlimited, answers: answers, assessment: assessment, intakeID: "K7M-4QX", language: language)
    }

    /// The bundled questionnaire without the medicines answer's `maxLength` (300 characters, which
    /// the summary applies), so that one answer can grow a summary to three pages.
    static let unlimited: Questionnaire = {
        var object = try! JSONSerialization.jsonObject(with: Questionnaire.bundledJSON()!) as! [String: Any]
        func strip(_ items: [[String: Any]]) -> [[String: Any]] {
            items.map { item in
                var item = item
                if item["linkId"] as? String == "medicines" { item["maxLength"] = nil }
                if let children = item["item"] as? [[String: Any]] { item["item"] = strip(children) }
                return item
            }
        }
        object["item"] = strip(object["item"] as! [[String: Any]])
        return try! Questionnaire.parse(try! JSONSerialization.data(withJSONObject: object), file: "unlimited.json")
    }()

    @Test(arguments: Language.allCases)
    func everyPageNamesThePatientAndTheDecisionBlockIsNeverSplit(_ language: Language) throws {
        var pageCounts = Set<Int>()
        for words in stride(from: 0, through: 900, by: 6) {
            let summary = Self.growing(words, language)
            let pages = summary.pages()
            pageCounts.insert(pages.count)
            #expect(pages.count >= 2, "the v2 summary runs past one page")
            let name = PatientText.clean(try #require(summary.answers.string("patient-name")))
            for (index, page) in pages.enumerated() {
                #expect(page.count <= Summary.linesPerPage, "page \(index + 1) with \(words) words has \(page.count) lines")
                let top = page.prefix(12).joined(separator: "\n")
                #expect(top.contains(name) && top.contains("1990-04-12") && top.contains("K7M-4QX"),
                        "page \(index + 1) of \(pages.count) with \(words) words names the patient at its top")
                #expect(top.contains(Phrase.page(language, index + 1, pages.count)), "page \(index + 1) says which it is")
                #expect(page.first?.isEmpty == false)
            }
            // The whole decision block, from its heading to the disclaimer, is on one page.
            let decision = try #require(pages.firstIndex { $0.contains(Phrase.decision(language)) })
            let page = pages[decision]
            let start = try #require(page.firstIndex(of: Phrase.decision(language)))
            #expect(page[start...].contains { $0.hasPrefix(Phrase.practitionerName(language) + ": ___") })
            #expect(page.last == Phrase.disclaimer(language), "\(words) words: the disclaimer ends the decision's page")
            // A screen gets no form feed; a printer gets one between pages, and otherwise the same text.
            let screen = summary.render()
            let printer = summary.renderForPrinter()
            #expect(!screen.contains("\u{0C}"))
            #expect(printer.filter { $0 == "\u{0C}" }.count == pages.count - 1)
            #expect(printer.replacingOccurrences(of: "\u{0C}", with: "") == screen)
            #expect(printer.components(separatedBy: "\u{0C}").allSatisfy { $0.hasSuffix("\n") && !$0.hasPrefix("\n") })
        }
        #expect(pageCounts.contains(2) && pageCounts.contains(3), "both two and three pages were tried: \(pageCounts)")
    }

    @Test func aSummaryThatFitsOnePageHasNoPageNumbers() {
        let answers = Self.answers("20-other-allergy-free-text")
        let assessment = Assessor(questionnaire: Self.questionnaire).assess(answers, asOf: Self.visit)
        let summary = Summary(questionnaire: Self.questionnaire, answers: answers,
                              screening: .init(assessment, questionnaireVersion: Self.questionnaire.version),
                              intakeID: "K7M-4QX", pageLength: 200)
        #expect(summary.pages().count == 1)
        #expect(!summary.render().contains("page 1 of"))
        #expect(summary.renderForPrinter() == summary.render())
    }

    // MARK: - Verdicts recorded under version 1

    /// What version 1's kiosk stored for case 23 with a steel ("metal") allergy, eczema "history"
    /// and blood thinners: `intake assess` JSON of rule set 2026.11.1, reasons in English, no `missing`.
    static let versionOneRecord = """
        {
          "asOf" : "2026-11-20",
          "procedures" : [
            {
              "findings" : [
                { "reason" : "Allergy to metal (needles).", "rule" : "MN-METAL-ALLERGY", "source" : "[L] SP, CHU", "until" : null, "verdict" : "contraindicated" },
                { "reason" : "History of eczema: risk of flare (Koebner response).", "rule" : "MN-ECZEMA-HISTORY", "source" : "[S1], [L] KOEB", "until" : null, "verdict" : "review" },
                { "reason" : "Takes blood thinners or antiplatelet medicine: bruising and bleeding risk.", "rule" : "MN-ANTICOAG", "source" : "[L]", "until" : null, "verdict" : "review" }
              ],
              "procedure" : "microneedling", "until" : null, "verdict" : "contraindicated"
            },
            {
              "findings" : [
                { "reason" : "Bleeding disorder or blood thinners: bruising risk at injection points.", "rule" : "MB-BLEEDING", "source" : "[L] BTX", "until" : null, "verdict" : "review" }
              ],
              "procedure" : "micro-botox", "until" : null, "verdict" : "review"
            }
          ]
        }
        """

    static func versionOneAnswers() -> Answers {
        answers("23-v1-clear-candidate").with([
            "eczema": [.coding("history")], "allergies": [.coding("metal")], "anticoagulants": [.boolean(true)],
        ])
    }

    @Test func verdictsRecordedUnderVersionOneArePrintedAsRecorded() throws {
        let answers = Self.versionOneAnswers()
        let day = Day(iso: "2026-11-20")!
        let current = Assessor(questionnaire: Self.questionnaire).assess(answers, asOf: day)
        #expect(current[.microneedling]?.findings.contains { $0.rule == "GEN-INCOMPLETE" } == true, "today's rules find it incomplete")
        let screening = try Summary.Screening(recordedJSON: Self.versionOneRecord, questionnaireVersion: "1.0.0",
                                              rulesetVersion: "2026.11.1", current: current)
        #expect(screening.recorded)
        #expect(screening.asOf == day)
        #expect(screening[.microBotox]?.verdict == .review)
        #expect(screening.triggeringLinkIds == ["allergies", "eczema", "anticoagulants"])

        let text = Summary(questionnaire: Self.questionnaire, answers: answers, screening: screening, intakeID: "V1A-2BC").render()
        #expect(text.contains(">> Microneedling (collagen induction): CONTRAINDICATED\n"))
        #expect(Self.flat(text).contains("- MN-METAL-ALLERGY Contraindicated: Allergy to metal (needles). (source: [L] SP, CHU)"))
        #expect(text.contains(">> Micro-Botox (intradermal botulinum toxin): REVIEW\n"))
        #expect(!text.contains("INCOMPLETE") && !text.contains("GEN-INCOMPLETE"), "the record had no incompleteness")
        #expect(text.contains("Visit date: 2026-11-20\n"))
        #expect(text.contains("Areas to treat: (not asked)\n"), "version 1 did not ask for the areas")
        #expect(text.contains("Questionnaire 1.0.0 · Rule set 2026.11.1\n"))
        let flat = Self.flat(text)
        #expect(flat.contains("Verdicts as recorded when the intake was submitted (2026-11-20), under rule set 2026.11.1; today's rule set is \(RuleTable.version)."))
        #expect(flat.contains("Answered on questionnaire 1.0.0. The questions are worded as in version 2.0.0"))
        #expect(text.contains("* Are you allergic to any of these? -> "))
        #expect(text.contains("* Do you have eczema? -> "))

        // In Arabic, a reason whose words are unchanged today is translated; a changed one stays as recorded.
        let ar = Summary(questionnaire: Self.questionnaire, answers: answers, screening: screening, intakeID: "V1A-2BC", language: .ar).render()
        #expect(Self.flat(ar).contains("MB-BLEEDING يحتاج مراجعة: اضطراب نزفي أو مميّعات الدم: خطر الكدمات في مواضع الحقن."))
        #expect(Self.flat(ar).contains("MN-METAL-ALLERGY مانع للاستعمال: Allergy to metal (needles)."))
        #expect(ar.contains("الاستبيان 1.0.0 · مجموعة القواعد 2026.11.1"))
    }

    @Test func anUnreadableRecordIsRefusedWithAReason() {
        for bad in ["not json", #"{"asOf":"yesterday","procedures":[]}"#,
                    #"{"asOf":"2026-11-20","procedures":[{"procedure":"laser","verdict":"eligible","until":null,"findings":[]}]}"#,
                    #"{"asOf":"2026-11-20","procedures":[{"procedure":"microneedling","verdict":"maybe","until":null,"findings":[]}]}"#] {
            #expect(throws: Summary.RecordError.self) {
                _ = try Summary.Screening(recordedJSON: bad, questionnaireVersion: "1.0.0", rulesetVersion: "2026.11.1", current: nil)
            }
        }
    }
}

extension Answers {
    func with(_ changes: [String: [AnswerValue]]) -> Answers {
        var copy = self
        for (k, v) in changes { copy[k] = v }
        return copy
    }
}
