import Foundation
import Testing
import IntakeModel

/// The bundled questionnaire matches the data dictionary of spec section 1.
struct QuestionnaireTests {
    let q = try! Questionnaire.bundled()

    /// linkId, type, required, options (nil: not a choice), enabled-when — transcribed from the spec.
    static let dictionary: [(String, String, Bool, [String]?, String?)] = [
        ("patient-name", "string", true, nil, nil),
        ("patient-dob", "date", true, nil, nil),
        ("patient-phone", "string", false, nil, nil),
        ("procedures", "choice", true, ["microneedling", "micro-botox", "unsure"], nil),
        ("treatment-area", "choice", true, ["face", "neck", "scalp", "body"], nil),
        ("goals", "choice", false, ["oily-skin", "large-pores", "redness", "fine-lines", "deep-lines", "acne-scars", "texture", "pigmentation", "hair-loss", "stretch-marks"], nil),
        ("skin-type", "choice", true, ["I", "II", "III", "IV", "V", "VI", "unsure"], nil),
        ("skin-oiliness", "choice", false, ["dry", "normal", "combination", "oily"], nil),
        ("acne-active", "boolean", true, nil, nil), ("herpes-active", "boolean", true, nil, nil),
        ("herpes-history", "boolean", true, nil, nil), ("skin-infection", "boolean", true, nil, nil),
        ("eczema", "choice", true, ["none", "history", "active-elsewhere", "active"], nil),
        ("psoriasis", "choice", true, ["none", "history", "active-elsewhere", "active"], nil),
        ("rosacea", "choice", true, ["none", "history", "active"], nil),
        ("vitiligo", "boolean", true, nil, nil), ("keloid-tendency", "boolean", true, nil, nil),
        ("skin-cancer", "boolean", true, nil, nil), ("sunburn-recent", "boolean", true, nil, nil),
        ("chemotherapy", "choice", true, ["none", "current", "past"], nil),
        ("chemotherapy-end-date", "date", true, nil, "chemotherapy=past"),
        ("immunosuppressed", "boolean", true, nil, nil),
        ("botox-history", "choice", true, ["never", "yes"], nil),
        ("botox-date", "date", true, nil, "botox-history=yes"),
        ("botox-reaction", "choice", true, ["none", "side-effect", "allergic"], "botox-history=yes"),
        ("filler-history", "choice", true, ["never", "yes"], nil),
        ("filler-date", "date", true, nil, "filler-history=yes"),
        ("isotretinoin", "choice", true, ["never", "current", "past"], nil),
        ("isotretinoin-end-date", "date", true, nil, "isotretinoin=past"),
        ("topical-retinoid", "boolean", true, nil, nil),
        ("resurfacing", "boolean", true, nil, nil),
        ("resurfacing-date", "date", true, nil, "resurfacing=true"),
        ("facial-surgery", "boolean", true, nil, nil),
        ("gold-threads", "boolean", true, nil, nil),
        ("pregnant", "choice", true, ["no", "yes", "possibly", "not-applicable"], nil),
        ("breastfeeding", "boolean", true, nil, nil), ("bleeding-disorder", "boolean", true, nil, nil),
        ("anticoagulants", "boolean", true, nil, nil),
        ("diabetes", "choice", true, ["none", "controlled", "uncontrolled"], nil),
        ("cardiovascular", "boolean", true, nil, nil),
        ("neuromuscular", "boolean", true, nil, nil), ("swallowing-breathing", "boolean", true, nil, nil),
        ("aminoglycosides", "boolean", true, nil, nil),
        ("medicines", "string", false, nil, nil),
        ("allergies", "choice", true, ["botulinum-toxin", "albumin", "cows-milk-protein", "metal", "nickel", "local-anaesthetic", "other", "none"], nil),
        ("allergies-other", "string", true, nil, "allergies=other"),
        ("photo-consent", "boolean", false, nil, nil),
        ("attest", "boolean", true, nil, nil),
    ]

    @Test func everyQuestionOfTheSpecIsThereInOrder() {
        #expect(q.questions.map(\.linkId) == Self.dictionary.map(\.0))
        #expect(q.items.map(\.linkId) == ["patient", "skin", "conditions", "treatments", "health", "off-label-notice", "consent"])
        for (linkId, type, required, options, enabledWhen) in Self.dictionary {
            guard let item = q.item(linkId) else { Issue.record("missing \(linkId)"); continue }
            #expect(item.type.rawValue == type, "\(linkId) type")
            #expect(item.required == required, "\(linkId) required")
            #expect(item.options.map(\.code) == (options ?? []), "\(linkId) options")
            let condition = item.enableWhen.first.map { c -> String in
                if case .coding(let code) = c.answer { return "\(c.question)=\(code)" }
                if case .boolean(let b) = c.answer { return "\(c.question)=\(b)" }
                return "?"
            }
            #expect(condition == enabledWhen, "\(linkId) enableWhen")
        }
        #expect(q.item("procedures")?.repeats == true && q.item("goals")?.repeats == true && q.item("allergies")?.repeats == true)
        #expect(q.item("allergies")?.option("none")?.exclusive == true)
        #expect(q.item("botox-date")?.allowsPartialDate == true && q.item("patient-dob")?.allowsPartialDate == false)
        #expect(q.item("attest")?.mustBeTrue == true)
        #expect(q.item("patient-name")?.maxLength == 120)
    }

