import Foundation
import IntakeModel
import IntakeStorage
import TerminalUI

/// The queue's filter tabs.
public enum QueueTab: Int, CaseIterable, Sendable, Equatable {
    case today, unsigned, all

    func label(_ lang: Language) -> String {
        switch self {
        case .today: Phrase.stationTabToday(lang)
        case .unsigned: Phrase.stationTabUnsigned(lang)
        case .all: Phrase.stationTabAll(lang)
        }
    }
}

/// What the station must do outside its own state: the store and the printer.
public enum StationEffect: Equatable, Sendable {
    /// Check the password; the app answers with ``StationState/signedIn(_:now:)`` or ``StationState/signInFailed(_:now:)``.
    case signIn(name: String, password: String)
    /// Audit a sign-out; `reason` is "idle" or "" for one on purpose.
    case signOut(user: String, reason: String)
    /// Fetch one page (`limit` is one more than shown, to know whether another follows).
    case loadQueue(tab: QueueTab, search: String?, after: QueueCursor?, limit: Int)
    /// Read the intake and mark it opened; the app answers with ``StationState/opened(_:)``.
    case open(intakeID: Int64)
    case sign(intakeID: Int64, decisions: [ProcedureDecision], note: String?, password: String)
    case print(intakeID: Int64)
    /// Assess the intake again with today's rules, as a new audited row; the app answers with ``StationState/opened(_:)``.
    case reassess(intakeID: Int64)
    case quit
}

/// The decision form: one choice per procedure, a reason where the rules require one, a note, the password.
public struct DecisionForm: Equatable, Sendable {
    public struct Item: Equatable, Sendable {
        public var procedure: Procedure
        public var verdict: Verdict?
        public var choice: ChoiceList
        public var reason: TextField

        public var decision: ReviewDecision { ReviewDecision.allCases[min(choice.cursor, 2)] }
        public var needsReason: Bool { ReviewRules.needsReason(decision, verdict: verdict) }
    }

    public enum Field: Equatable, Sendable {
        case choice(Int), reason(Int), note, password
    }

    public var items: [Item]
    public var note = TextField(maxLength: 500)
    public var password = TextField(maxLength: 128)
    public var focus: Field = .choice(0)
    /// The problem shown above the form, already in words.
    public var message: String?

    /// The fields in order; a reason field exists only while the decision needs one.
    public var fields: [Field] {
        items.indices.flatMap { i in items[i].needsReason ? [Field.choice(i), .reason(i)] : [.choice(i)] } + [.note, .password]
    }
}

/// The review station's whole state and how keys and time change it, with no terminal or database.
public struct StationState {
    public enum Screen: Equatable {
        case signIn
        case queue
        case detail
        case decision
    }

    public let idle: Double
    public private(set) var language: Language
    public private(set) var screen: Screen = .signIn
    public private(set) var user: StaffUser?

    // Sign-in
    public private(set) var nameField = TextField(maxLength: 64)
    public private(set) var passwordField = TextField(maxLength: 128)
    public private(set) var passwordFocused = false
    /// Enter is ignored until then (the store's wait after a wrong password).
    public private(set) var retryAt: Double?
    /// A message in words on the current screen until the next key.
    public private(set) var message: String?
    public private(set) var messageIsError = false

    // Queue
    public private(set) var tab: QueueTab = .today
    public private(set) var searchField = TextField(maxLength: 64)
    public private(set) var searchFocused = false
    public private(set) var search: String?
    public private(set) var rows: [QueueRow] = []
    public private(set) var hasMore = false
    public private(set) var selected = 0
    /// The cursors that started each earlier page (nil for the first page), for going back.
    public private(set) var pageStack: [QueueCursor?] = []
    public private(set) var pageStart: QueueCursor?
    /// Rows that fit on the queue screen; the app sets it from the terminal size.
    public var pageSize = 10
    /// Detail lines that fit on the detail screen, what PageUp and PageDown move by there; set with `pageSize`.
    public var detailPageSize = 10
    var selectLastOnLoad = false

    // Detail and decision
    public private(set) var detail: IntakeDetail?
    public private(set) var scroll = 0
    public private(set) var form: DecisionForm?

    /// The codes of the intakes being printed in the background, until their outcome arrives.
    public private(set) var printing: [String] = []

    var lastActivity: Double

    public init(language: Language = .en, idle: Double = 300, now: Double) {
        self.language = language
        self.idle = idle
        self.lastActivity = now
    }

    // MARK: Events

