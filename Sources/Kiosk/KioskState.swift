import IntakeModel
import TerminalUI

/// Timings of the unattended kiosk, in seconds.
public struct KioskTimings: Sendable, Equatable {
    /// Without a key for this long, ask "Are you still there?".
    public var idle: Double
    /// Then wait this long before closing the draft as abandoned.
    public var countdown: Double
    /// How long the thank-you screen stays before the kiosk clears itself.
    public var thanks: Double

    public init(idle: Double = 120, countdown: Double = 30, thanks: Double = 30) {
        self.idle = idle; self.countdown = countdown; self.thanks = thanks
    }
}

extension Questionnaire {
    /// The screens a patient is shown, in order: `main` before the review page, then the
    /// must-be-true attestation(s) in `closing`. Disabled items are left out.
    ///
    /// `main` holds the questions and, where the questionnaire puts them, the `display` items
    /// that are screens of their own (a notice to read, such as the off-label notice); help
    /// lines are not items here, the reader lifts them into their question's help.
    func kioskOrder(for answers: Answers) -> (main: [String], closing: [String]) {
        let enabled = enablement(for: answers)
        let shown = allItems.filter { ($0.type.takesAnswers || $0.type == .display) && enabled.isEnabled($0.linkId) }
        return (shown.filter { !$0.mustBeTrue }.map(\.linkId), shown.filter(\.mustBeTrue).map(\.linkId))
    }

    /// Whether this item is a notice the kiosk shows as a screen that asks nothing.
    func isNotice(_ linkId: String) -> Bool { item(linkId)?.type == .display }
}

/// What the kiosk must do outside its own state: storage and leaving.
public enum KioskEffect: Equatable, Sendable {
    case startDraft(Language)
    case save(linkId: String, values: [AnswerValue])
    case remove(linkId: String)
    case setLanguage(Language)
    /// Store the intake; the app answers with ``KioskState/submitted(code:)`` or ``KioskState/submitFailed()``.
    case submit(Answers, Language)
    case abandon(reason: String)
    /// Check the staff PIN; the app answers with ``KioskState/staffPINChecked(_:)``.
    case verifyPIN(String)
    case exit
}

/// The kiosk's whole state and how keys and time change it, with no terminal or database.
///
/// Keeping this pure lets tests drive a complete intake key by key and check
/// both the screens and the effects (what is saved, when the draft is abandoned).
public struct KioskState {
    public enum Screen: Equatable {
        case welcome(ChoiceList)
        case question(String)
        /// A notice to read (a `display` item): it asks nothing and stores nothing;
        /// Enter continues and Esc goes back.
        case notice(String)
        case review(cursor: Int)
        case thanks(code: String, since: Double)
    }

    public enum Overlay: Equatable {
        /// "Are you still there?", closing the draft at `deadline`.
        case idle(deadline: Double)
        /// The staff PIN prompt, with why the last PIN did not close the kiosk.
        case staff(TextField, refusal: StaffRefusal?)
    }

    /// Why a PIN typed at the staff prompt did not close the kiosk.
    public enum StaffRefusal: Equatable, Sendable {
        /// Wrong (or too soon after a wrong one): the next PIN is checked after `retryAfter` seconds.
        case wrong(retryAfter: Int)
        /// Too many wrong PINs: none is checked until this local time (`14:05`).
        case locked(until: String)
        /// No PIN is set and the kiosk was not started with `--allow-no-pin`.
        case noPIN
    }