    @Test func theOffLabelNoticeIsADisplayShownForMicroBotoxOrUnsure() throws {
        let notice = try #require(q.item("off-label-notice"))
        #expect(notice.type == .display)
        #expect(notice.text.missingLanguages.isEmpty)
        #expect(notice.text(.en).contains("off-label"))
        #expect(notice.enableBehaviorAny)
        func shown(_ codes: String...) -> Bool {
            q.enablement(for: Answers(["procedures": codes.map { .coding($0) }])).isEnabled("off-label-notice")
        }
        #expect(shown("micro-botox"))
        #expect(shown("microneedling", "unsure"))
        #expect(!shown("microneedling"))
        #expect(!q.questions.contains { $0.linkId == "off-label-notice" }, "a display item takes no answer")
    }

    @Test func theCanonicalURLsAndEveryCodingCarryOurSystem() throws {
        #expect(q.url == "https://intake.example/fhir/Questionnaire/intake-screening")
        #expect(q.version == "2.0.0")
        #expect(q.codeSystem == "https://intake.example/fhir/CodeSystem/intake-screening")
        #expect(q.allItems.flatMap(\.options).allSatisfy { $0.system == q.codeSystem })
        // enableWhen codings carry the system in the file, so standard renderers (LHC-Forms) match them.
        let json = try #require(try JSONSerialization.jsonObject(with: Questionnaire.bundledJSON()!) as? [String: Any])
        func conditions(_ items: [[String: Any]]) -> [[String: Any]] {
            items.flatMap { ($0["enableWhen"] as? [[String: Any]] ?? []) + conditions($0["item"] as? [[String: Any]] ?? []) }
        }
        let codings = conditions(json["item"] as! [[String: Any]]).compactMap { $0["answerCoding"] as? [String: Any] }
        #expect(codings.count >= 6)
        #expect(codings.allSatisfy { $0["system"] as? String == q.codeSystem })
    }

    @Test func theBundledCodeSystemHoldsEveryOptionCode() throws {
        let data = try #require(Questionnaire.bundledCodeSystemJSON())
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["resourceType"] as? String == "CodeSystem")
        #expect(json["url"] as? String == q.codeSystem)
        #expect(json["version"] as? String == q.version)
        let codes = Set((json["concept"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String })
        let used = Set(q.allItems.flatMap(\.options).map(\.code))
        #expect(codes == used)
        #expect(json["count"] as? Int == codes.count)
    }

    @Test func responsesAreWrittenInQuestionnaireOrderWithSystemAndVersion() throws {
        let answers = Answers(["allergies": [.coding("other"), .coding("nickel")], "allergies-other": [.string("latex")],
                               "acne-active": [.boolean(false)], "patient-name": [.string("Ann")]])
        let response = q.response(for: answers, id: "ABC")
        #expect(response["questionnaire"]?.string == "https://intake.example/fhir/Questionnaire/intake-screening|2.0.0")
        let text = response.serialized()
        let order = ["patient-name", "acne-active", "\"allergies\"", "allergies-other"].map { text.range(of: $0)!.lowerBound }
        #expect(order == order.sorted())
        #expect(text.contains(#""system":"https://intake.example/fhir/CodeSystem/intake-screening""#))
        // And it reads back as the same answers.
        let back = try ResponseReader(questionnaire: q, asOf: Day(iso: "2026-11-22")!).read(response).answers
        #expect(back == answers)
    }

    /// Issue 11: standard SDC extensions, not this program's own, so other form fillers read the rules.
    @Test func theBundledQuestionnaireUsesStandardSDCExtensions() {
        #expect(QuestionnaireCheck.standardsProblems(in: q).isEmpty, "\(QuestionnaireCheck.standardsProblems(in: q))")
        #expect(q.profiles == ["http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire"])
        #expect(q.item("skin-type")?.itemControl == "radio-button")
        #expect(q.item("allergies")?.itemControl == "check-box")
        #expect(q.item("botox-date")?.entryFormat == "YYYY-MM-DD, YYYY-MM or YYYY")
        #expect(q.item("patient-dob")?.entryFormat == "YYYY-MM-DD")
        // What the constraints mean to this program: read from their keys.
        #expect(q.item("patient-dob")?.ageRange == 0...120)
        let custom = q.allItems.flatMap { $0.customExtensions }
        #expect(custom.isEmpty, "\(custom)")
    }

