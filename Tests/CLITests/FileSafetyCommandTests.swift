import Foundation
import Testing
import IntakeModel
@testable import IntakeStorage
import TestSupport
import Kiosk

/// Issue 10, "Files and the database", through the real `intake` binary.
@Suite("File safety through the binary")
struct FileSafetyCommandTests {
    static let isRoot = geteuid() == 0

    /// `CLI.run` with a time limit: a command that blocks on a FIFO, or a kiosk that starts when
    /// it should have refused to, is killed and reported rather than hanging the suite.
    static func run(_ arguments: [String], seconds: Double = 20, environment: [String: String]? = nil) throws -> CLI.Result {
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = arguments
        if let environment { process.environment = environment }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        try input.fileHandleForWriting.close()
        let pid = process.processIdentifier
        let timer = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds, execute: timer)
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        timer.cancel()
        let killed = process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL
        return CLI.Result(status: killed ? -1 : process.terminationStatus,
                          stdout: String(decoding: outData, as: UTF8.self),
                          stderr: (killed ? "timed out after \(seconds) s\n" : "") + String(decoding: errData, as: UTF8.self))
    }

    /// A fresh private folder.
    static func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("intake-files-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        chmod(path, 0o755)
        return path
    }

    static func mode(_ path: String) -> mode_t {
        var info = stat()
        stat(path, &info)
        return info.st_mode & 0o7777
    }

    /// A database with `count` submitted intakes, closed.
    static func database(_ path: String, intakes count: Int) throws {
        let store = try IntakeStore(path: path, pinHasher: SecretHasher(rounds: 16, blockSize: 1, parallelism: 1))
        for index in 0..<count {
            let draft = try store.startDraft(language: "en", kiosk: "test")
            _ = try store.submit(draftID: draft.id, Submission(
                patientName: "Patient \(index)", patientDOB: "1984-03-07", procedures: [.microneedling],
                responseJSON: #"{"resourceType":"QuestionnaireResponse"}"#, assessmentJSON: "{}",
                verdicts: [.microneedling: .eligible], questionnaireVersion: "2", rulesetVersion: "2"))
        }
    }

    /// Overwrites every page but the first two with junk.
    static func damage(_ path: String) throws { try FileDamage.overwriteAfterTwoPages(path) }

    // MARK: - Non-regular paths

    @Test func aFIFODeviceOrFolderIsNamedForWhatItIsForEveryFileArgument() throws {
        let dir = try Self.folder()
        let fifo = dir + "/pipe.json"
        #expect(mkfifo(fifo, 0o600) == 0)
        let folder = dir + "/folder.json"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        let db = dir + "/intake.sqlite"
        for (path, kind) in [(fifo, "a named pipe (FIFO)"), ("/dev/zero", "a character device"), (folder, "a folder")] {
            let commands: [[String]] = [
                ["assess", path], ["summary", path], ["questionnaire", "check", path],
                ["audit", "--db", path], ["backup", dir + "/b-\(UUID().uuidString).sqlite", "--db", path],
                ["kiosk", "--plain", "--allow-no-pin", "--config", path, "--db", db],
                ["restore", path, "--db", db],
            ]
            for arguments in commands {
                let result = try Self.run(arguments)
                #expect(result.status > 0, "\(arguments): \(result.stderr)")
                #expect(result.stderr.contains(path), "\(arguments): \(result.stderr)")
                #expect(result.stderr.contains("\(kind), not a regular file"), "\(arguments): \(result.stderr)")
                #expect(!result.stderr.contains("NSCocoaErrorDomain"), "\(arguments)")
            }
        }
    }

    @Test func aThemeFileThatIsAFIFOIsNamedNotReadForever() throws {
        let dir = try Self.folder()
        let fifo = dir + "/blue.theme"
        #expect(mkfifo(fifo, 0o600) == 0)
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = nil  // with it, no theme is read at all
        let result = try Self.run(["kiosk", "--theme", fifo, "--allow-no-pin", "--db", dir + "/intake.sqlite"], environment: environment)
        #expect(result.status > 0)
        #expect(result.stderr.contains("\(fifo): this is a named pipe (FIFO), not a regular file"), "\(result.stderr)")
    }

    // MARK: - Modes, owners and links

    @Test func aLooseDatabaseFileIsTightenedAndSaidOnStandardError() throws {
        let dir = try Self.folder()
        let db = dir + "/intake.sqlite"
        FileManager.default.createFile(atPath: db, contents: nil)
        chmod(db, 0o666)
        let result = try Self.run(["audit", "--db", db])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Self.mode(db) == 0o600)
        #expect(Self.mode(dir) == 0o700)
        #expect(result.stderr.contains("\(db) was open to other users (mode 0666); it is now 0600"), "\(result.stderr)")
        #expect(result.stderr.contains("the database folder \(dir) was open to other users (mode 0755); it is now 0700"))
    }

    @Test func aSymlinkFromTheSettingsFileIsRefusedAndAllowedWhenNamedWithDb() throws {
        let dir = try Self.folder()
        let real = dir + "/real.sqlite"
        try Self.database(real, intakes: 1)
        let link = dir + "/link.sqlite"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: real)
        let config = dir + "/intake.conf"
        try Data("db = \(link)\n".utf8).write(to: URL(fileURLWithPath: config))
        chmod(config, 0o600)

        let fromSettings = try Self.run(["kiosk", "--plain", "--allow-no-pin", "--config", config])
        #expect(fromSettings.status == 1, "\(fromSettings.stderr)")
        #expect(fromSettings.stderr.contains("\(link) is a symbolic link"), "\(fromSettings.stderr)")

        let named = try Self.run(["audit", "--db", link])
        #expect(named.status == 0, "\(named.stderr)")
    }

    @Test func aDanglingSymlinkCreatesNothing() throws {
        let dir = try Self.folder()
        let link = dir + "/intake.sqlite"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: dir + "/elsewhere.sqlite")
        let result = try Self.run(["audit", "--db", link])
        #expect(result.status == 1)
        #expect(result.stderr.contains("does not exist"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/elsewhere.sqlite"))
    }

    @Test(.enabled(if: isRoot, "needs root to give the database to user nobody (uid 65534); skipped"))
    func anotherUsersDatabaseIsRefused() throws {
        let dir = try Self.folder()
        let db = dir + "/intake.sqlite"
        try Self.database(db, intakes: 1)
        chown(db, 65534, 65534)
        let result = try Self.run(["summary", "AAA-AAA", "--db", db])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(db) belongs to another user"), "\(result.stderr)")
    }

    // MARK: - Newer and damaged databases

    @Test func aNewerDatabaseIsRefusedNamingBothVersions() throws {
        let dir = try Self.folder()
        let db = dir + "/intake.sqlite"
        do {
            let store = try IntakeStore(path: db)
            try store.pool.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v7')") }
        }
        let result = try Self.run(["audit", "--db", db])
        #expect(result.status == 1)
        #expect(result.stderr.contains("newer version of intake (database schema v7; this intake knows schema versions up to v3)"), "\(result.stderr)")
    }

    @Test func aDamagedDatabaseSaysRestoreFromBackupWithThePath() throws {
        let dir = try Self.folder()
        let db = dir + "/intake.sqlite"
        try Self.database(db, intakes: 150)
        try Self.damage(db)
        for arguments in [["audit", "--db", db], ["summary", "AAA-AAA", "--db", db]] {
            let result = try Self.run(arguments)
            #expect(result.status == 1)
            #expect(result.stderr.contains("the database file is damaged: restore from backup"), "\(result.stderr)")
            #expect(result.stderr.contains(db))
        }
    }

    // MARK: - Settings files

    @Test func aSettingsFileOthersCanWriteIsRefusedAndTheKioskDoesNotStart() throws {
        let dir = try Self.folder()
        let config = dir + "/intake.conf"
        try Data("db = \(dir)/other.sqlite\n".utf8).write(to: URL(fileURLWithPath: config))
        chmod(config, 0o666)
        let writable = try Self.run(["kiosk", "--plain", "--allow-no-pin", "--config", config, "--db", dir + "/intake.sqlite"])
        #expect(writable.status == 2, "\(writable.stderr)")
        #expect(writable.stderr.contains("chmod go-w \(config)"), "\(writable.stderr)")

        chmod(config, 0o644)
        chmod(dir, 0o777)
        let inOpenFolder = try Self.run(["kiosk", "--plain", "--allow-no-pin", "--config", config, "--db", dir + "/intake.sqlite"])
        #expect(inOpenFolder.status == 2, "\(inOpenFolder.stderr)")
        #expect(inOpenFolder.stderr.contains("in a folder other users can write to"), "\(inOpenFolder.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/other.sqlite"))
    }

    @Test func everySettingIsCheckedWithTheRangeInTheMessage() throws {
        let (config, problems) = KioskConfiguration.parse("""
            idle-seconds = inf
            countdown-seconds = 1e308
            name = \u{1B}[2J
            db = relative/intake.sqlite
            """, file: "k.conf")
        #expect(config == KioskConfiguration())
        #expect(problems.map(\.description) == [
            "k.conf:1: key \"idle-seconds\": \"inf\" is not a number of seconds from 1 to 3600",
            "k.conf:2: key \"countdown-seconds\": \"1e308\" is not a number of seconds from 1 to 600",
            "k.conf:3: key \"name\": expected a kiosk name of 1 to 64 characters",
            "k.conf:4: key \"db\": expected the full path of the database file, starting with /",
        ])
        for option in ["--idle-seconds", "--countdown-seconds"] {
            let result = try Self.run(["kiosk", option, "inf"])
            #expect(result.status == 64)
            #expect(result.stderr.contains("\(option) must be a number of seconds from 1 to"), "\(result.stderr)")
        }
        let review = try Self.run(["review", "--idle-seconds", "nan"])
        #expect(review.status == 64)
    }

    // MARK: - Backup and restore

    @Test func backupWritesAPrivateCheckedCopyAndRestoreKeepsTheCurrentFileAside() throws {
        let dir = try Self.folder()
        let db = dir + "/data/intake.sqlite"
        try Self.database(db, intakes: 3)
        let backup = dir + "/backups/intake-2026-11-24.sqlite"

        let backedUp = try Self.run(["backup", backup, "--db", db])
        #expect(backedUp.status == 0, "\(backedUp.stderr)")
        #expect(backedUp.stdout.contains("3 intakes"))
        #expect(backedUp.stdout.contains("quick_check"))
        #expect(Self.mode(backup) == 0o600)
        #expect(try Self.run(["backup", backup, "--db", db]).stderr.contains("already exists"))

        try Self.database(db, intakes: 2)  // two more after the backup
        let restored = try Self.run(["restore", backup, "--db", db])
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(restored.stdout.contains("Restored \(db) from \(backup): 3 intakes"))
        #expect(restored.stdout.contains("kept at \(db).before-restore-"), "\(restored.stdout)")
        #expect(Self.mode(db) == 0o600)
        let kept = try FileManager.default.contentsOfDirectory(atPath: dir + "/data").filter { $0.contains("before-restore") && !$0.hasSuffix("-wal") }
        #expect(kept.count == 1)
        #expect(try IntakeStore(path: db).pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM intake") } == 3)
        #expect(try IntakeStore(path: dir + "/data/" + kept[0]).pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM intake") } == 5)
    }

    @Test func backupsTakenByTheBinaryWhileAnotherProcessWritesAreConsistent() throws {
        let dir = try Self.folder()
        let db = dir + "/intake.sqlite"
        let writer = try IntakeStore(path: db)
        // Each intake and its three answers go in one transaction: a consistent copy never has
        // an intake with fewer than three.
        final class Flag: @unchecked Sendable {
            private let lock = NSLock()
            private var value = false
            var isSet: Bool { lock.withLock { value } }
            func set() { lock.withLock { value = true } }
        }
        let stop = Flag(), started = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            defer { done.signal() }
            var index = 0
            while !stop.isSet {
                if index == 50 { started.signal() }
                defer { index += 1 }
                try? writer.pool.write { db in
                    try db.execute(sql: "INSERT INTO intake (code, status, started_at, updated_at) VALUES (?, 'draft', '2026-11-24', '2026-11-24')",
                                   arguments: [String(format: "W%05d", index)])
                    let id = db.lastInsertedRowID
                    for link in ["a", "b", "c"] {
                        try db.execute(sql: "INSERT INTO answer (intake_id, link_id, value_json, saved_at) VALUES (?, ?, '\"x\"', '2026-11-24')",
                                       arguments: [id, link])
                    }
                }
            }
        }
        started.wait()
        var backups: [String] = []
        for round in 0..<4 {
            let file = dir + "/backup-\(round).sqlite"
            let result = try Self.run(["backup", file, "--db", db])
            #expect(result.status == 0, "\(result.stderr)")
            backups.append(file)
        }
        stop.set()
        done.wait()
        let total = try writer.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM intake") } ?? 0
        var seen: [Int] = []
        for file in backups {
            let copy = try IntakeStore(path: file)
            let (check, counts) = try copy.pool.read { db in
                (try String.fetchAll(db, sql: "PRAGMA quick_check"),
                 try Int.fetchAll(db, sql: "SELECT COUNT(answer.link_id) FROM intake LEFT JOIN answer ON answer.intake_id = intake.id GROUP BY intake.id"))
            }
            #expect(check == ["ok"])
            #expect(counts.allSatisfy { $0 == 3 }, "\(file): an intake without all its answers")
            seen.append(counts.count)
        }
        #expect(seen.allSatisfy { $0 >= 50 && $0 < total }, "each backup was taken while the writes went on: \(seen) of \(total)")
    }

    @Test func restoreRefusesADamagedOrNewerBackupAndADatabaseInUse() throws {
        let dir = try Self.folder()
        let db = dir + "/intake.sqlite"
        try Self.database(db, intakes: 150)
        let damaged = dir + "/damaged.sqlite"
        #expect(try Self.run(["backup", damaged, "--db", db]).status == 0)
        try Self.damage(damaged)
        let newer = dir + "/newer.sqlite"
        #expect(try Self.run(["backup", newer, "--db", db]).status == 0)
        do {
            let store = try IntakeStore(path: newer)
            try store.pool.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9')") }
        }
        for (file, mention) in [(damaged, "\(damaged) is damaged"), (newer, "schema v9")] {
            let result = try Self.run(["restore", file, "--db", db])
            #expect(result.status == 1)
            #expect(result.stderr.contains("nothing was restored into \(db)"), "\(result.stderr)")
            #expect(result.stderr.contains(mention), "\(result.stderr)")
        }

        // A kiosk has the database open: restoring under it is refused.
        let good = dir + "/good.sqlite"
        #expect(try Self.run(["backup", good, "--db", db]).status == 0)
        let kiosk = Process()
        kiosk.executableURL = CLI.binary
        kiosk.arguments = ["kiosk", "--plain", "--allow-no-pin", "--db", db, "--name", "restore-test"]
        let input = Pipe()
        kiosk.standardInput = input
        kiosk.standardOutput = FileHandle.nullDevice
        kiosk.standardError = FileHandle.nullDevice
        try kiosk.run()
        defer {
            kiosk.terminate()
            for _ in 0..<60 where kiosk.isRunning { usleep(50_000) }
            if kiosk.isRunning { kill(kiosk.processIdentifier, SIGKILL) }
            kiosk.waitUntilExit()
        }
        for _ in 0..<100 where !FileSafety.isOpenElsewhere(db) { usleep(50_000) }
        let busy = try Self.run(["restore", good, "--db", db])
        #expect(busy.status == 1)
        #expect(busy.stderr.contains("open in another program"), "\(busy.stderr)")
        #expect(!(try FileManager.default.contentsOfDirectory(atPath: dir).contains { $0.contains("before-restore") }))
    }
}
