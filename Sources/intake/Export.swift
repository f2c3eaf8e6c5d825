import ArgumentParser
import Foundation
import IntakeModel
import IntakeRules
import IntakeStorage

/// `intake export`: stored intakes as FHIR R4 JSON, one Bundle per intake, or Bulk Data NDJSON.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write stored intakes as FHIR R4: a Bundle per intake, or FHIR Bulk Data NDJSON files.",
        discussion: """
        `intake export CODE` prints that intake's Bundle. `intake export --since DATE` prints one
        Bundle per line (NDJSON) for every intake submitted from DATE (local midnight) up to the
        end of --until; --ndjson DIR instead writes Patient.ndjson, QuestionnaireResponse.ndjson,
        RiskAssessment.ndjson and Provenance.ndjson into DIR. Intakes are read a page at a time
        and written as they are read, so memory stays the same for any number.
        """
    )

    @Argument(help: ArgumentHelp("The intake code to export.", valueName: "CODE"))
    var code: String?

    @Option(help: ArgumentHelp("Export intakes submitted on or after this day.", valueName: "YYYY-MM-DD"))
    var since: String?

    @Option(help: ArgumentHelp("…and on or before this day.", valueName: "YYYY-MM-DD"))
    var until: String?

    @Option(help: ArgumentHelp("Only intakes not yet signed (submitted) or signed.", valueName: "submitted|signed"))
    var status: String?

    @Flag(help: "Bundles of type transaction (POST each resource) instead of collection.")
    var transaction = false

    @Option(help: ArgumentHelp("Write FHIR Bulk Data NDJSON files, one per resource type, into this folder.", valueName: "DIR"))
    var ndjson: String?

    @OptionGroup var database: DatabaseOptions

    static let pageSize = 200

    func validate() throws {
        if code == nil && since == nil { throw ValidationError("give an intake CODE or --since YYYY-MM-DD") }
        if code != nil && (since != nil || until != nil || status != nil) {
            throw ValidationError("give either an intake CODE or --since/--until/--status, not both")
        }
        if let status, status != "submitted" && status != "signed" {
            throw ValidationError("--status must be submitted or signed")
        }
        for (name, value) in [("--since", since), ("--until", until)] {
            if let value, Day(iso: value) == nil {
                throw ValidationError("\(name) \"\(PatientText.clean(value))\" is not a date; use YYYY-MM-DD")
            }
        }
    }

    func run() throws {
        let questionnaire = try loadQuestionnaire()
        let exporter = FHIRExport(questionnaire: questionnaire, sha256: IntakeStore.sha256)
        let store = try database.open()
        let sink = try ndjson.map { try NDJSONSink(folder: $0) }
        let output = BufferedOutput(handle: FileHandle.standardOutput)

        func write(_ intake: ExportedIntake, single: Bool) {
            let record = Self.record(intake)
            if let sink {
                for resource in exporter.resources(for: record, references: .relative) { sink.write(resource) }
            } else {
                output.write(FHIRExport.text(exporter.bundle(for: record, transaction: transaction), pretty: single) + "\n")
            }
        }

        if let code {
            let found: ExportedIntake?
            do { found = try store.exportIntake(code: code) } catch {
                FileHandle.standardError.write(Data("intake: \(error)\n".utf8))
                throw ExitCode(1)
            }
            guard let found else {
                FileHandle.standardError.write(Data("intake: no submitted intake has the code \(PatientText.clean(code))\n".utf8))
                throw ExitCode(1)
            }
            write(found, single: true)
        } else {
            let selection = ExportSelection(
                since: since.flatMap { Day(iso: $0) }.map(Self.localMidnight),
                until: until.flatMap { Day(iso: $0) }.map { Self.localMidnight($0.adding(days: 1)) },
                signed: status.map { $0 == "signed" })
            let progress = isatty(STDERR_FILENO) == 1
            var after: Int64 = 0, count = 0
            while true {
                let page: [ExportedIntake]
                do { page = try store.exportPage(selection, afterID: after, limit: Self.pageSize) } catch {
                    FileHandle.standardError.write(Data("intake: \(error)\n".utf8))
                    throw ExitCode(1)
                }
                guard let last = page.last else { break }
                // Each page's strings and JSON are released before the next is read.
                autoreleasepoolIfAvailable {
                    for intake in page { write(intake, single: false) }
                }
                after = last.intake.id
                count += page.count
                if progress { FileHandle.standardError.write(Data("\rintake: exported \(count) intakes".utf8)) }
            }
            if progress { FileHandle.standardError.write(Data("\rintake: exported \(count) intakes\n".utf8)) }
        }
        output.flush()
        sink?.close()
    }

    /// The stored row in the plain shape the FHIR builder takes.
    static func record(_ exported: ExportedIntake) -> FHIRIntakeRecord {
        let intake = exported.intake
        let response = intake.responseJSON.flatMap { try? JSONValue.parse(Array($0.utf8)) } ?? .object([:])
        // The assessment that stands: a practitioner's re-assessment when there is one, else the one made at submit.
        let standing = exported.standingAssessment
        let assessment = standing.json.flatMap { try? JSONValue.parse(Array($0.utf8)) }
        return FHIRIntakeRecord(
            code: intake.code, response: response, assessment: assessment,
            submittedAt: intake.submittedAt ?? intake.updatedAt, patientName: intake.patientName,
            patientDOB: intake.patientDOB, language: intake.language, rulesetVersion: standing.rulesetVersion,
            decisions: exported.decisions.map { d in
                FHIRDecision(procedure: d.decision.procedure.rawValue, decision: d.decision.decision.rawValue,
                             ruleVerdict: d.decision.ruleVerdict?.rawValue, reason: d.decision.reason, note: d.decision.note,
                             practitioner: d.practitioner, signedAt: d.decision.signedAt, amends: d.decision.amends != nil)
            })
    }

    /// The start of a local calendar day.
    static func localMidnight(_ day: Day) -> Date {
        let (y, m, d) = day.components
        var parts = tm()
        parts.tm_year = Int32(y - 1900); parts.tm_mon = Int32(m - 1); parts.tm_mday = Int32(d); parts.tm_isdst = -1
        return Date(timeIntervalSince1970: TimeInterval(mktime(&parts)))
    }
}

