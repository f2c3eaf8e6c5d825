import Foundation
import IntakeModel
import IntakeStorage
import TerminalUI

/// The kiosk as numbered prompts, one line after another, for screen readers and braille displays.
///
/// No cursor addressing: everything is printed in order and the real cursor always sits after the
/// current prompt. It is the full-screen kiosk's own ``KioskState`` on the same ``ProgramRuntime``,
/// drawn as lines (``PlainProgram``) instead of cells: the same questions, order, checks, idle
/// prompt and storage. Locked like it: Ctrl-C, Ctrl-Z and end of input never leave; staff leave by
/// typing ``staffCommand`` and the staff PIN; an idle patient is asked "Are you still there?" and
/// then cleared; the screen and scrollback are wiped between patients.
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

    /// One whole intake, from the language question to the intake code, on the program runtime.
    public func serve() -> Outcome {
        let state = KioskState(questionnaire: questionnaire, timings: timings, staffPINIsSet: store.hasStaffPIN,
                               today: today(), now: clock())
        let display = PlainDisplay(read: read, output: output, inputIsTerminal: inputIsTerminal, outputIsTerminal: outputIsTerminal)
        let runtime = ProgramRuntime(program: PlainProgram(state: state, inputIsTerminal: inputIsTerminal, now: clock()),
                                     display: display, clock: clock, heartbeat: .infinity)
        // A line reader says itself that nothing came in time; the wait was for the program's deadline.
        runtime.timeoutMeansDeadline = true
        let effects = KioskEffects(store: store, questionnaire: questionnaire, kioskID: kioskID, today: today,
                                   allowNoPIN: allowNoPIN, closedBy: "plain kiosk closed")
        var outcome = Outcome.abandoned
        runtime.perform = { [unowned runtime] effect in
            switch effect {
            case .kiosk(let effect): return effects.perform(effect, state: runtime.program.state)
            case .finish(let end):
                outcome = end
                runtime.stop()
                return []
            }
        }
        runtime.subscriptions = { [unowned runtime] in
            var messages = effects.resync(runtime.program.state)
            let day = today()
            if day != runtime.program.state.today { messages.append(.newDay(day)) }
            return messages
        }
        runtime.run()
        // What the last event said (the code, a cleared screen) goes out before the turn ends.
        display.present(runtime.program.view(size: display.size, now: clock()))
        return outcome
    }

    /// A number typed with Western or Arabic-Indic digits.
    static func number(_ text: String) -> Int? {
        PartialDate.westernDigits(text).flatMap { Int($0) }
    }

    /// Turns off echo on standard input if it is a terminal, returning the settings to restore. Until
    /// then SIGTERM and SIGHUP put echo back before they end the process, as they would have.
    static func echoOff() -> termios? {
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

    static func restore(_ saved: termios) {
        var saved = saved
        tcsetattr(STDIN_FILENO, TCSANOW, &saved)
        echoHiddenForPIN = 0
        signal(SIGTERM, SIG_DFL)
        signal(SIGHUP, SIG_DFL)
    }
}

/// What the line-by-line kiosk writes: text, or a wipe of the screen and its scrollback.
enum PlainChunk: Equatable {
    case text(String)
    case clear
}

/// The line-by-line kiosk's frame: all it has said to this patient, and whether the next line read is a secret.
struct PlainFrame {
    var transcript: [PlainChunk]
    /// The staff PIN is being read: not echoed.
    var secret: Bool
}

/// Lines in and out: prints what a frame adds to the transcript, reads lines with a time limit.
final class PlainDisplay: ProgramDisplay {
    let read: (_ timeout: Double?) -> PlainInput
    let output: (String) -> Void
    let inputIsTerminal: Bool
    let outputIsTerminal: Bool
    private var written = 0
    private var secret = false

    init(read: @escaping (_ timeout: Double?) -> PlainInput, output: @escaping (String) -> Void,
         inputIsTerminal: Bool, outputIsTerminal: Bool) {
        self.read = read
        self.output = output
        self.inputIsTerminal = inputIsTerminal
        self.outputIsTerminal = outputIsTerminal
    }

    /// Line mode has no size; the program never asks.
    var size: Size { Size(rows: 24, columns: 80) }