    public let questionnaire: Questionnaire
    public let timings: KioskTimings
    /// Whether a staff PIN was set when the kiosk started; without one (`--allow-no-pin`) the
    /// welcome screen warns staff. The PIN itself is checked in the database every time.
    public let staffPINIsSet: Bool
    /// Problems staff should see (a theme not found, a settings line ignored), on the welcome screen's staff line.
    public var staffNotes: [String] = []
    public private(set) var language: Language
    public private(set) var screen: Screen
    public private(set) var overlay: Overlay?
    public private(set) var answers = Answers()
    var editor: AnswerEditor?
    /// The problem with the current answer, shown next to the question.
    public private(set) var problem: Phrase?
    var problemArgument: String?
    /// A one-line message under the screen until the next key.
    public private(set) var notice: Phrase?
    /// Whether the patient came to this question from the review page.
    var returnToReview = false
    /// The review entry the patient chose to change, where the review page opens again.
    var reviewAnchor: String?
    /// The questions and notices there were when the patient left the review page to change an answer:
    /// any the change brings in (a date to give, words to type, a notice to read) are shown before it comes back.
    var reviewBaseline: Set<String> = []
    /// The notices shown to this patient; one not shown yet is shown before the closing questions.
    var noticesSeen: Set<String> = []
    var hasDraft = false
    /// Whether the patient has moved in or picked from the current list; until then Enter
    /// picks nothing, so pressing Enter repeatedly can't answer questions by itself.
    var touched = false
    var lastActivity: Double
    var chordStarted = false
    /// The visit date dates are checked against: renewed by the app as the clock passes midnight, so a
    /// kiosk left running overnight accepts today's date as today.
    public private(set) var today: Day

    public init(questionnaire: Questionnaire, language: Language = .en, timings: KioskTimings = KioskTimings(),
                staffPINIsSet: Bool, today: Day, now: Double) {
        self.questionnaire = questionnaire
        self.timings = timings
        self.staffPINIsSet = staffPINIsSet
        self.language = language
        self.today = today
        self.lastActivity = now
        self.screen = .welcome(KioskState.languageList(language))
    }

    static func languageList(_ language: Language) -> ChoiceList {
        ChoiceList(options: [ChoiceList.Option("English"), ChoiceList.Option("العربية")], mode: .single,
                   selection: [language == .en ? 0 : 1])
    }

    // MARK: The order of screens

    /// Enabled questions and notices shown before the review page, in questionnaire order.
    public var mainSteps: [String] { questionnaire.kioskOrder(for: answers).main }

    /// Enabled questions answered before the review page, in questionnaire order (no notices).
    public var mainQuestions: [String] { mainSteps.filter { !questionnaire.isNotice($0) } }

    /// The attestation(s), asked after the review page.
    public var closingQuestions: [String] { questionnaire.kioskOrder(for: answers).closing }

    /// Where the patient is, for the progress indicator: (step, total). A notice counts as a step.
    public var progress: (step: Int, total: Int) {
        let main = mainSteps, closing = closingQuestions
        let total = main.count + 1 + closing.count
        switch screen {
        case .question(let linkId), .notice(let linkId):
            if let i = main.firstIndex(of: linkId) { return (i + 1, total) }
            if let i = closing.firstIndex(of: linkId) { return (main.count + 2 + i, total) }
            return (1, total)
        case .review: return (main.count + 1, total)
        default: return (0, total)
        }
    }

    // MARK: Events

    /// Handles one key at time `now` (seconds on a monotonic clock).
    public mutating func handle(_ key: Key, now: Double) -> [KioskEffect] {
        lastActivity = now
        notice = nil
        if key == .resize { return [] }
        // The intake code must be seen: the keys that finished the intake (a burst of Enter) do nothing.
        if case .thanks(_, let since) = screen, now - since < Self.thanksDeaf { return [] }

        // The staff chord: Ctrl-X then Ctrl-Q. Patients are not told of it.
        if chordStarted {
            chordStarted = false
            if key == .control("q") {
                overlay = .staff(TextField(maxLength: 32), refusal: nil)
                return []
            }
            // Ctrl-X then Ctrl-N: staff dismiss the thank-you screen for the next patient.
            if key == .control("n"), case .thanks = screen, overlay == nil {
                reset()
                return []
            }
        }
        if key == .control("x") { chordStarted = true; return [] }

        // Every other key goes through the screen's bindings: the table the footer is drawn from.
        guard let action = bindings.action(for: key) else { return [] }
        return perform(action, key: key, now: now)
    }