    /// Handles one key at time `now` (seconds on a monotonic clock).
    public mutating func handle(_ key: Key, now: Double) -> [StationEffect] {
        lastActivity = now
        if key == .resize { return [] }
        // A paste is text for the focused field, cleaned like patient text; the choice lists, tab
        // digits and letter commands below match only typed keys, so a paste never acts as one.
        let key = key.cleaningPaste(PatientText.clean)
        // Only keys the screen's bindings list do anything: the same table the footer is drawn from.
        guard let action = bindings.action(for: key) else { return [] }
        if action == .switchLanguage {
            language = language == .en ? .ar : .en
            // Everything on screen follows, the decision form's choices too.
            if var form {
                for i in form.items.indices {
                    form.items[i].choice.options = ReviewDecision.allCases.map { ChoiceList.Option(StationText.decisionName($0, language)) }
                }
                self.form = form
            }
            return []
        }
        if action == .quitOrSignOut {
            guard let user else { return [.quit] }
            signOut()
            return [.signOut(user: user.name, reason: "")]
        }
        let keep = retryAt != nil && screen == .signIn && key == .enter
        if !keep { message = nil }
        switch screen {
        case .signIn: return handleSignIn(key, now: now)
        case .queue: return handleQueue(key)
        case .detail: return handleDetail(key)
        case .decision: return handleDecision(key)
        }
    }

    /// Time passing with no key: the idle sign-out.
    public mutating func tick(now: Double) -> [StationEffect] {
        if let retryAt, now >= retryAt, screen == .signIn { self.retryAt = nil }
        guard let user, now - lastActivity >= idle else { return [] }
        signOut()
        message = Phrase.stationSignedOutIdle(language)
        messageIsError = false
        return [.signOut(user: user.name, reason: "idle")]
    }

    /// When the next timed event is due, so the app can sleep until then.
    public func nextDeadline() -> Double? {
        if let retryAt { return retryAt }
        return user == nil ? nil : lastActivity + idle
    }

    /// The account was disabled or locked while signed in: back to an empty sign-in screen.
    /// Returns the sign-out to record.
    public mutating func accountEnded() -> [StationEffect] {
        guard let user else { return [] }
        signOut()
        message = Phrase.stationSignedOutAccount(language)
        messageIsError = true
        return [.signOut(user: user.name, reason: "account disabled or locked")]
    }

    /// Back to an empty sign-in screen: nothing of any patient is kept.
    private mutating func signOut() {
        let language = self.language
        self = StationState(language: language, idle: idle, now: lastActivity)
    }

    // MARK: Sign-in

    private mutating func handleSignIn(_ key: Key, now: Double) -> [StationEffect] {
        switch key {
        case .tab, .backTab, .down, .up:
            passwordFocused.toggle()
        case .enter:
            if !passwordFocused { passwordFocused = true; return [] }
            if let retryAt, now < retryAt {
                message = Phrase.stationWait(language, Int((retryAt - now).rounded(.up)))
                messageIsError = true
                return []
            }
            retryAt = nil
            let name = nameField.text.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { passwordFocused = false; return [] }
            return [.signIn(name: name, password: passwordField.text)]
        default:
            if passwordFocused { _ = passwordField.handle(key) } else { _ = nameField.handle(key) }
        }
        return []
    }

    /// The password was right: show the queue.
    public mutating func signedIn(_ user: StaffUser, now: Double) -> [StationEffect] {
        self.user = user
        lastActivity = now
        nameField = TextField(maxLength: 64)
        passwordField = TextField(maxLength: 128)
        passwordFocused = false
        retryAt = nil
        screen = .queue
        return reloadFirstPage()
    }

    public mutating func signInFailed(_ error: SignInError, now: Double) {
        passwordField = TextField(maxLength: 128)
        messageIsError = true
        switch error {
        case .wrongNameOrPassword(let seconds):
            retryAt = now + Double(seconds)
            message = Phrase.stationWrongPassword(language, seconds)
        case .locked(let until):
            message = Phrase.stationLocked(language, ClockText.localMinute(until))
        case .disabled:
            message = Phrase.stationDisabled(language)
        case .storage(let error):
            message = Phrase.stationStorageFailed(language, error.description)
        }
    }

    // MARK: Queue

    private mutating func reloadFirstPage() -> [StationEffect] {
        pageStack = []
        pageStart = nil
        selected = 0
        return [load()]
    }

    private func load() -> StationEffect {
        .loadQueue(tab: tab, search: search, after: pageStart, limit: max(1, pageSize) + 1)
    }

