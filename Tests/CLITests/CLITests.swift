import Foundation
import Testing
import IntakeModel

/// Runs the built `intake` binary, as staff and scripts do.
enum CLI {
    /// `intake` sits beside the test bundle in the build folder.
    static var binary: URL {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("intake")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: ".build/debug/intake")
    }

    static let cases = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("IntakeRulesTests/Cases")

    struct Result { let status: Int32; let stdout: String; let stderr: String }

    static func run(_ arguments: [String], environment: [String: String]? = nil, input: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        if let environment { process.environment = environment }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let stdin = Pipe()
        process.standardInput = stdin
        try process.run()
        // A command that should have ended (a plain kiosk whose input no longer matches its questions
        // waits for SIGTERM by design) is stopped after a minute, so a test fails instead of hanging.
        let watchdog = DispatchWorkItem { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 60, execute: watchdog)
        defer { watchdog.cancel() }
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Writes `text` to a temporary file and returns its path.
    static func file(_ text: String, name: String = "response.json") throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("intake-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }
}

struct AssessCommandTests {
    @Test func assessPrintsTheContractJSON() throws {
        let result = try CLI.run(["assess", CLI.cases.appendingPathComponent("04-botox-ten-days-ago.json").path, "--as-of", "2026-11-22", "--format", "json"])
        #expect(result.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["asOf"] as? String == "2026-11-22")
        let procedures = try #require(json["procedures"] as? [[String: Any]])
        #expect(procedures.map { $0["procedure"] as? String } == ["microneedling", "micro-botox"])
        #expect(procedures.map { $0["until"] as? String } == ["2026-11-26", "2027-02-10"])
        let finding = try #require((procedures[0]["findings"] as? [[String: Any]])?.first)
        #expect(finding["rule"] as? String == "MN-TOXIN-14")
        #expect(finding["verdict"] as? String == "defer")
        #expect(finding["until"] as? String == "2026-11-26")
        #expect((finding["reason"] as? String)?.isEmpty == false)
        #expect(finding["source"] as? String == "[S1], [L] PRAC (convention)")
        #expect(finding["missing"] == nil, "missing is only on GEN-INCOMPLETE")
    }

    @Test func eligibleProceduresCarryANullUntil() throws {
        let result = try CLI.run(["assess", CLI.cases.appendingPathComponent("01-clear-candidate.json").path, "--as-of", "2026-11-22"])
        #expect(result.status == 0)
        #expect(result.stdout.contains(#""until" : null"#))
        #expect(result.stdout.contains(#""verdict" : "eligible""#))
    }

    @Test func textFormatIsForPeople() throws {
        let result = try CLI.run(["assess", CLI.cases.appendingPathComponent("07-pregnant.json").path, "--as-of", "2026-11-22", "--format", "text"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Micro-Botox (intradermal botulinum toxin): DEFER"))
        #expect(result.stdout.contains("GEN-PREGNANCY"))
    }

    @Test func anIncompleteResponseIsAssessedNotRejected() throws {
        let result = try CLI.run(["assess", CLI.cases.appendingPathComponent("10-incomplete.json").path, "--as-of", "2026-11-22"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("GEN-INCOMPLETE"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let procedures = try #require(json["procedures"] as? [[String: Any]])
        for procedure in procedures {
            let findings = try #require(procedure["findings"] as? [[String: Any]])
            let incomplete = try #require(findings.first { $0["rule"] as? String == "GEN-INCOMPLETE" })
            let missing = try #require(incomplete["missing"] as? [String])
            #expect(!missing.isEmpty)
            // In questionnaire order, and every one a linkId of the bundled questionnaire.
            let q = try Questionnaire.bundled()
            #expect(missing == missing.sorted { q.position(of: $0)! < q.position(of: $1)! })
        }
    }

    @Test func aVersionOneResponseIsAssessedWithTheNewQuestionsUnanswered() throws {
        let result = try CLI.run(["assess", CLI.cases.appendingPathComponent("23-v1-clear-candidate.json").path, "--as-of", "2026-11-22"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let procedures = try #require(json["procedures"] as? [[String: Any]])
        let findings = try #require(procedures.first?["findings"] as? [[String: Any]])
        let missing = try #require(findings.first?["missing"] as? [String])
        #expect(missing.contains("treatment-area"))
        #expect(missing.contains("cardiovascular"))
        #expect(!missing.contains("photo-consent"), "optional")
    }

    static let invalid: [(String, String, [String])] = [
        ("malformed JSON", "{\"resourceType\": \"QuestionnaireResponse\",\n \"item\": [", ["malformed JSON", "line 2"]),
        ("unknown linkId", #"{"resourceType":"QuestionnaireResponse","item":[{"linkId":"tattoos","answer":[{"valueBoolean":true}]}]}"#, ["tattoos"]),
        ("wrong type", #"{"resourceType":"QuestionnaireResponse","item":[{"linkId":"vitiligo","answer":[{"valueCoding":{"code":"yes"}}]}]}"#, ["vitiligo", "valueBoolean"]),
        ("unknown option", #"{"resourceType":"QuestionnaireResponse","item":[{"linkId":"skin-type","answer":[{"valueCoding":{"code":"VII"}}]}]}"#, ["VII", "skin-type"]),
        ("bad date", #"{"resourceType":"QuestionnaireResponse","item":[{"linkId":"patient-dob","answer":[{"valueDate":"12/04/1990"}]}]}"#, ["12/04/1990", "patient-dob"]),
        ("future date", #"{"resourceType":"QuestionnaireResponse","item":[{"linkId":"patient-dob","answer":[{"valueDate":"2027-01-01"}]}]}"#, ["2027-01-01", "after the visit date"]),
        ("other questionnaire", #"{"resourceType":"QuestionnaireResponse","questionnaire":"http://example.org/Questionnaire/phq9","item":[]}"#, ["phq9"]),
        ("not a response", #"[1, 2, 3]"#, ["QuestionnaireResponse"]),
        // Version 2's list (spec §3), each through the real binary.
        ("item not an array of objects", #"{"resourceType":"QuestionnaireResponse","item":["acne-active"]}"#, ["item[0]", "object"]),
        ("answer not an array", #"{"resourceType":"QuestionnaireResponse","item":[{"linkId":"vitiligo","answer":true}]}"#, ["vitiligo", "array"]),
        ("answer not an object", #"{"resourceType":"QuestionnaireResponse","item":[{"linkId":"vitiligo","answer":[true]}]}"#, ["vitiligo", "answer[0]"]),
        ("several answers", #"{"resourceType":"QuestionnaireResponse","item":[{"linkId":"skin-type","answer":[{"valueCoding":{"code":"I"}},{"valueCoding":{"code":"II"}}]}]}"#, ["skin-type", "one answer"]),
        ("question twice", #"{"resourceType":"QuestionnaireResponse","item":[{"linkId":"vitiligo","answer":[{"valueBoolean":true}]},{"linkId":"vitiligo","answer":[{"valueBoolean":false}]}]}"#, ["vitiligo", "more than once"]),
        ("foreign coding system", #"{"resourceType":"QuestionnaireResponse","item":[{"linkId":"skin-type","answer":[{"valueCoding":{"system":"http://loinc.org","code":"I"}}]}]}"#, ["skin-type", "http://loinc.org"]),
        ("unknown version", #"{"resourceType":"QuestionnaireResponse","questionnaire":"https://intake.example/fhir/Questionnaire/intake-screening|3.0.0","item":[]}"#, ["questionnaire", "3.0.0"]),
        ("year 0000", #"{"resourceType":"QuestionnaireResponse","item":[{"linkId":"filler-date","answer":[{"valueDate":"0000"}]}]}"#, ["filler-date", "0000"]),
        ("age over 120", #"{"resourceType":"QuestionnaireResponse","item":[{"linkId":"patient-dob","answer":[{"valueDate":"1905-11-22"}]}]}"#, ["patient-dob", "121"]),
        ("partial date of birth", #"{"resourceType":"QuestionnaireResponse","item":[{"linkId":"patient-dob","answer":[{"valueDate":"1990-04"}]}]}"#, ["patient-dob", "full date"]),
    ]

    @Test(arguments: invalid.map(\.0))
    func invalidInputExitsTwoWithOneClearLine(_ kind: String) throws {
        let (_, text, mentions) = try #require(Self.invalid.first { $0.0 == kind })
        let path = try CLI.file(text)
        for command in ["assess", "summary"] {
            let result = try CLI.run([command, path, "--as-of", "2026-11-22"])
            #expect(result.status == 2, "\(command) \(kind)")
            #expect(result.stdout.isEmpty)
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(result.stderr)")
            #expect(result.stderr.contains(path), "names the file")
            for mention in mentions { #expect(result.stderr.contains(mention), "\(kind): \(result.stderr)") }
        }
    }

    @Test func aMissingFileOrBadVisitDateIsNamed() throws {
        let missing = try CLI.run(["assess", "/nonexistent/r.json"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("/nonexistent/r.json"))
        let badDate = try CLI.run(["assess", CLI.cases.appendingPathComponent("01-clear-candidate.json").path, "--as-of", "22/11/2026"])
        #expect(badDate.status == 2)
        #expect(badDate.stderr.contains("--as-of"))
    }
}

struct SummaryAndQuestionnaireCommandTests {
    @Test func summaryIsPlainTextInTheLanguageAsked() throws {
        let en = try CLI.run(["summary", CLI.cases.appendingPathComponent("03-keloid-tendency.json").path, "--as-of", "2026-11-22"])
        #expect(en.status == 0)
        #expect(en.stdout.contains("Microneedling (collagen induction): CONTRAINDICATED"))
        let ar = try CLI.run(["summary", CLI.cases.appendingPathComponent("03-keloid-tendency.json").path, "--as-of", "2026-11-22", "--lang", "ar"])
        #expect(ar.status == 0)
        #expect(ar.stdout.contains("الوخز بالإبر الدقيقة: مانع للاستعمال"))
    }

    /// Issue 11: `questionnaire check` also checks what other systems rely on.
    @Test func questionnaireCheckNamesMissingStandardExtensions() throws {
        let old = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("IntakeModelTests/Fixtures-questionnaire-1.0.0.json").path
        let result = try CLI.run(["questionnaire", "check", old])
        #expect(result.status == 2)
        #expect(result.stderr.contains("meta.profile: declare the SDC questionnaire profile"), "\(result.stderr)")
        #expect(result.stderr.contains("item procedures: needs the questionnaire-itemControl extension with code check-box"))
        #expect(result.stderr.contains("item chemotherapy-end-date: needs the entryFormat extension"))
    }

    @Test func questionnairePrintsTheBundledFHIRResource() throws {
        let result = try CLI.run(["questionnaire"])
        #expect(result.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["resourceType"] as? String == "Questionnaire")
    }

    @Test func questionnaireCheckPassesTheBundledFileAndNamesProblems() throws {
        let good = try CLI.file(try #require(try CLI.run(["questionnaire"]).stdout), name: "q.json")
        let ok = try CLI.run(["questionnaire", "check", good])
        #expect(ok.status == 0)
        #expect(ok.stdout.contains("OK"))
        let broken = try CLI.file(try String(contentsOfFile: good, encoding: .utf8)
            .replacingOccurrences(of: #""linkId": "patient-phone""#, with: #""linkId": "patient-name""#), name: "q.json")
        let bad = try CLI.run(["questionnaire", "check", broken])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains(broken))
        #expect(bad.stderr.contains("\"patient-name\" is used more than once"))
    }

    @Test func helpExplainsEachCommand() throws {
        let help = try CLI.run(["--help"])
        #expect(help.status == 0)
        for command in ["kiosk", "assess", "summary", "questionnaire"] { #expect(help.stdout.contains(command)) }
        let assess = try CLI.run(["assess", "--help"])
        #expect(assess.stdout.contains("--as-of"))
        #expect(assess.stdout.contains("Exit status"))
    }
}