    /// Does what a binding of the current screen says.
    private mutating func perform(_ action: KioskAction, key: Key, now: Double) -> [KioskEffect] {
        switch action {
        case .dismissIdle:
            overlay = nil  // any key means "I am here"
            return []
        case .checkPIN:
            // Always asked of the database: a PIN set while the kiosk runs is the one that counts.
            guard case .staff(let field, _)? = overlay else { return [] }
            return [.verifyPIN(field.text)]
        case .closeStaffPrompt:
            overlay = nil
            return []
        case .typePIN:
            guard case .staff(var field, let refusal)? = overlay else { return [] }
            // A pasted PIN is not typed: only keys go into the field.
            if case .paste = key { return [] }
            _ = field.handle(key)
            overlay = .staff(field, refusal: refusal)
            return []
        case .refuseExit:
            notice = .kioskNoExit
            return []
        case .switchLanguage:
            return switchLanguage()
        case .ignore:
            return []
        default: break
        }

        switch screen {
        case .welcome(var list):
            if action == .begin {
                language = list.cursor == 1 ? .ar : .en
                hasDraft = true
                var effects: [KioskEffect] = [.startDraft(language)]
                effects += open(mainSteps.first ?? closingQuestions.first)
                return effects
            }
            _ = list.handle(key)
            // Choosing a language shows the screen in it at once.
            language = list.cursor == 1 ? .ar : .en
            screen = .welcome(list)
            return []
        case .question(let linkId):
            return handleQuestion(linkId, action: action, key: key)
        case .notice(let linkId):
            // A notice takes no answer: Enter moves on, Esc goes back, every other key is ignored.
            switch action {
            case .back: return goBack(from: linkId)
            case .next: return advance(from: linkId)
            default: return []
            }
        case .review(let cursor):
            return handleReview(cursor: cursor, action: action, key: key)
        case .thanks(_, let since):
            // Patients cannot clear the code before it has been up for `thanksMinimum` seconds.
            if action == .clearThanks, now - since >= Self.thanksMinimum { reset() }
            return []
        }
    }

    /// Seconds the thank-you screen ignores every key, and the least it stays up for a patient.
    static let thanksDeaf = 3.0
    static let thanksMinimum = 20.0
    /// How long the thank-you screen stays without a key: the setting, but never under the minimum.
    var thanksDuration: Double { max(timings.thanks, Self.thanksMinimum) }

    /// Time passing with no key: the idle prompt, the abandoned draft, the thank-you screen clearing.
    public mutating func tick(now: Double) -> [KioskEffect] {
        if case .thanks(_, let since) = screen, now - since >= thanksDuration {
            reset()
            return []
        }
        guard hasDraft else { return [] }
        if case .idle(let deadline)? = overlay {
            if now >= deadline {
                reset()
                return [.abandon(reason: "idle")]
            }
            return []
        }
        // A staff prompt left open must not keep a patient's answers on screen for ever: it closes,
        // and the idle prompt and countdown follow as on any screen.
        if case .staff? = overlay, now - lastActivity >= timings.idle { overlay = nil }
        if overlay == nil, now - lastActivity >= timings.idle {
            overlay = .idle(deadline: now + timings.countdown)
        }
        return []
    }

    /// When the next timed event is due, so the app can sleep until then.
    public func nextDeadline() -> Double? {
        if case .thanks(_, let since) = screen { return since + thanksDuration }
        guard hasDraft else { return nil }
        if case .idle(let deadline)? = overlay { return deadline }
        return lastActivity + timings.idle
    }

    // MARK: Answers to the app's effects

    /// The intake was stored: show the code, forget the patient.
    public mutating func submitted(code: String, now: Double) {
        let language = self.language
        reset()
        self.language = language
        screen = .thanks(code: code, since: now)
    }