    /// A page arrived: `rows` may hold one more than fit, which only says another page follows.
    public mutating func queueLoaded(_ page: [QueueRow]) {
        let size = max(1, pageSize)
        hasMore = page.count > size
        rows = Array(page.prefix(size))
        if selectLastOnLoad { selected = max(0, rows.count - 1); selectLastOnLoad = false }
        selected = min(selected, max(0, rows.count - 1))
    }

    public mutating func failed(_ text: String) {
        message = Phrase.stationStorageFailed(language, text)
        messageIsError = true
    }

    private mutating func handleQueue(_ key: Key) -> [StationEffect] {
        if searchFocused {
            switch key {
            case .enter:
                searchFocused = false
                // Cleaned and composed (NFC) as names are when stored, so what looks the same matches.
                let text = PatientText.clean(searchField.text).trimmingCharacters(in: .whitespaces)
                search = text.isEmpty ? nil : text
                return reloadFirstPage()
            case .escape, .tab:
                searchFocused = false
            default:
                _ = searchField.handle(key)
            }
            return []
        }
        switch key {
        case .character("/"):
            searchFocused = true
        case .character(let c) where ("1"..."3").contains(c):
            tab = QueueTab(rawValue: Int(String(c))! - 1)!
            return reloadFirstPage()
        case .left, .right:
            var step = key == .right ? 1 : -1
            if language.isRightToLeft { step = -step }
            tab = QueueTab(rawValue: (tab.rawValue + step + 3) % 3)!
            return reloadFirstPage()
        case .up:
            if selected > 0 { selected -= 1 } else if !pageStack.isEmpty { selectLastOnLoad = true; return pageBack() }
        case .down:
            if selected + 1 < rows.count { selected += 1 } else if hasMore { return pageForward() }
        case .pageDown:
            if hasMore { return pageForward() }
            selected = max(0, rows.count - 1)
        case .pageUp:
            if !pageStack.isEmpty { return pageBack() }
            selected = 0
        case .enter:
            guard rows.indices.contains(selected) else { return [] }
            return [.open(intakeID: rows[selected].id)]
        case .escape:
            if search != nil {
                search = nil
                searchField = TextField(maxLength: 64)
                return reloadFirstPage()
            }
        default: break
        }
        return []
    }

    private mutating func pageForward() -> [StationEffect] {
        guard let last = rows.last else { return [] }
        pageStack.append(pageStart)
        pageStart = last.cursor
        selected = 0
        return [load()]
    }

    private mutating func pageBack() -> [StationEffect] {
        guard let previous = pageStack.popLast() else { return [] }
        pageStart = previous
        selected = 0
        return [load()]
    }

    /// The page number shown, from 1.
    public var pageNumber: Int { pageStack.count + 1 }

    // MARK: Detail

    /// The intake was read and marked opened.
    public mutating func opened(_ detail: IntakeDetail) {
        self.detail = detail
        scroll = 0
        form = nil
        screen = .detail
    }

    private mutating func handleDetail(_ key: Key) -> [StationEffect] {
        guard let detail else { screen = .queue; return [] }
        let count = detail.lines(language).count
        switch key {
        case .up: scroll = max(0, scroll - 1)
        case .down: scroll = min(max(0, count - 1), scroll + 1)
        case .pageUp: scroll = max(0, scroll - max(1, detailPageSize))
        case .pageDown: scroll = min(max(0, count - 1), scroll + max(1, detailPageSize))
        case .home: scroll = 0
        case .escape:
            self.detail = nil
            screen = .queue
            return [load()]
        case .character("d"), .character("D"):
            guard detail.problem == nil || !detail.procedures.isEmpty else { return [] }
            form = DecisionForm(items: detail.procedures.map { p in
                let current = detail.decisions.first { $0.procedure == p.procedure }?.decision
                let initial = current ?? Self.suggested(p.verdict)
                let options = ReviewDecision.allCases.map { ChoiceList.Option(StationText.decisionName($0, language)) }
                return DecisionForm.Item(procedure: p.procedure, verdict: p.verdict,
                                         choice: ChoiceList(options: options, mode: .single, selection: [ReviewDecision.allCases.firstIndex(of: initial)!]).movedTo(initial),
                                         reason: TextField(text: detail.decisions.first { $0.procedure == p.procedure }?.reason ?? "", maxLength: 300))
            })
            screen = .decision
        case .character("p"), .character("P"):
            return [.print(intakeID: detail.intakeID)]
        case .character(let c) where (c == "a" || c == "A") && detail.rulesUpdatedSince:
            return [.reassess(intakeID: detail.intakeID)]
        default: break
        }
        return []
    }

