import Foundation
import Testing
import IntakeModel
import IntakeStorage

/// `intake export` and `intake import` through the real binary.
enum Exchange {
    static let visit = "2026-11-22"
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static let checker = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("FHIRConformance/check.py")
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func folder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("intake-fhir-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static var caseNames: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: CLI.cases.path)) ?? [])
            .filter { $0.hasSuffix(".json") && !$0.hasSuffix(".expected.json") }
            .map { String($0.dropLast(5)) }.sorted()
    }

    /// Imports a file and returns the new intake code.
    static func importFile(_ path: String, db: String) throws -> String {
        let result = try CLI.run(["import", path, "--as-of", visit, "--db", db])
        #expect(result.status == 0, "import \(path): \(result.stderr)")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func importCase(_ name: String, db: String) throws -> String {
        try importFile(CLI.cases.appendingPathComponent("\(name).json").path, db: db)
    }

    static func export(_ arguments: [String], db: String) throws -> String {
        let result = try CLI.run(["export"] + arguments + ["--db", db])
        #expect(result.status == 0, "export \(arguments): \(result.stderr)")
        return result.stdout
    }

    /// Ids aside: the intake code becomes CODE, each urn:uuid its order of first appearance and,
    /// with `times`, every instant TIME.
    static func normalized(_ text: String, code: String, times: Bool = true) -> String {
        var out = text.replacingOccurrences(of: code, with: "CODE")
        var seen: [String: String] = [:]
        let uuid = try! NSRegularExpression(pattern: "urn:uuid:[0-9a-f-]{36}")
        for match in uuid.matches(in: out, range: NSRange(out.startIndex..., in: out)).map({ String(out[Range($0.range, in: out)!]) }) {
            if seen[match] == nil { seen[match] = "urn:uuid:\(seen.count + 1)" }
        }
        for (from, to) in seen { out = out.replacingOccurrences(of: from, with: to) }
        if times {
            out = out.replacingOccurrences(of: #"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"#, with: "TIME", options: .regularExpression)
        }
        return out
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    static func resources(_ bundle: [String: Any]) -> [[String: Any]] {
        (bundle["entry"] as? [[String: Any]] ?? []).compactMap { $0["resource"] as? [String: Any] }
    }

    static func store(_ db: String) throws -> IntakeStore {
        try IntakeStore(path: db, pinHasher: SecretHasher(rounds: 16, blockSize: 1, parallelism: 1))
    }

    /// A Python with fhir.resources from Scripts/fhir-venv, or nil with the reason printed.
    static let python: String? = {
        let process = Process()
        process.executableURL = repository.appendingPathComponent("Scripts/fhir-venv")
        let out = Pipe()
        process.standardOutput = out
        do { try process.run() } catch {
            print("FHIR conformance SKIPPED: cannot run Scripts/fhir-venv (\(error))")
            return nil
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            print("FHIR conformance SKIPPED: Scripts/fhir-venv found no Python with fhir.resources (its reason is on standard error)")
            return nil
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }()

    /// Runs the independent checker over `files`: its exit status and output.
    static func check(_ files: [String], python: String) throws -> CLI.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        let model = repository.appendingPathComponent("Sources/IntakeModel/Resources")
        process.arguments = [checker.path, "--questionnaire", model.appendingPathComponent("questionnaire.json").path,
                             "--codesystem", model.appendingPathComponent("codesystem.json").path] + files
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLI.Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                          stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Signs every procedure of the intake as `proceed` (with a reason where the rules disagree).
    static func sign(code: String, db: String) throws {
        let store = try store(db)
        let users = try store.users()
        let user = try users.first { $0.name == "Dr Haddad" }
            ?? store.addUser(name: "Dr Haddad", role: .practitioner, password: "correct horse battery")
        let intake = try #require(try store.intake(code: code))
        let decisions = (intake.procedures ?? []).map {
            ProcedureDecision(procedure: $0, decision: .proceed, reason: "seen in person")
        }
        try store.sign(intakeID: intake.id, decisions: decisions, user: user, password: "correct horse battery")
    }
}

@Suite(.serialized) struct FHIRExchangeTests {
    static let goldenCases = ["01-clear-candidate", "04-botox-ten-days-ago", "10-incomplete", "23-v1-clear-candidate"]

    @Test(arguments: goldenCases)
    func exportMatchesItsGoldenFile(_ name: String) throws {
        let db = try Exchange.folder().appendingPathComponent("intake.sqlite").path
        let code = try Exchange.importCase(name, db: db)
        let text = Exchange.normalized(try Exchange.export([code], db: db), code: code)
        let file = Exchange.golden.appendingPathComponent("\(name).bundle.json")
        if ProcessInfo.processInfo.environment["INTAKE_RECORD_GOLDEN"] == "1" || !FileManager.default.fileExists(atPath: file.path) {
            try FileManager.default.createDirectory(at: Exchange.golden, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file)
            Issue.record("recorded \(file.lastPathComponent); run again to compare")
            return
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        #expect(text == expected, "export of \(name) differs from Golden/\(name).bundle.json (INTAKE_RECORD_GOLDEN=1 re-records)")
    }

    @Test func theSameIntakeExportsTheSameBytesAndIdsComeFromTheCode() throws {
        let db = try Exchange.folder().appendingPathComponent("intake.sqlite").path
        let code = try Exchange.importCase("04-botox-ten-days-ago", db: db)
        let first = try Exchange.export([code], db: db)
        #expect(first == (try Exchange.export([code], db: db)))
        let bundle = try Exchange.json(first)
        #expect(bundle["type"] as? String == "collection")
        let resources = Exchange.resources(bundle)
        #expect(resources.map { $0["resourceType"] as? String } == ["Patient", "QuestionnaireResponse", "RiskAssessment", "RiskAssessment"])
        #expect(resources.map { $0["id"] as? String } == ["\(code)-patient", "\(code)-response", "\(code)-risk-microneedling", "\(code)-risk-micro-botox"])
        for entry in bundle["entry"] as? [[String: Any]] ?? [] {
            #expect((entry["fullUrl"] as? String)?.hasPrefix("urn:uuid:") == true)
            #expect(entry["request"] == nil, "a collection has no requests")
        }
        let patient = resources[0]
        #expect((patient["name"] as? [[String: Any]])?.first?["text"] as? String == "Layla Haddad")
        #expect(patient["birthDate"] as? String == "1990-04-12")
        #expect((patient["telecom"] as? [[String: Any]])?.first?["value"] as? String == "+962 79 555 0142")
        let response = resources[1]
        let patientURL = (bundle["entry"] as? [[String: Any]])?.first?["fullUrl"] as? String
        #expect((response["subject"] as? [String: Any])?["reference"] as? String == patientURL)
        #expect((response["source"] as? [String: Any])?["reference"] as? String == patientURL)
        #expect(response["status"] as? String == "completed")
        #expect(response["authored"] != nil)
        let risk = resources[2]
        #expect(risk["status"] as? String == "final")
        let prediction = try #require((risk["prediction"] as? [[String: Any]])?.first)
        let qualitative = try #require(prediction["qualitativeRisk"] as? [String: Any])
        #expect(qualitative["text"] as? String == "defer until 2026-11-26")
        #expect(((qualitative["coding"] as? [[String: Any]])?.first?["code"] as? String) == "high")
        #expect(((risk["note"] as? [[String: Any]])?.first?["text"] as? String)?.hasPrefix("MN-TOXIN-14 (defer until 2026-11-26): ") == true)
        let responseURL = (bundle["entry"] as? [[String: Any]])?[1]["fullUrl"] as? String
        #expect(((risk["basis"] as? [[String: Any]])?.first?["reference"] as? String) == responseURL)

        let transaction = try Exchange.json(try Exchange.export([code, "--transaction"], db: db))
        #expect(transaction["type"] as? String == "transaction")
        for entry in transaction["entry"] as? [[String: Any]] ?? [] {
            let request = try #require(entry["request"] as? [String: Any])
            #expect(request["method"] as? String == "POST")
            #expect(request["url"] as? String == (entry["resource"] as? [String: Any])?["resourceType"] as? String)
        }
    }

    @Test func aSignedIntakeHasAProvenancePerDecisionSigningTheResponseHash() throws {
        let folder = try Exchange.folder()
        let db = folder.appendingPathComponent("intake.sqlite").path
        let signed = try Exchange.importCase("04-botox-ten-days-ago", db: db)
        let unsigned = try Exchange.importCase("01-clear-candidate", db: db)
        try Exchange.sign(code: signed, db: db)

        let bundle = try Exchange.json(try Exchange.export([signed], db: db))
        let provenances = Exchange.resources(bundle).filter { $0["resourceType"] as? String == "Provenance" }
        #expect(provenances.count == 2, "one per signed decision")
        let provenance = try #require(provenances.first)
        #expect((provenance["target"] as? [Any])?.count == 3, "the response and both assessments")
        let who = (provenance["agent"] as? [[String: Any]])?.first?["who"] as? [String: Any]
        #expect(who?["display"] as? String == "Dr Haddad")
        let signature = try #require((provenance["signature"] as? [[String: Any]])?.first)
        #expect(((signature["type"] as? [[String: Any]])?.first?["code"] as? String) == "1.2.840.10065.1.12.1.1")
        #expect(signature["when"] as? String == provenance["recorded"] as? String)

        // The signed hash is SHA-256 of the response as canonical JSON (sorted keys, Type/id references).
        let ndjson = folder.appendingPathComponent("bulk")
        _ = try Exchange.export(["--since", "2000-01-01", "--ndjson", ndjson.path], db: db)
        let lines = try String(contentsOf: ndjson.appendingPathComponent("QuestionnaireResponse.ndjson"), encoding: .utf8)
            .split(separator: "\n")
        let response = try #require(lines.first { $0.contains("\"\(signed)-response\"") })
        #expect(response.hasPrefix(#"{"resourceType":"QuestionnaireResponse","#), "resourceType first")
        let canonical = try JSONValue.parse(Array(response.utf8)).serialized()
        let hash = Data(IntakeStore.sha256(Array(canonical.utf8))).base64EncodedString()
        #expect(signature["data"] as? String == hash)
        let bulkProvenance = try String(contentsOf: ndjson.appendingPathComponent("Provenance.ndjson"), encoding: .utf8)
        #expect(bulkProvenance.contains("\"reference\":\"QuestionnaireResponse/\(signed)-response\""))
        #expect(bulkProvenance.split(separator: "\n").count == 2)
        for type in ["Patient", "QuestionnaireResponse"] {
            let count = try String(contentsOf: ndjson.appendingPathComponent("\(type).ndjson"), encoding: .utf8)
                .split(separator: "\n").count
            #expect(count == 2, "\(type)")
        }

        let onlySigned = try Exchange.export(["--since", "2000-01-01", "--status", "signed"], db: db)
        #expect(onlySigned.split(separator: "\n").count == 1)
        #expect(onlySigned.contains(signed) && !onlySigned.contains(unsigned))
        let onlyUnsigned = try Exchange.export(["--since", "2000-01-01", "--status", "submitted"], db: db)
        #expect(onlyUnsigned.contains(unsigned) && !onlyUnsigned.contains(signed))
        let none = try Exchange.export(["--since", "2000-01-01", "--until", "2000-01-02"], db: db)
        #expect(none.isEmpty)
    }

    @Test func exportImportExportGivesTheSameResourcesIdsAside() throws {
        let folder = try Exchange.folder()
        let first = folder.appendingPathComponent("first.sqlite").path
        let second = folder.appendingPathComponent("second.sqlite").path
        var codes: [String] = []
        for name in Exchange.caseNames { codes.append(try Exchange.importCase(name, db: first)) }
        let bundles = try Exchange.export(["--since", "2000-01-01"], db: first).split(separator: "\n")
        #expect(bundles.count == codes.count)
        for (n, line) in bundles.enumerated() {
            let bundle = try Exchange.json(String(line))
            let code = try #require((Exchange.resources(bundle).first?["identifier"] as? [[String: Any]])?.first?["value"] as? String)
            // Half go back as collections, half as transactions.
            let text = n % 2 == 0 ? String(line) : try Exchange.export([code, "--transaction"], db: first)
            let file = folder.appendingPathComponent("bundle-\(n).json")
            try Data(text.utf8).write(to: file)
            let again = try Exchange.importFile(file.path, db: second)
            var before = try Exchange.json(Exchange.normalized(String(line), code: code, times: false))
            var after = try Exchange.json(Exchange.normalized(try Exchange.export([again], db: second), code: again, times: false))
            // When each database received it is not part of the intake.
            before["timestamp"] = nil
            after["timestamp"] = nil
            #expect(NSDictionary(dictionary: before) == NSDictionary(dictionary: after), "round trip of \(code) → \(again)")
        }
    }

    @Test func anImportedResponseKeepsItsSourceAndJoinsTheReviewQueue() throws {
        let folder = try Exchange.folder()
        let db = folder.appendingPathComponent("intake.sqlite").path
        var response = try Exchange.json(try String(contentsOf: CLI.cases.appendingPathComponent("04-botox-ten-days-ago.json"), encoding: .utf8))
        response["source"] = ["display": "Clinic web form"]
        response["authored"] = "2026-11-20T09:30:00Z"
        let file = folder.appendingPathComponent("web.json")
        try JSONSerialization.data(withJSONObject: response).write(to: file)
        let code = try Exchange.importFile(file.path, db: db)

        let store = try Exchange.store(db)
        let queue = try store.queue()
        #expect(queue.map(\.code) == [code])
        #expect(queue.first?.verdicts == [.microneedling: .defer, .microBotox: .defer])
        let intake = try #require(try store.intake(code: code))
        #expect(intake.kiosk == "import: Clinic web form")
        let logged = try #require(try store.auditEntries(limit: 10).first { $0.action == .intakeImported })
        #expect(logged.intakeCode == code && logged.detail.contains("Clinic web form"))
        #expect(try store.verifyAuditChain() == .ok(count: try store.auditEntries(limit: 100).count))

        let exported = Exchange.resources(try Exchange.json(try Exchange.export([code], db: db)))
        let qr = try #require(exported.first { $0["resourceType"] as? String == "QuestionnaireResponse" })
        #expect((qr["source"] as? [String: Any])?["display"] as? String == "Clinic web form")
        #expect(qr["authored"] as? String == "2026-11-20T09:30:00Z")
    }

    @Test(arguments: AssessCommandTests.invalid.map(\.0) + ["bundle without a response", "over 1 MB"])
    func importRefusesAnInvalidFileWholeAndStoresNothing(_ kind: String) throws {
        let folder = try Exchange.folder()
        let db = folder.appendingPathComponent("intake.sqlite").path
        let text: String
        var mentions: [String]
        switch kind {
        case "bundle without a response":
            text = #"{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient"}}]}"#
            mentions = ["QuestionnaireResponse"]
        case "over 1 MB":
            text = #"{"resourceType":"QuestionnaireResponse","item":[],"x":""# + String(repeating: "a", count: 1 << 20) + "\"}"
            mentions = ["1 MB"]
        default:
            let invalid = try #require(AssessCommandTests.invalid.first { $0.0 == kind })
            text = invalid.1
            mentions = invalid.2
        }
        let path = try CLI.file(text)
        var runs = [try CLI.run(["import", path, "--as-of", Exchange.visit, "--db", db])]
        // The same response inside a Bundle is refused the same way.
        if !["malformed JSON", "not a response", "bundle without a response", "over 1 MB"].contains(kind) {
            let bundled = #"{"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"urn:uuid:1","resource":"# + text + "}]}"
            runs.append(try CLI.run(["import", try CLI.file(bundled), "--as-of", Exchange.visit, "--db", db]))
        }
        for result in runs {
            #expect(result.status == 2, "\(kind): \(result.stderr)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
            for mention in mentions { #expect(result.stderr.contains(mention), "\(kind): \(result.stderr)") }
        }
        if FileManager.default.fileExists(atPath: db) {
            let store = try Exchange.store(db)
            #expect(try store.recentIntakes(limit: 10, status: nil).isEmpty, "nothing stored for \(kind)")
        }
    }

    @Test func exportAsksForACodeOrADateAndNamesAnUnknownCode() throws {
        let db = try Exchange.folder().appendingPathComponent("intake.sqlite").path
        #expect(try CLI.run(["export", "--db", db]).status != 0)
        #expect(try CLI.run(["export", "--since", "yesterday", "--db", db]).status != 0)
        #expect(try CLI.run(["export", "--since", "2026-01-01", "--status", "done", "--db", db]).status != 0)
        let badDate = try CLI.run(["import", CLI.cases.appendingPathComponent("01-clear-candidate.json").path, "--as-of", "22/11/2026", "--db", db])
        #expect(badDate.status == 2)
        #expect(badDate.stderr.contains("22/11/2026"))
        let unknown = try CLI.run(["export", "ZZZ-ZZZ", "--db", db])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("ZZZ-ZZZ"))
    }
}

/// The independent validator (Python's fhir.resources and Tests/FHIRConformance/check.py) over
/// the exports of every public case. Skipped, visibly, when no such Python can be had.
@Suite(.serialized) struct FHIRConformanceTests {
    @Test(.enabled(if: Exchange.python != nil, "no Python 3 with fhir.resources: run Scripts/fhir-venv to see why"))
    func everyCaseExportValidatesWithZeroErrors() throws {
        let python = try #require(Exchange.python)
        let folder = try Exchange.folder()
        let db = folder.appendingPathComponent("intake.sqlite").path
        var files: [String] = []
        for (n, name) in Exchange.caseNames.enumerated() {
            let code = try Exchange.importCase(name, db: db)
            if n % 3 == 0 { try Exchange.sign(code: code, db: db) }
            for transaction in [false, true] {
                let file = folder.appendingPathComponent("\(name)\(transaction ? ".transaction" : "").json")
                try Data(try Exchange.export([code] + (transaction ? ["--transaction"] : []), db: db).utf8).write(to: file)
                files.append(file.path)
            }
        }
        let bulk = folder.appendingPathComponent("bulk")
        _ = try Exchange.export(["--since", "2000-01-01", "--ndjson", bulk.path], db: db)
        for type in ["Patient", "QuestionnaireResponse", "RiskAssessment", "Provenance"] {
            files.append(bulk.appendingPathComponent("\(type).ndjson").path)
        }
        let result = try Exchange.check(files, python: python)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains(", 0 problems"), "\(result.stdout)")
    }

    @Test(.enabled(if: Exchange.python != nil, "no Python 3 with fhir.resources: run Scripts/fhir-venv to see why"))
    func theCheckerCatchesWhatTheHL7RulesForbid() throws {
        let python = try #require(Exchange.python)
        let folder = try Exchange.folder()
        let db = folder.appendingPathComponent("intake.sqlite").path
        let code = try Exchange.importCase("04-botox-ten-days-ago", db: db)
        let good = try Exchange.export([code], db: db)
        let system = "https://intake.example/fhir/CodeSystem/intake-screening"
        // Each mutation is made on the parsed Bundle, not the text, so it cannot miss.
        func mutated(_ change: (inout [String: Any]) -> Void) throws -> String {
            var bundle = try Exchange.json(good)
            var entries = bundle["entry"] as! [[String: Any]]
            var qr = entries[1]["resource"] as! [String: Any]
            change(&qr)
            entries[1]["resource"] = qr
            bundle["entry"] = entries
            let file = folder.appendingPathComponent("\(UUID().uuidString).json")
            try JSONSerialization.data(withJSONObject: bundle).write(to: file)
            return file.path
        }
        func editItem(_ qr: inout [String: Any], _ linkId: String, _ edit: (inout [String: Any]) -> Void) {
            var groups = qr["item"] as! [[String: Any]]
            for g in groups.indices {
                var items = groups[g]["item"] as! [[String: Any]]
                for i in items.indices where items[i]["linkId"] as? String == linkId { edit(&items[i]) }
                groups[g]["item"] = items
            }
            qr["item"] = groups
        }
        let cases: [(String, (inout [String: Any]) -> Void, String)] = [
            ("coding without system", { qr in editItem(&qr, "skin-type") { $0["answer"] = [["valueCoding": ["code": "II"]]] } }, "not among the options"),
            ("answer to a disabled item", { qr in
                editItem(&qr, "botox-history") { $0["answer"] = [["valueCoding": ["system": system, "code": "no"]]] } }, "not enabled"),
            ("required item missing", { qr in editItem(&qr, "vitiligo") { $0["answer"] = nil } }, "required item vitiligo"),
            ("wrong type", { qr in editItem(&qr, "vitiligo") { $0["answer"] = [["valueString": "no"]] } }, "needs valueBoolean"),
            ("unknown linkId", { qr in editItem(&qr, "vitiligo") { $0["linkId"] = "tattoos" } }, "not in the Questionnaire"),
            ("status outside its value set", { qr in qr["status"] = "finished" }, "status \"finished\""),
            ("not R4 (a reference as text)", { qr in qr["subject"] = "Patient/1" }, "does not parse"),
        ]
        #expect(try Exchange.check([try mutated { _ in }], python: python).status == 0)
        for (name, change, mention) in cases {
            let result = try Exchange.check([try mutated(change)], python: python)
            #expect(result.status == 1, "\(name): \(result.stdout)")
            #expect(result.stdout.contains(mention), "\(name): \(result.stdout)")
        }
    }
}
