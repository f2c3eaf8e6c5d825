import Foundation
import GRDB
import Testing
@testable import IntakeStorage

/// Issue 10, "Files and the database": what opening refuses, tightens and checks, abandoned
/// answers gone from the -wal file, and backup and restore.
@Suite("File safety")
struct FileSafetyTests {
    static let isRoot = geteuid() == 0
    static let nobody: uid_t = 65534

    /// `openStore` with the typed error, for matching cases.
    static func open(_ path: String, allowSymlink: Bool = false) throws(StorageError) -> IntakeStore {
        try IntakeStore(path: path, pinHasher: cheapHasher, allowSymlink: allowSymlink)
    }

    // MARK: - Modes and owners

    @Test func aLooseExistingFileIsTightenedTo0600AndSaysSo() throws {
        let temp = TemporaryFolder()
        let path = temp.file("intake.sqlite")
        #expect(FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o666]))
        chmod(path, 0o666)
        let store = try openStore(path)
        _ = try store.startDraft(language: "en", kiosk: nil)
        #expect(try permissions(path) == 0o600)
        for suffix in ["-wal", "-shm"] { #expect(try permissions(path + suffix) == 0o600, "\(suffix)") }
        #expect(store.openingNotes.contains { $0.contains(path) && $0.contains("0666") && $0.contains("0600") }, "\(store.openingNotes)")
    }

    @Test func looseLeftoverWALAndSHMFilesAreTightened() throws {
        let temp = TemporaryFolder()
        let path = temp.file("intake.sqlite")
        do { _ = try openStore(path) }
        for suffix in ["-wal", "-shm"] {
            FileManager.default.createFile(atPath: path + suffix, contents: nil)
            chmod(path + suffix, 0o644)
        }
        let store = try openStore(path)
        for suffix in ["-wal", "-shm"] { #expect(try permissions(path + suffix) == 0o600, "\(suffix)") }
        #expect(store.openingNotes.contains { $0.contains("-wal") && $0.contains("0644") })
    }

    @Test func theDatabasesOwnFolderIsTightenedTo0700AndSaysSo() throws {
        let temp = TemporaryFolder()
        let folder = temp.file("clinic")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        chmod(folder, 0o755)
        let store = try openStore(folder + "/intake.sqlite")
        #expect(try permissions(folder) == 0o700)
        #expect(store.openingNotes.contains { $0.contains(folder) && $0.contains("0755") && $0.contains("0700") })
    }

    @Test func aSharedFolderOthersCanWriteToIsRefused() throws {
        let temp = TemporaryFolder()
        let folder = temp.file("shared")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        FileManager.default.createFile(atPath: folder + "/notes.txt", contents: Data("x".utf8))
        chmod(folder, 0o777)
        #expect(throws: StorageError.folderWritableByOthers(path: folder)) { try openStore(folder + "/intake.sqlite") }
        #expect(!FileManager.default.fileExists(atPath: folder + "/intake.sqlite"), "nothing created")
    }

    @Test(.enabled(if: isRoot, "needs root to give a file to user nobody (uid 65534); skipped"))
    func aDatabaseOwnedByAnotherUserIsRefused() throws {
        let temp = TemporaryFolder()
        let path = temp.file("intake.sqlite")
        do { _ = try openStore(path) }
        chown(path, Self.nobody, Self.nobody)
        do {
            _ = try Self.open(path)
            Issue.record("opened another user's database")
        } catch {
            guard case .ownedByAnotherUser(path, _, false) = error else { Issue.record("\(error)"); return }
            #expect(error.description.contains("another user"))
            #expect(error.description.contains("65534"))
        }
    }

    @Test(.enabled(if: isRoot, "needs root to give a -wal file to user nobody (uid 65534); skipped"))
    func aPlantedWALOfAnotherUserIsRefused() throws {
        let temp = TemporaryFolder()
        let path = temp.file("intake.sqlite")
        do { _ = try openStore(path) }
        FileManager.default.createFile(atPath: path + "-wal", contents: nil)
        chown(path + "-wal", Self.nobody, Self.nobody)
        #expect(throws: StorageError.self) { try openStore(path) }
    }

    @Test(.enabled(if: isRoot, "needs root to give a folder to user nobody (uid 65534); skipped"))
    func aFolderOwnedByAnotherUserIsRefused() throws {
        let temp = TemporaryFolder()
        let folder = temp.file("theirs")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        chmod(folder, 0o777)
        chown(folder, Self.nobody, Self.nobody)
        do {
            _ = try Self.open(folder + "/intake.sqlite")
            Issue.record("opened a database in another user's folder")
        } catch {
            guard case .ownedByAnotherUser(folder, _, true) = error else { Issue.record("\(error)"); return }
        }
    }

    // MARK: - Symbolic links and non-regular paths

    @Test func aSymlinkIsRefusedUnlessNamedExplicitly() throws {
        let temp = TemporaryFolder()
        let real = temp.file("real.sqlite")
        do { _ = try openStore(real) }
        let link = temp.file("link.sqlite")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: real)
        #expect(throws: StorageError.symlinkRefused(path: link, target: real)) { try openStore(link) }

        let explicit = try IntakeStore(path: link, pinHasher: cheapHasher, allowSymlink: true)
        let draft = try explicit.startDraft(language: "en", kiosk: nil)
        #expect(try openStore(real).intake(id: draft.id) != nil, "the link's target is what was opened")
        #expect(try permissions(real) == 0o600)
    }

    @Test func aDanglingSymlinkIsRefusedAndNothingIsCreated() throws {
        let temp = TemporaryFolder()
        let target = temp.file("elsewhere.sqlite")
        let link = temp.file("intake.sqlite")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        for allow in [false, true] {
            #expect(throws: StorageError.danglingSymlink(path: link, target: target)) {
                try IntakeStore(path: link, pinHasher: cheapHasher, allowSymlink: allow)
            }
        }
        for suffix in ["", "-wal", "-shm"] { #expect(!FileManager.default.fileExists(atPath: target + suffix)) }
    }

    @Test func aSymlinkedFolderIsRefusedUnlessNamedExplicitly() throws {
        let temp = TemporaryFolder()
        let realFolder = temp.file("real")
        try FileManager.default.createDirectory(atPath: realFolder, withIntermediateDirectories: false)
        let linkFolder = temp.file("intake")
        try FileManager.default.createSymbolicLink(atPath: linkFolder, withDestinationPath: realFolder)
        #expect(throws: StorageError.symlinkRefused(path: linkFolder, target: realFolder)) {
            try openStore(linkFolder + "/intake.sqlite")
        }
        _ = try IntakeStore(path: linkFolder + "/intake.sqlite", pinHasher: cheapHasher, allowSymlink: true)
        #expect(FileManager.default.fileExists(atPath: realFolder + "/intake.sqlite"))
    }

