import CNcursesw
import Glibc

/// The shell's terminal settings, for the crash handler; never freed because a
/// signal may arrive at any time.
nonisolated(unsafe) private let savedTermios = UnsafeMutablePointer<termios>.allocate(capacity: 1)

/// The terminal could not be taken over.
public struct TerminalError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }
}

/// A real terminal through ncursesw.
///
/// Draws only changed runs of cells, reads keys in raw mode (so Ctrl-C, Ctrl-Z and
/// Ctrl-\ arrive as keys, never as signals) and restores the terminal on SIGTERM,
/// SIGHUP (via `terminationRequested`), on crash signals, and on every other signal that would end
/// the process and that it does not already handle or ignore (SIGUSR1, SIGALRM, SIGPIPE …).
///
/// Input is read as raw bytes (keypad off: ncurses does not decode keys) and decoded by
/// ``KeyDecoder``, so a sequence ncurses' terminfo does not list is consumed whole instead of
/// turning into Esc plus characters. ncurses still handles SIGWINCH and reports it as KEY_RESIZE,
/// which becomes `.resize`. Bracketed paste is on while the backend has the terminal and off on
/// every way out: `shutdown`, SIGINT, SIGQUIT and crash signals, and around a suspend (SIGTSTP).
public final class NcursesBackend: TerminalBackend {
    public private(set) var size: Size
    /// The theme in use: the one asked for, or `monochrome` on a terminal without colours.
    public private(set) var theme: Theme
    /// True when the terminal shows the theme's colours.
    public private(set) var usesColor = false
    private var previous: Canvas?
    private var isShutDown = false
    private var decoder = KeyDecoder()
    /// Keys decoded and not yet handed out: one read can complete several.
    private var decoded: [Key] = []
    private let started = ContinuousClock.now
    private var cursorVisible: Bool?

