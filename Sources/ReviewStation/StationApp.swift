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
    /// Today's rule table: what "rules updated since" compares with, and what a re-assessment applies.
    let rules: RuleSet
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
    /// Prints handed to lp in the background: a hung lp must not freeze the station.
    let prints = BackgroundPrints()

    public init(questionnaire: Questionnaire, store: IntakeStore, backend: TerminalBackend, view: StationView = StationView(),
                printer: Printer, printerName: String? = nil, language: Language = .en, idle: Double = 300,
                clock: @escaping () -> Double, date: @escaping () -> Date = { Date() },
                shouldStop: @escaping () -> Bool = { false }, rules: RuleSet = RuleSet()) {
        self.questionnaire = questionnaire
        self.rules = rules
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
        // Let prints under way finish (lp gives up after the printer's timeout), so their
        // outcome is audited; not when the station was told to stop.
        if !shouldStop() { _ = prints.wait(timeout: printer.timeout + 5) }
        collectPrints()
    }

    /// Waits until every background print has an outcome, then shows and audits them; false on timeout.
    @discardableResult
    public func waitForPrints(timeout: Double) -> Bool {
        let done = prints.wait(timeout: timeout)
        collectPrints()
        return done
    }

    /// Shows and audits the outcomes of background prints that have finished.
    func collectPrints() {
        for job in prints.takeFinished() {
            try? store.record(.print, user: job.user, intakeCode: job.code, detail: job.outcome.message, at: date())
            state.printed(job.outcome.message, code: job.code)
        }
    }

    /// Draws, waits for one key or the next deadline, and handles it.
    public func step() {
        collectPrints()
        let now = clock()
        state.pageSize = StationView.queueRows(for: backend.size)
        backend.present(view.render(state, size: backend.size, now: now))
        // While a print is under way, look for its outcome every 100 ms.
        let wait = max(0.05, min(prints.pending ? 0.1 : 1.0, (state.nextDeadline() ?? now + 1) - now))
        let key = backend.nextKey(timeout: .milliseconds(Int(wait * 1000)))
        if shouldStop() {
            // SIGTERM or SIGHUP: the session ends here, and the audit log says so.
            if let user = state.user {
                try? store.record(.signOut, user: user.name, detail: "station terminated", at: date())
            }
            finished = true
            return
        }
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
            guard activeUser() != nil else { return }
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
            guard let user = activeUser() else { return }
            do {
                try store.markOpened(intakeID: id, user: user, now: date())
                state.opened(try readDetail(id))
            } catch {
                state.failed("\(error)")
            }
        case .sign(let id, let decisions, let note, let password):
            guard let user = activeUser() else { return }
            do {
                try store.sign(intakeID: id, decisions: decisions, note: note, user: user, password: password, now: date())
                state.signed(try readDetail(id))
            } catch let error as ReviewError {
                state.signFailed(error)
            } catch {
                state.failed("\(error)")
            }
        case .reassess(let id):
            guard let user = activeUser() else { return }
            do {
                guard let stored = try store.intake(id: id) else { throw ReviewError.intakeNotFound(id: id) }
                let answers = try StoredSummary.answers(stored, questionnaire: questionnaire)
                let assessment = Assessor(questionnaire: questionnaire, rules: rules.rules)
                    .assess(answers, asOf: StoredSummary.visitDay(stored))
                try store.reassess(intakeID: id, assessmentJSON: AssessmentJSON(assessment).encoded(),
                                   verdicts: assessment.verdicts,
                                   questionnaireVersion: questionnaire.version, rulesetVersion: rules.version,
                                   user: user, now: date())
                state.opened(try readDetail(id))
            } catch let error as ReviewError {
                state.failed(error.description)
            } catch {
                state.failed("\(error)")
            }
        case .print(let id):
            guard let user = activeUser() else { return }
            do {
                let (summary, code) = try storedSummary(id)
                // lp may take up to the printer's timeout: it runs on another thread, the station
                // shows "printing…" and goes on taking keys, and step() reports the outcome. The PDF
                // is set there too, after asking CUPS for the printer's paper.
                state.printStarted(code: code)
                let printer = self.printer, printerName = self.printerName
                prints.start(code: code, user: user.name) {
                    printer.print(PrintableDocument.request(summary, title: "intake \(code)", printer: printerName,
                                                            environment: printer.environment))
                }
            } catch {
                state.failed("\(error)")
            }
        case .quit:
            finished = true
        }
    }

    /// The signed-in account as it stands now, if it may still act. A disabled or locked account's
    /// session ends here, before anything of a patient is read or written.
    private func activeUser() -> StaffUser? {
        guard let user = state.user else { return nil }
        do {
            if let current = try store.activeAccount(user, now: date()) { return current }
        } catch {
            state.failed(error.description)
            return nil
        }
        perform(state.accountEnded())
        return nil
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
