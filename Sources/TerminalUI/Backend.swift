/// A place to show canvases and read keys from: a real terminal or memory.
public protocol TerminalBackend: AnyObject {
    /// The current screen size; it changes after a `.resize` key.
    var size: Size { get }
    /// Shows the canvas, drawing only what changed since the last one.
    func present(_ canvas: Canvas)
    /// The next key, or nil when `timeout` passes first (nil timeout waits for ever).
    func nextKey(timeout: Duration?) -> Key?
    /// Gives the terminal back to the shell; safe to call more than once.
    func shutdown()
}

/// A backend that records frames and replays queued keys, for tests.
public final class MemoryBackend: TerminalBackend {
    public private(set) var size: Size
    /// Every canvas presented, in order.
    public private(set) var frames: [Canvas] = []
    /// For each present, how many cells differed from the previous frame.
    public private(set) var changedCellsPerPresent: [Int] = []
    /// How many times `nextKey` found the queue empty and acted as if the timeout passed.
    public private(set) var timeoutsServed = 0
    public private(set) var isShutDown = false
    private var queue: [Key] = []
    private var decoder = KeyDecoder()
    /// The time raw bytes arrive at, in seconds: moved by `feed(bytes:after:)` and by quiet gaps passing.
    public private(set) var inputClock = 0.0

    public init(size: Size) {
        self.size = size
    }

    public var last: Canvas? { frames.last }
    /// Keys queued and not yet read.
    public var pendingKeys: [Key] { queue }
    /// True while keys are queued or fed bytes are held by the decoder (a lone Esc, half a sequence, a paste).
    public var hasPendingInput: Bool { !queue.isEmpty || decoder.deadline != nil }

    /// Queues keys for `nextKey`.
    public func feed(_ keys: [Key]) {
        queue.append(contentsOf: keys)
    }

    /// Raw bytes from the terminal, `seconds` after the previous ones, decoded by the same
    /// ``KeyDecoder`` the real terminal uses. Bytes fed in one call arrive together.
    ///
    /// When `nextKey` finds no key queued, it lets the decoder's quiet gap pass (as a terminal
    /// would, waiting), so a lone Esc becomes `.escape` and an unfinished sequence is dropped.
    public func feed(bytes: [UInt8], after seconds: Double = 0) {
        inputClock += seconds
        queue.append(contentsOf: decoder.feed(bytes, at: inputClock))
    }

    /// Changes the size and queues a `.resize`, as a terminal does.
    public func resize(to newSize: Size) {
        size = newSize
        queue.append(.resize)
    }

    public func present(_ canvas: Canvas) {
        let diff = CanvasDiff(from: frames.last, to: canvas)
        changedCellsPerPresent.append(diff.changedCellCount)
        frames.append(canvas)
    }

    /// The next queued key; with the queue empty, nil at once (as if the timeout passed).
    public func nextKey(timeout: Duration?) -> Key? {
        if queue.isEmpty, let due = decoder.deadline {
            // Nothing more came: the decoder's quiet gap passes, as it would on a terminal.
            inputClock = max(inputClock, due)
            queue.append(contentsOf: decoder.advance(to: inputClock))
        }
        if queue.isEmpty {
            timeoutsServed += 1
            return nil
        }
        return queue.removeFirst()
    }

    public func shutdown() {
        isShutDown = true
    }
}
