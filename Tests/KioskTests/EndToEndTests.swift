import Bidi
import Foundation
import Glibc
import Testing
import IntakeStorage

/// The real `intake kiosk` binary in a real terminal (tmux): keys typed, screen read, database checked.
@Suite(.serialized, .enabled(if: Tmux.available))
struct EndToEndTests {
    @Test func aWholeIntakeThenBackAndChange() throws {
        let t = try Tmux()
        defer { t.close() }
        try t.start(kiosk: [])
        try t.waitFor("Welcome")
        t.send(["Enter"])
        try t.waitFor("Your full name")
        t.type("Nour Saleh"); t.send(["Enter"])
        try t.waitFor("Your date of birth")
        t.type("1988-03-05"); t.send(["Enter"])
        try t.waitFor("Your phone number")
        t.send(["Enter"])                                        // optional: left empty
        try t.waitFor("Which treatment")
        t.type("1"); t.send(["Enter"])                           // microneedling only: no off-label notice
        try t.waitFor("Which areas")
        t.type("1"); t.send(["Enter"])                           // face
        try t.waitFor("What would you like to improve")
        t.send(["Enter"])
        try t.waitFor("Which best describes your skin")
        t.type("5"); t.send(["Enter"])                           // type V
        try t.waitFor("How oily")
        t.send(["Enter"])
        // Conditions and the rest: "No" or "None"/"Never" everywhere; "" is Enter alone (left empty).
        let answers: [(String, String)] = [
            ("active acne", "2"), ("cold sore now", "2"), ("ever had cold sores", "2"), ("warts", "2"),
            ("eczema", "1"), ("psoriasis", "1"), ("rosacea", "1"), ("vitiligo", "2"), ("keloid", "2"),
            ("skin cancer", "2"), ("sunburn", "2"), ("chemotherapy", "1"), ("weakened immune system", "2"),
            ("Botox", "1"), ("fillers", "1"), ("isotretinoin", "1"), ("retinoid cream", "2"), ("In the last 90 days", "2"),
            ("surgery on your face", "2"), ("gold threads", "2"), ("pregnant", "1"),
            ("breastfeeding", "2"), ("bleeding disorder", "2"), ("blood thinners", "2"), ("diabetes", "1"),
            ("heart disease", "2"), ("myasthenia", "2"), ("swallowing", "2"), ("antibiotics", "2"),
            ("What other medicines", ""), ("allergic", "8"), ("photographs", ""),
        ]
        for (question, key) in answers {
            try t.waitFor(question)
            if !key.isEmpty { t.type(key) }
            t.send(["Enter"])
        }
        try t.waitFor("Please check your answers")
        #expect(!(try t.capture().contains("off-label")))
        // Go back to the name and change it.
        t.send(["Home", "Enter"])
        try t.waitFor("Your full name")
        t.send(["C-u"]); t.type("Nour Saleh-Haddad"); t.send(["Enter"])
        try t.waitFor("Please check your answers")
        try t.waitFor("Nour Saleh-Haddad")
        t.send(["End", "Enter"])
        try t.waitFor("My answers are true")
        t.type("1"); t.send(["Enter"])
        try t.waitFor("Thank you")

        let store = try IntakeStore(path: t.db)
        let intake = try #require(try store.recentIntakes(limit: 1, status: "submitted").first)
        #expect(intake.patientName == "Nour Saleh-Haddad")
        #expect(intake.verdicts == [.microneedling: .review])
        #expect(intake.assessmentJSON?.contains("MN-PIH") == true)
        #expect(try t.capture().contains(intake.code.map(String.init).joined(separator: " ")), "the code, large")
    }