    @Test func aFIFOADeviceOrAFolderIsNamedForWhatItIs() throws {
        let temp = TemporaryFolder()
        let fifo = temp.file("pipe.sqlite")
        #expect(mkfifo(fifo, 0o600) == 0)
        let folder = temp.file("folder.sqlite")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        for (path, kind) in [(fifo, "named pipe (FIFO)"), ("/dev/zero", "character device"), (folder, "folder")] {
            do {
                _ = try IntakeStore(path: path, pinHasher: cheapHasher, allowSymlink: true)
                Issue.record("opened \(path)")
            } catch {
                #expect(error.description.contains(path))
                #expect(error.description.contains("is a \(kind), not a regular file"), "\(error)")
            }
        }
        #expect(try permissions("/dev") & 0o755 == 0o755, "the folder of a device is never touched")
    }

    // MARK: - Newer and damaged files

    @Test func aDatabaseFromANewerVersionIsRefusedNamingBothVersions() throws {
        let temp = TemporaryFolder()
        let path = temp.file("intake.sqlite")
        do {
            let store = try openStore(path)
            try store.pool.write { db in
                try db.execute(sql: "CREATE TABLE later_feature (id INTEGER PRIMARY KEY)")
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9')")
            }
        }
        do {
            _ = try Self.open(path)
            Issue.record("opened a newer database")
        } catch {
            #expect(error == .newerSchema(path: path, found: "v9", known: "v3"))
            #expect(error.description.contains("schema v9"))
            #expect(error.description.contains("up to v3"))
        }
    }