    public mutating func submitFailed() { notice = .kioskSaveFailed }

    public mutating func saveFailed() { notice = .kioskSaveFailed }

    /// Resumes a draft whose answers survived a restart.
    public mutating func resume(answers: Answers, language: Language) {
        self.answers = answers
        self.language = language
        hasDraft = true
        notice = .kioskResumed
        // Carry on after the last question answered: optional questions skipped before the cut are not
        // asked again, and a required one left blank is caught by the check page.
        let main = mainQuestions
        let lastAnswered = main.lastIndex { answers.isAnswered($0) }
        let next = lastAnswered.map { $0 + 1 } ?? 0
        if next < main.count { _ = open(main[next]) } else { openReview() }
    }

    /// A new calendar day has begun (the kiosk ran past midnight).
    public mutating func setToday(_ day: Day) { today = day }

    /// The database's answer to a PIN: leave, or say why not and clear the field.
    public mutating func staffPINChecked(_ refusal: StaffRefusal?) -> [KioskEffect] {
        guard let refusal else { return [.exit] }
        if case .staff? = overlay { overlay = .staff(TextField(maxLength: 32), refusal: refusal) }
        return []
    }

    // MARK: Question screens

    private mutating func open(_ linkId: String?) -> [KioskEffect] {
        guard let linkId, let item = questionnaire.item(linkId) else { return [] }
        problem = nil
        touched = false
        if item.type == .display {
            screen = .notice(linkId)
            editor = nil
            noticesSeen.insert(linkId)
            return []
        }
        screen = .question(linkId)
        editor = AnswerEditor(item: item, current: answers[linkId], language: language, today: today)
        return []
    }

    private mutating func openReview(cursor: Int = 0) {
        screen = .review(cursor: cursor)
        editor = nil
        problem = nil
        returnToReview = false
        reviewAnchor = nil
        reviewBaseline = []
    }

    /// Back to the review page, on the entry the patient chose to change (or on Continue).
    private mutating func backToReview(from linkId: String) {
        let entries = reviewEntries
        openReview(cursor: reviewAnchor.flatMap { entries.firstIndex(of: $0) } ?? entries.firstIndex(of: linkId) ?? entries.count)
    }

    private mutating func handleQuestion(_ linkId: String, action: KioskAction, key: Key) -> [KioskEffect] {
        guard var editor else { return [] }
        switch action {
        case .back:
            // Going back keeps what was typed if it is valid; an invalid entry is not saved. A radio
            // mark is only stored when Enter confirms it (ticks were saved as they were given), so a
            // stray Home or arrow before Esc stores nothing.
            var effects: [KioskEffect] = []
            if case .text = editor.control, case .success(let values) = editor.answer(today: today),
               values != answers[linkId], !values.isEmpty {
                effects = record(linkId, values)
            }
            return effects + goBack(from: linkId)
        case .next:
            // A single choice is a radio group: arrows, a number or Space mark an option, and Enter confirms
            // the mark. Enter never picks by itself, however often it is pressed, so nothing is stored that
            // the patient did not choose; a required list with nothing marked says so.
            if case .choice(let list) = editor.control, list.mode == .single, list.selectedIndices.isEmpty,
               questionnaire.item(linkId)?.required ?? false {
                touched = true
                problem = .kioskRequired; problemArgument = nil
                return []
            }
            self.editor = editor
            return next(from: linkId)
        case .pickNumber:
            // Typing an option's number picks it, with Western or Arabic-Indic digits.
            guard case .character(let c) = key, case .choice(var list) = editor.control, let n = PartialDate.westernDigits(String(c)).flatMap({ Int($0) }),
                  (1...list.options.count).contains(n) else { return [] }
            touched = true
            problem = nil
            list.moveCursor(to: n - 1)
            if list.mode == .multiple { list.toggle(n - 1) } else { list.select(n - 1) }
            editor.control = .choice(list)
            self.editor = editor
            if list.mode == .multiple, case .success(let values) = editor.answer(today: today) { return record(linkId, values) }
            return []
        default:
            var key = key
            // In Arabic the text runs right to left: Left moves on through it, Right moves back.
            if language.isRightToLeft, !editor.isChoice {
                if key == .left { key = .right } else if key == .right { key = .left }
            }
            let outcome = editor.handle(key)
            if case .choice = editor.control, outcome != .ignored { touched = true }
            self.editor = editor
            if outcome == .changed { problem = nil }
            // A tick in a multiple choice is an answer given: save it now.
            if outcome == .changed, case .choice(let list) = editor.control, list.mode == .multiple,
               case .success(let values) = editor.answer(today: today) {
                return record(linkId, values)
            }
            return []
        }
    }

