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
}
