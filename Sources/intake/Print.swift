import ArgumentParser
import Foundation
import IntakeModel
import IntakeStorage
import IntakeSummary
import ReviewStation
import Printing

/// A stored intake's summary by its code, or one line saying why there is none.
func storedSummary(_ store: IntakeStore, code: String, language: Language, questionnaire: Questionnaire) throws -> (Summary, StoredIntake) {
    let found: StoredIntake?
    do { found = try store.intake(code: code) } catch { throw failure(error.description) }
    guard let intake = found else {
        throw failure("no intake has the code \"\(PatientText.clean(code))\"; check the code on the patient's slip")
    }
    guard intake.status == .submitted else {
        throw failure("intake \(intake.code) is \(intake.status.rawValue), not submitted: there is nothing to print yet")
    }
    do {
        return (try StoredSummary.make(intake, store: store, language: language, questionnaire: questionnaire), intake)
    } catch {
        throw failure("intake \(intake.code): its stored answers cannot be read (\(error)); nothing was printed")
    }
}

struct Print: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print an intake's summary through CUPS (lp), with the signed decision when there is one.",
        discussion: "Where lp or a printer is missing, the summary is saved to a private file and the path is shown."
    )
    @Argument(help: ArgumentHelp("The intake code from the patient's slip.", valueName: "CODE")) var code: String
    @Option(help: "A CUPS printer (default: the system's default printer).") var printer: String?
    @Option(help: "Language of the summary: en or ar.") var lang: Language = .en
    @Option(help: "Paper: a4 or letter (default: the printer's media in CUPS, else the locale's paper).") var paper: Paper?
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let store = try database.open()
        let (summary, intake) = try storedSummary(store, code: code, language: lang, questionnaire: try loadQuestionnaire())
        let environment = ProcessInfo.processInfo.environment
        let outcome = Printer(fallbackFolder: Printer.defaultFallbackFolder(environment: environment), environment: environment)
            .print(PrintableDocument.request(summary, title: "intake \(intake.code)", printer: printer, paper: paper,
                                             environment: environment))
        let user = "cli:" + (environment["USER"] ?? environment["LOGNAME"] ?? "unknown")
        try? store.record(.print, user: user, intakeCode: intake.code, detail: outcome.message)
        print(outcome.message)
        if case .failed = outcome { throw ExitCode(1) }
    }
}