    /// The decision the form starts on: the one the rules point to.
    static func suggested(_ verdict: Verdict?) -> ReviewDecision {
        switch verdict {
        case .defer?: .defer
        case .contraindicated?: .decline
        case .eligible?, .review?, nil: .proceed
        }
    }

    // MARK: Decision

    private mutating func handleDecision(_ key: Key) -> [StationEffect] {
        guard var form, let detail else { screen = .queue; return [] }
        defer { if screen == .decision { self.form = form } }
        let fields = form.fields
        let index = fields.firstIndex(of: form.focus) ?? 0
        form.message = nil
        switch key {
        case .escape:
            self.form = nil
            screen = .detail
            return []
        case .tab, .enter where form.focus != .password:
            form.focus = fields[min(fields.count - 1, index + 1)]
            return []
        case .backTab:
            form.focus = fields[max(0, index - 1)]
            return []
        case .enter:
            for item in form.items where item.needsReason && item.reason.text.trimmingCharacters(in: .whitespaces).isEmpty {
                form.message = Phrase.stationReasonRequired(language, StationText.procedureName(item.procedure, language))
                return []
            }
            var decisions = form.items.map {
                ProcedureDecision(procedure: $0.procedure, decision: $0.decision,
                                  reason: $0.needsReason ? $0.reason.text.trimmingCharacters(in: .whitespaces) : nil)
            }
            // An amendment records only what changed (the store keeps the rest as it stands).
            let changed = decisions.filter { d in
                guard let current = detail.decisions.first(where: { $0.procedure == d.procedure }) else { return true }
                return current.decision != d.decision || (current.reason ?? "") != (d.reason ?? "")
            }
            if !changed.isEmpty { decisions = changed }
            let note = form.note.text.trimmingCharacters(in: .whitespaces)
            let password = form.password.text
            form.password = TextField(maxLength: 128)
            return [.sign(intakeID: detail.intakeID, decisions: decisions, note: note.isEmpty ? nil : note, password: password)]
        default: break
        }
        switch form.focus {
        case .choice(let i):
            var list = form.items[i].choice
            switch key {
            case .up, .left where !language.isRightToLeft, .right where language.isRightToLeft:
                list.moveCursor(to: list.cursor - 1)
            case .down, .right, .left:
                list.moveCursor(to: list.cursor + 1)
            case .character(let c) where ("1"..."3").contains(c):
                list.moveCursor(to: Int(String(c))! - 1)
            default: return []
            }
            list.select(list.cursor)
            form.items[i].choice = list
        case .reason(let i): _ = form.items[i].reason.handle(key)
        case .note: _ = form.note.handle(key)
        case .password: _ = form.password.handle(key)
        }
        return []
    }

    /// The store accepted the signature: back to the detail, which shows the decisions.
    public mutating func signed(_ detail: IntakeDetail) {
        self.detail = detail
        form = nil
        scroll = 0
        screen = .detail
        message = Phrase.stationSigned(language)
        messageIsError = false
    }

    /// The store refused the signature: say why on the form.
    public mutating func signFailed(_ error: ReviewError) {
        guard form != nil else { return }
        switch error {
        case .signatureRefused(.wrongNameOrPassword):
            form?.message = Phrase.stationSignatureRefused(language)
        case .signatureRefused(.locked(let until)):
            form?.message = Phrase.stationLocked(language, ClockText.localMinute(until))
        case .reasonRequired(let procedure, _, _):
            form?.message = Phrase.stationReasonRequired(language, StationText.procedureName(procedure, language))
        default:
            form?.message = Phrase.stationSignFailed(language, error.description)
        }
    }

    /// A print was handed to the printer in the background: show it until the outcome comes.
    public mutating func printStarted(code: String) {
        printing.append(code)
    }

    /// What became of a print, in the printer's words. Not shown once the session that asked for
    /// it has ended (the sign-in screen shows nothing of a patient's).
    public mutating func printed(_ outcome: String, code: String? = nil) {
        if let code, let index = printing.firstIndex(of: code) { printing.remove(at: index) } else if code == nil { printing = [] }
        guard user != nil else { return }
        message = Phrase.stationPrintOutcome(language, outcome)
        messageIsError = false
    }
}

extension ChoiceList {
    func movedTo(_ decision: ReviewDecision) -> ChoiceList {
        var copy = self
        copy.moveCursor(to: ReviewDecision.allCases.firstIndex(of: decision)!)
        return copy
    }
}