    private mutating func next(from linkId: String) -> [KioskEffect] {
        guard let editor, let item = questionnaire.item(linkId) else { return [] }
        let values: [AnswerValue]
        switch editor.answer(today: today) {
        case .failure(let problem):
            self.problem = problem.phrase
            problemArgument = problem.argument
            return []
        case .success(let v): values = v
        }
        if item.required && values.isEmpty {
            problem = .kioskRequired; problemArgument = nil
            return []
        }
        if item.mustBeTrue && values != [.boolean(true)] {
            problem = .kioskMustConfirm; problemArgument = nil
            return []
        }
        let effects = values == answers[linkId] ? [] : record(linkId, values)
        if item.mustBeTrue {
            if let following = closingQuestions.drop(while: { $0 != linkId }).dropFirst().first {
                return effects + open(following)
            }
            return effects + [.submit(answers, language)]
        }
        return effects + advance(from: linkId)
    }

    /// The screen after `linkId` once it is done with: the next question or notice, or the review page.
    private mutating func advance(from linkId: String) -> [KioskEffect] {
        let main = mainSteps
        if returnToReview {
            // A change made from the review page can bring in questions (a date to give, words to type)
            // or a notice to read: those come first, so the patient is not sent back to a page with gaps.
            let brought = main.first { !reviewBaseline.contains($0) && (questionnaire.isNotice($0) || !answers.isAnswered($0)) }
            guard let brought else {
                backToReview(from: linkId)
                return []
            }
            reviewBaseline.insert(brought)
            return open(brought)
        }
        if let i = main.firstIndex(of: linkId), i + 1 < main.count { return open(main[i + 1]) }
        openReview()
        return []
    }

    private mutating func goBack(from linkId: String) -> [KioskEffect] {
        if returnToReview {
            backToReview(from: linkId)
            return []
        }
        if closingQuestions.contains(linkId) {
            if let i = closingQuestions.firstIndex(of: linkId), i > 0 { return open(closingQuestions[i - 1]) }
            openReview(cursor: reviewEntries.count)
            return []
        }
        let main = mainSteps
        if let i = main.firstIndex(of: linkId), i > 0 { return open(main[i - 1]) }
        return []
    }

    /// Saves an answer and drops answers to questions it disables.
    private mutating func record(_ linkId: String, _ values: [AnswerValue]) -> [KioskEffect] {
        answers[linkId] = values
        var effects: [KioskEffect] = [values.isEmpty ? .remove(linkId: linkId) : .save(linkId: linkId, values: values)]
        let enabled = questionnaire.enablement(for: answers)
        for disabled in answers.values.keys.sorted() where !enabled.isEnabled(disabled) {
            answers[disabled] = []
            effects.append(.remove(linkId: disabled))
        }
        return effects
    }

    // MARK: Review page

    /// The review page lists every main question (not the notices); its last entry is Continue.
    public var reviewEntries: [String] { mainQuestions }