    func present(_ frame: PlainFrame) {
        for chunk in frame.transcript.dropFirst(written) {
            switch chunk {
            case .text(let text): output(text)
            // Screen, then scrollback: the next patient cannot scroll back to this one. Never into a file or pipe.
            case .clear: if outputIsTerminal { output("\u{1B}[H\u{1B}[2J\u{1B}[3J") }
            }
        }
        written = frame.transcript.count
        secret = frame.secret
    }

    func next(timeout: Duration?) -> PlainInput? {
        // Not echoed: a PIN left on the screen (or a braille display) is read by the next patient.
        let echo = secret && inputIsTerminal ? PlainKiosk.echoOff() : nil
        defer { if let echo { PlainKiosk.restore(echo) } }
        let seconds = timeout.map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 }
        let input = read(seconds)
        return input == .timeout ? nil : input
    }
}

/// The line-by-line kiosk as a ``Program``: the full-screen kiosk's ``KioskState``, read from lines and
/// drawn as a transcript of numbered prompts.
///
/// A line is turned into what the full-screen kiosk gets from keys (a whole answer, Enter, Esc for "b",
/// a move on the check page), so both kiosks keep one flow, one set of checks and one idle timer.
struct PlainProgram: Program {
    typealias Input = PlainInput
    typealias Frame = PlainFrame
    typealias Message = KioskProgram.Message
    enum Effect {
        case kiosk(KioskEffect)
        /// The patient's turn is over.
        case finish(PlainKiosk.Outcome)
    }

    private(set) var state: KioskState
    let inputIsTerminal: Bool
    private(set) var transcript: [PlainChunk] = []
    /// When the staff PIN was asked for; the next line is the PIN, unless a minute passes.
    private var pinAsked: Double?
    /// Set while the language question has idled: the turn ends at this time.
    private var welcomeIdleUntil: Double?
    private var welcomeSince: Double
    /// When the intake code went up, at a terminal, where it stays a while.
    private var thanksSince: Double?
    private var code = ""

    init(state: KioskState, inputIsTerminal: Bool, now: Double) {
        self.state = state
        self.inputIsTerminal = inputIsTerminal
        self.welcomeSince = now
        transcript = [.clear]
        say("")
        say("English: type 1. العربية: اكتب 2.")
        prompt()
    }

    var language: Language { state.language }
    var questionnaire: Questionnaire { state.questionnaire }

    func view(size: Size, now: Double) -> PlainFrame { PlainFrame(transcript: transcript, secret: pinAsked != nil) }

    func nextDeadline() -> Double? {
        if let pinAsked { return pinAsked + 60 }
        if let thanksSince { return thanksSince + state.thanksDuration }
        if case .welcome = state.screen {
            return welcomeIdleUntil ?? welcomeSince + state.timings.idle
        }
        return state.nextDeadline()
    }

    // MARK: Writing

    private mutating func say(_ text: String) { transcript.append(.text(PatientText.clean(text) + "\n")) }
    private mutating func prompt() { transcript.append(.text("> ")) }

    /// The number a question is asked under: its place among the questions (notices are not numbered),
    /// the review's number for it too; the closing questions come after them all.
    private func number(_ linkId: String) -> Int {
        let questions = state.mainQuestions
        return (questions.firstIndex(of: linkId) ?? questions.count) + 1
    }

    /// Prints what the screen shown asks, then the prompt.
    private mutating func showScreen() {
        switch state.screen {
        case .welcome:
            say("")
            say("English: type 1. العربية: اكتب 2.")
        case .question(let linkId):
            guard let item = questionnaire.item(linkId) else { break }
            say("")
            say("\(number(linkId)). \(item.text(language))")
            let editor = AnswerEditor(item: item, current: state.answers[linkId], language: language, today: state.today)
            if let help = item.help { say(help(language)) }
            if item.type == .date { say(item.allowsPartialDate ? Phrase.kioskDatePartial(language) : Phrase.kioskDateFormat(language)) }
            if case .choice(let list) = editor.control {
                for (i, option) in list.options.enumerated() { say("  \(i + 1)) \(option.label)") }
                say(list.mode == .multiple ? Phrase.kioskPlainMany(language) : Phrase.kioskPlainChoose(language))
            }
            if !item.required { say(Phrase.kioskPlainOptional(language)) }
            if !state.answers[linkId].isEmpty { say("[\(item.answerText(state.answers, language))]") }
        case .notice(let linkId):
            guard let item = questionnaire.item(linkId) else { break }
            say("")
            say(Phrase.kioskNoticeTitle(language) + ":")
            say(item.text(language))
            say("Enter: " + Phrase.kioskHintRead(language))
        case .review:
            say("")
            say(Phrase.kioskPlainReview(language))
            for (i, linkId) in state.reviewEntries.enumerated() {
                guard let item = questionnaire.item(linkId) else { continue }
                say("\(i + 1). \(item.text(language)): \(item.answerText(state.answers, language))")
            }
            say(Phrase.kioskPlainReviewPrompt(language))
        case .thanks(let code, _):
            say("")
            say(Phrase.kioskThanksTitle(language))
            say(Phrase.kioskThanksBody(language) + " " + code)
            say(Phrase.kioskThanksNext(language))
            return  // no prompt: the code is read, not answered
        }
        prompt()
    }