    @Test func aDamagedFileIsNamedAsDamagedWithThePath() throws {
        let temp = TemporaryFolder()
        let path = temp.file("intake.sqlite")
        do {
            let store = try openStore(path)
            for index in 0..<200 { _ = try submitIntake(store, name: "Patient \(index)") }
        }
        try Self.damage(path)
        do {
            _ = try Self.open(path)
            Issue.record("opened a damaged database")
        } catch {
            guard case .damaged(path, _) = error else { Issue.record("expected damaged, got \(error)"); return }
            #expect(error.description.contains("the database file is damaged: restore from backup"))
            #expect(error.description.contains(path))
        }
    }

    @Test func SQLITE_CORRUPTAfterOpeningIsReportedAsDamageNotDiskSpace() {
        let error = IntakeStore.failure(path: "/srv/i.sqlite", DatabaseError(resultCode: .SQLITE_CORRUPT, message: "database disk image is malformed"))
        #expect(error == .damaged(path: "/srv/i.sqlite", reason: "database disk image is malformed"))
        #expect(!error.description.contains("free space"))
    }

    /// Overwrites every page but the first two with junk, as a failing disk might.
    static func damage(_ path: String) throws { try FileDamage.overwriteAfterTwoPages(path) }

    // MARK: - Deleted answers do not linger

    @Test func anAbandonedPatientsNameIsNotInTheFilesAfterClosing() throws {
        let temp = TemporaryFolder()
        let path = temp.file("intake.sqlite")
        let other = try openStore(path)  // another kiosk keeps the file, and its -wal, open
        let name = "Zebediah Quillfeather-Marchbanks"
        do {
            let store = try openStore(path)
            let draft = try store.startDraft(language: "en", kiosk: "front")
            try store.saveAnswer(draftID: draft.id, linkId: "patient-name", valueJSON: "\"\(name)\"")
            try store.saveAnswer(draftID: draft.id, linkId: "patient-phone", valueJSON: "\"+44 7700 900123\"")
            try store.abandon(draftID: draft.id, reason: "idle")
        }
        for suffix in ["", "-wal"] {
            let bytes = (try? Data(contentsOf: URL(fileURLWithPath: path + suffix))) ?? Data()
            #expect(bytes.range(of: Data(name.utf8)) == nil, "the name is in \(path + suffix)")
            #expect(bytes.range(of: Data("7700 900123".utf8)) == nil, "the phone is in \(path + suffix)")
        }
        #expect(try other.openDrafts().isEmpty)
        let secureDelete = try other.pool.read { try Int.fetchOne($0, sql: "PRAGMA secure_delete") }
        #expect(secureDelete == 1)
    }

    // MARK: - Backup and restore

