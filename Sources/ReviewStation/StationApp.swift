import Foundation
import IntakeModel
import IntakeRules
import IntakeStorage
import IntakeSummary
import Printing
import TerminalUI

/// Runs the review station: draws the state, reads keys, and carries out effects against the
/// store and the printer. The state it drives is a value tests can also drive without it.
public final class StationApp {
    public private(set) var state: StationState
    let questionnaire: Questionnaire
    let store: IntakeStore
    let backend: TerminalBackend
    let view: StationView
    let printer: Printer
    let printerName: String?
    /// Monotonic seconds, for the idle sign-out and the sign-in wait.
    let clock: () -> Double
    /// Wall-clock time, for the store (sign-in throttling, audit, the Today filter).
    let date: () -> Date
    let shouldStop: () -> Bool
    public private(set) var finished = false

    public init(questionnaire: Questionnaire, store: IntakeStore, backend: TerminalBackend, view: StationView = StationView(),
                printer: Printer, printerName: String? = nil, language: Language = .en, idle: Double = 300,
                clock: @escaping () -> Double, date: @escaping () -> Date = { Date() },
                shouldStop: @escaping () -> Bool = { false }) {
        self.questionnaire = questionnaire
        self.store = store
        self.backend = backend
        self.view = view
        self.printer = printer
        self.printerName = printerName
        self.clock = clock
        self.date = date
        self.shouldStop = shouldStop
        self.state = StationState(language: language, idle: idle, now: clock())
    }

    public func run() {
        while !finished { step() }
    }

    /// Draws, waits for one key or the next deadline, and handles it.
    public func step() {
        let now = clock()
        state.pageSize = StationView.queueRows(for: backend.size)
        backend.present(view.render(state, size: backend.size, now: now))
        let wait = max(0.05, min(1.0, (state.nextDeadline() ?? now + 1) - now))
        let key = backend.nextKey(timeout: .milliseconds(Int(wait * 1000)))
        if shouldStop() { finished = true; return }
        let after = clock()
        state.pageSize = StationView.queueRows(for: backend.size)
        perform(key.map { state.handle($0, now: after) } ?? state.tick(now: after))
    }

    func perform(_ effects: [StationEffect]) {
        for effect in effects { perform(effect) }
    }

    private func perform(_ effect: StationEffect) {
        switch effect {
        case .signIn(let name, let password):
            do {
                let user = try store.signIn(name: name, password: password, now: date())
                perform(state.signedIn(user, now: clock()))
            } catch {
                state.signInFailed(error, now: clock())
            }
        case .signOut(let user, let reason):
            try? store.record(.signOut, user: user, detail: reason, at: date())
        case .loadQueue(let tab, let search, let after, let limit):
            let filter: QueueFilter
            switch tab {
            case .today: filter = .today(now: date())
            case .unsigned: filter = .unsigned
            case .all: filter = .all
            }
            do { state.queueLoaded(try store.queue(filter: filter, search: search, after: after, limit: limit)) } catch {
                state.failed(error.description)
            }
        case .open(let id):
            guard let user = state.user else { return }
            do {
                try store.markOpened(intakeID: id, user: user, now: date())
                state.opened(try readDetail(id))
            } catch {
                state.failed("\(error)")
            }
        case .sign(let id, let decisions, let note, let password):
            guard let user = state.user else { return }
            do {
                try store.sign(intakeID: id, decisions: decisions, note: note, user: user, password: password, now: date())
                state.signed(try readDetail(id))
            } catch let error as ReviewError {
                state.signFailed(error)
            } catch {
                state.failed("\(error)")
            }
        case .print(let id):
            guard let user = state.user else { return }
            do {
                let (text, code) = try summary(id)
                let outcome = printer.print(PrintRequest(text: text, title: "intake \(code)", printer: printerName))
                try? store.record(.print, user: user.name, intakeCode: code, detail: outcome.message, at: date())
                state.printed(outcome.message)
            } catch {
                state.failed("\(error)")
            }
        case .quit:
            finished = true
        }
    }

    private func readDetail(_ id: Int64) throws -> IntakeDetail {
        guard let stored = try store.intake(id: id) else { throw ReviewError.intakeNotFound(id: id) }
        return IntakeDetail.make(stored, questionnaire: questionnaire, decisions: try store.currentDecisions(intakeID: id))
    }

    /// The printable summary in the station's language, with the signed decisions when there are some.
    func summary(_ id: Int64) throws -> (text: String, code: String) {
        guard let stored = try store.intake(id: id) else { throw ReviewError.intakeNotFound(id: id) }
        let summary = try StoredSummary.make(stored, store: store, language: state.language, questionnaire: questionnaire)
        return (StoredSummary.printable(summary), stored.code)
    }
}
