import Foundation
import IntakeModel
import IntakeRules
import IntakeStorage
import IntakeSummary
import Printing
import TerminalUI

/// The review station as a ``Program``: its pure state and the view that draws it.
public struct StationProgram: Program {
    /// What comes back to the station from the store and the printer.
    public enum Message {
        case signedIn(StaffUser)
        case signInFailed(SignInError)
        case queueLoaded([QueueRow])
        case opened(IntakeDetail)
        case signed(IntakeDetail)
        case signFailed(ReviewError)
        case failed(String)
        case printStarted(code: String)
        case printed(String, code: String)
        /// The signed-in account was disabled or locked meanwhile.
        case accountEnded
    }

    public var state: StationState
    public let view: StationView

    public mutating func update(_ event: ProgramEvent<Key, Message>, now: Double) -> [StationEffect] {
        switch event {
        case .input(let key): return state.handle(key, now: now)
        case .tick: return state.tick(now: now)
        case .message(let message):
            switch message {
            case .signedIn(let user): return state.signedIn(user, now: now)
            case .signInFailed(let error): state.signInFailed(error, now: now)
            case .queueLoaded(let rows): state.queueLoaded(rows)
            case .opened(let detail): state.opened(detail)
            case .signed(let detail): state.signed(detail)
            case .signFailed(let error): state.signFailed(error)
            case .failed(let text): state.failed(text)
            case .printStarted(let code): state.printStarted(code: code)
            case .printed(let outcome, let code): state.printed(outcome, code: code)
            case .accountEnded: return state.accountEnded()
            }
            return []
        }
    }

    public func view(size: Size, now: Double) -> Canvas { view.render(state, size: size, now: now) }

    public func nextDeadline() -> Double? { state.nextDeadline() }

    /// The queue fetches as many rows as fit, and the detail pages by as many lines as it shows.
    public mutating func resized(to size: Size) {
        state.pageSize = StationView.queueRows(for: size)
        state.detailPageSize = StationView.detailRows(for: size)
    }
}

/// The review station on the terminal: the ``StationProgram`` on the one ``ProgramRuntime``, with its
/// effects carried out against the store and the printer.
///
/// A `final class` because it owns the prints running in the background; the terminal, clock and
/// loop are the runtime's, and the state is a value tests can also drive without it.
public final class StationApp {
    public var state: StationState { runtime.program.state }
    let questionnaire: Questionnaire
    /// Today's rule table: what "rules updated since" compares with, and what a re-assessment applies.
    let rules: RuleSet
    let store: IntakeStore
    let printer: Printer
    let printerName: String?
    /// Wall-clock time, for the store (sign-in throttling, audit, the Today filter).
    let date: () -> Date
    let shouldStop: () -> Bool
    let runtime: ProgramRuntime<StationProgram, TerminalDisplay>
    public var finished: Bool { runtime.finished }
    /// Prints handed to lp in the background: a hung lp must not freeze the station.
    let prints = BackgroundPrints()

    public init(questionnaire: Questionnaire, store: IntakeStore, backend: TerminalBackend, view: StationView = StationView(),
                printer: Printer, printerName: String? = nil, language: Language = .en, idle: Double = 300,
                clock: @escaping () -> Double, date: @escaping () -> Date = { Date() },
                shouldStop: @escaping () -> Bool = { false }, rules: RuleSet = RuleSet()) {
        self.questionnaire = questionnaire
        self.rules = rules
        self.store = store
        self.printer = printer
        self.printerName = printerName
        self.date = date
        self.shouldStop = shouldStop
        runtime = ProgramRuntime(program: StationProgram(state: StationState(language: language, idle: idle, now: clock()), view: view),
                                 display: TerminalDisplay(backend), clock: clock, shouldStop: shouldStop)
        runtime.perform = { [unowned self] effect in self.perform(effect) }
        runtime.subscriptions = { [unowned self] in self.finishedPrints() }
        // While a print is under way, look for its outcome every 100 ms.
        runtime.pollInterval = { [unowned self] in self.prints.pending ? 0.1 : nil }
        runtime.onTermination = { [unowned self] in
            // SIGTERM or SIGHUP: the session ends here, and the audit log says so.
            if let user = self.state.user {
                try? store.record(.signOut, user: user.name, detail: "station terminated", at: date())
            }
        }
    }

