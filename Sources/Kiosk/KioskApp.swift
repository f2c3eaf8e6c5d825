import Foundation
import IntakeModel
import IntakeStorage
import TerminalUI

/// Runs the kiosk: draws the state, reads keys, and carries out effects against the store.
///
/// A `final class` because it owns the one open draft and the terminal; the
/// state it drives is a value that tests can also drive without it.
public final class KioskApp {
    public private(set) var state: KioskState
    let questionnaire: Questionnaire
    let store: IntakeStore
    let backend: TerminalBackend
    let view: KioskView
    let kioskID: String
    let clock: () -> Double
    let today: () -> Day
    /// Asked after every wait: true once SIGTERM or SIGHUP arrived.
    let shouldStop: () -> Bool
    let recorder: IntakeRecorder
    /// With no staff PIN set, whether the staff chord closes the kiosk (`--allow-no-pin`).
    let allowNoPIN: Bool
    public private(set) var finished = false

    public init(questionnaire: Questionnaire, store: IntakeStore, backend: TerminalBackend, symbols: Symbols,
                bidi: KioskView.BidiHandling = .program, timings: KioskTimings = KioskTimings(), kioskID: String, clock: @escaping () -> Double,
                today: @escaping () -> Day = { Day.today() }, shouldStop: @escaping () -> Bool = { false },
                allowNoPIN: Bool = false, staffNotes: [String] = []) {
        self.allowNoPIN = allowNoPIN
        self.questionnaire = questionnaire
        self.store = store
        self.backend = backend
        self.view = KioskView(symbols: symbols, bidi: bidi)
        self.kioskID = kioskID
        self.clock = clock
        self.today = today
        self.shouldStop = shouldStop
        self.recorder = IntakeRecorder(questionnaire: questionnaire, store: store, kioskID: kioskID, today: today)
        self.state = KioskState(questionnaire: questionnaire, timings: timings, staffPINIsSet: store.hasStaffPIN,
                                today: today(), now: clock())
        self.state.staffNotes = staffNotes
    }

    /// Picks up this kiosk's draft if it was cut off moments ago (a crash, a kill, a power cut);
    /// older drafts are closed as abandoned, since their patient has gone.
    public func recoverDrafts(now: Date = Date()) {
        guard let all = try? store.openDrafts() else { return }
        let window = state.timings.idle + state.timings.countdown
        // Another kiosk's draft untouched for longer than any kiosk lets a patient idle (at most an hour plus
        // a ten-minute countdown; two hours to be sure) is stale: that kiosk died and never came back. Close
        // it, so its answers do not stay in the database.
        let staleAfter = max(window, 2 * 3600)
        for stale in all where stale.kiosk != kioskID && now.timeIntervalSince(stale.updatedAt) >= staleAfter {
            try? store.abandon(draftID: stale.id, reason: "stale draft of kiosk \(stale.kiosk)")
        }
        let drafts = all.filter { $0.kiosk == kioskID }
        var resumed = false
        for candidate in drafts.sorted(by: { $0.updatedAt > $1.updatedAt }) {
            if !resumed, now.timeIntervalSince(candidate.updatedAt) < window,
               let stored = try? store.answers(draftID: candidate.id) {
                recorder.adopt(candidate)
                state.resume(answers: recorder.readStored(stored), language: Language(rawValue: candidate.language) ?? .en)
                resumed = true
            } else {
                try? store.abandon(draftID: candidate.id, reason: "kiosk restarted")
            }
        }
    }

    /// Runs until staff close the kiosk or a termination signal arrives.
    public func run() {
        while !finished {
            step()
        }
    }

    /// Draws, waits for one key or the next deadline, and handles it.
    public func step() {
        let now = clock()
        backend.present(view.render(state, size: backend.size, now: now))
        // Wake at least once a second so the idle countdown on screen keeps moving.
        let wait = max(0.05, min(1.0, (state.nextDeadline() ?? now + 1) - now))
        let key = backend.nextKey(timeout: .milliseconds(Int(wait * 1000)))
        if shouldStop() { finished = true; return }
        let after = clock()
        let day = today()
        if day != state.today { state.setToday(day) }
        perform(key.map { state.handle($0, now: after) } ?? state.tick(now: after))
    }

    func perform(_ effects: [KioskEffect]) {
        if needsResync {
            do { try resync() } catch { state.saveFailed() }
        }
        for effect in effects { perform(effect) }
    }

    /// Set when a write failed: the next effect first writes every answer on screen again,
    /// so a moment's database trouble loses nothing the patient gave.
    private var needsResync = false

    private func resync() throws {
        guard needsResync, state.hasDraft else { needsResync = false; return }
        if recorder.draft == nil { try recorder.start(state.language) }
        for (linkId, values) in state.answers.values { try recorder.save(linkId, values) }
        needsResync = false
    }

    private func perform(_ effect: KioskEffect) {
        do {
            switch effect {
            case .startDraft(let language): try recorder.start(language)
            case .save(let linkId, let values): try recorder.save(linkId, values)
            case .remove(let linkId): try recorder.save(linkId, [])
            case .setLanguage(let language): try recorder.setLanguage(language)
            case .submit(let answers, let language):
                let code = try recorder.submit(answers, language: language)
                state.submitted(code: code, now: clock())
            case .abandon(let reason):
                needsResync = false
                try recorder.abandon(reason: reason)
            case .verifyPIN(let pin): perform(state.staffPINChecked(try checkPIN(pin)))
            case .exit:
                // Staff closing the kiosk mid-intake: the patient's answers go, not wait for the next start.
                if state.hasDraft { try? recorder.abandon(reason: "kiosk closed by staff") }
                finished = true
            }
        } catch {
            // Nothing the patient did is lost by a failed write: it stays in memory and on screen,
            // and is written again with the next answer.
            needsResync = true
            state.saveFailed()
        }
    }

    /// Asks the database about a PIN typed at the staff prompt; nil means "leave", after auditing the exit.
    private func checkPIN(_ pin: String) throws -> KioskState.StaffRefusal? {
        switch try store.checkStaffPIN(pin, kiosk: kioskID) {
        case .accepted:
            try store.record(.kioskExit, user: kioskID, detail: "closed by staff PIN")
            return nil
        case .notSet:
            guard allowNoPIN else { return .noPIN }
            try store.record(.kioskExit, user: kioskID, detail: "closed without a PIN (--allow-no-pin)")
            return nil
        case .wrong(let seconds): return .wrong(retryAfter: seconds)
        case .locked(let until): return .locked(until: ClockText.local(until, "%H:%M"))
        }
    }

    /// The open draft's code, if a patient is mid-intake.
    public var draftCode: String? { recorder.draft?.code }
}
