import Foundation
import IntakeModel
import IntakeRules
import IntakeStorage

/// Keeps one patient's draft in the store: every answer written the moment it is given.
///
/// Shared by the full-screen kiosk and the plain line-by-line one, so both store
/// exactly the same things on submit.
final class IntakeRecorder {
    let questionnaire: Questionnaire
    let store: IntakeStore
    let kioskID: String
    let today: () -> Day
    private(set) var draft: Draft?

    init(questionnaire: Questionnaire, store: IntakeStore, kioskID: String, today: @escaping () -> Day) {
        self.questionnaire = questionnaire
        self.store = store
        self.kioskID = kioskID
        self.today = today
    }

    func start(_ language: Language) throws {
        draft = try store.startDraft(language: language.rawValue, kiosk: kioskID)
    }

    /// Continues a draft found in the store.
    func adopt(_ draft: Draft) { self.draft = draft }

    func save(_ linkId: String, _ values: [AnswerValue]) throws {
        guard let draft else { return }
        if values.isEmpty {
            try store.removeAnswer(draftID: draft.id, linkId: linkId)
        } else {
            // Written as in the submitted response: a coding carries its system, as FHIR tools expect.
            let json = values.map { value in questionnaire.item(linkId).map { questionnaire.answerJSON(value, of: $0) } ?? value.json }
            try store.saveAnswer(draftID: draft.id, linkId: linkId, valueJSON: JSONValue.array(json).serialized())
        }
    }

    func setLanguage(_ language: Language) throws {
        guard let draft else { return }
        try store.setLanguage(draftID: draft.id, language: language.rawValue)
    }

    /// Stores the finished intake in one transaction and returns its code for reception.
    func submit(_ answers: Answers, language: Language) throws -> String {
        guard let draft else { throw StorageError.notFound(id: -1) }
        let stored = try store.submit(draftID: draft.id, submission(answers, language: language, code: draft.code))
        self.draft = nil
        return stored.code
    }

    func abandon(reason: String) throws {
        guard let draft else { return }
        self.draft = nil
        try store.abandon(draftID: draft.id, reason: reason)
    }

    /// Stored answers that still fit the questionnaire; one that does not is dropped, not fatal.
    func readStored(_ stored: [String: String]) -> Answers {
        let reader = ResponseReader(questionnaire: questionnaire, asOf: today())
        var answers = Answers()
        for (linkId, json) in stored {
            if let parsed = try? reader.read(questionnaire.response(fromStored: [linkId: json])) {
                answers[linkId] = parsed.answers[linkId]
            }
        }
        return answers
    }

    /// An ISO 8601 UTC timestamp, as FHIR's `authored` wants it.

    /// Everything stored on submit: the FHIR response, the assessment and the versions behind it.
    func submission(_ answers: Answers, language: Language, code: String) -> Submission {
        let assessment = Assessor(questionnaire: questionnaire).assess(answers, asOf: today())
        let response = questionnaire.response(for: answers, id: code, authored: ClockText.instant(Date()),
                                              language: language)
        return Submission(
            patientName: answers.string("patient-name"),
            patientDOB: answers.date("patient-dob")?.description,
            procedures: assessment.procedures.map(\.procedure),
            responseJSON: response.serialized(),
            assessmentJSON: AssessmentJSON(assessment).encoded(),
            verdicts: assessment.verdicts,
            questionnaireVersion: questionnaire.version,
            rulesetVersion: assessment.rulesetVersion
        )
    }
}
