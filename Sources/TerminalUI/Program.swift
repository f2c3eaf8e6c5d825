/// What a program is told: a key, time passing, or the answer to one of its effects.
public enum ProgramEvent<Message> {
    /// A key the person pressed (`.resize` too: read the size from ``Program/resized(to:)``).
    case key(Key)
    /// Time passed with no key: idle prompts, countdowns, screens that clear themselves.
    case tick
    /// What an effect (a storage write, a print, a PIN check) or a subscription came back with.
    case message(Message)
}

/// A front end in the Elm style: a state value that only `update` changes, drawn by a pure `view`.
///
/// The state knows nothing of terminals, clocks or databases: whatever it needs done outside
/// itself it returns as effects, and their outcomes come back as messages. That keeps every
/// screen testable key by key, and lets one ``ProgramRuntime`` own the terminal for all of them.
public protocol Program {
    associatedtype Message
    associatedtype Effect

    /// Handles one event at `now` (seconds on a monotonic clock) and says what must be done outside.
    mutating func update(_ event: ProgramEvent<Message>, now: Double) -> [Effect]

    /// The screen for this state: the same state, size and time always give the same cells.
    func view(size: Size, now: Double) -> Canvas

    /// When the next timed event is due, so the runtime can sleep until then (nil: only keys matter).
    func nextDeadline() -> Double?

    /// The screen changed size; programs whose paging depends on it keep it here.
    mutating func resized(to size: Size)
}

extension Program {
    public mutating func resized(to size: Size) {}
}

/// The one loop every front end runs on: it owns the terminal, the clock, termination signals,
/// resizes, idle timers and effects, and feeds each effect's outcome back to the program.
///
/// A `final class` because it owns the terminal and the loop's progress; the program it drives
/// is a value that tests can also drive without it.
public final class ProgramRuntime<P: Program> {
    /// The program's current state.
    public var program: P
    public let backend: TerminalBackend
    let clock: () -> Double
    /// Asked after every wait: true once SIGTERM or SIGHUP arrived.
    let shouldStop: () -> Bool
    /// The longest the loop sleeps, so a countdown on screen keeps moving.
    let heartbeat: Double
    /// Carries out one effect; the messages it returns are given to the program in order.
    public var perform: (P.Effect) -> [P.Message] = { _ in [] }
    /// Asked before each event: messages from outside the program (a new day, a print finished).
    public var subscriptions: () -> [P.Message] = { [] }
    /// The next wait's upper bound beyond the program's deadline (a print under way polls faster).
    public var pollInterval: () -> Double? = { nil }
    /// Called once when a termination signal stops the loop, before it returns.
    public var onTermination: () -> Void = {}
    public private(set) var finished = false

    public init(program: P, backend: TerminalBackend, clock: @escaping () -> Double,
                shouldStop: @escaping () -> Bool = { false }, heartbeat: Double = 1.0) {
        self.program = program
        self.backend = backend
        self.clock = clock
        self.shouldStop = shouldStop
        self.heartbeat = heartbeat
        self.program.resized(to: backend.size)
    }

    /// Ends the loop after the current step (an effect such as "leave" calls this).
    public func stop() { finished = true }

    /// Runs until the program is stopped or a termination signal arrives.
    public func run() {
        while !finished { step() }
    }

    /// Draws, waits for one key or the next deadline, and handles it.
    public func step() {
        deliver(subscriptions())
        let now = clock()
        program.resized(to: backend.size)
        backend.present(program.view(size: backend.size, now: now))
        // Wake at least once a heartbeat so a countdown on screen keeps moving.
        var wait = max(0.05, min(heartbeat, (program.nextDeadline() ?? now + heartbeat) - now))
        if let poll = pollInterval() { wait = min(wait, poll) }
        let key = backend.nextKey(timeout: .milliseconds(Int(wait * 1000)))
        if shouldStop() {
            onTermination()
            finished = true
            return
        }
        deliver(subscriptions())
        program.resized(to: backend.size)
        send(key.map { .key($0) } ?? .tick)
    }

    /// Gives the program one event and carries out what it asks, feeding outcomes back until none remain.
    public func send(_ event: ProgramEvent<P.Message>) {
        var pending = program.update(event, now: clock())
        while !pending.isEmpty {
            let effect = pending.removeFirst()
            for message in perform(effect) {
                pending += program.update(.message(message), now: clock())
            }
        }
    }

    private func deliver(_ messages: [P.Message]) {
        for message in messages { send(.message(message)) }
    }
}