    /// Takes over the terminal on standard input/output.
    public init(theme: Theme) throws {
        self.theme = theme
        setlocale(LC_ALL, "")
        // Before initscr, so ncurses sees our SIGTERM handler and leaves it alone,
        // and so the crash handler can restore the shell's settings.
        intake_save_termios(savedTermios)
        intake_install_signal_handlers()
        // A parent may have started us with these blocked (a supervisor, a test runner's
        // threads); blocked, SIGTERM would never restore the terminal nor SIGWINCH resize it.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for signal in [SIGTERM, SIGHUP, SIGWINCH, SIGINT, SIGTSTP, SIGQUIT] { sigaddset(&unblock, signal) }
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw TerminalError(message: "intake needs a terminal: run it in a terminal window, not with input or output redirected")
        }
        guard initscr() != nil else {
            throw TerminalError(message: "the terminal could not be started: check that TERM names a known terminal type")
        }
        size = Size(rows: Int(intake_maxy()), columns: Int(intake_maxx()))
        raw()
        noecho()
        nonl()
        // Bytes, not ncurses' key codes: KeyDecoder reads every sequence whole, known or not.
        keypad(intake_stdscr(), false)
        meta(intake_stdscr(), true)
        intake_bracketed_paste(1)
        intake_wrap_ncurses_signal_handlers()
        if has_colors() {
            start_color()
            usesColor = setUpColors()
        } else {
            // Colour roles mean nothing here; monochrome carries them with bold, reverse and underline.
            self.theme = .monochrome
        }
    }

    deinit { shutdown() }

    /// True once SIGTERM or SIGHUP arrived: save, then call `shutdown`.
    public var terminationRequested: Bool { intake_termination_signal() != 0 }

    /// One colour pair per role, numbered from 1 in `Role.allCases` order.
    private func setUpColors() -> Bool {
        let hasDefault = use_default_colors() == OK
        let colors = Int(intake_colors())
        for (i, role) in Role.allCases.enumerated() {
            let style = theme[role]
            let fg = colorNumber(style.foreground, colors: colors, hasDefault: hasDefault, fallback: COLOR_WHITE)
            let bg = colorNumber(style.background, colors: colors, hasDefault: hasDefault, fallback: COLOR_BLACK)
            init_pair(Int16(i + 1), Int16(fg), Int16(bg))
        }
        return true
    }

    private func colorNumber(_ color: ThemeColor?, colors: Int, hasDefault: Bool, fallback: Int32) -> Int32 {
        switch color {
        case nil, .default?: return hasDefault ? -1 : fallback
        case .basic(let c, let bright)?: return Int32(c.rawValue + (bright && colors >= 16 ? 8 : 0))
        case .indexed(let n)?: return n < colors ? Int32(n) : fallback
        }
    }

    /// ncurses attributes for a cell style: the theme's, plus the cell's own.
    private func attributes(for style: Style) -> attr_t {
        let roleStyle = theme[style.role]
        var attrs = roleStyle.attributes.union(style.attributes)
        // Without 16 colours, bright colours are approximated by bold.
        if case .basic(_, true)? = roleStyle.foreground, intake_colors() < 16 { attrs.insert(.bold) }
        var a = intake_a_normal()
        if attrs.contains(.bold) { a |= intake_a_bold() }
        if attrs.contains(.underline) { a |= intake_a_underline() }
        if attrs.contains(.reverse) { a |= intake_a_reverse() }
        if attrs.contains(.dim) { a |= intake_a_dim() }
        return a
    }

    public func present(_ canvas: Canvas) {
        guard !isShutDown else { return }
        let full = previous == nil || previous?.size != canvas.size
        if full { erase() }
        let pairs = Dictionary(uniqueKeysWithValues: Role.allCases.enumerated().map { ($1, Int16($0 + 1)) })
        for run in canvas.changes(from: full ? nil : previous) {
            let attrs = attributes(for: run.style)
            let pair = usesColor ? pairs[run.style.role] ?? 0 : 0
            var column = run.column
            for cell in run.cells {
                defer { column += 1 }
                if cell.isContinuation { continue }
                // Up to CCHARW_MAX - 1 code points plus the terminating zero.
                var wcs = cell.text.unicodeScalars.prefix(4).map { wchar_t(bitPattern: $0.value) }
                wcs.append(0)
                _ = intake_add_cluster(Int32(run.row), Int32(column), wcs, attrs, pair)
            }
        }
        if let cursor = canvas.cursor, canvas.bounds.contains(cursor) {
            if cursorVisible != true { curs_set(1); cursorVisible = true }
            wmove(intake_stdscr(), Int32(cursor.row), Int32(cursor.column))
        } else if cursorVisible != false {
            curs_set(0)
            cursorVisible = false
        }
        wrefresh(intake_stdscr())
        previous = canvas
    }

    /// Waits for a key in slices of at most 100 ms so a termination signal is noticed quickly,
    /// and no longer than the decoder's deadline, so a lone Esc arrives after its quiet gap.
    public func nextKey(timeout: Duration?) -> Key? {
        guard !isShutDown else { return nil }
        let clock = ContinuousClock()
        let deadline = timeout.map { clock.now + $0 }
        while !terminationRequested {
            if !decoded.isEmpty { return decoded.removeFirst() }
            let now = clock.now
            // A lone Esc (or an unfinished sequence, dropped) once its quiet gap has passed.
            decoded += decoder.advance(to: seconds(now))
            if !decoded.isEmpty { continue }
            var wait: Duration = .milliseconds(100)
            if let deadline {
                let remaining = deadline - now
                if remaining <= .zero { return nil }
                wait = min(wait, remaining)
            }
            if let due = decoder.deadline { wait = min(wait, .seconds(max(0, due - seconds(now)))) }
            read(waitingAtMost: wait)
        }
        return nil
    }

    /// Seconds since the backend started, the decoder's clock.
    private func seconds(_ instant: ContinuousClock.Instant) -> Double {
        let d = instant - started
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// Waits at most `wait` for input, then takes every byte already there in one go and decodes it.
    private func read(waitingAtMost wait: Duration) {
        let ms = wait.components.seconds * 1000 + (wait.components.attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        wtimeout(intake_stdscr(), Int32(max(1, min(100, ms))))
        var bytes: [UInt8] = []
        var resized = false
        var c = wgetch(intake_stdscr())
        while c != ERR {
            if c == KEY_RESIZE { resized = true; break }
            if (0...255).contains(c) { bytes.append(UInt8(c)) }
            if bytes.count >= 4096 { break }
            wtimeout(intake_stdscr(), 0)
            c = wgetch(intake_stdscr())
        }
        if !bytes.isEmpty { decoded += decoder.feed(bytes, at: seconds(ContinuousClock.now)) }
        if resized {
            size = Size(rows: Int(intake_maxy()), columns: Int(intake_maxx()))
            previous = nil
            decoded.append(.resize)
        }
    }

    public func shutdown() {
        guard !isShutDown else { return }
        isShutDown = true
        intake_bracketed_paste(0)
        curs_set(1)
        endwin()
    }
}
