import Foundation
import Testing
import TestSupport
import IntakeStorage
import Kiosk

/// Staff accounts, printing, summaries of stored intakes and the audit log, through the real binary.
struct StaffCommandTests {
    /// A database holding one intake entered through the plain kiosk, as a patient would.
    static func databaseWithAnIntake() throws -> (db: String, code: String) {
        let db = FileManager.default.temporaryDirectory.appendingPathComponent("intake-cli-\(UUID().uuidString)/i.sqlite").path
        // Questionnaire 2.0.0: area face; no to everything; medicines empty; no allergies;
        // Enter for the off-label notice, photographs skipped, review, attest.
        let answers = ["1", "Rami Aziz", "1985-07-30", "", "1 2", "1", "", "3", "",
                       "2", "2", "2", "2", "1", "1", "1", "2", "2", "2", "2",
                       "1", "2", "1", "1", "1", "2", "2", "2", "2",
                       "1", "2", "2", "2", "1", "2", "2", "2", "2", "", "8",
                       "", "", "", "1",
                       // Staff close the kiosk: the command, then the PIN (none is set: --allow-no-pin).
                       PlainKiosk.staffCommand, ""]
        let result = try CLI.run(["kiosk", "--plain", "--allow-no-pin", "--db", db, "--name", "cli-test"], input: answers.joined(separator: "\n") + "\n")
        let code = try #require(result.stdout.split(separator: "\n").last { $0.contains("code to reception") }
            .flatMap { $0.split(separator: " ").last.map(String.init) }, "no code in: \(result.stdout.suffix(400))")
        return (db, code)
    }

    @Test func usersAreCreatedListedDisabledAndChecked() throws {
        let db = FileManager.default.temporaryDirectory.appendingPathComponent("intake-cli-\(UUID().uuidString)/i.sqlite").path
        let add = try CLI.run(["user", "add", "Salma", "--role", "practitioner", "--db", db], input: "long-enough\nlong-enough\n")
        #expect(add.status == 0)
        let short = try CLI.run(["user", "add", "Omar", "--role", "reception", "--db", db], input: "short\nshort\n")
        #expect(short.status == 2)
        #expect(short.stderr.contains("at least"))
        let mismatch = try CLI.run(["user", "add", "Omar", "--role", "reception", "--db", db], input: "long-enough\nother-one\n")
        #expect(mismatch.stderr.contains("differ"))
        let duplicate = try CLI.run(["user", "add", "salma", "--role", "admin", "--db", db], input: "long-enough\nlong-enough\n")
        #expect(duplicate.status == 2)
        #expect(try CLI.run(["user", "disable", "Salma", "--db", db]).status == 0)
        let list = try CLI.run(["user", "list", "--db", db])
        #expect(list.stdout.contains("Salma") && list.stdout.contains("practitioner") && list.stdout.contains("disabled"))
        let store = try IntakeStore(path: db)
        #expect(!(try String(contentsOfFile: db, encoding: .isoLatin1).contains("long-enough")), "no password in clear")
        // Refused like a wrong password: the answer does not confirm the password.
        #expect(throws: SignInError.wrongNameOrPassword(retryAfter: 1)) { _ = try store.signIn(name: "Salma", password: "long-enough") }
    }

    @Test func accountsAreEnabledGivenRolesAndSignatureDetailsAllAudited() throws {
        let db = FileManager.default.temporaryDirectory.appendingPathComponent("intake-cli-\(UUID().uuidString)/i.sqlite").path
        #expect(try CLI.run(["user", "add", "Rana", "--role", "reception", "--full-name", "Dr Rana Haddad", "--db", db],
                            input: "long-enough\nlong-enough\n").status == 0)
        #expect(try CLI.run(["user", "disable", "Rana", "--db", db]).stdout == "Account Rana disabled.\n")
        #expect(try CLI.run(["user", "enable", "Rana", "--db", db]).stdout == "Account Rana enabled.\n")
        #expect(try CLI.run(["user", "role", "Rana", "practitioner", "--db", db]).stdout == "Account Rana is now practitioner.\n")
        #expect(try CLI.run(["user", "profile", "Rana", "--credential", "MBBS, dermatologist", "--db", db]).status == 0)
        let escape = try CLI.run(["user", "profile", "Rana", "--full-name", "Dr \u{1B}[31mRed", "--db", db])
        #expect(escape.status == 2)
        #expect(escape.stderr.contains("--full-name can only hold visible characters"))
        let nothing = try CLI.run(["user", "profile", "Rana", "--db", db])
        #expect(nothing.status == 2 && nothing.stderr.contains("give --full-name, --credential or both"))
        let list = try CLI.run(["user", "list", "--db", db])
        #expect(list.stdout.contains("practitioner") && list.stdout.contains("active") && list.stdout.contains("Dr Rana Haddad, MBBS, dermatologist"))
        let actions = try IntakeStore(path: db).auditEntries(limit: 10).reversed().map(\.actionName)
        #expect(actions == ["userAdded", "profileChanged", "userDisabled", "userEnabled", "roleChanged", "profileChanged"])
        let verify = try CLI.run(["audit", "verify", "--db", db])
        #expect(verify.status == 0, "\(verify.stderr)")
    }

    @Test func printSummaryAndAuditOfAStoredSignedIntake() throws {
        let (db, code) = try Self.databaseWithAnIntake()
        _ = try CLI.run(["user", "add", "Salma", "--role", "practitioner", "--db", db], input: "long-enough\nlong-enough\n")
        let store = try IntakeStore(path: db)
        let intake = try #require(try store.intake(code: code))
        let salma = try store.signIn(name: "Salma", password: "long-enough")
        try store.sign(intakeID: intake.id, decisions: [
            .init(procedure: .microneedling, decision: .proceed),
            .init(procedure: .microBotox, decision: .defer, reason: "Patient prefers to wait"),
        ], note: "Recheck in 3 months.", user: salma, password: "long-enough")

        let summary = try CLI.run(["summary", code, "--db", db])
        #expect(summary.status == 0)
        #expect(summary.stdout.contains("Patient: Rami Aziz"))
        #expect(summary.stdout.contains("Micro-Botox (intradermal botulinum toxin): DEFER (Patient prefers to wait)"))
        #expect(summary.stdout.contains("Name: Salma  Signed electronically."))

        // Printing through a stand-in lp on PATH that records what it was given.
        let lpDir = FileManager.default.temporaryDirectory.appendingPathComponent("fake-lp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: lpDir, withIntermediateDirectories: true)
        let bin = lpDir.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let fake = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Scripts/fake-lp").path
        try FileManager.default.createSymbolicLink(atPath: bin.appendingPathComponent("lp").path, withDestinationPath: fake)
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = bin.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        environment["FAKE_LP_DIR"] = lpDir.path
        let printed = try CLI.run(["print", code, "--printer", "front-desk", "--db", db], environment: environment)
        #expect(printed.status == 0)
        #expect(printed.stdout.contains("Sent to printer front-desk"))
        // lp gets the PDF; read back as text it has the patient and the signature.
        let stdin = lpDir.appendingPathComponent("stdin").path
        #expect(FileManager.default.contents(atPath: stdin)?.starts(with: Array("%PDF-".utf8)) == true)
        let received = pdfText(stdin)
        #expect(received.contains("Patient: Rami Aziz") && received.contains("Signed electronically."))
        #expect(try String(contentsOfFile: lpDir.appendingPathComponent("args").path, encoding: .utf8)
            .contains("document-format=application/pdf"))

        // Without lp the summary is saved to a private file, and the screen says where.
        environment["PATH"] = "/nonexistent"
        environment["XDG_DATA_HOME"] = lpDir.appendingPathComponent("data").path
        let saved = try CLI.run(["print", code, "--db", db], environment: environment)
        #expect(saved.status == 0)
        #expect(saved.stdout.contains("saved to \(lpDir.path)/data/intake/printouts/"))
        #expect(saved.stdout.contains(".pdf"), "the fallback file is the PDF")

        // The same summary as a PDF file, on the paper asked for.
        let pdf = lpDir.appendingPathComponent("summary.pdf").path
        let written = try CLI.run(["summary", code, "--db", db, "--format", "pdf", "-o", pdf, "--paper", "letter", "--lang", "ar"])
        #expect(written.status == 0)
        #expect(FileManager.default.contents(atPath: pdf)?.starts(with: Array("%PDF-".utf8)) == true)
        #expect((try FileManager.default.attributesOfItem(atPath: pdf)[.posixPermissions] as? Int) == 0o600)
        let noFile = try CLI.run(["summary", code, "--db", db, "--format", "pdf"])
        #expect(noFile.status != 0 && noFile.stderr.contains("-o FILE"))

        let audit = try CLI.run(["audit", "--db", db])
        #expect(audit.stdout.contains("signIn"))
        #expect(audit.stdout.contains("signature"))
        #expect(audit.stdout.split(separator: "\n").filter { $0.contains("print") && $0.contains(code) }.count == 2)
        let verify = try CLI.run(["audit", "verify", "--db", db])
        #expect(verify.status == 0)
        #expect(verify.stdout.contains("Audit log intact"))
    }

    @Test func anUnknownCodeIsNamed() throws {
        let (db, _) = try Self.databaseWithAnIntake()
        let result = try CLI.run(["print", "ZZZ-ZZZ", "--db", db])
        #expect(result.status == 2)
        #expect(result.stderr.contains("no intake has the code \"ZZZ-ZZZ\""))
    }

}
