import ArgumentParser
import Foundation
import IntakeModel
import IntakeRules
import IntakeSummary
import ReviewStation

/// The `intake` command: kiosk, assessment, summary and questionnaire tools.
@main
struct Intake: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "intake",
        abstract: "Patient intake and screening for microneedling and micro-Botox.",
        discussion: """
        Reception runs `intake kiosk` for patients. Staff can check a saved response
        with `intake assess FILE` or print its summary with `intake summary FILE`.
        Every verdict is decision support: the treating practitioner decides.
        """,
        subcommands: [Kiosk.self, Review.self, Assess.self, SummaryCommand.self, Print.self, User.self, Audit.self,
                      QuestionnaireCommand.self, PIN.self, Backup.self, Restore.self, Export.self, Import.self]
    )

    /// Every file this program creates (database, backups, printouts) is private: umask 077.
    static func main() {
        umask(0o077)
        main(nil)
    }
}

/// Options shared by commands that read a response file.
struct ResponseOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("The patient's answers: a FHIR QuestionnaireResponse JSON file (summary also takes an intake code).", valueName: "RESPONSE.json"))
    var file: String

    @Option(name: .customLong("as-of"), help: ArgumentHelp("The visit date the rules count from (default: today).", valueName: "YYYY-MM-DD"))
    var asOf: String?

    /// The visit date, or a usage error that names the bad value.
    func visitDate() throws -> Day {
        guard let text = asOf else { return Day.today() }
        guard let day = Day(iso: text) else {
            throw InputFailure("--as-of \"\(PatientText.clean(text))\" is not a date; use YYYY-MM-DD, for example 2026-11-22")
        }
        return day
    }

    /// Reads and checks the response file against the bundled questionnaire.
    func load(questionnaire: Questionnaire, asOf: Day) throws -> ParsedResponse {
        let data: Data
        // Only a regular file: a FIFO, /dev/zero or a folder is named as such instead.
        try Self.checkSize(file)
        do { data = try InputFile.read(file, expected: "a FHIR QuestionnaireResponse JSON file") } catch {
            throw InputFailure(error.description)
        }
        try Self.checkSize(file, bytes: data.count)
        do {
            return try ResponseReader(questionnaire: questionnaire, asOf: asOf).read(data, file: file)
        } catch {
            throw InputFailure(error.description)
        }
    }

    /// Reads the file and assesses it on the visit date: what `assess` and `summary` share.
    func assess(_ questionnaire: Questionnaire) throws -> (ParsedResponse, Day, Assessment) {
        let asOf = try visitDate()
        let parsed = try load(questionnaire: questionnaire, asOf: asOf)
        return (parsed, asOf, Assessor(questionnaire: questionnaire).assess(parsed.answers, asOf: asOf))
    }

    /// The largest response file read: a real one is a few kilobytes.
    static let maximumFileSize = 1 << 20

    /// Refuses a response file over ``maximumFileSize``: by its size on disk before reading, and
    /// by `bytes` read after (a file that grew meanwhile).
    static func checkSize(_ file: String, bytes: Int? = nil) throws {
        var info = stat()
        let size = bytes ?? (stat(file, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG ? Int(info.st_size) : 0)
        guard size > maximumFileSize else { return }
        throw InputFailure("\(PatientText.clean(file)): the file is \(size) bytes; a response file may be at most 1 MB (\(maximumFileSize) bytes): check that this is the patient's response")
    }

    static func reason(_ error: Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if nsError.code == NSFileReadNoSuchFileError { return "no such file" }
        return nsError.localizedDescription
    }
}

/// Invalid input: one line on standard error, exit status 2 (spec section 3).
struct InputFailure: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

extension ParsableCommand {
    /// Runs `body`, turning ``InputFailure`` into the contract's one line and exit status 2.
    func reportingInvalidInput(_ body: () throws -> Void) throws {
        do { try body() } catch let failure as InputFailure {
            FileHandle.standardError.write(Data("intake: \(failure.description)\n".utf8))
            throw ExitCode(2)
        }
    }

