import ArgumentParser
import Foundation
import IntakeModel
import IntakeRules
import IntakeStorage

/// `intake import FILE`: a response filled elsewhere joins the review queue.
struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Put a FHIR QuestionnaireResponse filled elsewhere (or a Bundle holding one) in the review queue.",
        discussion: """
        The response is checked exactly as `intake assess` checks it and assessed on the visit
        date; then it is stored as a submitted intake with its source, and its new intake code is
        printed. Exit status: 0 when stored, 2 when the file is not a valid response (one line says
        what is wrong and where; nothing is stored).
        """
    )

    @Argument(help: ArgumentHelp("A FHIR QuestionnaireResponse JSON file, or a Bundle holding one.", valueName: "FILE"))
    var file: String

    @Option(name: .customLong("as-of"), help: ArgumentHelp("The visit date the rules count from (default: today).", valueName: "YYYY-MM-DD"))
    var asOf: String?

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let questionnaire = try loadQuestionnaire()
        var prepared: (Submission, String, String)?
        try reportingInvalidInput {
            var visit = Day.today()
            if let asOf {
                guard let day = Day(iso: asOf) else {
                    throw InputFailure("--as-of \"\(PatientText.clean(asOf))\" is not a date; use YYYY-MM-DD, for example 2026-11-22")
                }
                visit = day
            }
            prepared = try Self.prepare(file: file, asOf: visit, questionnaire: questionnaire)
        }
        guard let (submission, language, source) = prepared else { throw ExitCode(2) }
        let store = try database.open()
        do {
            let stored = try store.importSubmission(submission, language: language, source: source)
            print(stored.code)
        } catch {
            FileHandle.standardError.write(Data("intake: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    /// Reads, checks and assesses the file: the submission to store, its language and its source
    /// label. Throws ``InputFailure`` for anything `assess` would refuse.
    static func prepare(file: String, asOf: Day, questionnaire: Questionnaire) throws -> (Submission, String, String) {
        try ResponseOptions.checkSize(file)
        let data: Data
        do { data = try InputFile.read(file, expected: "a FHIR QuestionnaireResponse JSON file") } catch {
            throw InputFailure(error.description)
        }
        try ResponseOptions.checkSize(file, bytes: data.count)
        let reader = ResponseReader(questionnaire: questionnaire, asOf: asOf)
        let root: JSONValue
        do { root = try JSONValue.parse(data) } catch {
            // The reader words the malformed-JSON message exactly as `assess` does.
            do { _ = try reader.read(data, file: file) } catch { throw InputFailure(error.description) }
            throw InputFailure("\(file): malformed JSON")
        }
        guard let response = FHIRExport.response(in: root) else {
            throw InputFailure(PatientText.clean("\(file): entry: the Bundle holds no QuestionnaireResponse; give a QuestionnaireResponse or a Bundle with one"))
        }
        let parsed: ParsedResponse
        do { parsed = try reader.read(response, file: file) } catch {
            // Inside a Bundle, the place is said from the top of the file.
            guard root["resourceType"]?.string == "Bundle",
                  let index = root["entry"]?.array?.firstIndex(where: { $0["resource"] == response }) else {
                throw InputFailure(error.description)
            }
            let location = "entry[\(index)].resource" + (error.location.isEmpty ? "" : "." + error.location)
            throw InputFailure(PatientText.clean("\(file): \(location): \(error.message)"))
        }

        let assessment = Assessor(questionnaire: questionnaire).assess(parsed.answers, asOf: asOf)
        let language = Language(rawValue: response["language"]?.string ?? "") ?? .en
        let authored = response["authored"]?.string.flatMap { Self.isDateTime($0) ? $0 : nil }
            ?? FHIRExportTime.now()
        guard case .object(var stored) = questionnaire.response(
            for: parsed.answers, id: IntakeStore.importCodePlaceholder, authored: authored, language: language) else {
            throw InputFailure("\(file): the response could not be written")
        }
        let source = Self.source(response["source"], bundle: root)
        if let source { stored["source"] = source }
        let label = source?["display"]?.string ?? source?["identifier"]?["value"]?.string
            ?? (file as NSString).lastPathComponent
        let submission = Submission(
            patientName: parsed.answers.string("patient-name"),
            patientDOB: parsed.answers.date("patient-dob")?.description,
            procedures: assessment.procedures.map(\.procedure),
            responseJSON: JSONValue.object(stored).serialized(),
            assessmentJSON: AssessmentJSON(assessment).encoded(),
            verdicts: assessment.verdicts,
            questionnaireVersion: questionnaire.version,
            rulesetVersion: assessment.rulesetVersion)
        return (submission, language.rawValue, PatientText.clean("import: \(label)"))
    }

    /// The response's `source` to keep: nil when it is the patient (a reference to a Patient, in
    /// the Bundle or elsewhere), else its display and identifier (a reference that would dangle
    /// here becomes the display).
    static func source(_ value: JSONValue?, bundle: JSONValue) -> JSONValue? {
        guard let value, value.object != nil else { return nil }
        if let reference = value["reference"]?.string {
            if reference.hasPrefix("Patient/") { return nil }
            let target = (bundle["entry"]?.array ?? []).first { $0["fullUrl"]?.string == reference }
            if target?["resource"]?["resourceType"]?.string == "Patient" { return nil }
        }
        var kept: [String: JSONValue] = [:]
        if let display = value["display"]?.string ?? value["reference"]?.string {
            kept["display"] = .string(PatientText.clean(display))
        }
        if let identifier = value["identifier"], identifier.object != nil { kept["identifier"] = identifier }
        return kept.isEmpty ? nil : .object(kept)
    }

    /// A FHIR dateTime with at least a day (`authored`); anything else is not kept.
    static func isDateTime(_ text: String) -> Bool {
        text.range(of: #"^\d{4}-\d\d-\d\d(T\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d))?$"#, options: .regularExpression) != nil
            && Day(iso: text.prefix(10)) != nil
    }
}

enum FHIRExportTime {
    static func now() -> String { ClockText.instant(Date()) }
}
