import Foundation
import Testing
import IntakeModel
import IntakeStorage

/// A kiosk-walked intake, exported with the real `intake export`, passes the independent FHIR
/// checker (Python's fhir.resources and Tests/FHIRConformance/check.py) with zero problems.
@Suite(.serialized) struct FHIRKioskExportTests {
    static let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    static let repository = tests.deletingLastPathComponent()

    /// `intake` beside the test bundle in the build folder.
    static var binary: String? {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("intake").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    /// A Python with fhir.resources from Scripts/fhir-venv, or nil with the reason printed.
    static let python: String? = {
        let (status, out, _) = run(repository.appendingPathComponent("Scripts/fhir-venv").path, [])
        guard status == 0 else {
            print("FHIR conformance SKIPPED: Scripts/fhir-venv found no Python with fhir.resources (its reason is on standard error)")
            return nil
        }
        return out.trimmingCharacters(in: .whitespacesAndNewlines)
    }()

    static func run(_ executable: String, _ arguments: [String]) -> (Int32, String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch { return (-1, "", "\(error)") }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }

    @Test(.enabled(if: python != nil, "no Python 3 with fhir.resources: run Scripts/fhir-venv to see why"))
    func aKioskIntakeExportsAsValidFHIR() throws {
        let python = try #require(Self.python)
        let intake = try #require(Self.binary, "the intake binary is built beside the tests")
        let h = try Harness()
        h.type(Harness.wholeIntake)
        let stored = try #require(try h.store.recentIntakes(limit: 1, status: "submitted").first)

        let folder = URL(fileURLWithPath: h.dbPath).deletingLastPathComponent()
        let (status, bundle, errors) = Self.run(intake, ["export", stored.code, "--db", h.dbPath])
        #expect(status == 0, "\(errors)")
        let file = folder.appendingPathComponent("kiosk.bundle.json")
        try Data(bundle.utf8).write(to: file)
        let bulk = folder.appendingPathComponent("bulk")
        #expect(Self.run(intake, ["export", "--since", "2000-01-01", "--ndjson", bulk.path, "--db", h.dbPath]).0 == 0)

        // The kiosk's answers go out with their systems, and the follow-up date with its condition met.
        #expect(bundle.contains(#""linkId": "botox-date""#))
        #expect(bundle.contains(#""status": "completed""#))

        let model = Self.repository.appendingPathComponent("Sources/IntakeModel/Resources")
        let files = [file.path] + ["Patient", "QuestionnaireResponse", "RiskAssessment", "Provenance"]
            .map { bulk.appendingPathComponent("\($0).ndjson").path }
        let (checked, report, trouble) = Self.run(python, [
            Self.tests.appendingPathComponent("FHIRConformance/check.py").path,
            "--questionnaire", model.appendingPathComponent("questionnaire.json").path,
            "--codesystem", model.appendingPathComponent("codesystem.json").path,
        ] + files)
        #expect(checked == 0, "\(report)\(trouble)")
        #expect(report.contains(", 0 problems"), "\(report)")
    }
}