    public func run() {
        runtime.run()
        // Let prints under way finish (lp gives up after the printer's timeout), so their
        // outcome is audited; not when the station was told to stop.
        if !shouldStop() { _ = prints.wait(timeout: printer.timeout + 5) }
        for message in finishedPrints() { runtime.send(.message(message)) }
    }

    /// Draws, waits for one key or the next deadline, and handles it.
    public func step() { runtime.step() }

    /// Waits until every background print has an outcome, then shows and audits them; false on timeout.
    @discardableResult
    public func waitForPrints(timeout: Double) -> Bool {
        let done = prints.wait(timeout: timeout)
        for message in finishedPrints() { runtime.send(.message(message)) }
        return done
    }

    /// The outcomes of background prints that have finished, audited, as messages for the state.
    func finishedPrints() -> [StationProgram.Message] {
        prints.takeFinished().map { job in
            try? store.record(.print, user: job.user, intakeCode: job.code, detail: job.outcome.message, at: date())
            return .printed(job.outcome.message, code: job.code)
        }
    }

    private func perform(_ effect: StationEffect) -> [StationProgram.Message] {
        switch effect {
        case .signIn(let name, let password):
            do { return [.signedIn(try store.signIn(name: name, password: password, now: date()))] } catch {
                return [.signInFailed(error)]
            }
        case .signOut(let user, let reason):
            try? store.record(.signOut, user: user, detail: reason, at: date())
            return []
        case .loadQueue(let tab, let search, let after, let limit):
            let standing = activeUser()
            guard case .user = standing else { return messages(for: standing) }
            let filter: QueueFilter
            switch tab {
            case .today: filter = .today(now: date())
            case .unsigned: filter = .unsigned
            case .all: filter = .all
            }
            do { return [.queueLoaded(try store.queue(filter: filter, search: search, after: after, limit: limit))] } catch {
                return [.failed(error.description)]
            }
        case .open(let id):
            let standing = activeUser()
            guard case .user(let user) = standing else { return messages(for: standing) }
            do {
                try store.markOpened(intakeID: id, user: user, now: date())
                return [.opened(try readDetail(id))]
            } catch {
                return [.failed("\(error)")]
            }
        case .sign(let id, let decisions, let note, let password):
            let standing = activeUser()
            guard case .user(let user) = standing else { return messages(for: standing) }
            do {
                try store.sign(intakeID: id, decisions: decisions, note: note, user: user, password: password, now: date())
                return [.signed(try readDetail(id))]
            } catch let error as ReviewError {
                return [.signFailed(error)]
            } catch {
                return [.failed("\(error)")]
            }
        case .reassess(let id):
            let standing = activeUser()
            guard case .user(let user) = standing else { return messages(for: standing) }
            do {
                guard let stored = try store.intake(id: id) else { throw ReviewError.intakeNotFound(id: id) }
                let answers = try StoredSummary.answers(stored, questionnaire: questionnaire)
                let assessment = Assessor(questionnaire: questionnaire, rules: rules.rules)
                    .assess(answers, asOf: StoredSummary.visitDay(stored))
                try store.reassess(intakeID: id, assessmentJSON: AssessmentJSON(assessment).encoded(),
                                   verdicts: assessment.verdicts,
                                   questionnaireVersion: questionnaire.version, rulesetVersion: rules.version,
                                   user: user, now: date())
                return [.opened(try readDetail(id))]
            } catch let error as ReviewError {
                return [.failed(error.description)]
            } catch {
                return [.failed("\(error)")]
            }
        case .print(let id):
            let standing = activeUser()
            guard case .user(let user) = standing else { return messages(for: standing) }
            do {
                let (summary, code) = try storedSummary(id)
                // lp may take up to the printer's timeout: it runs on another thread, the station
                // shows "printing…" and goes on taking keys, and a subscription reports the outcome. The
                // PDF is set there too, after asking CUPS for the printer's paper.
                let printer = self.printer, printerName = self.printerName
                prints.start(code: code, user: user.name) {
                    printer.print(PrintableDocument.request(summary, title: "intake \(code)", printer: printerName,
                                                            environment: printer.environment))
                }
                return [.printStarted(code: code)]
            } catch {
                return [.failed("\(error)")]
            }
        case .quit:
            runtime.stop()
            return []
        }
    }