    /// A version-1 questionnaire file (its own extensions) still loads with the same meaning, and the
    /// standards check names what to change.
    @Test func aVersionOneQuestionnaireFileStillReadsAndIsToldWhatToChange() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures-questionnaire-1.0.0.json")
        let old = try Questionnaire.load(contentsOf: url)
        #expect(old.version == "1.0.0")
        #expect(old.item("patient-dob")?.ageRange == 0...120)
        #expect(old.item("patient-dob")?.allowsPartialDate == false)
        #expect(old.item("botox-date")?.allowsPartialDate == true)
        #expect(old.item("attest")?.mustBeTrue == true)
        let problems = QuestionnaireCheck.standardsProblems(in: old).map(\.description)
        #expect(problems.contains { $0.hasPrefix("meta.profile") })
        #expect(problems.contains { $0.contains("skin-type") && $0.contains("radio-button") })
        #expect(problems.contains { $0.contains("botox-date") && $0.contains("entryFormat") })
        #expect(problems.contains { $0.contains("intake.example/fhir/StructureDefinition/age-range") })
    }

    @Test func bundledQuestionnairePassesItsOwnCheck() {
        #expect(QuestionnaireCheck.problems(in: q).isEmpty)
    }

    func problems(_ edit: (inout [String: Any]) -> Void) -> [String] {
        var json = try! JSONSerialization.jsonObject(with: Questionnaire.bundledJSON()!) as! [String: Any]
        edit(&json)
        let data = try! JSONSerialization.data(withJSONObject: json)
        do { _ = try Questionnaire.parse(data, file: "q.json"); return [] } catch { return error.problems.map(\.description) }
    }

    /// Edits the first question of the first group.
    func editFirstQuestion(_ json: inout [String: Any], _ edit: (inout [String: Any]) -> Void) {
        var groups = json["item"] as! [[String: Any]]
        var items = groups[0]["item"] as! [[String: Any]]
        edit(&items[0])
        groups[0]["item"] = items
        json["item"] = groups
    }

    @Test func duplicateLinkIdsAreFound() {
        let found = problems { json in editFirstQuestion(&json) { $0["linkId"] = "patient-dob" } }
        #expect(found.contains { $0.contains("patient-dob") && $0.contains("more than once") })
    }

    @Test func enableWhenOnAMissingOrLaterQuestionOrUnknownOptionIsFound() {
        let missing = problems { json in editFirstQuestion(&json) { $0["enableWhen"] = [["question": "nope", "operator": "=", "answerBoolean": true]] } }
        #expect(missing.contains { $0.contains("patient-name") && $0.contains("\"nope\"") })
        let later = problems { json in editFirstQuestion(&json) { $0["enableWhen"] = [["question": "attest", "operator": "=", "answerBoolean": true]] } }
        #expect(later.contains { $0.contains("comes after") })
        let badOption = problems { json in editFirstQuestion(&json) { $0["enableWhen"] = [["question": "procedures", "operator": "=", "answerCoding": ["code": "laser"]]] } }
        #expect(badOption.contains { $0.contains("\"laser\" is not an option") })
    }

    @Test func missingArabicAndDuplicateOptionsAreFound() {
        let noArabic = problems { json in editFirstQuestion(&json) { $0["_text"] = nil } }
        #expect(noArabic.contains { $0.contains("patient-name") && $0.contains("no Arabic text") })
        let dupOption = problems { json in
            var groups = json["item"] as! [[String: Any]]
            var items = groups[0]["item"] as! [[String: Any]]
            var options = items[3]["answerOption"] as! [Any]
            options.append(options[0])
            items[3]["answerOption"] = options
            groups[0]["item"] = items
            json["item"] = groups
        }
        #expect(dupOption.contains { $0.contains("microneedling") && $0.contains("more than once") })
    }

    @Test func malformedJSONNamesLineAndColumn() {
        let data = Data("{\n  \"resourceType\": \"Questionnaire\",\n  \"item\": [ }\n}".utf8)
        #expect(throws: QuestionnaireError.self) { try Questionnaire.parse(data, file: "q.json") }
        do { _ = try Questionnaire.parse(data, file: "q.json") } catch {
            #expect(error.description.contains("line 3, column 13"))
        }
    }

    @Test func everyPhraseHasBothLanguages() {
        for phrase in Phrase.allCases {
            #expect(phrase.text.missingLanguages.isEmpty, "\(phrase.rawValue)")
        }
        #expect(Phrase.unusedCatalogKeys.isEmpty)
    }
}

struct EnableWhenTests {
    let q = try! Questionnaire.bundled()

    @Test func dependentQuestionsAppearAndDisappearWithTheirCondition() {
        var answers = Answers()
        #expect(!q.enabledLinkIds(for: answers).contains("botox-date"))
        answers["botox-history"] = [.coding("yes")]
        #expect(q.enabledLinkIds(for: answers).contains("botox-date"))
        answers["botox-date"] = [.date(PartialDate("2026-10")!)]
        #expect(q.effectiveAnswers(answers).isAnswered("botox-date"))
        answers["botox-history"] = [.coding("never")]
        #expect(!q.effectiveAnswers(answers).isAnswered("botox-date"))
        #expect(q.unansweredRequired(answers).contains { $0.linkId == "patient-name" })
        #expect(!q.unansweredRequired(answers).contains { $0.linkId == "botox-date" })
    }
}