    @Test func aBackupTakenWhileKiosksWriteIsConsistentPrivateAndChecked() async throws {
        let temp = TemporaryFolder()
        let path = temp.file("intake.sqlite")
        let store = try openStore(path)
        let writer = try openStore(path)  // a kiosk in another process, as far as SQLite can tell
        // Each intake goes in with its three answers in one transaction: a consistent copy has
        // three answers for every intake, never fewer.
        let progress = Progress(totalUnitCount: 400)
        let writing = Task.detached {
            defer { progress.completedUnitCount = 400 }
            for index in 0..<400 {
                try writer.pool.write { db in
                    try db.execute(sql: """
                        INSERT INTO intake (code, status, started_at, updated_at) VALUES (?, 'draft', '2026-11-24', '2026-11-24')
                        """, arguments: [String(format: "BCK-%03d", index)])
                    let id = db.lastInsertedRowID
                    for link in ["a", "b", "c"] {
                        try db.execute(sql: "INSERT INTO answer (intake_id, link_id, value_json, saved_at) VALUES (?, ?, '\"x\"', '2026-11-24')",
                                       arguments: [id, link])
                    }
                }
            }
        }
        var reports: [BackupReport] = []
        var round = 0
        while !progress.isFinished || reports.count < 2 {
            reports.append(try store.backup(to: temp.file("backups/intake-\(round).sqlite")))
            round += 1
        }
        try await writing.value
        for report in reports {
            #expect(try permissions(report.path) == 0o600)
            #expect(try permissions(temp.file("backups")) == 0o700)
            #expect(!FileManager.default.fileExists(atPath: report.path + "-wal"), "one self-contained file")
            #expect(report.schema == "v3")
            let (check, counts) = try Self.answersPerIntake(report.path)
            #expect(check == ["ok"])
            #expect(counts.allSatisfy { $0 == 3 }, "an intake without all its answers: the copy is not one snapshot")
            #expect(counts.count == report.intakes)
        }
        #expect(reports.contains { $0.intakes > 0 && $0.intakes < 400 }, "a backup was taken while the writes went on: \(reports.map(\.intakes))")
        #expect(throws: StorageError.self, "an existing file is never overwritten") { try store.backup(to: reports[0].path) }
    }

    /// quick_check of the file, and the number of answers of each intake in it.
    static func answersPerIntake(_ path: String) throws -> ([String], [Int]) {
        var configuration = Configuration()
        configuration.readonly = true
        let copy = try DatabaseQueue(path: path, configuration: configuration)
        return try copy.read { db in
            (try String.fetchAll(db, sql: "PRAGMA quick_check"),
             try Int.fetchAll(db, sql: "SELECT COUNT(answer.link_id) FROM intake LEFT JOIN answer ON answer.intake_id = intake.id GROUP BY intake.id"))
        }
    }

    @Test func restoreKeepsTheCurrentFileAsideAndPutsTheBackupInPlace() throws {
        let temp = TemporaryFolder()
        let path = temp.file("intake.sqlite")
        let backup = temp.file("backup.sqlite")
        let kept: StoredIntake
        do {
            let store = try openStore(path)
            kept = try submitIntake(store, name: "In The Backup")
            _ = try store.backup(to: backup)
            _ = try submitIntake(store, name: "After The Backup")
        }
        let report = try IntakeStore.restore(from: backup, to: path, now: fixedNow)
        #expect(report.intakes == 1)
        let aside = try #require(report.keptAside)
        #expect(aside == path + ".before-restore-20270115-080000")
        #expect(try permissions(path) == 0o600)
        let restored = try openStore(path)
        #expect(try restored.intake(code: kept.code) != nil)
        #expect(try restored.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM intake") } == 1)
        let before = try openStore(aside)
        #expect(try before.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM intake") } == 2, "nothing lost")
    }

    @Test func restoreRefusesADamagedOrNewerBackupAndChangesNothing() throws {
        let temp = TemporaryFolder()
        let path = temp.file("intake.sqlite")
        let store = try openStore(path)
        for index in 0..<200 { _ = try submitIntake(store, name: "Patient \(index)") }
        let damaged = temp.file("damaged.sqlite")
        _ = try store.backup(to: damaged)
        try Self.damage(damaged)
        let newer = temp.file("newer.sqlite")
        _ = try store.backup(to: newer)
        try DatabaseQueue(path: newer).write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9')") }
        let garbage = temp.file("garbage.sqlite")
        FileManager.default.createFile(atPath: garbage, contents: Data(repeating: 0x41, count: 4096))

        for (file, mention) in [(damaged, "damaged"), (newer, "v9"), (garbage, "garbage.sqlite")] {
            do {
                _ = try IntakeStore.restore(from: file, to: path)
                Issue.record("restored \(file)")
            } catch {
                guard case .restoreFailed(path, _) = error else { Issue.record("\(error)"); continue }
                #expect(error.description.contains(mention), "\(error)")
            }
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: temp.path)
        #expect(!names.contains { $0.contains("before-restore") || $0.contains("restoring") }, "\(names)")
        #expect(try store.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM intake") } == 200)
    }
}
