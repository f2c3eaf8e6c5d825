import Foundation
import Testing
import IntakeStorage
import Kiosk
import TerminalUI

/// The real binary in tmux: every signal that ends it gives the terminal back, and a station
/// stopped by SIGTERM or SIGHUP records the sign-out.
@Suite(.serialized, .enabled(if: Tmux.available))
struct HardeningEndToEndTests {
    /// Sends `signal` to the program running in the pane.
    static func send(_ signal: Int32, in t: Tmux) throws {
        let shell = try t.tmux(["list-panes", "-t", "k", "-F", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        _ = Glibc.kill(pid_t(try t.kioskPID(shell: shell)), signal)
    }

    /// The words of `stty -a` printed in the pane after the program ended.
    static func sttyWords(_ t: Tmux) throws -> Set<String> {
        try t.waitFor("EXITED")
        try t.waitFor("icanon")
        let screen = try t.capture()
        let after = screen.components(separatedBy: "EXITED").last ?? ""
        return Set(after.split(whereSeparator: { $0 == " " || $0 == ";" || $0 == "\n" }).map(String.init))
    }

    @Test(arguments: [("USR1", SIGUSR1), ("ALRM", SIGALRM), ("PIPE", SIGPIPE), ("USR2", SIGUSR2)])
    func aTerminatingSignalRestoresTheTerminal(_ name: String, _ signal: Int32) throws {
        let t = try Tmux()
        defer { t.close() }
        try t.start(kiosk: [])
        try t.waitFor("Welcome")
        try Self.send(signal, in: t)
        let words = try Self.sttyWords(t)
        #expect(words.contains("icanon") && words.contains("echo"), "SIG\(name) left the terminal raw: \(words.sorted())")
        #expect(!words.contains("-icanon") && !words.contains("-echo"))
    }

    @Test(arguments: [("TERM", SIGTERM), ("HUP", SIGHUP)])
    func aStationEndedBySignalRecordsTheSignOut(_ name: String, _ signal: Int32) throws {
        let t = try Tmux()
        defer { t.close() }
        try t.run(["user", "add", "salma", "--role", "practitioner", "--db", t.db], input: "long-enough\nlong-enough\n")
        try t.start(["review", "--db", t.db], columns: 100, rows: 30)
        try t.waitFor("Practitioner sign-in")
        t.type("salma"); t.send(["Tab"]); t.type("long-enough"); t.send(["Enter"])
        try t.waitFor("salma")
        try t.waitFor("Today")
        try Self.send(signal, in: t)
        try t.waitFor("EXITED")
        let store = try IntakeStore(path: t.db)
        let last = try #require(try store.auditEntries(limit: 10).first)
        #expect(last.action == .signOut && last.user == "salma", "SIG\(name): the last entry is \(last.actionName) by \(last.user)")
    }
}

/// Invisible characters never enter a patient's text, and the text is stored composed (NFC), so
/// the name the station lists is the name a search finds.
struct InvisibleCharacterEntryTests {
    @Test func aNameWithInvisibleCharactersIsStoredCleanAndFound() throws {
        let h = try Harness()
        // Zero-width space, line separator, a tag character, word joiner; "e" + combining acute.
        let pasted = "S\u{200B}T\u{2028}U\u{E0041}V\u{2060}W Zoe\u{301}"
        let typed: [Key] = ["\u{200B}", "\u{E0020}", "\u{2029}"].map { Key.character($0) }
        let keys: [Key] = [.enter, .paste(pasted)] + typed + Array(Harness.wholeIntake.dropFirst(1 + "Layla Haddad".count))
        h.type(keys)
        let rows = try h.store.queue(search: "STUVW")
        #expect(rows.count == 1, "a search for STUVW finds the intake")
        #expect(rows.first?.patientName == "STUVW Zo\u{E9}")
        #expect(rows.first?.patientName?.unicodeScalars.contains { $0.value == 0x301 } == false, "stored composed")
        #expect(try h.store.queue(search: "Zo\u{E9}").count == 1)
    }
}
