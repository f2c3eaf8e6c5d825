import Foundation
import Testing
import IntakeStorage

/// Admin actions name who did them, nothing from outside reaches the terminal raw, and response
/// files are capped and summarised in time linear in their size.
struct HardeningCommandTests {
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("intake-harden-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static var osUser: String {
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return "os:" + String(cString: name) }
        return "os:uid \(geteuid())"
    }

    @Test func adminActionsAreLoggedUnderTheActorNotTheTarget() throws {
        let db = try Self.folder().appendingPathComponent("i.sqlite").path
        #expect(try CLI.run(["user", "add", "Salma", "--role", "practitioner", "--db", db], input: "long-enough\nlong-enough\n").status == 0)
        #expect(try CLI.run(["user", "passwd", "Salma", "--db", db], input: "another-one\nanother-one\n").status == 0)
        #expect(try CLI.run(["user", "disable", "Salma", "--db", db]).status == 0)
        #expect(try CLI.run(["pin", "set", "--db", db], input: "4321\n4321\n").status == 0)
        // With an admin account signing in for it: both are named.
        #expect(try CLI.run(["user", "add", "Boss", "--role", "admin", "--db", db], input: "boss-password\nboss-password\n").status == 0)
        let staffed = try CLI.run(["user", "add", "Omar", "--role", "reception", "--staff", "Boss", "--db", db],
                                  input: "boss-password\nlong-enough\nlong-enough\n")
        #expect(staffed.status == 0, "\(staffed.stderr)")
        let refused = try CLI.run(["user", "add", "Rami", "--role", "reception", "--staff", "Boss", "--db", db],
                                  input: "not-boss-password\nlong-enough\nlong-enough\n")
        #expect(refused.status != 0)

        let entries = try IntakeStore(path: db).auditEntries(limit: 100).reversed()
        func actor(_ action: AuditAction, _ detail: String) -> String? {
            entries.first { $0.action == action && $0.detail.hasPrefix(detail) }?.user
        }
        #expect(actor(.userAdded, "Salma") == Self.osUser)
        #expect(actor(.passwordChanged, "Salma") == Self.osUser)
        #expect(actor(.userDisabled, "Salma") == Self.osUser)
        #expect(actor(.pinSet, "") == Self.osUser)
        #expect(actor(.userAdded, "Omar") == "\(Self.osUser), staff Boss")
        #expect(actor(.userAdded, "Rami") == nil)
    }

    @Test func staffNamesAndSettingsKeysNeverReachTheTerminalRaw() throws {
        let folder = try Self.folder()
        let db = folder.appendingPathComponent("i.sqlite").path
        let evil = "Eve\u{1B}]0;owned\u{07}\u{1B}[2J"
        let add = try CLI.run(["user", "add", evil, "--role", "admin", "--db", db], input: "long-enough\nlong-enough\n")
        #expect(add.status == 2)
        #expect(!(add.stdout + add.stderr).contains("\u{1B}"))

        // An account named so by an older version, or straight in the database.
        try IntakeStore(path: db).addUser(name: evil, role: .admin, password: "long-enough")
        let list = try CLI.run(["user", "list", "--db", db])
        #expect(list.stdout.contains("Eve"))
        #expect(!(list.stdout + list.stderr).contains("\u{1B}"), "\(list.stdout.debugDescription)")
        let disable = try CLI.run(["user", "disable", evil, "--db", db])
        #expect(!(disable.stdout + disable.stderr).contains("\u{1B}"), "\(disable.stdout.debugDescription)")
        let unknown = try CLI.run(["user", "disable", "Nobody\u{1B}[31m", "--db", db])
        #expect(unknown.status == 2)
        #expect(!unknown.stderr.contains("\u{1B}"), "\(unknown.stderr.debugDescription)")

        let config = folder.appendingPathComponent("intake.conf").path
        FileManager.default.createFile(atPath: config, contents: Data("\u{1B}]0;owned\u{07}colour\u{1B}[31m = blue\n".utf8),
                                       attributes: [.posixPermissions: 0o600])
        let kiosk = try CLI.run(["kiosk", "--config", config, "--allow-no-pin", "--db", db])
        #expect(kiosk.stderr.contains("colour"), "\(kiosk.stderr)")
        #expect(!kiosk.stderr.contains("\u{1B}"), "\(kiosk.stderr.debugDescription)")
    }

    /// Case 01 with `name` as the patient's name, written to a file.
    static func responseFile(name: String) throws -> String {
        let data = try Data(contentsOf: CLI.cases.appendingPathComponent("01-clear-candidate.json"))
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        func rename(_ items: [[String: Any]]) -> [[String: Any]] {
            items.map { item in
                var item = item
                if item["linkId"] as? String == "patient-name" { item["answer"] = [["valueString": name]] }
                if let children = item["item"] as? [[String: Any]] { item["item"] = rename(children) }
                return item
            }
        }
        object["item"] = rename(object["item"] as? [[String: Any]] ?? [])
        let path = try folder().appendingPathComponent("response.json").path
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func aHugeNameIsSummarisedQuicklyAndCutToTheQuestionsLimit() throws {
        let file = try Self.responseFile(name: String(repeating: "A", count: 900_000))
        let start = Date()
        let result = try CLI.run(["summary", file, "--as-of", "2026-11-22"])
        let seconds = Date().timeIntervalSince(start)
        #expect(result.status == 0, "\(result.stderr)")
        // Linear takes about 0.2 s; the quadratic wrap took 14.5 s for a third of this. The bound leaves
        // room for a busy machine running the other suites in parallel.
        #expect(seconds < 5, "\(seconds) s")
        #expect(result.stdout.contains(String(repeating: "A", count: 40)))
        let name = result.stdout.filter { $0 == "A" }.count
        #expect(name < 1000, "the name at most twice (header and answer), cut at 120 characters: \(name) A's")
        #expect(result.stdout.contains("…"))
    }

    @Test(arguments: ["assess", "summary"])
    func aFileOverOneMegabyteIsRefused(_ command: String) throws {
        let file = try Self.responseFile(name: String(repeating: "A", count: 2_000_000))
        let result = try CLI.run([command, file, "--as-of", "2026-11-22"])
        #expect(result.status == 2)
        #expect(result.stderr.contains(file) && result.stderr.contains("at most 1 MB"), "\(result.stderr.prefix(300))")
        #expect(result.stderr.split(separator: "\n").count == 1)
    }
}
