import ArgumentParser
import Kiosk
import Bidi
import Foundation
import IntakeModel
import IntakeStorage
import Printing
import ReviewStation
import TerminalUI

/// The practitioner review station: sign in, work through the queue, sign decisions, print.
struct Review: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Run the practitioner review station: the queue of submitted intakes, signed decisions, printing.",
        discussion: """
        Practitioners sign in with their staff account (create one with `intake user add NAME
        --role practitioner`). The station signs out by itself after --idle-seconds without a key;
        Ctrl-Q or F10 signs out, and Ctrl-Q on the sign-in screen quits. F2 switches language.
        """
    )

    @OptionGroup var database: DatabaseOptions

    @Option(name: .customLong("idle-seconds"), help: "Seconds without a key before signing out (default 300).")
    var idleSeconds: Double = 300

    @Option(help: ArgumentHelp("The CUPS printer for summaries (default: the CUPS default destination).", valueName: "NAME"))
    var printer: String?

    @Option(help: ArgumentHelp("The station's language: en or ar (F2 switches).", valueName: "en|ar"))
    var lang: Language = .en

    @Option(help: ArgumentHelp("Colour theme: default, high-contrast, light, monochrome, or a theme file.", valueName: "NAME"))
    var theme: String?

    @Option(help: ArgumentHelp("Who puts Arabic in visual order: program (default) or terminal (Konsole, mlterm).", valueName: "program|terminal"))
    var bidi: KioskView.BidiHandling = .program

    func validate() throws {
        guard idleSeconds.isFinite, KioskConfiguration.idleSecondsRange.contains(idleSeconds) else {
            throw ValidationError("--idle-seconds must be a number of seconds from 1 to \(Int(KioskConfiguration.idleSecondsRange.upperBound))")
        }
    }

    func run() throws {
        let questionnaire = try loadQuestionnaire()
        let store = try database.open()
        guard store.hasUsers else {
            FileHandle.standardError.write(Data("No staff accounts yet. Create the first with: intake user add NAME --role practitioner\n".utf8))
            throw ExitCode(1)
        }
        let environment = Printer.processEnvironment()
        let printer = Printer(fallbackFolder: Printer.defaultFallbackFolder(environment: environment), environment: environment)
        let (theme, warnings) = Theme.resolve(requested: self.theme, environment: ProcessInfo.processInfo.environment, hasColors: true)
        for warning in warnings { FileHandle.standardError.write(Data("intake: \(warning)\n".utf8)) }
        let backend = try openTerminal(theme: theme, programBidi: bidi == .program)
        defer { closeTerminal(backend, programBidi: bidi == .program) }
        let app = StationApp(
            questionnaire: questionnaire, store: store, backend: backend, view: StationView(symbols: Symbols.forCurrentLocale(), programBidi: bidi == .program),
            printer: printer, printerName: self.printer.flatMap { $0.isEmpty ? nil : $0 }, language: lang, idle: idleSeconds,
            clock: monotonicSeconds(),
            shouldStop: { backend.terminationRequested }
        )
        app.run()
    }
}