    // MARK: Events

    mutating func update(_ event: ProgramEvent<PlainInput, Message>, now: Double) -> [Effect] {
        switch event {
        case .input(.line(let raw)): return line(raw, now: now)
        case .input(.end): return inputEnded()
        case .input(.timeout), .tick: return tick(now: now)
        case .message(let message): return receive(message, now: now)
        }
    }

    private mutating func line(_ raw: String, now: Double) -> [Effect] {
        if pinAsked != nil {
            pinAsked = nil
            // Typed ahead of the prompt (a paste, a fast typist), the PIN was echoed before echo went off:
            // wipe it from the screen and the scrollback before anything else.
            transcript.append(.clear)
            say("")
            return [.kiosk(.verifyPIN(raw))]
        }
        if let thanksSince {
            // As on the full screen: a patient's Enter clears the code only once it has been up 20 s.
            return now - thanksSince >= KioskState.thanksMinimum ? endTurn(.submitted(code: code)) : []
        }
        let line = PatientText.clean(raw).trimmingCharacters(in: .whitespaces)
        // A line is activity, whatever it says: the idle timer starts again.
        state.lastActivity = now
        if line == PlainKiosk.staffCommand {
            transcript.append(.text(Phrase.kioskStaffTitle(language) + ". PIN: "))
            pinAsked = now
            return []
        }
        if welcomeIdleUntil != nil || state.overlay != nil {
            // "I am here": the same question again.
            welcomeIdleUntil = nil
            if state.overlay != nil { _ = state.handle(.enter, now: now) }
            welcomeSince = now
            say("")
            if case .question(let linkId) = state.screen, let item = questionnaire.item(linkId) {
                say("\(number(linkId)). \(item.text(language))")
            }
            prompt()
            return []
        }
        var effects: [KioskEffect] = []
        switch state.screen {
        case .welcome:
            let arabic = ["2", "٢", "ar", "عربي", "العربية"].contains(line)
            if arabic { _ = state.handle(.down, now: now) }
            effects = state.handle(.enter, now: now)
            say(Phrase.kioskWelcomeBody(language))
            say(Phrase.kioskPlainIntro(language))
        case .question(let linkId):
            guard let answered = answer(linkId, line, now: now) else { showScreen(); return [] }
            effects = answered
            if let problem = state.problemMessage { say(problem) }
        case .notice:
            effects = state.handle(line.lowercased() == "b" ? .escape : .enter, now: now)
        case .review:
            let count = state.reviewEntries.count
            if line.isEmpty {
                _ = state.handle(.end, now: now)
            } else if let n = PlainKiosk.number(line), (1...max(1, count)).contains(n), n <= count {
                _ = state.handle(.home, now: now)
                for _ in 1..<n { _ = state.handle(.down, now: now) }
            } else {
                say(Phrase.kioskPlainBadNumber(language))
                showScreen()
                return []
            }
            effects = state.handle(.enter, now: now)
            if let problem = state.problemMessage { say(problem) }
        case .thanks:
            return []
        }
        // The code is shown when the store has answered; every other screen at once.
        if !effects.contains(where: { if case .submit = $0 { true } else { false } }) { showScreen() }
        return effects.map(Effect.kiosk)
    }

