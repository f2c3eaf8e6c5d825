import Foundation
import IntakeModel
import IntakeStorage
import TerminalUI

/// The kiosk as numbered prompts, one line after another, for screen readers and braille displays.
///
/// No cursor addressing: everything is printed in order and the real cursor
/// always sits after the current prompt. The same questions, checks and storage
/// as the full-screen kiosk, and locked like it: Ctrl-C, Ctrl-Z and end of input never
/// leave; staff leave by typing ``staffCommand`` and the staff PIN; an idle patient is asked
/// "Are you still there?" and then cleared; the screen and scrollback are wiped between patients.
public struct PlainKiosk {
    /// What staff type, alone on a line, to close the kiosk (then the PIN). Patients are not told of it.
    public static let staffCommand = ":staff"

    let questionnaire: Questionnaire
    let store: IntakeStore
    let kioskID: String
    let read: (_ timeout: Double?) -> PlainInput
    let output: (String) -> Void
    let today: () -> Day
    let timings: KioskTimings
    let allowNoPIN: Bool
    /// Whether input is a terminal: there end of input (Ctrl-D) is a key to ignore, not the end.
    let inputIsTerminal: Bool
    /// Whether output is a terminal: only there is the screen and its scrollback cleared.
    let outputIsTerminal: Bool
    let clock: () -> Double