    private mutating func handleReview(cursor: Int, action: KioskAction, key: Key) -> [KioskEffect] {
        let count = reviewEntries.count + 1
        switch action {
        case .reviewMove:
            switch key {
            case .up: screen = .review(cursor: max(0, cursor - 1))
            case .down: screen = .review(cursor: min(count - 1, cursor + 1))
            case .home: screen = .review(cursor: 0)
            case .end: screen = .review(cursor: count - 1)
            case .pageUp: screen = .review(cursor: max(0, cursor - 5))
            case .pageDown: screen = .review(cursor: min(count - 1, cursor + 5))
            default: break
            }
        case .reviewBack:
            if let last = mainSteps.last { return open(last) }
        case .reviewOpen:
            if cursor < reviewEntries.count {
                let entry = reviewEntries[cursor]
                let baseline = Set(mainSteps)
                let effects = open(entry)
                returnToReview = true
                reviewAnchor = entry
                reviewBaseline = baseline
                return effects
            }
            if let missing = mainQuestions.first(where: { questionnaire.item($0)?.required == true && !answers.isAnswered($0) }) {
                let effects = open(missing)
                problem = .kioskRequired
                return effects
            }
            // A notice not read yet (an answer changed on the way back, or a draft resumed after a restart)
            // is shown before the confirmation; Enter brings the patient back here, on Continue.
            if let unseen = mainSteps.first(where: { questionnaire.isNotice($0) && !noticesSeen.contains($0) }) {
                let effects = open(unseen)
                returnToReview = true
                reviewBaseline = Set(mainSteps)
                return effects
            }
            if let first = closingQuestions.first { return open(first) }
            return [.submit(answers, language)]
        default: break
        }
        return []
    }

    // MARK: Whole answers, from the line-by-line kiosk

    /// A choice answered in one go (a line of numbers): exactly these options (from 0) marked, then Enter.
    mutating func answerChoice(_ indices: [Int], now: Double) -> [KioskEffect] {
        guard var editor, case .choice(var list) = editor.control else { return [] }
        list.clearSelection()
        for i in indices { list.mode == .multiple ? list.toggle(i) : list.select(i) }
        if let first = indices.first { list.moveCursor(to: first) }
        editor.control = .choice(list)
        self.editor = editor
        touched = true
        return handle(.enter, now: now)
    }

    /// A typed answer given whole (a line), then Enter.
    mutating func answerText(_ text: String, now: Double) -> [KioskEffect] {
        guard var editor, case .text(var field) = editor.control else { return [] }
        field.setText(text)
        editor.control = .text(field)
        self.editor = editor
        return handle(.enter, now: now)
    }

    /// The question's saved answer given again (an empty line in line mode), whatever was tried since.
    mutating func keepAnswer(now: Double) -> [KioskEffect] {
        guard case .question(let linkId) = screen, let item = questionnaire.item(linkId) else { return [] }
        editor = AnswerEditor(item: item, current: answers[linkId], language: language, today: today)
        touched = true
        return handle(.enter, now: now)
    }

    /// The editor of the question shown, for a line-mode prompt that lists its options.
    var currentEditor: AnswerEditor? { editor }

    // MARK: Language and reset

    private mutating func switchLanguage() -> [KioskEffect] {
        language = language == .en ? .ar : .en
        switch screen {
        case .welcome: screen = .welcome(KioskState.languageList(language))
        default: break
        }
        editor = editor?.relabelled(language, today: today)
        return hasDraft ? [.setLanguage(language)] : []
    }

    /// Back to the welcome screen with nothing of the last patient kept.
    private mutating func reset() {
        answers = Answers()
        editor = nil
        problem = nil
        problemArgument = nil
        overlay = nil
        returnToReview = false
        reviewAnchor = nil
        reviewBaseline = []
        noticesSeen = []
        hasDraft = false
        language = .en
        screen = .welcome(KioskState.languageList(.en))
    }

    /// The current problem in the patient's words.
    public var problemMessage: String? {
        problem.map { phrase in problemArgument.map { phrase(language, $0) } ?? phrase(language) }
    }
}
