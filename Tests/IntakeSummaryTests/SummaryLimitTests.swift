import Testing
import IntakeModel
import IntakeRules
import IntakeSummary

/// The summary prints at most what the questionnaire's `maxLength` lets the kiosk take, however
/// long a response file's answer is.
struct SummaryLimitTests {
    @Test func answersAreCutAtTheQuestionsMaxLength() {
        let questionnaire = SummaryTests.questionnaire
        let name = String(repeating: "Ж", count: 500), medicines = String(repeating: "ж", count: 1000)
        let answers = SummaryTests.answers("20-other-allergy-free-text")
            .with(["patient-name": [.string(name)], "medicines": [.string(medicines)]])
        let text = SummaryTests.make(answers, .en).render()
        #expect(text.filter { $0 == "Ж" }.count <= 120 * 4, "the name is printed at most 120 characters long (headers and answers)")
        #expect(text.filter { $0 == "ж" }.count <= 300, "medicines at most 300 characters")
        #expect(text.contains("…"))
        #expect(questionnaire.item("patient-name")?.maxLength == 120)
    }
}
