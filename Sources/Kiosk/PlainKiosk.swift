import Foundation
import IntakeModel
import IntakeStorage
import TerminalUI

/// The kiosk as numbered prompts, one line after another, for screen readers and braille displays.
///
/// No cursor addressing: everything is printed in order and the real cursor
/// always sits after the current prompt. The same questions, checks and storage
/// as the full-screen kiosk; Ctrl-C and Ctrl-Z are ignored, and end of input closes it.
public struct PlainKiosk {
    let questionnaire: Questionnaire
    let store: IntakeStore
    let kioskID: String
    let input: () -> String?
    let output: (String) -> Void
    let today: () -> Day

    public init(questionnaire: Questionnaire, store: IntakeStore, kioskID: String,
                input: @escaping () -> String? = { readLine(strippingNewline: true) },
                output: @escaping (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) },
                today: @escaping () -> Day = { Day.today() }) {
        self.questionnaire = questionnaire
        self.store = store
        self.kioskID = kioskID
        self.input = input
        self.output = output
        self.today = today
    }

    /// Serves patients one after another until input ends.
    public func run() {
        signal(SIGINT, SIG_IGN)
        signal(SIGTSTP, SIG_IGN)
        signal(SIGQUIT, SIG_IGN)
        while serveOnePatient() {}
    }

    private func say(_ text: String) { output(PatientText.clean(text) + "\n") }

    /// Reads one answer line; nil when input has ended.
    private func ask(_ prompt: String = "> ") -> String? {
        output(prompt)
        return input().map { PatientText.clean($0).trimmingCharacters(in: .whitespaces) }
    }

    /// One whole intake; false once input has ended.
    public func serveOnePatient() -> Bool {
        say("")
        say("English: type 1. العربية: اكتب 2.")
        guard let choice = ask() else { return false }
        let language: Language = ["2", "٢", "ar", "عربي", "العربية"].contains(choice) ? .ar : .en
        say(Phrase.kioskWelcomeBody(language))
        say(Phrase.kioskPlainIntro(language))
        let recorder = IntakeRecorder(questionnaire: questionnaire, store: store, kioskID: kioskID, today: today)
        do { try recorder.start(language) } catch { say(Phrase.kioskSaveFailed(language)); return true }

        var answers = Answers()
        /// Questions and notices, in order.
        func steps() -> [String] { questionnaire.kioskOrder(for: answers).main }
        /// The questions alone: their numbers are the ones the review lists.
        func main() -> [String] { steps().filter { !questionnaire.isNotice($0) } }
        func closing() -> [String] { questionnaire.kioskOrder(for: answers).closing }
        var noticesShown: Set<String> = []

        var index = 0
        while index < steps().count {
            let linkId = steps()[index]
            let outcome: Outcome
            if questionnaire.isNotice(linkId) {
                outcome = showNotice(linkId, language: language)
                noticesShown.insert(linkId)
            } else {
                let number = (main().firstIndex(of: linkId) ?? index) + 1
                outcome = askQuestion(linkId, number: number, language: language, answers: &answers, recorder: recorder)
            }
            switch outcome {
            case .answered: index += 1
            case .back: index = max(0, index - 1)
            case .ended: return false
            }
        }
        // Review: every answer, with a way back to any of them.
        while true {
            say("")
            say(Phrase.kioskPlainReview(language))
            let questions = main()
            for (i, linkId) in questions.enumerated() {
                guard let item = questionnaire.item(linkId) else { continue }
                say("\(i + 1). \(item.text(language)): \(item.answerText(answers, language))")
            }
            say(Phrase.kioskPlainReviewPrompt(language))
            guard let line = ask() else { return false }
            if line.isEmpty {
                if let missing = questions.first(where: { questionnaire.item($0)?.required == true && !answers.isAnswered($0) }),
                   let i = questions.firstIndex(of: missing) {
                    say(Phrase.kioskRequired(language))
                    if case .ended = askQuestion(missing, number: i + 1, language: language, answers: &answers, recorder: recorder) { return false }
                    continue
                }
                // A notice that a changed answer brought in is read before the confirmation.
                var ended = false
                for notice in steps() where questionnaire.isNotice(notice) && !noticesShown.contains(notice) {
                    if case .ended = showNotice(notice, language: language) { ended = true; break }
                    noticesShown.insert(notice)
                }
                if ended { return false }
                break
            }
            if let n = PlainKiosk.number(line), (1...questions.count).contains(n) {
                if case .ended = askQuestion(questions[n - 1], number: n, language: language, answers: &answers, recorder: recorder) { return false }
            } else {
                say(Phrase.kioskPlainBadNumber(language))
            }
        }
        for linkId in closing() {
            while true {
                switch askQuestion(linkId, number: main().count + 1, language: language, answers: &answers, recorder: recorder) {
                case .ended: return false
                case .back: continue
                case .answered: break
                }
                if answers.bool(linkId) == true { break }
                say(Phrase.kioskMustConfirm(language))
            }
        }
        do {
            let code = try recorder.submit(answers, language: language)
            say("")
            say(Phrase.kioskThanksTitle(language))
            say(Phrase.kioskThanksBody(language) + " " + code)
        } catch {
            say(Phrase.kioskSaveFailed(language))
        }
        return true
    }

    enum Outcome { case answered, back, ended }

    /// Prints a notice (a `display` item), then waits for Enter; "b" goes back. It stores nothing.
    private func showNotice(_ linkId: String, language: Language) -> Outcome {
        guard let item = questionnaire.item(linkId) else { return .answered }
        say("")
        say(Phrase.kioskNoticeTitle(language) + ":")
        say(item.text(language))
        say("Enter: " + Phrase.kioskHintRead(language))
        guard let line = ask() else { return .ended }
        return line.lowercased() == "b" ? .back : .answered
    }

    /// Asks one question until it gets an acceptable answer (or "b" for back), saving it at once.
    private func askQuestion(_ linkId: String, number: Int, language: Language, answers: inout Answers,
                             recorder: IntakeRecorder) -> Outcome {
        guard let item = questionnaire.item(linkId) else { return .answered }
        while true {
            say("")
            say("\(number). \(item.text(language))")
            var editor = AnswerEditor(item: item, current: answers[linkId], language: language, today: today())
            if let help = item.help { say(help(language)) }
            if item.type == .date { say(item.allowsPartialDate ? Phrase.kioskDatePartial(language) : Phrase.kioskDateFormat(language)) }
            if case .choice(let list) = editor.control {
                for (i, option) in list.options.enumerated() { say("  \(i + 1)) \(option.label)") }
                say(list.mode == .multiple ? Phrase.kioskPlainMany(language) : Phrase.kioskPlainChoose(language))
            }
            if !item.required { say(Phrase.kioskPlainOptional(language)) }
            if !answers[linkId].isEmpty { say("[\(item.answerText(answers, language))]") }
            guard let line = ask() else { return .ended }
            if line.lowercased() == "b" { return .back }
            if line.isEmpty, !answers[linkId].isEmpty { return .answered }  // keep the earlier answer

            switch editor.control {
            case .choice(var list):
                let numbers = line.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "،" }).map { PlainKiosk.number(String($0)) }
                guard numbers.allSatisfy({ $0.map { (1...list.options.count).contains($0) } ?? false }),
                      list.mode == .multiple || numbers.count <= 1 else {
                    say(Phrase.kioskPlainBadNumber(language)); continue
                }
                list.clearSelection()
                for n in numbers.compactMap({ $0 }) { list.mode == .multiple ? list.toggle(n - 1) : list.select(n - 1) }
                editor.control = .choice(list)
            case .text(var field):
                field.setText(line)
                editor.control = .text(field)
            }
            switch editor.answer(today: today()) {
            case .failure(let problem):
                say(problem.message(language))
            case .success(let values):
                if item.required && values.isEmpty { say(Phrase.kioskRequired(language)); continue }
                answers[linkId] = values
                do {
                    try recorder.save(linkId, values)
                    // Answers to questions that this one switches off are dropped, here and in the store.
                    let enabled = questionnaire.enablement(for: answers)
                    for other in answers.values.keys where !enabled.isEnabled(other) {
                        answers[other] = []
                        try recorder.save(other, [])
                    }
                } catch {
                    say(Phrase.kioskSaveFailed(language))
                }
                return .answered
            }
        }
    }

    /// A number typed with Western or Arabic-Indic digits.
    static func number(_ text: String) -> Int? {
        PartialDate.westernDigits(text).flatMap { Int($0) }
    }
}
