import ArgumentParser
import Foundation
import IntakeModel
import IntakeRules
import IntakeStorage
import IntakeSummary
import Printing

/// The printable summary of a stored intake, with the practitioner's signed decision when there is one.
///
/// The verdicts are worked out again on the day the intake was submitted: the rules are
/// pure, so this gives what the kiosk stored, and it prints in any language asked for.
func storedSummary(_ store: IntakeStore, code: String, language: Language, questionnaire: Questionnaire) throws -> (Summary, StoredIntake) {
    let found: StoredIntake?
    do { found = try store.intake(code: code) } catch { throw failure(error.description) }
    guard let intake = found else {
        throw failure("no intake has the code \"\(PatientText.clean(code))\"; check the code on the patient's slip")
    }
    guard intake.status == "submitted", let json = intake.responseJSON, let submitted = intake.submittedAt else {
        throw failure("intake \(intake.code) is \(intake.status), not submitted: there is nothing to print yet")
    }
    let day = localDay(submitted)
    let answers: Answers
    do { answers = try ResponseReader(questionnaire: questionnaire, asOf: day).read(Data(json.utf8)).answers } catch {
        throw failure("intake \(intake.code): its stored response no longer reads: \(error)")
    }
    let assessment = Assessor(questionnaire: questionnaire).assess(answers, asOf: day)
    var signed: Summary.SignedDecision? = nil
    let decisions = (try? store.currentDecisions(intakeID: intake.id)) ?? []
    if let latest = decisions.max(by: { $0.signedAt < $1.signedAt }) {
        let names = Dictionary(uniqueKeysWithValues: ((try? store.users()) ?? []).map { ($0.id, $0.name) })
        var chosen: [Procedure: (decision: Summary.SignedDecision.Choice, reason: String?)] = [:]
        for decision in decisions {
            if let procedure = Procedure(rawValue: decision.procedure), let choice = Summary.SignedDecision.Choice(rawValue: decision.decision.rawValue) {
                chosen[procedure] = (choice, decision.reason)
            }
        }
        signed = Summary.SignedDecision(decisions: chosen, note: latest.note, practitioner: names[latest.userID] ?? "#\(latest.userID)",
                                        signedAt: UTCText.minute(latest.signedAt), amended: decisions.contains { $0.amends != nil })
    }
    let summary = Summary(questionnaire: questionnaire, answers: answers, assessment: assessment,
                          intakeID: intake.code, language: language, signed: signed)
    return (summary, intake)
}

/// The local calendar day of a moment: the clinic's visit date.
func localDay(_ date: Date) -> Day {
    var seconds = time_t(date.timeIntervalSince1970)
    var parts = tm()
    localtime_r(&seconds, &parts)
    return Day(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday)) ?? Day.today()
}

struct Print: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print an intake's summary through CUPS (lp), with the signed decision when there is one.",
        discussion: "Where lp or a printer is missing, the summary is saved to a private file and the path is shown."
    )
    @Argument(help: ArgumentHelp("The intake code from the patient's slip.", valueName: "CODE")) var code: String
    @Option(help: "A CUPS printer (default: the system's default printer).") var printer: String?
    @Option(help: "Language of the summary: en or ar.") var lang: Language = .en
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let store = try database.open()
        let (summary, intake) = try storedSummary(store, code: code, language: lang, questionnaire: try loadQuestionnaire())
        let environment = ProcessInfo.processInfo.environment
        let outcome = Printer(fallbackFolder: Printer.defaultFallbackFolder(environment: environment), environment: environment)
            .print(PrintRequest(text: summary.render(), title: "intake \(intake.code)", printer: printer))
        let user = "cli:" + (environment["USER"] ?? environment["LOGNAME"] ?? "unknown")
        try? store.record(.print, user: user, intakeCode: intake.code, detail: outcome.message)
        print(outcome.message)
        if case .failed = outcome { throw ExitCode(1) }
    }
}
