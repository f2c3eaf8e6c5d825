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
        ("goals", "choice", false, ["oily-skin", "large-pores", "redness", "fine-lines", "deep-lines", "acne-scars", "texture", "pigmentation", "hair-loss"], nil),
        ("skin-type", "choice", true, ["I", "II", "III", "IV", "V", "VI", "unsure"], nil),
        ("skin-oiliness", "choice", false, ["dry", "normal", "combination", "oily"], nil),
        ("acne-active", "boolean", true, nil, nil), ("herpes-active", "boolean", true, nil, nil),
        ("herpes-history", "boolean", true, nil, nil), ("skin-infection", "boolean", true, nil, nil),
        ("eczema", "choice", true, ["none", "history", "active"], nil),
        ("psoriasis", "choice", true, ["none", "history", "active"], nil),
        ("rosacea", "choice", true, ["none", "history", "active"], nil),
        ("vitiligo", "boolean", true, nil, nil), ("keloid-tendency", "boolean", true, nil, nil),
        ("skin-cancer", "boolean", true, nil, nil), ("sunburn-recent", "boolean", true, nil, nil),
        ("chemotherapy", "choice", true, ["none", "current", "past"], nil),
        ("chemotherapy-end-date", "date", true, nil, "chemotherapy=past"),
        ("immunosuppressed", "boolean", true, nil, nil),
        ("botox-history", "choice", true, ["never", "yes"], nil),
        ("botox-date", "date", true, nil, "botox-history=yes"),
        ("filler-history", "choice", true, ["never", "yes"], nil),
        ("filler-date", "date", true, nil, "filler-history=yes"),
        ("isotretinoin", "choice", true, ["never", "current", "past"], nil),
        ("isotretinoin-end-date", "date", true, nil, "isotretinoin=past"),
        ("gold-threads", "boolean", true, nil, nil),
        ("pregnant", "choice", true, ["no", "yes", "possibly", "not-applicable"], nil),
        ("breastfeeding", "boolean", true, nil, nil), ("bleeding-disorder", "boolean", true, nil, nil),
        ("anticoagulants", "boolean", true, nil, nil),
        ("diabetes", "choice", true, ["none", "controlled", "uncontrolled"], nil),
        ("neuromuscular", "boolean", true, nil, nil), ("swallowing-breathing", "boolean", true, nil, nil),
        ("aminoglycosides", "boolean", true, nil, nil),
        ("allergies", "choice", true, ["botulinum-toxin", "albumin", "metal", "local-anaesthetic", "none"], nil),
        ("attest", "boolean", true, nil, nil),
    ]

    @Test func everyQuestionOfTheSpecIsThereInOrder() {
        #expect(q.questions.map(\.linkId) == Self.dictionary.map(\.0))
        #expect(q.items.map(\.linkId) == ["patient", "skin", "conditions", "treatments", "health", "consent"])
        for (linkId, type, required, options, enabledWhen) in Self.dictionary {
            guard let item = q.item(linkId) else { Issue.record("missing \(linkId)"); continue }
            #expect(item.type.rawValue == type, "\(linkId) type")
            #expect(item.required == required, "\(linkId) required")
            #expect(item.options.map(\.code) == (options ?? []), "\(linkId) options")
            let condition = item.enableWhen.first.map { c -> String in
                if case .coding(let code) = c.answer { return "\(c.question)=\(code)" }
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