    /// A whole intake in Arabic: the screen shows shaped text in visual order, the database the logical text.
    @Test func aWholeIntakeInArabic() throws {
        let t = try Tmux()
        defer { t.close() }
        func visual(_ text: String) -> String { Bidi.terminalLine(text, base: .rightToLeft) }
        try t.start(kiosk: [])
        try t.waitFor("Welcome")
        t.send(["F2"])
        try t.waitFor(visual("أهلًا وسهلًا"))
        t.send(["Enter"])
        try t.waitFor(visual("اسمك الكامل"))
        t.type("ليلى حداد"); t.send(["Enter"])
        try t.waitFor(visual("تاريخ ميلادك"))
        t.type("١٩٩٠-٠٤-١٢"); t.send(["Enter"])           // Arabic-Indic digits
        try t.waitFor(visual("رقم هاتفك"))
        t.send(["Enter"])
        try t.waitFor(visual("ما العلاج الذي جئت من أجله؟"))
        #expect(try t.capture().contains(visual("السؤال 4 من 42")))
        t.type("٢"); t.send(["Enter"])                     // micro-Botox, by an Arabic-Indic digit
        try t.waitFor(visual("ما المناطق التي تودّ علاجها؟"))
        t.type("1"); t.send(["Enter"])                     // area: face
        t.send(["Enter"])                                  // goals: none
        // Skin; conditions; treatments; health, medicines left empty and no allergies.
        for key in ["2", ""] + ["2", "2", "2", "2", "1", "1", "1", "2", "2", "2", "2"]
                + ["1", "2", "1", "1", "1", "2", "2", "2", "2"]
                + ["4", "2", "2", "2", "1", "2", "2", "2", "2", "", "8"] {
            if !key.isEmpty { t.type(key) }
            t.send(["Enter"])
        }
        // Micro-Botox: the off-label notice, in Arabic, asks nothing.
        try t.waitFor(visual("يرجى القراءة"))
        t.send(["Enter"])
        try t.waitFor(visual("يجوز للعيادة"))              // photographs: left unanswered
        t.send(["Enter"])
        try t.waitFor(visual("يرجى مراجعة إجاباتك"))
        #expect(try t.capture().contains(visual("ليلى حداد")))
        t.send(["End", "Enter"])
        try t.waitFor(visual("إجاباتي صحيحة على حد علمي."))
        t.type("1"); t.send(["Enter"])
        try t.waitFor(visual("شكرًا لك"))

        let store = try IntakeStore(path: t.db)
        let intake = try #require(try store.recentIntakes(limit: 1, status: "submitted").first)
        #expect(intake.language == "ar")
        #expect(intake.patientName == "ليلى حداد")
        #expect(intake.patientDOB == "1990-04-12")
        #expect(intake.verdicts == [.microBotox: .eligible])
        #expect(intake.responseJSON?.contains("\"language\":\"ar\"") == true)
    }