    /// - Parameter read: the next line, waiting at most `timeout` seconds (nil: no limit).
    public init(questionnaire: Questionnaire, store: IntakeStore, kioskID: String,
                timings: KioskTimings = KioskTimings(), allowNoPIN: Bool = false,
                inputIsTerminal: Bool = false, outputIsTerminal: Bool = false,
                read: @escaping (_ timeout: Double?) -> PlainInput,
                output: @escaping (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) },
                today: @escaping () -> Day = { Day.today() },
                clock: @escaping () -> Double = PlainKiosk.monotonicNow) {
        self.questionnaire = questionnaire
        self.store = store
        self.kioskID = kioskID
        self.read = read
        self.output = output
        self.today = today
        self.timings = timings
        self.allowNoPIN = allowNoPIN
        self.inputIsTerminal = inputIsTerminal
        self.outputIsTerminal = outputIsTerminal
        self.clock = clock
    }

    /// Lines from a closure that never times out (nil: input ended), for tests and scripts.
    public init(questionnaire: Questionnaire, store: IntakeStore, kioskID: String, allowNoPIN: Bool = false,
                input: @escaping () -> String?,
                output: @escaping (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) },
                today: @escaping () -> Day = { Day.today() }) {
        self.init(questionnaire: questionnaire, store: store, kioskID: kioskID, allowNoPIN: allowNoPIN,
                  read: { _ in input().map(PlainInput.line) ?? .end }, output: output, today: today)
    }

    public static func monotonicNow() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// How a patient's turn at the kiosk ended.
    public enum Outcome: Equatable, Sendable {
        case submitted(code: String)
        /// Idle too long: the draft was closed and its answers deleted.
        case abandoned
        /// Staff typed the staff command and a PIN that the database accepted.
        case staffExit
        /// Input ended for good (a pipe or file, never a terminal): the draft so far is kept.
        case inputEnded
    }

    /// Serves patients until staff close the kiosk. If input ends for good (not a terminal), the
    /// kiosk does not exit on its own: it waits, locked, for a termination signal.
    public func run() {
        signal(SIGINT, SIG_IGN)
        signal(SIGTSTP, SIG_IGN)
        signal(SIGQUIT, SIG_IGN)
        // Started by a process that blocks signals (a test runner, a service manager), the kiosk would
        // never hear the SIGTERM that stops it: unblock what ends it.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for stop in [SIGTERM, SIGHUP] { sigaddset(&unblock, stop) }
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        while true {
            switch serve() {
            case .submitted, .abandoned: continue
            case .staffExit: return
            case .inputEnded:
                FileHandle.standardError.write(Data("intake: input ended; the kiosk stays locked until staff stop it (SIGTERM)\n".utf8))
                while true { pause() }
            }
        }
    }

    /// One whole intake; false once input has ended or staff closed the kiosk.
    public func serveOnePatient() -> Bool {
        switch serve() {
        case .submitted, .abandoned: true
        case .staffExit, .inputEnded: false
        }
    }

    private func say(_ text: String) { output(PatientText.clean(text) + "\n") }

    /// Wipes the screen and the scrollback, so the next patient cannot scroll back to this one.
    private func clearScreen() {
        if outputIsTerminal { output("\u{1B}[H\u{1B}[2J\u{1B}[3J") }
    }

    /// What came of asking for a line.
    enum Asked { case text(String), staffExit, idle, ended }

    /// Reads one answer line, handling what is not an answer: the staff command, idling, Ctrl-D.
    /// - Parameter reminder: the question, said again when the patient comes back from the idle prompt.
    private func ask(_ prompt: String = "> ", language: Language = .en, reminder: String? = nil) -> Asked {
        while true {
            output(prompt)
            switch read(timings.idle) {
            case .line(let raw):
                let line = PatientText.clean(raw).trimmingCharacters(in: .whitespaces)
                if line == Self.staffCommand {
                    if staffMayLeave(language) { return .staffExit }
                    continue
                }
                return .text(line)
            case .timeout:
                say("")
                say(Phrase.kioskIdleTitle(language))
                say(Phrase.kioskIdleBody(language, Int(timings.countdown)))
                switch read(timings.countdown) {
                case .line:  // "I am here": ask the same question again
                    say("")
                    if let reminder { say(reminder) }
                    continue
                case .timeout: return .idle
                case .end: if inputIsTerminal { continue } else { return .ended }
                }
            case .end:
                // Ctrl-D at a terminal is a key like Ctrl-C: it does not end anything.
                guard inputIsTerminal else { return .ended }
                say("")
                say(Phrase.kioskNoExit(language))
            }
        }
    }

    /// The staff PIN, checked in the database as the full-screen kiosk does (throttled, audited).
    private func staffMayLeave(_ language: Language) -> Bool {
        output(Phrase.kioskStaffTitle(language) + ". PIN: ")
        // Not echoed: a PIN left on the screen (or a braille display) is read by the next patient.
        let echo = inputIsTerminal ? Self.echoOff() : nil
        let typed = read(60)
        if let echo { Self.restore(echo) }
        let pin: String
        switch typed {
        case .line(let line): pin = line
        default: say(""); return false
        }
        // Typed ahead of the prompt (a paste, a fast typist), the PIN was echoed before echo went off:
        // wipe it from the screen and the scrollback before anything else.
        clearScreen()
        say("")
        do {
            switch try store.checkStaffPIN(pin, kiosk: kioskID) {
            case .accepted:
                try store.record(.kioskExit, user: kioskID, detail: "plain kiosk closed by staff PIN")
                return true
            case .notSet:
                guard allowNoPIN else { say(Phrase.kioskStaffNoPIN(language)); return false }
                try store.record(.kioskExit, user: kioskID, detail: "plain kiosk closed without a PIN (--allow-no-pin)")
                return true
            case .wrong(let seconds): say(Phrase.kioskStaffWait(language, seconds))
            case .locked(let until): say(Phrase.kioskStaffLocked(language, ClockText.local(until, "%H:%M")))
            }
        } catch {
            say(Phrase.kioskSaveFailed(language))
        }
        return false
    }

    /// Turns off echo on standard input if it is a terminal, returning the settings to restore. Until
    /// then SIGTERM and SIGHUP put echo back before they end the process, as they would have.
    private static func echoOff() -> termios? {
        var saved = termios()
        guard isatty(STDIN_FILENO) == 1, tcgetattr(STDIN_FILENO, &saved) == 0 else { return nil }
        terminalBeforePIN = saved
        echoHiddenForPIN = 1
        signal(SIGTERM, restoreEchoThenDie)
        signal(SIGHUP, restoreEchoThenDie)
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSANOW, &silent)
        return saved
    }

    private static func restore(_ saved: termios) {
        var saved = saved
        tcsetattr(STDIN_FILENO, TCSANOW, &saved)
        echoHiddenForPIN = 0
        signal(SIGTERM, SIG_DFL)
        signal(SIGHUP, SIG_DFL)
    }

    /// One whole intake, from the language question to the intake code.
    public func serve() -> Outcome {
        clearScreen()
        say("")
        say("English: type 1. العربية: اكتب 2.")
        let choice: String
        switch ask() {
        case .text(let line): choice = line
        case .staffExit: return .staffExit
        case .idle: return .abandoned
        case .ended: return .inputEnded
        }
        let language: Language = ["2", "٢", "ar", "عربي", "العربية"].contains(choice) ? .ar : .en
        say(Phrase.kioskWelcomeBody(language))
        say(Phrase.kioskPlainIntro(language))
        let recorder = IntakeRecorder(questionnaire: questionnaire, store: store, kioskID: kioskID, today: today)
        do { try recorder.start(language) } catch { say(Phrase.kioskSaveFailed(language)); return .abandoned }
        let outcome = serve(language: language, recorder: recorder)
        switch outcome {
        case .abandoned:
            try? recorder.abandon(reason: "idle")
            clearScreen()
        case .staffExit:
            try? recorder.abandon(reason: "kiosk closed by staff")
            clearScreen()
        case .submitted, .inputEnded: break
        }
        return outcome
    }

    private func serve(language: Language, recorder: IntakeRecorder) -> Outcome {

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
            let outcome: Step
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
            case .stop(let end): return end
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
            let line: String
            switch ask(language: language) {
            case .text(let text): line = text
            case .staffExit: return .staffExit
            case .idle: return .abandoned
            case .ended: return .inputEnded
            }
            if line.isEmpty {
                if let missing = questions.first(where: { questionnaire.item($0)?.required == true && !answers.isAnswered($0) }),
                   let i = questions.firstIndex(of: missing) {
                    say(Phrase.kioskRequired(language))
                    if case .stop(let end) = askQuestion(missing, number: i + 1, language: language, answers: &answers, recorder: recorder) { return end }
                    continue
                }
                // A notice that a changed answer brought in is read before the confirmation.
                var stopped: Outcome?
                for notice in steps() where questionnaire.isNotice(notice) && !noticesShown.contains(notice) {
                    if case .stop(let end) = showNotice(notice, language: language) { stopped = end; break }
                    noticesShown.insert(notice)
                }
                if let stopped { return stopped }
                break
            }
            if let n = PlainKiosk.number(line), (1...questions.count).contains(n) {
                if case .stop(let end) = askQuestion(questions[n - 1], number: n, language: language, answers: &answers, recorder: recorder) { return end }
            } else {
                say(Phrase.kioskPlainBadNumber(language))
            }
        }
        for linkId in closing() {
            while true {
                switch askQuestion(linkId, number: main().count + 1, language: language, answers: &answers, recorder: recorder) {
                case .stop(let end): return end
                case .back: continue
                case .answered: break
                }
                if answers.bool(linkId) == true { break }
                say(Phrase.kioskMustConfirm(language))
            }
        }
        let code: String
        do {
            code = try recorder.submit(answers, language: language)
        } catch {
            say(Phrase.kioskSaveFailed(language))
            return .abandoned
        }
        say("")
        say(Phrase.kioskThanksTitle(language))
        say(Phrase.kioskThanksBody(language) + " " + code)
        say(Phrase.kioskThanksNext(language))
        // The code stays until Enter, but at least a few seconds (the Enter that submitted may repeat),
        // and at most as long as the full-screen thank-you screen.
        let shown = clock()
        while inputIsTerminal, clock() - shown < max(timings.thanks, KioskState.thanksMinimum) {
            let left = max(timings.thanks, KioskState.thanksMinimum) - (clock() - shown)
            guard case .line = read(left) else { break }
            // As on the full screen: a patient's Enter clears the code only once it has been up 20 s.
            if clock() - shown >= KioskState.thanksMinimum { break }
        }
        clearScreen()
        return .submitted(code: code)
    }

    enum Step { case answered, back, stop(Outcome) }

    /// Prints a notice (a `display` item), then waits for Enter; "b" goes back. It stores nothing.
    private func showNotice(_ linkId: String, language: Language) -> Step {
        guard let item = questionnaire.item(linkId) else { return .answered }
        say("")
        say(Phrase.kioskNoticeTitle(language) + ":")
        say(item.text(language))
        say("Enter: " + Phrase.kioskHintRead(language))
        switch ask(language: language) {
        case .text(let line): return line.lowercased() == "b" ? .back : .answered
        case .staffExit: return .stop(.staffExit)
        case .idle: return .stop(.abandoned)
        case .ended: return .stop(.inputEnded)
        }
    }

    /// Asks one question until it gets an acceptable answer (or "b" for back), saving it at once.
    private func askQuestion(_ linkId: String, number: Int, language: Language, answers: inout Answers,
                             recorder: IntakeRecorder) -> Step {
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
            let line: String
            switch ask(language: language, reminder: "\(number). \(item.text(language))") {
            case .text(let text): line = text
            case .staffExit: return .stop(.staffExit)
            case .idle: return .stop(.abandoned)
            case .ended: return .stop(.inputEnded)
            }
            if line.lowercased() == "b" { return .back }
            if line.isEmpty, !answers[linkId].isEmpty { return .answered }  // keep the earlier answer

            switch editor.control {
            case .choice(var list):
                // A number given twice is one choice, not a toggle on and off again.
                var numbers: [Int?] = []
                for part in line.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "،" }) {
                    let number = PlainKiosk.number(String(part))
                    if number == nil || !numbers.contains(number) { numbers.append(number) }
                }
                guard numbers.allSatisfy({ $0.map { (1...list.options.count).contains($0) } ?? false }),
                      list.mode == .multiple || numbers.count <= 1 else {
                    say(Phrase.kioskPlainBadNumber(language)); continue
                }
                // "None" beside another choice contradicts itself: say so and ask again, never pick one silently.
                if let exclusive = list.exclusiveIndex, numbers.count > 1, numbers.contains(exclusive + 1) {
                    say(Phrase.kioskPlainContradiction(language, exclusive + 1)); continue
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

/// The terminal as it was before echo was turned off for the staff PIN, for a signal handler.
nonisolated(unsafe) private var terminalBeforePIN = termios()
nonisolated(unsafe) private var echoHiddenForPIN: sig_atomic_t = 0

/// SIGTERM or SIGHUP while the PIN is typed: echo back on, then the signal's default action.
private func restoreEchoThenDie(_ signalNumber: Int32) {
    if echoHiddenForPIN != 0 { tcsetattr(STDIN_FILENO, TCSANOW, &terminalBeforePIN) }
    signal(signalNumber, SIG_DFL)
    raise(signalNumber)
}

/// What a line-by-line kiosk reads: a line, nothing for a while, or the end of input.
public enum PlainInput: Equatable, Sendable {
    case line(String)
    case timeout
    case end
}

/// Reads lines from standard input with a time limit, through poll(2) and its own buffer, so a
/// wait for a patient can end in an idle prompt.
public final class StandardInputLines {
    private var buffer: [UInt8] = []
    private let fd: Int32

    public init(fd: Int32 = STDIN_FILENO) { self.fd = fd }

    /// The next line, `.timeout` after `timeout` seconds without one, or `.end` at end of input.
    public func read(timeout: Double?) -> PlainInput {
        let deadline = timeout.map { PlainKiosk.monotonicNow() + $0 }
        while true {
            if let newline = buffer.firstIndex(of: 10) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return .line(line.hasSuffix("\r") ? String(line.dropLast()) : line)
            }
            var waitMs: Int32 = -1
            if let deadline {
                let left = deadline - PlainKiosk.monotonicNow()
                if left <= 0 { return .timeout }
                waitMs = Int32(min(left * 1000, Double(Int32.max)).rounded(.up))
            }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, waitMs)
            if ready == 0 { return .timeout }
            if ready < 0 { if errno == EINTR { continue }; return .end }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = Foundation.read(fd, &chunk, chunk.count)
            if count > 0 { buffer += chunk[..<count]; continue }
            if count < 0 && errno == EINTR { continue }
            // End of input: a last line without a newline still counts.
            if !buffer.isEmpty {
                let line = String(decoding: buffer, as: UTF8.self)
                buffer = []
                return .line(line)
            }
            return .end
        }
    }
}