@inline(__always) func autoreleasepoolIfAvailable(_ body: () -> Void) {
    #if canImport(Darwin)
    autoreleasepool(invoking: body)
    #else
    body()
    #endif
}

/// Standard output written in 64 KB pieces.
final class BufferedOutput {
    let handle: FileHandle
    var buffer = Data()
    init(handle: FileHandle) { self.handle = handle }
    func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 65_536 { flush() }
    }
    func flush() {
        guard !buffer.isEmpty else { return }
        handle.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}

/// FHIR Bulk Data output: one `Type.ndjson` file per resource type, one resource per line.
final class NDJSONSink {
    let folder: String
    var files: [String: BufferedOutput] = [:]

    init(folder: String) throws {
        self.folder = folder
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            FileHandle.standardError.write(Data("intake: \(PatientText.clean(folder)): cannot create the folder (\(error.localizedDescription))\n".utf8))
            throw ExitCode(1)
        }
        // Every type has its file, empty when there is nothing of it.
        for type in ["Patient", "QuestionnaireResponse", "RiskAssessment", "Provenance"] { _ = try output(type) }
    }

    func output(_ type: String) throws -> BufferedOutput {
        if let existing = files[type] { return existing }
        let path = (folder as NSString).appendingPathComponent("\(type).ndjson")
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            FileHandle.standardError.write(Data("intake: \(PatientText.clean(path)): cannot write the file\n".utf8))
            throw ExitCode(1)
        }
        let output = BufferedOutput(handle: handle)
        files[type] = output
        return output
    }

    func write(_ resource: FHIRResource) {
        (try? output(resource.type))?.write(FHIRExport.text(resource.json) + "\n")
    }

    func close() {
        for output in files.values {
            output.flush()
            try? output.handle.close()
        }
    }
}