    func loadQuestionnaire() throws -> Questionnaire {
        do { return try Questionnaire.bundled() } catch {
            FileHandle.standardError.write(Data("intake: \(error.description)\n".utf8))
            throw ExitCode(70)
        }
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case json, text }

extension Language: ExpressibleByArgument {}

struct Assess: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Screen a response: the verdict for each procedure, with reasons and sources.",
        discussion: """
        Prints one verdict per assessed procedure: eligible, review, defer (with
        the date it ends, when one can be given) or contraindicated.
        Exit status: 0 when assessed, 2 when the file is not a valid response
        (the message says what is wrong and where).
        """
    )

    @OptionGroup var response: ResponseOptions

    @Option(help: "json (for programs) or text (for people).")
    var format: OutputFormat = .json

    @Option(help: "Language of the reasons: en or ar.")
    var lang: Language = .en

    func run() throws {
        try reportingInvalidInput {
            let (_, _, assessment) = try response.assess(try loadQuestionnaire())
            switch format {
            case .json: print(AssessmentJSON(assessment, language: lang).encoded())
            case .text: print(assessment.text(language: lang))
            }
        }
    }
}

struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Show the one-page summary of a response file, or of a stored intake by its code (80 columns).",
        discussion: "Verdicts first, then every answer, then the practitioner's decision and signature (or lines for them)."
    )

    @OptionGroup var response: ResponseOptions

    @Option(help: "Language of the summary: en or ar.")
    var lang: Language = .en

    @OptionGroup var pdf: PDFOptions

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        try pdf.validate()
        // Not a file but an intake code: the stored intake, with its signed decision.
        if !FileManager.default.fileExists(atPath: response.file), !response.file.contains("/"), !response.file.hasSuffix(".json") {
            let (summary, _) = try storedSummary(try database.open(), code: response.file, language: lang,
                                                 questionnaire: try loadQuestionnaire())
            try pdf.emit(summary)
            return
        }
        try reportingInvalidInput {
            let questionnaire = try loadQuestionnaire()
            let (parsed, _, assessment) = try response.assess(questionnaire)
            let summary = Summary(questionnaire: questionnaire, answers: parsed.answers, assessment: assessment,
                                  intakeID: parsed.id, language: lang)
            try pdf.emit(summary)
        }
    }
}

/// The summary for standard output: shaped and in visual order when a person reads it on a
/// terminal (most do no BiDi); in logical order when it goes to a file or another program.
/// Either way without form feeds: those go only to a printer (`intake print`).
func forOutput(_ summary: Summary) -> String {
    isatty(STDOUT_FILENO) == 1 ? StoredSummary.displayable(summary) : summary.render()
}

struct QuestionnaireCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "questionnaire",
        abstract: "Print the bundled questionnaire (FHIR JSON), or check a questionnaire file.",
        subcommands: [Show.self, Check.self],
        defaultSubcommand: Show.self
    )

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the bundled questionnaire as FHIR R4 JSON.")
        func run() throws {
            _ = try loadQuestionnaire()
            guard let data = Questionnaire.bundledJSON() else { throw ExitCode(70) }
            FileHandle.standardOutput.write(data)
            print()
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a questionnaire file: unique linkIds and option codes, valid enableWhen, English and Arabic text.",
            discussion: "Prints every problem with its path and exits 2, or prints a one-line summary and exits 0."
        )
        @Argument(help: ArgumentHelp("The FHIR Questionnaire JSON file to check.", valueName: "FILE"))
        var file: String

        func run() throws {
            let q: Questionnaire
            do {
                q = try Questionnaire.load(contentsOf: URL(fileURLWithPath: file))
            } catch {
                FileHandle.standardError.write(Data((error.description + "\n").utf8))
                throw ExitCode(2)
            }
            // What other systems rely on (SDC extensions, item controls, entry formats), checked here only.
            let standards = QuestionnaireCheck.standardsProblems(in: q)
            guard standards.isEmpty else {
                FileHandle.standardError.write(Data((QuestionnaireError(file: file, problems: standards).description + "\n").utf8))
                throw ExitCode(2)
            }
            print("\(file): OK: \(q.questions.count) questions in \(q.items.count) groups, version \(q.version), SDC extensions in place")
        }
    }
}