    /// Whether the signed-in account may still act, and if not, why.
    private enum Standing { case user(StaffUser), none, failed(String), ended }

    /// The messages for an account that may not act: its session ends, or the store could not say.
    private func messages(for standing: Standing) -> [StationProgram.Message] {
        switch standing {
        case .failed(let text): [.failed(text)]
        case .ended: [.accountEnded]
        case .user, .none: []
        }
    }

    /// The signed-in account as it stands now, if it may still act. A disabled or locked account's
    /// session ends here, before anything of a patient is read or written.
    private func activeUser() -> Standing {
        guard let user = state.user else { return .none }
        do {
            if let current = try store.activeAccount(user, now: date()) { return .user(current) }
        } catch {
            return .failed(error.description)
        }
        return .ended
    }

    private func readDetail(_ id: Int64) throws -> IntakeDetail {
        guard let stored = try store.intake(id: id) else { throw ReviewError.intakeNotFound(id: id) }
        return IntakeDetail.make(try StoredSummary.Record(stored, store: store), questionnaire: questionnaire,
                                 decisions: try store.currentDecisions(intakeID: id), rules: rules.rules, rulesetVersion: rules.version)
    }

    /// The printable summary in the station's language, with the signed decisions when there are some.
    func storedSummary(_ id: Int64) throws -> (summary: Summary, code: String) {
        guard let stored = try store.intake(id: id) else { throw ReviewError.intakeNotFound(id: id) }
        return (try StoredSummary.make(stored, store: store, language: state.language, questionnaire: questionnaire,
                                       rules: rules.rules, rulesetVersion: rules.version), stored.code)
    }
}

/// Prints running on their own threads, and the outcomes not yet shown.
final class BackgroundPrints: @unchecked Sendable {
    struct Finished {
        var code: String
        var user: String
        var outcome: PrintOutcome
    }

    private let condition = NSCondition()
    private var running = 0
    private var finished: [Finished] = []

    /// Whether a print has not been collected yet.
    var pending: Bool {
        condition.lock(); defer { condition.unlock() }
        return running > 0 || !finished.isEmpty
    }

    func start(code: String, user: String, _ work: @escaping @Sendable () -> PrintOutcome) {
        condition.lock()
        running += 1
        condition.unlock()
        let thread = Thread { [self] in
            let outcome = work()
            condition.lock()
            running -= 1
            finished.append(Finished(code: code, user: user, outcome: outcome))
            condition.broadcast()
            condition.unlock()
        }
        thread.start()
    }

    func takeFinished() -> [Finished] {
        condition.lock(); defer { condition.unlock() }
        let done = finished
        finished = []
        return done
    }

    /// Waits until no print is running; false if `timeout` seconds pass first.
    func wait(timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock(); defer { condition.unlock() }
        while running > 0 {
            if !condition.wait(until: deadline) { return running == 0 }
        }
        return true
    }
}

/// A rule table and the version it is published under; the station's is today's unless a test gives another.
public struct RuleSet: Sendable {
    public var rules: [Rule]
    public var version: String

    public init(rules: [Rule] = RuleTable.rules, version: String = RuleTable.version) {
        self.rules = rules
        self.version = version
    }
}
