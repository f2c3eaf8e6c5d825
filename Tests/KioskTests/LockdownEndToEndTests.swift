import Foundation
import Glibc
import Testing
import IntakeStorage

/// Issue 8 on the real `intake` binary in tmux: the kiosk stores only what the patient chose,
/// whatever keys, pastes and terminals come its way, and only staff with the PIN close it.
@Suite(.serialized, .enabled(if: Tmux.available))
struct LockdownEndToEndTests {
    // MARK: 1. Corrections with arrows and Enter

    /// "Do you have a cold sore now?" answered No, Esc back, Up, Enter: Yes is stored. "Are you pregnant?"
    /// answered Possibly, opened from the check page, Down, Enter: "Does not apply to me" is stored.
    @Test func aCorrectionWithArrowsAndEnterIsStored() throws {
        let t = try Tmux()
        defer { t.shutDown() }
        try t.start(kiosk: [])
        try t.waitFor("Welcome")
        t.send(["Enter"])
        try t.answer(Self.aboutYou + Self.beforeColdSore)
        try t.waitFor("cold sore now")
        t.type("2"); t.send(["Enter"])
        try t.waitFor("ever had cold sores")
        let store = try IntakeStore(path: t.db)
        try eventually { try t.draftAnswers(store)["herpes-active"] == #"[{"valueBoolean":false}]"# }
        t.send(["Escape"])
        try t.waitFor("cold sore now")
        t.send(["Up"])
        try t.waitFor("◉ Yes")
        t.send(["Enter"])
        try t.waitFor("ever had cold sores")
        try eventually { try t.draftAnswers(store)["herpes-active"] == #"[{"valueBoolean":true}]"# }

        var rest = Self.afterColdSore
        rest[rest.firstIndex { $0.0 == "pregnant" }!].1 = "3"            // Possibly
        try t.answer(rest)
        try t.waitFor("Please check your answers")
        try eventually { try t.draftAnswers(store)["pregnant"]?.contains("\"possibly\"") == true }
        // "Are you pregnant?" is the 12th entry up from Continue.
        t.send(["End"]); t.send(Array(repeating: "Up", count: 12)); t.send(["Enter"])
        try t.waitFor("Does not apply to me")
        #expect(try t.capture().contains("Are you pregnant?"))
        #expect(try t.line(containing: "Possibly").contains("◉"), "the stored answer is marked")
        t.send(["Down"])
        try t.waitFor("◉ Does not apply to me")
        t.send(["Enter"])
        try t.waitFor("Please check your answers")
        try eventually { try t.draftAnswers(store)["pregnant"]?.contains("\"not-applicable\"") == true }
        try t.submitFromCheckPage()

        let intake = try #require(try store.recentIntakes(limit: 1, status: "submitted").first)
        let json = try #require(intake.responseJSON)
        #expect(responseAnswers(json, "herpes-active")?.first?["valueBoolean"] as? Bool == true)
        #expect(responseCodings(json, "pregnant").map(\.code) == ["not-applicable"])
    }

    // MARK: 2. Keys from a terminal that does not match TERM

    /// With TERM=vt100, xterm's Home (`ESC [ 1 ~`, `ESC O H`), End (`ESC [ 4 ~`) and Alt-1 (`ESC 1`) change
    /// no answer; on a question they change nothing on screen; on the check page Home and End move.
    @Test func homeEndAndAltOneWithAMismatchedTERMChangeNoAnswer() throws {
        let t = try Tmux()
        defer { t.shutDown() }
        try t.start(["kiosk", "--allow-no-pin", "--db", t.db, "--name", "e2e"], exports: "TERM=vt100")
        try t.waitFor("Welcome")
        t.send(["Enter"])
        try t.answer(Self.aboutYou + Self.beforeColdSore)
        try t.waitFor("cold sore now")
        let store = try IntakeStore(path: t.db)
        try eventually { try t.draftAnswers(store)["acne-active"] == #"[{"valueBoolean":false}]"# }
        let answersBefore = try t.draftAnswers(store)
        let screenBefore = try t.capture()

        // On an unanswered question: Home, End, SS3 Home, Alt-1, Alt-2, Ctrl-Up.
        for bytes in [["1b", "5b", "31", "7e"], ["1b", "5b", "34", "7e"], ["1b", "4f", "48"],
                      ["1b", "31"], ["1b", "32"], ["1b", "5b", "31", "3b", "35", "41"]] {
            t.sendHex(bytes)
        }
        usleep(500_000)
        #expect(try t.capture() == screenBefore, "stray keys changed the question screen")
        #expect(!(try t.capture().contains("◉")), "a stray key marked an option")
        #expect(try t.draftAnswers(store) == answersBefore, "a stray key changed an answer")

        // The question still works: a real pick.
        t.type("2"); t.send(["Enter"])
        try t.waitFor("ever had cold sores")
        try t.answer(Self.afterColdSore)
        try t.waitFor("Please check your answers")
        try eventually { try t.draftAnswers(store)["allergies"]?.contains("\"none\"") == true }
        let answersAtCheck = try t.draftAnswers(store)

        // On the check page End and Home move the cursor (they mean something there); Alt-1 ticks nothing.
        t.sendHex(["1b", "5b", "34", "7e"])                       // End: on Continue
        t.sendHex(["1b", "31"])                                   // Alt-1
        usleep(300_000)
        #expect(try t.capture().contains("Please check your answers"))
        #expect(try t.draftAnswers(store) == answersAtCheck)
        t.send(["Enter"])                                        // Continue: End really moved
        try t.waitFor("My answers are true")
        t.sendHex(["1b", "31"])                                   // Alt-1 on the attestation
        t.sendHex(["1b", "5b", "31", "7e"])                       // Home: no first mark
        usleep(300_000)
        #expect(!(try t.capture().contains("◉")))
        t.send(["Escape"])
        try t.waitFor("Please check your answers")
        t.sendHex(["1b", "5b", "31", "7e"])                       // Home: on the name
        t.send(["Enter"])
        try t.waitFor("Your full name")
        t.send(["Escape"])
        try t.waitFor("Please check your answers")
        #expect(try t.draftAnswers(store) == answersAtCheck)
        try t.submitFromCheckPage()

        let intake = try #require(try store.recentIntakes(limit: 1, status: "submitted").first)
        let json = try #require(intake.responseJSON)
        #expect(responseAnswers(json, "acne-active")?.first?["valueBoolean"] as? Bool == false)
        #expect(responseAnswers(json, "herpes-active")?.first?["valueBoolean"] as? Bool == false)
        #expect(responseCodings(json, "allergies").map(\.code) == ["none"])
        #expect(responseCodings(json, "pregnant").map(\.code) == ["no"])
    }

    // MARK: 3. Bracketed paste

    /// A paste holding an Esc, a CSI sequence and digits goes into the name whole, cleaned, and types
    /// nothing into any other screen.
    @Test func aBracketedPasteIntoTheNameIsTheNameOnly() throws {
        let t = try Tmux()
        defer { t.shutDown() }
        try t.start(kiosk: [])
        try t.waitFor("Welcome")
        t.send(["Enter"])
        try t.waitFor("Your full name")
        try t.tmux(["set-buffer", "-b", "p", "Ann\u{1B}2 Marie\u{1B}[1~ Lee 12\u{1B}[4~1"])
        try t.tmux(["paste-buffer", "-p", "-d", "-b", "p", "-t", "k"])
        try t.waitFor("Ann Marie Lee 121")
        usleep(300_000)
        #expect(try t.capture().contains("Your full name"), "the paste left the name screen")
        t.send(["Enter"])
        try t.waitFor("Your date of birth")
        usleep(300_000)
        let store = try IntakeStore(path: t.db)
        try eventually { try t.draftAnswers(store)["patient-name"] == #"[{"valueString":"Ann Marie Lee 121"}]"# }
        #expect(try t.draftAnswers(store).keys.sorted() == ["patient-name"], "something else was stored")
        #expect(!(try t.capture().contains("121")), "digits reached the date of birth")

        // A paste on a choice screen picks nothing.
        t.type("1988-03-05"); t.send(["Enter"])
        try t.waitFor("Your phone number")
        t.send(["Enter"])
        try t.waitFor("Which treatment")
        try t.tmux(["set-buffer", "-b", "q", "12\u{1B}1"])
        try t.tmux(["paste-buffer", "-p", "-d", "-b", "q", "-t", "k"])
        usleep(300_000)
        #expect(try t.capture().contains("Which treatment"))
        #expect(!(try t.capture().contains("☑")), "a paste ticked an option")
        #expect(try t.draftAnswers(store)["procedures"] == nil)
    }

    // MARK: 4. Repeated Enter at the end

    /// Enter pressed six times at once on the attestation submits once and leaves the code on screen,
    /// large and letter-spaced; a patient's Enter after the first 3 s does not clear it either.
    @Test func repeatedEnterAtTheEndLeavesTheCode() throws {
        let t = try Tmux()
        defer { t.shutDown() }
        try t.start(kiosk: [])
        try t.waitFor("Welcome")
        t.send(["Enter"])
        try t.answer(Self.aboutYou + Self.beforeColdSore + [("cold sore now", "2")] + Self.afterColdSore)
        try t.waitFor("Please check your answers")
        t.send(["End", "Enter"])
        try t.waitFor("My answers are true")
        t.type("1")
        t.send(Array(repeating: "Enter", count: 6))
        try t.waitFor("Thank you")
        let store = try IntakeStore(path: t.db)
        let intake = try #require(try store.recentIntakes(limit: 1, status: "submitted").first)
        let spaced = intake.code.map(String.init).joined(separator: " ")
        #expect(spaced.contains(" - "), "a code like A B C - D E F: \(spaced)")
        usleep(1_000_000)
        #expect(try t.capture().contains(spaced))
        #expect(try store.openDrafts().isEmpty, "no new intake was started")
        #expect(try store.recentIntakes(limit: 5, status: nil).count == 1)
        // After the deaf 3 s a patient's Enter still does not clear it (20 s minimum).
        usleep(2_600_000)
        t.send(["Enter"]); t.send(["Enter"])
        usleep(500_000)
        #expect(try t.capture().contains(spaced))
        // Staff can: Ctrl-X then Ctrl-N.
        t.send(["C-x"]); t.send(["C-n"])
        try t.waitFor("Welcome")
        #expect(!(try t.capture().contains(spaced)))
    }

    // MARK: 5. Plain mode

    /// `intake kiosk --plain` at a terminal: Ctrl-D, Ctrl-C and a wrong PIN do not close it; `:staff` and
    /// the PIN do; the audit log has the refusal, the acceptance and the exit.
    @Test func plainModeLeavesOnlyWithThePIN() throws {
        let t = try Tmux()
        defer { t.shutDown() }
        try t.setPIN("1357")
        try t.start(["kiosk", "--plain", "--db", t.db, "--name", "e2e"])
        try t.waitFor("English: type 1.")
        t.send(["C-d"])
        try t.waitFor("Please ask a member of staff")
        t.send(["C-c"]); t.send(["C-\\"])
        t.type("1"); t.send(["Enter"])
        try t.waitFor("1. Your full name")
        t.send(["C-d"])
        usleep(300_000)
        t.type("Plain Patient"); t.send(["Enter"])
        try t.waitFor("2. Your date of birth")
        #expect(!(try t.capture().contains("EXITED")))
        let store = try IntakeStore(path: t.db)
        try eventually { try t.draftAnswers(store)["patient-name"] == #"[{"valueString":"Plain Patient"}]"# }

        t.type(":staff"); t.send(["Enter"])
        try t.waitFor("PIN:")
        t.type("0000"); t.send(["Enter"])
        try t.waitFor("That PIN was not accepted")
        usleep(300_000)
        #expect(!(try t.capture().contains("EXITED")))
        #expect(!(try t.capture().contains("0000")), "the PIN was shown on screen")
        usleep(1_500_000)                                        // the wait after one wrong PIN
        t.type(":staff"); t.send(["Enter"])
        try t.waitFor("PIN:")
        t.type("1357"); t.send(["Enter"])
        try t.waitFor("EXITED 0")
        #expect(!(try t.capture().contains("1357")), "the PIN was shown on screen")

        let log = try t.run(["audit", "--db", t.db], input: "")
        for action in ["pinRefused", "pinAccepted", "kioskExit"] {
            #expect(log.contains(action), "no \(action) in the audit log:\n\(log)")
        }
        #expect(try store.openDrafts().isEmpty)
        #expect(try store.recentIntakes(limit: 1, status: "abandoned").first?.abandonReason == "kiosk closed by staff")
    }

    /// The PIN is typed without echo; a SIGTERM meanwhile still leaves the terminal echoing.
    @Test func plainModeStoppedAtThePINPromptLeavesEchoOn() throws {
        let t = try Tmux()
        defer { t.shutDown() }
        try t.setPIN("1357")
        try t.start(["kiosk", "--plain", "--db", t.db, "--name", "e2e"])
        try t.waitFor("English: type 1.")
        t.type(":staff"); t.send(["Enter"])
        try t.waitFor("PIN:")
        t.type("13")
        usleep(200_000)
        #expect(!(try t.capture().contains("PIN: 13")), "the PIN is echoed")
        try t.signal("TERM")
        try t.waitFor("EXITED 143")
        try t.waitFor("isig")                                   // stty -a has printed
        let after = try t.capture()
        #expect(after.contains(" echo ") && !after.contains("-echo "), "echo left off:\n\(after)")
    }

    // MARK: 6. Themes by name from an installed copy

    /// Copied out of the build folder with its resource bundles and started from elsewhere, the kiosk
    /// draws `--theme high-contrast` (and light, monochrome) in other colours than the default; a bogus
    /// name is named on the welcome screen's staff line.
    @Test func aThemeByNameChangesTheColoursOfAnInstalledCopy() throws {
        let install = FileManager.default.temporaryDirectory.appendingPathComponent("intake-install-\(UUID().uuidString)")
        let elsewhere = install.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: install) }
        let built = URL(fileURLWithPath: Tmux.binary)
        let bin = install.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: built, to: bin.appendingPathComponent("intake"))
        let bundles = try FileManager.default.contentsOfDirectory(atPath: built.deletingLastPathComponent().path)
            .filter { $0.hasSuffix(".resources") }
        #expect(bundles.contains("intake_TerminalUI.resources"))
        for bundle in bundles {
            try FileManager.default.copyItem(at: built.deletingLastPathComponent().appendingPathComponent(bundle),
                                             to: bin.appendingPathComponent(bundle))
        }

        /// The welcome screen's SGR sequences and its text, for one `--theme` (nil: none given).
        func welcome(_ theme: String?) throws -> (sgr: Set<String>, text: String) {
            let t = try Tmux()
            defer { t.shutDown() }
            let arguments = ["kiosk", "--allow-no-pin", "--db", t.db, "--name", "e2e"] + (theme.map { ["--theme", $0] } ?? [])
            // Installed in PATH and started by name, from another folder, with no settings file.
            try t.start(command: ["intake"] + arguments, cwd: elsewhere.path,
                        exports: "PATH='\(bin.path)':\"$PATH\" NO_COLOR= INTAKE_THEMES= XDG_CONFIG_HOME='\(t.folder.path)' TERM=screen-256color")
            try t.waitFor("Welcome")
            usleep(300_000)
            let escaped = try t.tmux(["capture-pane", "-e", "-p", "-t", "k"])
            let sgr = Set(escaped.matches(of: /\x1B\[[0-9;:]*m/).map { String($0.output) })
            return (sgr, try t.capture())
        }
        let standard = try welcome(nil)
        #expect(try welcome("default").sgr == standard.sgr)
        #expect(!standard.sgr.isEmpty, "no SGR at all: \(standard.text)")
        for name in ["high-contrast", "light", "monochrome"] {
            let themed = try welcome(name)
            #expect(themed.sgr != standard.sgr, "--theme \(name) drew the default colours: \(themed.sgr.sorted())")
            #expect(!themed.text.contains("theme"), "a problem was shown for \(name): \(themed.text)")
        }
        let bogus = try welcome("bogus")
        // The staff lines sit just above the key hints, one note each: beside the no-PIN warning
        // (--allow-no-pin) the theme problem is not pushed off the edge.
        let lines = bogus.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let hints = try #require(lines.lastIndex { $0.contains("Enter Begin") })
        #expect(lines[hints - 1].contains("theme not found"), "the staff line:\n\(bogus.text)")
        #expect(lines[hints - 2].contains("No staff PIN"), "\(bogus.text)")
        #expect(bogus.sgr == standard.sgr, "a bogus theme falls back to the default")
    }

    // MARK: 7. PIN throttle and lock

    /// Through the full-screen kiosk: a wrong PIN asks to wait 1 s; five wrong PINs, each after its wait,
    /// lock it; the right PIN while locked does not close it, and is audited as not checked.
    @Test func wrongPINsThrottleThenLockTheKiosk() throws {
        let t = try Tmux()
        defer { t.shutDown() }
        try t.setPIN("1357")
        try t.start(["kiosk", "--db", t.db, "--name", "e2e"])
        try t.waitFor("Welcome")
        t.send(["C-x"]); t.send(["C-q"])
        try t.waitFor("Staff only")
        for (i, wait) in [1, 2, 4, 8].enumerated() {
            t.type("0000"); t.send(["Enter"])
            try t.waitFor("in \(wait) s.")                       // "… Try again in 1 s.", wrapped
            #expect(!(try t.capture().contains("0000")), "the PIN was shown")
            if i == 0 {
                // Too soon, even the right one: refused unchecked, still 1 s (rounded up) to wait.
                t.type("1357"); t.send(["Enter"])
                usleep(300_000)
                #expect(!(try t.capture().contains("EXITED")))
                usleep(1_000_000)
            }
            usleep(UInt32(wait) * 1_000_000 + 300_000)
        }
        t.type("0000"); t.send(["Enter"])
        try t.waitFor("Too many wrong PINs")
        let store = try IntakeStore(path: t.db)
        let before = try store.auditEntries(limit: 100)
        #expect(before.first?.actionName == "pinLocked")
        t.type("1357"); t.send(["Enter"])
        try eventually { try store.auditEntries(limit: 100).count == before.count + 1 }
        usleep(300_000)
        #expect(!(try t.capture().contains("EXITED")))
        #expect(try t.capture().contains("Too many wrong PINs"))
        let last = try #require(try store.auditEntries(limit: 1).first)
        #expect(last.actionName == "pinRefused" && last.detail.contains("locked"), "\(last.detail)")
        #expect(try store.auditEntries(limit: 100).allSatisfy { $0.actionName != "pinAccepted" && $0.actionName != "kioskExit" })
        #expect(try store.verifyAuditChain() == .ok(count: before.count + 1))
    }

    // MARK: 8. No PIN, no terminal

    @Test func withoutAPINAndATerminalTheKioskRefusesToStart() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("intake-nopin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for extra in [[], ["--plain"]] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Tmux.binary)
            process.arguments = ["kiosk", "--db", folder.appendingPathComponent("i.sqlite").path] + extra
            let stdin = Pipe(), stderr = Pipe()
            process.standardInput = stdin
            process.standardOutput = FileHandle.nullDevice
            process.standardError = stderr
            var environment = ProcessInfo.processInfo.environment
            environment["XDG_CONFIG_HOME"] = folder.path
            process.environment = environment
            try process.run()
            try stdin.fileHandleForWriting.close()
            let deadline = Date().addingTimeInterval(20)
            while process.isRunning && Date() < deadline { usleep(50_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
            let message = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(process.terminationReason == .exit && process.terminationStatus == 2, "\(extra): \(message)")
            #expect(message.contains("intake pin set"), "\(extra): \(message)")
        }
    }

    // MARK: Answers on the way

    /// About you, up to the first condition: microneedling on the face, skin type V.
    static let aboutYou: [(String, String)] = [
        ("Your full name", "=Nour Saleh"), ("Your date of birth", "=1988-03-05"), ("Your phone number", ""),
        ("Which treatment", "1"), ("Which areas", "1"), ("What would you like to improve", ""),
        ("Which best describes your skin", "5"), ("How oily", ""),
    ]
    static let beforeColdSore: [(String, String)] = [("active acne", "2")]
    /// From "Have you ever had cold sores?" to the allergies: No, None or Never everywhere.
    static let afterColdSore: [(String, String)] = [
        ("ever had cold sores", "2"), ("warts", "2"),
        ("eczema", "1"), ("psoriasis", "1"), ("rosacea", "1"), ("vitiligo", "2"), ("keloid", "2"),
        ("skin cancer", "2"), ("sunburn", "2"), ("chemotherapy", "1"), ("weakened immune system", "2"),
        ("Botox", "1"), ("fillers", "1"), ("isotretinoin", "1"), ("retinoid cream", "2"), ("In the last 90 days", "2"),
        ("surgery on your face", "2"), ("gold threads", "2"), ("pregnant", "1"),
        ("breastfeeding", "2"), ("bleeding disorder", "2"), ("blood thinners", "2"), ("diabetes", "1"),
        ("heart disease", "2"), ("myasthenia", "2"), ("swallowing", "2"), ("antibiotics", "2"),
        ("What other medicines", ""), ("allergic", "8"), ("photographs", ""),
    ]
}

/// Polls `condition` until it holds, for what the kiosk writes a moment after the screen changes.
func eventually(timeout: Double = 10, _ condition: () throws -> Bool) throws {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try condition() { return }
        usleep(50_000)
    }
    #expect(try condition(), "not within \(timeout) s")
}

extension Tmux {
    /// Answers screens in turn: waits for each question's text, then types the option number, or
    /// text after "=", or nothing (Enter alone).
    func answer(_ steps: [(String, String)]) throws {
        for (question, key) in steps {
            try waitFor(question)
            if !key.isEmpty { type(key.hasPrefix("=") ? String(key.dropFirst()) : key) }
            send(["Enter"])
        }
    }

    /// From the check page: Continue, "My answers are true", Yes, and the thank-you screen.
    func submitFromCheckPage() throws {
        send(["End", "Enter"])
        try waitFor("My answers are true")
        type("1"); send(["Enter"])
        try waitFor("Thank you")
    }

    /// The one open draft's answers as stored (JSON text by linkId); empty without a draft.
    func draftAnswers(_ store: IntakeStore) throws -> [String: String] {
        guard let draft = try store.openDrafts().first else { return [:] }
        return try store.answers(draftID: draft.id)
    }

    /// Bytes written to the pane as they are (hex), as a terminal whose keys do not match TERM would send them.
    func sendHex(_ bytes: [String]) { _ = try? tmux(["send-keys", "-t", "k", "-H"] + bytes); usleep(60_000) }

    /// The first screen line holding `text` ("" if none).
    func line(containing text: String) throws -> String {
        try capture().split(separator: "\n").first { $0.contains(text) }.map(String.init) ?? ""
    }

    /// Sets the staff PIN as staff would, through `intake pin set` with the PIN typed twice.
    func setPIN(_ pin: String) throws {
        let output = try run(["pin", "set", "--db", db], input: "\(pin)\n\(pin)\n")
        #expect(output.contains("Staff PIN set"), "\(output)")
    }

    /// Runs `command` (a program and its arguments) in the pane from `cwd`, after the shell `exports`.
    func start(command: [String], cwd: String, exports: String = "", columns: Int = 80, rows: Int = 24) throws {
        let line = command.map { "'\($0)'" }.joined(separator: " ")
        let script = "cd '\(cwd)' && export LANG=C.UTF-8 LC_ALL=C.UTF-8 \(exports); \(line); echo EXITED $?; sleep 60"
        try tmux(["new-session", "-d", "-s", "k", "-x", "\(columns)", "-y", "\(rows)", script])
    }

    /// Kills whatever the pane's shell still runs (the kiosk, or the sleep after it), then tmux.
    func shutDown() {
        if let shell = try? tmux(["list-panes", "-t", "k", "-F", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines),
           let pid = try? kioskPID(shell: shell) {
            _ = Glibc.kill(pid, SIGKILL)
        }
        close()
    }
}
