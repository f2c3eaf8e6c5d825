/// What a program is told: input, time passing, or the answer to one of its effects.
public enum ProgramEvent<Input, Message> {
    /// What the person did: a key on a full screen (`.resize` too), a line in line mode.
    case input(Input)
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
    /// What the person gives: keys on a full screen, lines in line mode.
    associatedtype Input = Key
    /// What is shown: a canvas of cells, or a transcript of lines.
    associatedtype Frame = Canvas

    /// Handles one event at `now` (seconds on a monotonic clock) and says what must be done outside.
    mutating func update(_ event: ProgramEvent<Input, Message>, now: Double) -> [Effect]

    /// What to show for this state: the same state, size and time always give the same frame.
    func view(size: Size, now: Double) -> Frame

    /// When the next timed event is due, so the runtime can sleep until then (nil: only keys matter).
    func nextDeadline() -> Double?

    /// The screen changed size; programs whose paging depends on it keep it here.
    mutating func resized(to size: Size)
}

extension Program {
    public mutating func resized(to size: Size) {}
}

/// Where a program is shown and its input read: a terminal of cells and keys, or lines in and out.
public protocol ProgramDisplay: AnyObject {
    associatedtype Input
    associatedtype Frame
    var size: Size { get }
    /// Shows the frame, sending only what changed since the last one.
    func present(_ frame: Frame)
    /// The next input, or nil when `timeout` passes first (nil timeout waits for ever).
    func next(timeout: Duration?) -> Input?
}

/// A ``TerminalBackend`` (ncurses or memory) as the display of full-screen programs.
public final class TerminalDisplay: ProgramDisplay {
    public let backend: TerminalBackend
    public init(_ backend: TerminalBackend) { self.backend = backend }
    public var size: Size { backend.size }
    public func present(_ frame: Canvas) { backend.present(frame) }
    public func next(timeout: Duration?) -> Key? { backend.nextKey(timeout: timeout) }
}

/// The one loop every front end runs on: it owns the terminal, the clock, termination signals,
/// resizes, idle timers and effects, and feeds each effect's outcome back to the program.
///
/// A `final class` because it owns the terminal and the loop's progress; the program it drives
/// is a value that tests can also drive without it.
public final class ProgramRuntime<P: Program, D: ProgramDisplay> where D.Input == P.Input, D.Frame == P.Frame {
    /// The program's current state.
    public var program: P
    public let display: D
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
    /// Whether a wait for the program's deadline that ends with no input means the deadline has come,
    /// whatever the clock says: a line reader reports "nothing came in time" itself.
    public var timeoutMeansDeadline = false
    public private(set) var finished = false

    public init(program: P, display: D, clock: @escaping () -> Double,
                shouldStop: @escaping () -> Bool = { false }, heartbeat: Double = 1.0) {
        self.program = program
        self.display = display
        self.clock = clock
        self.shouldStop = shouldStop
        self.heartbeat = heartbeat
        self.program.resized(to: display.size)
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
        program.resized(to: display.size)
        display.present(program.view(size: display.size, now: now))
        // Wake at least once a heartbeat so a countdown on screen keeps moving.
        let deadline = program.nextDeadline()
        var wait: Double? = deadline.map { max(0.05, min(heartbeat, $0 - now)) } ?? (heartbeat.isFinite ? heartbeat : nil)
        if let poll = pollInterval() { wait = min(wait ?? poll, poll) }
        let input = display.next(timeout: wait.map { .milliseconds(Int(($0 * 1000).rounded(.up))) })
        if shouldStop() {
            onTermination()
            finished = true
            return
        }
        deliver(subscriptions())
        program.resized(to: display.size)
        if let input {
            send(.input(input))
        } else if timeoutMeansDeadline, let deadline {
            send(.tick, at: max(clock(), deadline))
        } else {
            send(.tick)
        }
    }

    /// Gives the program one event and carries out what it asks, feeding outcomes back until none remain.
    public func send(_ event: ProgramEvent<P.Input, P.Message>, at time: Double? = nil) {
        var pending = program.update(event, now: time ?? clock())
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
