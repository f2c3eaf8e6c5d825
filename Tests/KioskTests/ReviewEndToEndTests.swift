import Foundation
import Testing
import TestSupport
import IntakeStorage
import Kiosk

/// The real `intake review` in tmux: sign in, find an intake by code, sign, print, idle out, lock out.
@Suite(.serialized, .enabled(if: Tmux.available))
struct ReviewEndToEndTests {
    /// A database with one intake entered through the plain kiosk and a practitioner account.
    static func prepare(_ t: Tmux) throws -> String {
        // Questionnaire 2.0.0: area face; no to everything; medicines empty; no allergies;
        // Enter for the off-label notice, photographs skipped, review, attest.
        let answers = ["1", "Rami Aziz", "1985-07-30", "", "1 2", "1", "", "5", "",
                       "2", "2", "2", "2", "1", "1", "1", "2", "2", "2", "2",
                       "1", "2", "1", "1", "1", "2", "2", "2", "2",
                       "1", "2", "2", "2", "1", "2", "2", "2", "2", "", "8",
                       "", "", "", "1",
                       // Staff close the kiosk: the command, then the PIN (none is set: --allow-no-pin).
                       PlainKiosk.staffCommand, ""]
        let output = try t.run(["kiosk", "--plain", "--allow-no-pin", "--db", t.db, "--name", "e2e"], input: answers.joined(separator: "\n") + "\n")
        try t.run(["user", "add", "salma", "--role", "practitioner", "--db", t.db], input: "long-enough\nlong-enough\n")
        let line = try #require(output.split(separator: "\n").last { $0.contains("code to reception") })
        return String(try #require(line.split(separator: " ").last))
    }

    @Test func signInFindSignPrintAndIdleOut() throws {
        let t = try Tmux()
        defer { t.close() }
        let code = try Self.prepare(t)
        let lp = t.folder.appendingPathComponent("lp")
        try FileManager.default.createDirectory(at: lp.appendingPathComponent("bin"), withIntermediateDirectories: true)
        let fake = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Scripts/fake-lp").path
        try FileManager.default.createSymbolicLink(atPath: lp.appendingPathComponent("bin/lp").path, withDestinationPath: fake)
        try t.start(["review", "--db", t.db, "--idle-seconds", "4"],
                    exports: "PATH='\(lp.path)/bin':\"$PATH\" FAKE_LP_DIR='\(lp.path)'", columns: 100, rows: 30)
        try t.waitFor("Practitioner sign-in")
        t.type("salma"); t.send(["Tab"]); t.type("not-this-one"); t.send(["Enter"])
        try t.waitFor("Wrong name or password")
        usleep(1_200_000)                                     // the slow-down after one wrong password
        t.send(["C-u"]); t.type("long-enough"); t.send(["Enter"])
        try t.waitFor("Signed in: salma")
        t.send(["/"]); t.type(code.replacingOccurrences(of: "-", with: "").lowercased()); t.send(["Enter"])
        try t.waitFor(code)
        t.send(["Enter"])
        try t.waitFor("VERDICTS")
        try t.waitFor("MN-PIH")
        t.send(["d"])
        try t.waitFor("Decision for Rami Aziz")
        t.send(["Tab"]); t.send(["Tab"]); t.type("Discussed the risks."); t.send(["Tab"])
        t.type("long-enough"); t.send(["Enter"])
        try t.waitFor("Signed decisions")
        t.send(["p"])
        try t.waitFor("Sent to")
        // The station prints the PDF: read it back as text.
        let stdin = lp.appendingPathComponent("stdin")
        #expect(FileManager.default.contents(atPath: stdin.path)?.starts(with: Array("%PDF-".utf8)) == true)
        let printed = pdfText(stdin.path)
        #expect(printed.contains("Patient: Rami Aziz") && printed.contains("Signed by: salma · Signed electronically."))
        // Idle: signed out at once, the patient's data gone from the screen.
        try t.waitFor("Practitioner sign-in", timeout: 8)
        #expect(!(try t.capture().contains("Rami")))

        let store = try IntakeStore(path: t.db)
        let actions = try store.auditEntries(limit: 50).map(\.actionName)
        for action in ["signInFailed", "signIn", "intakeOpened", "signature", "print", "signOut"] {
            #expect(actions.contains(action), "audited: \(action)")
        }
        if case .ok = try store.verifyAuditChain() {} else { Issue.record("the audit chain does not verify") }
        let intake = try #require(try store.intake(code: code))
        #expect(try store.reviewState(intakeID: intake.id) == .signed)
    }

    @Test func fiveWrongPasswordsLockTheAccount() throws {
        let t = try Tmux()
        defer { t.close() }
        _ = try Self.prepare(t)
        try t.start(["review", "--db", t.db], columns: 100, rows: 30)
        try t.waitFor("Practitioner sign-in")
        t.type("salma"); t.send(["Tab"])
        for attempt in 1...5 {
            t.send(["C-u"]); t.type("wrong-\(attempt)"); t.send(["Enter"])
            try t.waitFor(attempt < 5 ? "Wrong name or password" : "locked", timeout: 12)
            if attempt < 5 { usleep(UInt32(1 << (attempt - 1)) * 1_000_000 + 200_000) }   // wait out the slow-down
        }
        try t.waitFor("locked")
        let store = try IntakeStore(path: t.db)
        let user = try #require(try store.users().first)
        #expect(user.isLocked(at: Date()))
    }

    @Test func withNoStaffAccountItSaysHowToCreateOne() throws {
        let t = try Tmux()
        defer { t.close() }
        try t.start(["review", "--db", t.db])
        try t.waitFor("EXITED 1")
        #expect(try t.capture().contains("No staff accounts yet"))
        #expect(try t.capture().contains("intake user add NAME"))
    }

}
