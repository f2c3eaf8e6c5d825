import Foundation
import Testing
import IntakeModel

struct ResponseReaderTests {
    let reader = ResponseReader(questionnaire: try! Questionnaire.bundled(), asOf: Day(iso: "2026-11-22")!)

    func read(_ json: String) throws(InvalidResponse) -> Answers { try reader.read(Data(json.utf8), file: "r.json").answers }

    func failure(_ json: String) -> InvalidResponse? {
        do { _ = try read(json); return nil } catch { return error }
    }

    func response(_ items: String, extra: String = "") -> String {
        #"{"resourceType":"QuestionnaireResponse"\#(extra),"item":[\#(items)]}"#
    }

    @Test func flatNestedAndAnswerNestedItemsAreRead() throws {
        let flat = try read(response(#"{"linkId":"acne-active","answer":[{"valueBoolean":true}]}"#))
        #expect(flat.bool("acne-active") == true)
        let grouped = try read(response(#"{"linkId":"conditions","item":[{"linkId":"acne-active","answer":[{"valueBoolean":false}]}]}"#))
        #expect(grouped.bool("acne-active") == false)
        let underAnswer = try read(response(#"{"linkId":"botox-history","answer":[{"valueCoding":{"code":"yes"},"item":[{"linkId":"botox-date","answer":[{"valueDate":"2026-10"}]}]}]}"#))
        #expect(underAnswer.date("botox-date") == PartialDate("2026-10"))
    }

    @Test(arguments: [
        ("{not json", InvalidResponse.Kind.malformedJSON, "line 1"),
        (#"{"resourceType":"Patient"}"#, .notAResponse, "QuestionnaireResponse"),
        (#"{"resourceType":"QuestionnaireResponse","questionnaire":"http://other.example/Questionnaire/x","item":[]}"#, .wrongQuestionnaire, "http://other.example"),
        (#"{"resourceType":"QuestionnaireResponse","item":[{"linkId":"favourite-colour","answer":[{"valueString":"red"}]}]}"#, .unknownLinkId, "favourite-colour"),
        (#"{"resourceType":"QuestionnaireResponse","item":[{"linkId":"acne-active","answer":[{"valueString":"yes"}]}]}"#, .wrongType, "acne-active"),
        (#"{"resourceType":"QuestionnaireResponse","item":[{"linkId":"acne-active","answer":[{"valueBoolean":1}]}]}"#, .wrongType, "true or false"),
        (#"{"resourceType":"QuestionnaireResponse","item":[{"linkId":"eczema","answer":[{"valueCoding":{"code":"sometimes"}}]}]}"#, .unknownOption, "sometimes"),
        (#"{"resourceType":"QuestionnaireResponse","item":[{"linkId":"patient-dob","answer":[{"valueDate":"1990-02-30"}]}]}"#, .badDate, "1990-02-30"),
        (#"{"resourceType":"QuestionnaireResponse","item":[{"linkId":"patient-dob","answer":[{"valueDate":"1990-02"}]}]}"#, .badDate, "full date"),
        (#"{"resourceType":"QuestionnaireResponse","item":[{"linkId":"botox-date","answer":[{"valueDate":"2026-11-23"}]}]}"#, .futureDate, "after the visit date 2026-11-22"),
        (#"{"resourceType":"QuestionnaireResponse","item":[{"linkId":"botox-date","answer":[{"valueDate":"2026-12"}]}]}"#, .futureDate, "2026-12"),
        (#"{"resourceType":"QuestionnaireResponse","item":[{"linkId":"acne-active","answer":[{"valueBoolean":true}]},{"linkId":"acne-active","answer":[{"valueBoolean":false}]}]}"#, .duplicateAnswer, "more than once"),
        (#"{"resourceType":"QuestionnaireResponse","item":[{"linkId":"eczema","answer":[{"valueCoding":{"code":"none"}},{"valueCoding":{"code":"active"}}]}]}"#, .tooManyAnswers, "one answer"),
        // Version 2 (spec §3): the rest of the list.
        ("[1,2]", .notAResponse, "JSON object"),
        (#""QuestionnaireResponse""#, .notAResponse, "JSON object"),
        (#"{"resourceType":"QuestionnaireResponse","item":{"linkId":"acne-active"}}"#, .notAResponse, "array"),
        (#"{"resourceType":"QuestionnaireResponse","item":[7]}"#, .notAResponse, "item[0]"),
        (#"{"resourceType":"QuestionnaireResponse","item":[{"linkId":"acne-active","answer":{"valueBoolean":true}}]}"#, .notAResponse, "array of answers"),
        (#"{"resourceType":"QuestionnaireResponse","item":[{"linkId":"acne-active","answer":[true]}]}"#, .notAResponse, "answer[0]"),
        (#"{"resourceType":"QuestionnaireResponse","item":[{"linkId":"eczema","answer":[{"valueCoding":{"system":"http://snomed.info/sct","code":"none"}}]}]}"#, .foreignSystem, "http://snomed.info/sct"),
        (#"{"resourceType":"QuestionnaireResponse","item":[{"linkId":"eczema","answer":[{"valueCoding":{"system":"https://intake.example/fhir/CodeSystem/intake-options","code":"none"}}]}]}"#, .foreignSystem, "eczema"),
        (#"{"resourceType":"QuestionnaireResponse","questionnaire":"https://intake.example/fhir/Questionnaire/intake-screening|3.0.0","item":[]}"#, .wrongQuestionnaire, "3.0.0"),
        (#"{"resourceType":"QuestionnaireResponse","questionnaire":"https://intake.example/fhir/Questionnaire/intake-screening|latest","item":[]}"#, .wrongQuestionnaire, "latest"),
        (#"{"resourceType":"QuestionnaireResponse","questionnaire":"https://intake.example/fhir/Questionnaire/other|2.0.0","item":[]}"#, .wrongQuestionnaire, "other"),
        (#"{"resourceType":"QuestionnaireResponse","questionnaire":42,"item":[]}"#, .wrongQuestionnaire, "42"),
        (#"{"resourceType":"QuestionnaireResponse","item":[{"linkId":"patient-dob","answer":[{"valueDate":"1905-11-21"}]}]}"#, .ageOutOfRange, "age of 121"),
        (#"{"resourceType":"QuestionnaireResponse","item":[{"linkId":"patient-dob","answer":[{"valueDate":"2026-11-23"}]}]}"#, .futureDate, "after the visit"),
        (#"{"resourceType":"QuestionnaireResponse","item":[{"linkId":"patient-dob","answer":[{"valueDate":"0000-01-01"}]}]}"#, .badDate, "0000-01-01"),
        (#"{"resourceType":"QuestionnaireResponse","item":[{"linkId":"resurfacing-date","answer":[{"valueDate":"2026-13"}]}]}"#, .badDate, "2026-13"),
        (#"{"resourceType":"QuestionnaireResponse","item":[{"linkId":"allergies-other","answer":[{"valueBoolean":true}]}]}"#, .wrongType, "valueString"),
        (#"{"resourceType":"QuestionnaireResponse","item":[{"linkId":"botox-reaction","answer":[{"valueCoding":{"code":"mild"}}]}]}"#, .unknownOption, "mild"),
        (#"{"resourceType":"QuestionnaireResponse","item":[{"linkId":"off-label-notice","answer":[{"valueBoolean":true}]}]}"#, .wrongType, "display"),
    ])
    func invalidInputIsNamed(_ json: String, _ kind: InvalidResponse.Kind, _ mention: String) {
        let error = failure(json)
        #expect(error?.kind == kind)
        #expect(error?.description.contains(mention) == true, "\(error?.description ?? "no error")")
        #expect(error?.description.hasPrefix("r.json") == true)
    }

    @Test func answersToDisabledQuestionsAreStillChecked() {
        let json = response(#"{"linkId":"botox-history","answer":[{"valueCoding":{"code":"never"}}]},{"linkId":"botox-date","answer":[{"valueDate":"yesterday"}]}"#)
        #expect(failure(json)?.kind == .badDate)
    }

    @Test func theErrorPathPointsIntoTheDocument() {
        let json = response(#"{"linkId":"health","item":[{"linkId":"diabetes","answer":[{"valueCoding":{"code":"type-3"}}]}]}"#)
        #expect(failure(json)?.location == "item[0] (health).item[0] (diabetes).answer[0]")
    }

    @Test func theQuestionnaireCanonicalMayCarryAVersion() throws {
        let answers = try read(response("", extra: #","questionnaire":"https://intake.example/fhir/Questionnaire/intake-screening|1.0.0""#))
        #expect(answers.values.isEmpty)
    }

    @Test func ageLimitsAreInclusive() throws {
        // 120 on the visit date is valid; 121 is not (spec §3, kind 7). A DOB on the visit date is age 0.
        #expect(try read(response(#"{"linkId":"patient-dob","answer":[{"valueDate":"1906-11-22"}]}"#)).date("patient-dob") == PartialDate("1906-11-22"))
        #expect(try read(response(#"{"linkId":"patient-dob","answer":[{"valueDate":"1905-11-23"}]}"#)).isAnswered("patient-dob"), "120, a day before turning 121")
        #expect(failure(response(#"{"linkId":"patient-dob","answer":[{"valueDate":"1905-11-22"}]}"#))?.kind == .ageOutOfRange)
        #expect(try read(response(#"{"linkId":"patient-dob","answer":[{"valueDate":"2026-11-22"}]}"#)).isAnswered("patient-dob"))
    }

    @Test func codingsWithOurSystemOrNoneAreRead() throws {
        let ours = try read(response(#"{"linkId":"eczema","answer":[{"valueCoding":{"system":"https://intake.example/fhir/CodeSystem/intake-screening","code":"active-elsewhere"}}]}"#))
        #expect(ours.codes("eczema") == ["active-elsewhere"])
        let bare = try read(response(#"{"linkId":"eczema","answer":[{"valueCoding":{"code":"history"}}]}"#))
        #expect(bare.codes("eczema") == ["history"])
    }

    @Test(arguments: ["1.0.0", "1.2", "2.0.0", "2.1.3"])
    func versionsOneAndTwoAreThisQuestionnaire(_ version: String) throws {
        let answers = try read(response(#"{"linkId":"acne-active","answer":[{"valueBoolean":true}]}"#,
                                        extra: #","questionnaire":"https://intake.example/fhir/Questionnaire/intake-screening|\#(version)""#))
        #expect(answers.bool("acne-active") == true)
    }

    @Test func aDisabledQuestionsForeignCodingIsStillInvalid() {
        let json = response(#"{"linkId":"botox-history","answer":[{"valueCoding":{"code":"never"}}]},{"linkId":"botox-reaction","answer":[{"valueCoding":{"system":"http://x","code":"none"}}]}"#)
        #expect(failure(json)?.kind == .foreignSystem)
    }
}
