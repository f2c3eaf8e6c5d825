import Foundation
import IntakeModel
import IntakeStorage
import TerminalUI

/// The kiosk as a ``Program``: its pure state and the view that draws it.
public struct KioskProgram: Program {
    /// What comes back to the kiosk from outside it: effects' outcomes and the calendar.
    public enum Message: Equatable, Sendable {
        /// The intake was stored under this code.
        case submitted(code: String)
        /// A write failed; what the patient gave stays on screen and is written again later.
        case saveFailed
        /// The intake could not be stored; the patient's answers stay on screen.
        case submitFailed
        /// The database's answer to a staff PIN (nil: leave).
        case pinChecked(KioskState.StaffRefusal?)
        /// The clock passed midnight.
        case newDay(Day)
    }

    public var state: KioskState
    public let view: KioskView

    public init(state: KioskState, view: KioskView) {
        self.state = state
        self.view = view
    }

    public mutating func update(_ event: ProgramEvent<Key, Message>, now: Double) -> [KioskEffect] {
        switch event {
        case .input(let key): return state.handle(key, now: now)
        case .tick: return state.tick(now: now)
        case .message(.submitted(let code)):
            state.submitted(code: code, now: now)
            return []
        case .message(.saveFailed):
            state.saveFailed()
            return []
        case .message(.submitFailed):
            state.submitFailed()
            return []
        case .message(.pinChecked(let refusal)): return state.staffPINChecked(refusal)
        case .message(.newDay(let day)):
            state.setToday(day)
            return []
        }
    }

    public func view(size: Size, now: Double) -> Canvas { view.render(state, size: size, now: now) }

    public func nextDeadline() -> Double? { state.nextDeadline() }
}

/// The kiosk on the terminal: the ``KioskProgram`` on the one ``ProgramRuntime``, and the effects
/// it asks for carried out against the store.
///
/// A `final class` because it owns the one open draft; the terminal, clock and loop are the
/// runtime's, and the state it drives is a value that tests can also drive without it.
public final class KioskApp {
    public var state: KioskState { runtime.program.state }
    let store: IntakeStore
    let kioskID: String
    let today: () -> Day
    let effects: KioskEffects
    var recorder: IntakeRecorder { effects.recorder }
    let runtime: ProgramRuntime<KioskProgram, TerminalDisplay>
    public var finished: Bool { runtime.finished }

    public init(questionnaire: Questionnaire, store: IntakeStore, backend: TerminalBackend, symbols: Symbols,
                bidi: KioskView.BidiHandling = .program, timings: KioskTimings = KioskTimings(), kioskID: String, clock: @escaping () -> Double,
                today: @escaping () -> Day = { Day.today() }, shouldStop: @escaping () -> Bool = { false },
                allowNoPIN: Bool = false, staffNotes: [String] = []) {
        self.store = store
        self.kioskID = kioskID
        self.today = today
        self.effects = KioskEffects(store: store, questionnaire: questionnaire, kioskID: kioskID, today: today,
                                    allowNoPIN: allowNoPIN, closedBy: "closed")
        var state = KioskState(questionnaire: questionnaire, timings: timings, staffPINIsSet: store.hasStaffPIN,
                               today: today(), now: clock())
        state.staffNotes = staffNotes
        runtime = ProgramRuntime(program: KioskProgram(state: state, view: KioskView(symbols: symbols, bidi: bidi)),
                                 display: TerminalDisplay(backend), clock: clock, shouldStop: shouldStop)
        runtime.perform = { [unowned self] effect in
            let messages = self.effects.perform(effect, state: self.state)
            if effect == .exit { self.runtime.stop() }
            return messages
        }
        runtime.subscriptions = { [unowned self] in
            // A write that failed is tried again at the next event, whether or not it brings an answer.
            var messages = self.effects.resync(self.state)
            let day = self.today()
            if day != self.state.today { messages.append(.newDay(day)) }
            return messages
        }
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
                runtime.program.state.resume(answers: recorder.readStored(stored), language: Language(rawValue: candidate.language) ?? .en)
                resumed = true
            } else {
                try? store.abandon(draftID: candidate.id, reason: "kiosk restarted")
            }
        }
    }

    /// Runs until staff close the kiosk or a termination signal arrives.
    public func run() { runtime.run() }

    /// Draws, waits for one key or the next deadline, and handles it.
    public func step() { runtime.step() }

    /// The open draft's code, if a patient is mid-intake.
    public var draftCode: String? { recorder.draft?.code }
}
