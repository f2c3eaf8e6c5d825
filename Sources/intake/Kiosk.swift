import ArgumentParser
import Bidi
import Foundation
import IntakeModel
import IntakeStorage
import Kiosk
import TerminalUI

/// Options naming the database, shared by every command that stores or reads intakes.
struct DatabaseOptions: ParsableArguments {
    init() {}
    init(db: String?) { self.db = db }

    @Option(help: ArgumentHelp("The SQLite database file (default: $XDG_DATA_HOME/intake/intake.sqlite, created on first run).", valueName: "PATH"))
    var db: String?

    var path: String { db ?? IntakeStore.defaultPath() }

    func open() throws -> IntakeStore {
        do { return try IntakeStore(path: path) } catch {
            FileHandle.standardError.write(Data("intake: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}

extension KioskView.BidiHandling: ExpressibleByArgument {}

struct Kiosk: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the reception kiosk: patients answer the intake questions, in English or Arabic.",
        discussion: """
        Each answer is saved as it is given. After the last screen the patient gets a
        short intake code for reception. The kiosk cannot be left with Ctrl-C or Esc:
        staff press Ctrl-X then Ctrl-Q and type the staff PIN (set it with `intake pin set`).
        """
    )

    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("Colour theme: default, high-contrast, light, monochrome, or a theme file.", valueName: "NAME"))
    var theme: String?

    @Flag(help: "Plain numbered prompts, line by line, for screen readers and braille displays.")
    var plain = false

    @Option(help: ArgumentHelp("Who puts Arabic in visual order: program (default, for terminals that do no BiDi) or terminal (Konsole, mlterm).", valueName: "program|terminal"))
    var bidi: KioskView.BidiHandling = .program

    @Option(name: .customLong("idle-seconds"), help: "Seconds without a key before asking \"Are you still there?\" (default 120).")
    var idleSeconds: Double?

    @Option(name: .customLong("countdown-seconds"), help: "Seconds the \"Are you still there?\" prompt waits before clearing the answers (default 30).")
    var countdownSeconds: Double?

    @Option(help: ArgumentHelp("This kiosk's name, stored with each intake (default: the host name).", valueName: "NAME"))
    var name: String?

    @Option(help: ArgumentHelp("Settings file (default: $XDG_CONFIG_HOME/intake/intake.conf); options given here win.", valueName: "PATH"))
    var config: String?

    func validate() throws {
        guard (idleSeconds ?? 1) >= 1, (countdownSeconds ?? 1) >= 1 else {
            throw ValidationError("--idle-seconds and --countdown-seconds must be at least 1")
        }
    }

    func run() throws {
        let questionnaire = try loadQuestionnaire()
        let (settings, problems) = KioskConfiguration.load(path: config ?? KioskConfiguration.defaultPath())
        for problem in problems { FileHandle.standardError.write(Data("intake: \(problem); ignored\n".utf8)) }
        let store = try DatabaseOptions(db: database.db ?? settings.db).open()
        let timings = KioskTimings(idle: idleSeconds ?? settings.idleSeconds ?? 120,
                                   countdown: countdownSeconds ?? settings.countdownSeconds ?? 30)
        let kioskID = name ?? settings.name ?? ProcessInfo.processInfo.hostName
        let theme = self.theme ?? settings.theme
        if plain {
            PlainKiosk(questionnaire: questionnaire, store: store, kioskID: kioskID).run()
            return
        }
        let environment = ProcessInfo.processInfo.environment
        let (chosen, warnings) = Theme.resolve(requested: theme, environment: environment, hasColors: true)
        for warning in warnings { FileHandle.standardError.write(Data("intake: \(warning)\n".utf8)) }
        let backend: NcursesBackend
        do { backend = try NcursesBackend(theme: chosen) } catch {
            FileHandle.standardError.write(Data("intake: \(error)\n".utf8))
            throw ExitCode(1)
        }
        // A terminal that knows the BiDi mode escape stops reordering our already visual lines.
        if bidi == .program { FileHandle.standardOutput.write(Data(BidiModeEscape.explicit.utf8)) }
        defer { if bidi == .program { FileHandle.standardOutput.write(Data(BidiModeEscape.implicit.utf8)) } }
        let app = KioskApp(
            questionnaire: questionnaire, store: store, backend: backend, symbols: Symbols.forCurrentLocale(), bidi: bidi,
            timings: timings, kioskID: kioskID,
            clock: monotonicSeconds(),
            shouldStop: { backend.terminationRequested }
        )
        app.recoverDrafts()
        app.run()
        backend.shutdown()
    }
}

struct PIN: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pin",
        abstract: "Manage the staff PIN that closes the kiosk.",
        subcommands: [Set.self]
    )

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set the staff PIN (asked twice, not shown). It is stored only as a salted scrypt hash."
        )
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let store = try database.open()
            let first = readSecret("New staff PIN: ")
            let second = readSecret("Type it again: ")
            guard let first, let second, !first.isEmpty else {
                FileHandle.standardError.write(Data("intake: no PIN given; nothing changed\n".utf8))
                throw ExitCode(2)
            }
            guard first == second else {
                FileHandle.standardError.write(Data("intake: the two PINs differ; nothing changed\n".utf8))
                throw ExitCode(2)
            }
            do { try store.setStaffPIN(first) } catch {
                FileHandle.standardError.write(Data("intake: \(error)\n".utf8))
                throw ExitCode(2)
            }
            print("Staff PIN set in \(database.path).")
        }
    }
}

/// Seconds since the call, on a clock that never jumps: what the kiosk and station time idling with.
func monotonicSeconds() -> () -> Double {
    let start = ContinuousClock.now
    return {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}

/// Reads a line without echo from the terminal, or a plain line when input is a pipe (scripts, tests).
func readSecret(_ prompt: String) -> String? {
    guard isatty(STDIN_FILENO) == 1 else { return readLine(strippingNewline: true) }
    FileHandle.standardError.write(Data(prompt.utf8))
    var saved = termios()
    tcgetattr(STDIN_FILENO, &saved)
    var silent = saved
    silent.c_lflag &= ~tcflag_t(ECHO)
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
    defer {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
        FileHandle.standardError.write(Data("\n".utf8))
    }
    return readLine(strippingNewline: true)
}