    /// Questionnaire 2.0.0 through the real binary: the off-label notice, and an "other" allergy beside
    /// another one with the patient's own words, typed and corrected; the database holds both codings
    /// with their system and the words.
    @Test func anOtherAllergyWithTheirOwnWords() throws {
        let t = try Tmux()
        defer { t.close() }
        try t.start(kiosk: [])
        try t.waitFor("Welcome")
        t.send(["Enter"])
        try t.waitFor("Your full name")
        t.type("Hala Nasser"); t.send(["Enter"])
        try t.waitFor("Your date of birth")
        t.type("1992-08-19"); t.send(["Enter"])
        try t.waitFor("Your phone number")
        t.send(["Enter"])
        try t.waitFor("Which treatment")
        t.type("1"); t.type("2"); t.send(["Enter"])              // both procedures
        let answers: [(String, String)] = [
            ("Which areas", "1"), ("What would you like to improve", ""), ("Which best describes your skin", "3"),
            ("How oily", ""), ("active acne", "2"), ("cold sore now", "2"), ("ever had cold sores", "2"), ("warts", "2"),
            ("eczema", "1"), ("psoriasis", "1"), ("rosacea", "1"), ("vitiligo", "2"), ("keloid", "2"),
            ("skin cancer", "2"), ("sunburn", "2"), ("chemotherapy", "1"), ("weakened immune system", "2"),
            ("Botox", "1"), ("fillers", "1"), ("isotretinoin", "1"), ("retinoid cream", "2"), ("In the last 90 days", "2"),
            ("surgery on your face", "2"), ("gold threads", "2"), ("pregnant", "1"), ("breastfeeding", "2"),
            ("bleeding disorder", "2"), ("blood thinners", "2"), ("diabetes", "1"), ("heart disease", "2"),
            ("myasthenia", "2"), ("swallowing", "2"), ("antibiotics", "2"),
        ]
        for (question, key) in answers {
            try t.waitFor(question)
            if !key.isEmpty { t.type(key) }
            t.send(["Enter"])
        }
        try t.waitFor("What other medicines")
        t.type("Vitamin D"); t.send(["Enter"])
        try t.waitFor("allergic to any of these")
        t.type("5"); t.type("7"); t.send(["Enter"])              // nickel and other
        try t.waitFor("What else are you allergic to")
        t.send(["Enter"])                                        // nothing typed: asked again
        try t.waitFor("Please answer this question to continue.")
        t.type("Latex gloves: itchy rasj"); t.send(["BSpace"]); t.type("h on my hands")
        try t.waitFor("Latex gloves: itchy rash on my hands")
        t.send(["Enter"])
        try t.waitFor("Please read")                             // micro-Botox: the off-label notice
        #expect(try t.capture().contains("off-label"))
        t.send(["Enter"])
        try t.waitFor("before-and-after photographs")
        t.type("1"); t.send(["Enter"])
        try t.waitFor("Please check your answers")
        t.send(["End", "Enter"])
        try t.waitFor("My answers are true")
        t.type("1"); t.send(["Enter"])
        try t.waitFor("Thank you")

        let store = try IntakeStore(path: t.db)
        let intake = try #require(try store.recentIntakes(limit: 1, status: "submitted").first)
        let json = try #require(intake.responseJSON)
        let codings = responseCodings(json, "allergies")
        #expect(codings.map(\.code) == ["nickel", "other"])
        #expect(codings.allSatisfy { $0.system == "https://intake.example/fhir/CodeSystem/intake-screening" })
        #expect(responseAnswers(json, "allergies-other")?.first?["valueString"] as? String == "Latex gloves: itchy rash on my hands")
        #expect(responseAnswers(json, "medicines")?.first?["valueString"] as? String == "Vitamin D")
        #expect(responseAnswers(json, "photo-consent")?.first?["valueBoolean"] as? Bool == true)
        #expect(!responseLinkIds(json).contains("off-label-notice"))
        #expect(json.contains("\"questionnaire\":\"https://intake.example/fhir/Questionnaire/intake-screening|2.0.0\""))
        #expect(intake.assessmentJSON?.contains("GEN-OTHER-ALLERGY") == true)
        #expect(intake.assessmentJSON?.contains("MN-NICKEL-ALLERGY") == true)
    }

    @Test func itIdlesOutAndAbandonsTheDraft() throws {
        let t = try Tmux()
        defer { t.close() }
        try t.start(kiosk: ["--idle-seconds", "1", "--countdown-seconds", "2"])
        try t.waitFor("Welcome")
        t.send(["Enter"]); t.type("Idle Patient"); t.send(["Enter"])
        try t.waitFor("Are you still there?", timeout: 5)
        try t.waitFor("Welcome", timeout: 6)
        let store = try IntakeStore(path: t.db)
        let abandoned = try #require(try store.recentIntakes(limit: 1, status: "abandoned").first)
        #expect(abandoned.abandonReason == "idle")
        #expect(try store.openDrafts().isEmpty)
    }

    @Test func itSurvivesResizeAndCtrlC() throws {
        let t = try Tmux()
        defer { t.close() }
        try t.start(kiosk: [])
        try t.waitFor("Welcome")
        t.send(["Enter"]); t.type("Resize")
        t.send(["Escape"]); t.send(["C-z"]); t.send(["C-\\"]); t.send(["C-c"])
        try t.waitFor("ask a member of staff")
        t.resize(columns: 30, rows: 10)
        try t.waitFor("Please make this window")
        t.resize(columns: 80, rows: 24)
        try t.waitFor("Your full name")
        #expect(try t.capture().contains("Resize"))
        #expect(!(try t.capture().contains("EXITED")))
    }

    @Test func sigtermRestoresTheTerminalAndKillKeepsAnswers() throws {
        let t = try Tmux()
        defer { t.close() }
        try t.start(kiosk: [])
        try t.waitFor("Welcome")
        t.send(["Enter"]); t.type("Term Patient"); t.send(["Enter"])
        try t.waitFor("Your date of birth")
        try t.signal("TERM")
        try t.waitFor("EXITED")
        let after = try t.capture()
        #expect(after.contains("icanon"), "canonical mode restored: \(after)")
        #expect(after.contains(" echo"), "echo restored")
        #expect(!after.contains("-icanon"))
        let store = try IntakeStore(path: t.db)
        let draft = try #require(try store.openDrafts().first)
        #expect(try store.answers(draftID: draft.id)["patient-name"] == #"[{"valueString":"Term Patient"}]"#)
    }
}

