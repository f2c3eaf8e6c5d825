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
    /// What goes out for each frame: only the cells that changed, with no attribute reset after them.
    private var writer: ScreenWriter
    private var isShutDown = false
    private var decoder = KeyDecoder()
    /// Keys decoded and not yet handed out: one read can complete several.
    private var decoded: [Key] = []
    private let started = ContinuousClock.now

    /// Takes over the terminal on standard input/output.
    public init(theme: Theme) throws {
        self.theme = theme
        self.writer = ScreenWriter(theme: theme, colors: 0)
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
        var defaultColors = false
        if has_colors() {
            start_color()
            defaultColors = use_default_colors() == OK
            usesColor = true
        } else {
            // Colour roles mean nothing here; monochrome carries them with bold, reverse and underline.
            self.theme = .monochrome
        }
        writer = ScreenWriter(theme: self.theme, colors: usesColor ? Int(intake_colors()) : 0, defaultColors: defaultColors)
        // ncurses' own first refresh (it clears the screen) happens now, not in the middle of our first frame.
        wrefresh(intake_stdscr())
    }

    deinit { shutdown() }

    /// True once SIGTERM or SIGHUP arrived: save, then call `shutdown`.
    public var terminationRequested: Bool { intake_termination_signal() != 0 }

    public func present(_ canvas: Canvas) {
        guard !isShutDown else { return }
        // Frames go out through our writer, not ncurses' refresh: ncurses resets the attributes after
        // every refresh, so each typed character cost an attribute change, itself and a reset.
        let bytes = writer.frame(canvas)
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(STDOUT_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
                if n > 0 { offset += n } else if n < 0 && errno == EINTR { continue } else { break }
            }
        }
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
            // ncurses has resized its own (blank) screen: let it settle now, so it does not repaint
            // over our next frame, which is drawn whole.
            wrefresh(intake_stdscr())
            writer.invalidate()
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
