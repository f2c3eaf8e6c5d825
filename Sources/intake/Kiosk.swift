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
        try Self.open(path: path, explicit: db != nil)
    }

    /// Opens a database that must already exist: checking a mistyped path must not create an
    /// empty file and call it intact.
    func openExisting() throws -> IntakeStore {
        guard FileManager.default.fileExists(atPath: path) else {
            throw failure("there is no database at \(path); name the clinic's database with --db PATH")
        }
        return try open()
    }

    /// Opens the database, saying on standard error what was tightened on the way.
    ///
    /// `explicit` (the path came from --db) allows a symbolic link; the default path and one
    /// from a settings file must name the file itself.
    static func open(path: String, explicit: Bool) throws -> IntakeStore {
        do {
            let store = try IntakeStore(path: path, allowSymlink: explicit)
            for note in store.openingNotes { FileHandle.standardError.write(Data("intake: \(note)\n".utf8)) }
            return store
        } catch {
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

    @Flag(name: .customLong("allow-no-pin"), help: "Run with no staff PIN set (anyone can then close the kiosk; the welcome screen says so). Without it, a kiosk with no PIN asks staff to choose one, or refuses to start when no one can type it.")
    var allowNoPIN = false

    func validate() throws {
        for (option, value, range) in [("--idle-seconds", idleSeconds, KioskConfiguration.idleSecondsRange),
                                       ("--countdown-seconds", countdownSeconds, KioskConfiguration.countdownSecondsRange)] {
            guard let value else { continue }
            guard value.isFinite, range.contains(value) else {
                throw ValidationError("\(option) must be a number of seconds from \(Int(range.lowerBound)) to \(Int(range.upperBound))")
            }
        }
    }

    func run() throws {
        let questionnaire = try loadQuestionnaire()
        let (settings, problems) = KioskConfiguration.load(path: config ?? KioskConfiguration.defaultPath())
        // A settings file others could have written (or a FIFO, a folder…) is not used, and the kiosk does not start.
        if let refused = problems.first(where: \.refusesFile) {
            FileHandle.standardError.write(Data("intake: settings file \(PatientText.clean("\(refused)"))\n".utf8))
            throw ExitCode(2)
        }
        // A settings file's keys and values are text from outside: cleaned before they reach the terminal.
        for problem in problems { FileHandle.standardError.write(Data("intake: \(PatientText.clean("\(problem)")); ignored\n".utf8)) }
        let databaseOptions = DatabaseOptions(db: database.db ?? settings.db)
        // A --db given here may be a symbolic link; a path from the settings file or the default may not.
        let store = try DatabaseOptions.open(path: databaseOptions.path, explicit: database.db != nil)
        // A kiosk is only locked if it has a PIN: choose one now, while staff are at the keyboard.
        if !store.hasStaffPIN && !allowNoPIN {
            guard isatty(STDIN_FILENO) == 1 else {
                FileHandle.standardError.write(Data("""
                    intake: no staff PIN is set in \(databaseOptions.path), so nobody could close this kiosk safely; \
                    set one first with `intake pin set --db \(databaseOptions.path)`, or start with --allow-no-pin

                    """.utf8))
                throw ExitCode(2)
            }
            FileHandle.standardError.write(Data("No staff PIN is set. Choose the PIN staff will type to close this kiosk (\(IntakeStore.minimumPINLength) or more characters).\n".utf8))
            try PIN.Set.choose(into: store, path: databaseOptions.path)
        }
        let timings = KioskTimings(idle: idleSeconds ?? settings.idleSeconds ?? 120,
                                   countdown: countdownSeconds ?? settings.countdownSeconds ?? 30)
        let kioskID = name ?? settings.name ?? ProcessInfo.processInfo.hostName
        // Held until the process ends: the lock is released with it, however it ends.
        let nameLock = try Self.lockName(kioskID, database: databaseOptions.path)
        defer { close(nameLock) }
        let theme = self.theme ?? settings.theme
        if plain {
            let lines = StandardInputLines()
            PlainKiosk(questionnaire: questionnaire, store: store, kioskID: kioskID, timings: timings, allowNoPIN: allowNoPIN,
                       inputIsTerminal: isatty(STDIN_FILENO) == 1, outputIsTerminal: isatty(STDOUT_FILENO) == 1,
                       read: { lines.read(timeout: $0) }).run()
            return
        }
        let environment = ProcessInfo.processInfo.environment
        let (chosen, warnings) = Theme.resolve(requested: theme, environment: environment, hasColors: true)
        for warning in warnings { FileHandle.standardError.write(Data("intake: \(warning)\n".utf8)) }
        // Staff see these on the welcome screen, not only on stderr after the kiosk is closed.
        let staffNotes = warnings.map { "theme: \($0)" } + problems.map { "settings: \($0); ignored" }
        let backend = try openTerminal(theme: chosen, programBidi: bidi == .program)
        defer { closeTerminal(backend, programBidi: bidi == .program) }
        let app = KioskApp(
            questionnaire: questionnaire, store: store, backend: backend, symbols: Symbols.forCurrentLocale(), bidi: bidi,
            timings: timings, kioskID: kioskID,
            clock: monotonicSeconds(),
            shouldStop: { backend.terminationRequested },
            allowNoPIN: allowNoPIN, staffNotes: staffNotes
        )
        app.recoverDrafts()
        app.run()
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
        @OptionGroup var actor: ActorOptions

        func run() throws {
            let store = try database.open()
            try Self.choose(into: store, path: database.path, by: try actor.actor(store))
        }

        /// Asks for a new PIN twice without echo and stores its hash, audited under the operating-system
        /// user (and the staff account that signed in for it, if any).
        static func choose(into store: IntakeStore, path: String, by actor: String = operatingSystemUser()) throws {
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
            do { try store.setStaffPIN(first, by: actor) } catch {
                FileHandle.standardError.write(Data("intake: \(error)\n".utf8))
                throw ExitCode(2)
            }
            print("Staff PIN set in \(path).")
        }
    }
}

extension Kiosk {
    /// One running kiosk per name and database. A second kiosk with the same name (the default name is
    /// the host name) would resume the first one's live draft and show its patient's answers.
    static func lockName(_ name: String, database: String) throws -> Int32 {
        let safe = String(name.unicodeScalars.prefix(48).map { scalar -> Character in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || scalar == "-") ? Character(scalar) : "_"
        })
        let path = database + ".kiosk-" + safe + ".lock"
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            FileHandle.standardError.write(Data("intake: cannot create the kiosk lock \(PatientText.clean(path)): \(String(cString: strerror(errno)))\n".utf8))
            throw ExitCode(1)
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            FileHandle.standardError.write(Data("""
                intake: a kiosk named "\(PatientText.clean(name))" is already running on \(PatientText.clean(database)); \
                give each kiosk its own name with --name (or `name` in intake.conf)

                """.utf8))
            throw ExitCode(2)
        }
        return descriptor
    }
}

/// The operating-system account running this command, for the audit log.
func operatingSystemUser() -> String {
    if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return "os:" + String(cString: name) }
    return "os:uid \(geteuid())"
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

/// Takes over the terminal for a full-screen program (the kiosk, the station), or says why it cannot.
func openTerminal(theme: Theme, programBidi: Bool) throws -> NcursesBackend {
    let backend: NcursesBackend
    do { backend = try NcursesBackend(theme: theme) } catch {
        FileHandle.standardError.write(Data("intake: \(error)\n".utf8))
        throw ExitCode(1)
    }
    // A terminal that knows the BiDi mode escape stops reordering our already visual lines.
    if programBidi { FileHandle.standardOutput.write(Data(BidiModeEscape.explicit.utf8)) }
    return backend
}

/// Gives the terminal back to the shell as `openTerminal` found it.
func closeTerminal(_ backend: NcursesBackend, programBidi: Bool) {
    backend.shutdown()
    if programBidi { FileHandle.standardOutput.write(Data(BidiModeEscape.implicit.utf8)) }
}