    /// A line as the answer to a question: "b" goes back, an empty line keeps an answer given before,
    /// numbers choose, anything else is typed. Nil when the line is refused before it reaches the state.
    private mutating func answer(_ linkId: String, _ line: String, now: Double) -> [KioskEffect]? {
        if line.lowercased() == "b" { return state.handle(.escape, now: now) }
        if line.isEmpty, !state.answers[linkId].isEmpty { return state.keepAnswer(now: now) }
        guard case .choice(let list)? = state.currentEditor?.control else { return state.answerText(line, now: now) }
        // A number given twice is one choice, not a toggle on and off again.
        var numbers: [Int?] = []
        for part in line.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "،" }) {
            let number = PlainKiosk.number(String(part))
            if number == nil || !numbers.contains(number) { numbers.append(number) }
        }
        guard numbers.allSatisfy({ $0.map { (1...list.options.count).contains($0) } ?? false }),
              list.mode == .multiple || numbers.count <= 1 else {
            say(Phrase.kioskPlainBadNumber(language))
            return nil
        }
        // "None" beside another choice contradicts itself: say so and ask again, never pick one silently.
        if let exclusive = list.exclusiveIndex, numbers.count > 1, numbers.contains(exclusive + 1) {
            say(Phrase.kioskPlainContradiction(language, exclusive + 1))
            return nil
        }
        return state.answerChoice(numbers.compactMap { $0.map { $0 - 1 } }, now: now)
    }

    private mutating func inputEnded() -> [Effect] {
        if pinAsked != nil {
            pinAsked = nil
            say("")
            prompt()
            return []
        }
        if thanksSince != nil { return endTurn(.submitted(code: code)) }
        // Ctrl-D at a terminal is a key like Ctrl-C: it does not end anything.
        guard inputIsTerminal else { return [.finish(.inputEnded)] }
        say("")
        say(Phrase.kioskNoExit(language))
        prompt()
        return []
    }

    private mutating func tick(now: Double) -> [Effect] {
        if let asked = pinAsked {
            guard now >= asked + 60 else { return [] }
            pinAsked = nil
            say("")
            prompt()
            return []
        }
        if thanksSince != nil { return endTurn(.submitted(code: code)) }
        if case .welcome = state.screen {
            // Nobody chose a language: ask whether anyone is there, then start again.
            if let until = welcomeIdleUntil {
                return now >= until ? [.finish(.abandoned)] : []
            }
            guard now >= welcomeSince + state.timings.idle else { return [] }
            welcomeIdleUntil = now + state.timings.countdown
            sayIdle()
            return []
        }
        let wasIdle = state.overlay != nil
        let effects = state.tick(now: now)
        if effects.contains(where: { if case .abandon = $0 { true } else { false } }) {
            return effects.map(Effect.kiosk) + endTurn(.abandoned)
        }
        if !wasIdle, case .idle? = state.overlay { sayIdle() }
        return effects.map(Effect.kiosk)
    }

    private mutating func sayIdle() {
        say("")
        say(Phrase.kioskIdleTitle(language))
        say(Phrase.kioskIdleBody(language, Int(state.timings.countdown)))
    }

    private mutating func receive(_ message: Message, now: Double) -> [Effect] {
        switch message {
        case .submitted(let code):
            state.submitted(code: code, now: now)
            self.code = code
            showScreen()
            // The code stays until Enter, but at least a few seconds (the Enter that submitted may repeat),
            // and at most as long as the full-screen thank-you screen; not when nobody is at a terminal.
            guard inputIsTerminal else { return endTurn(.submitted(code: code)) }
            thanksSince = now
            return []
        case .submitFailed:
            say(Phrase.kioskSaveFailed(language))
            return [.kiosk(.abandon(reason: "idle"))] + endTurn(.abandoned)
        case .saveFailed:
            state.saveFailed()
            say(Phrase.kioskSaveFailed(language))
            return []
        case .pinChecked(let refusal):
            switch refusal {
            case nil: return [.kiosk(.exit)] + endTurn(.staffExit)
            case .wrong(let seconds)?: say(Phrase.kioskStaffWait(language, seconds))
            case .locked(let until)?: say(Phrase.kioskStaffLocked(language, until))
            case .noPIN?: say(Phrase.kioskStaffNoPIN(language))
            }
            prompt()
            return []
        case .newDay(let day):
            state.setToday(day)
            return []
        }
    }

    /// The turn is over: the screen and scrollback are wiped for the next patient.
    private mutating func endTurn(_ outcome: PlainKiosk.Outcome) -> [Effect] {
        thanksSince = nil
        transcript.append(.clear)
        return [.finish(outcome)]
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