/// A private tmux server running one command, driven like a person at the keyboard.
final class Tmux {
    static var available: Bool {
        ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":")
            .contains { FileManager.default.isExecutableFile(atPath: "\($0)/tmux") } ?? false
    }

    let socket = "intake-e2e-\(UUID().uuidString.prefix(8))"
    let folder: URL
    var db: String { folder.appendingPathComponent("intake.sqlite").path }

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("intake-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    static var binary: String {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("intake").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return ".build/debug/intake"
    }

    /// Runs a tmux client command and returns what it printed.
    ///
    /// posix_spawn and waitpid rather than Foundation's Process: the first tmux
    /// command forks the server, which keeps any pipe open and confuses Process's
    /// child reaping; output goes through a file instead.
    @discardableResult
    func tmux(_ arguments: [String]) throws -> String {
        let outputPath = folder.appendingPathComponent("tmux-\(UUID().uuidString).out").path
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ["tmux", "-L", socket] + arguments
        var cArgs = argv.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        // The test runner's threads block some signals; tmux and the kiosk must start with none blocked.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, "tmux", &actions, &attributes, &cArgs, environ)
        guard spawned == 0 else { throw Timeout(description: "cannot run tmux: \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    }

    func start(kiosk options: [String]) throws {
        try start(["kiosk", "--allow-no-pin", "--db", db, "--name", "e2e"] + options)
    }

    /// Runs `intake ARGUMENTS` in the pane; `exports` are shell assignments put before it.
    func start(_ arguments: [String], exports: String = "", columns: Int = 80, rows: Int = 24) throws {
        let command = ([Self.binary] + arguments).map { "'\($0)'" }.joined(separator: " ")
        // TERM stays tmux's own, so the keys tmux sends match the terminfo ncurses reads.
        let script = "export LANG=C.UTF-8 LC_ALL=C.UTF-8 \(exports); \(command); echo EXITED $?; stty -a; sleep 60"
        try tmux(["new-session", "-d", "-s", "k", "-x", "\(columns)", "-y", "\(rows)", script])
    }

    /// Runs `intake ARGUMENTS` to the end with `input` on standard input, for set-up steps.
    @discardableResult
    func run(_ arguments: [String], input: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Stopped after a minute: a plain kiosk whose input runs out waits for SIGTERM by design.
        let watchdog = DispatchWorkItem { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 60, execute: watchdog)
        defer { watchdog.cancel() }
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self)
    }

    func send(_ keys: [String]) { _ = try? tmux(["send-keys", "-t", "k"] + keys); usleep(60_000) }

    func type(_ text: String) { _ = try? tmux(["send-keys", "-t", "k", "-l", text]); usleep(60_000) }

    func capture() throws -> String { try tmux(["capture-pane", "-p", "-t", "k"]) }

    func resize(columns: Int, rows: Int) { _ = try? tmux(["resize-window", "-t", "k", "-x", "\(columns)", "-y", "\(rows)"]) }

    func signal(_ name: String) throws {
        let pid = try tmux(["list-panes", "-t", "k", "-F", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        // The pane runs a shell; the kiosk is its child.
        _ = Glibc.kill(pid_t(try kioskPID(shell: pid)), name == "TERM" ? SIGTERM : SIGKILL)
    }

    /// The kiosk process: the pane's shell's child.
    func kioskPID(shell: String) throws -> Int32 {
        let children = (try? String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)) ?? ""
        guard let pid = children.split(separator: " ").first.flatMap({ Int32($0) }) else {
            throw Timeout(description: "no kiosk process under shell \(shell)")
        }
        return pid
    }

    struct Timeout: Error, CustomStringConvertible { let description: String }

    /// Waits until the screen shows `text`.
    func waitFor(_ text: String, timeout: Double = 10) throws {
        let deadline = Date().addingTimeInterval(timeout)
        var screen = ""
        while Date() < deadline {
            screen = try capture()
            if screen.contains(text) { return }
            usleep(50_000)
        }
        throw Timeout(description: "\"\(text)\" did not appear within \(timeout) s; the screen was:\n\(screen)")
    }

    func close() {
        _ = try? tmux(["kill-server"])
        try? FileManager.default.removeItem(at: folder)
    }
}
