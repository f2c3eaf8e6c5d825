import Foundation
import GRDB
import Testing
@testable import IntakeStorage

@Suite("Opening the database")
struct OpeningTests {
    @Test func createsMissingFoldersPrivateAndTheFileOwnerOnly() throws {
        let temp = TemporaryFolder()
        let path = temp.file("clinic/kiosks/intake.sqlite")
        let store = try openStore(path)
        _ = try store.startDraft(language: "en", kiosk: nil)

        #expect(try permissions(temp.file("clinic")) == 0o700)
        #expect(try permissions(temp.file("clinic/kiosks")) == 0o700)
        #expect(try permissions(path) == 0o600)
        for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
            #expect(try permissions(path + suffix) == 0o600, "\(suffix)")
        }
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
    }

    @Test func leavesTheModeOfAnExistingSharedFolderAlone() throws {
        // A folder that holds other files too is not ours to close (FileSafetyTests: a folder of
        // the database's own is tightened to 0700).
        let temp = TemporaryFolder()
        FileManager.default.createFile(atPath: temp.file("notes.txt"), contents: Data("x".utf8))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: temp.path)
        _ = try openStore(temp.file("intake.sqlite"))
        #expect(try permissions(temp.path) == 0o755)
    }

    @Test func migratingTwiceChangesNothing() throws {
        let temp = TemporaryFolder()
        let path = temp.file("intake.sqlite")
        let first = try openStore(path)
        let draft = try first.startDraft(language: "en", kiosk: "front")
        let second = try openStore(path)  // while the first is still open
        do { _ = try openStore(path) }    // and once more, closed at once

        let migrations = try second.pool.read { db in
            try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
        }
        #expect(migrations == ["v1", "v2", "v3"])
        #expect(try second.intake(id: draft.id)?.code == draft.code)
    }

    @Test func usesWALForeignKeysAndABusyTimeout() throws {
        let temp = TemporaryFolder()
        let store = try openStore(temp.file("intake.sqlite"))
        let (journal, foreignKeys, timeout) = try store.pool.write { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"),
             try Bool.fetchOne(db, sql: "PRAGMA foreign_keys"),
             try Int.fetchOne(db, sql: "PRAGMA busy_timeout"))
        }
        #expect(journal == "wal")
        #expect(foreignKeys == true)
        #expect(timeout == 10_000)
    }

    @Test func schemaHasTheTablesAndIndexesTheReviewStationNeeds() throws {
        let temp = TemporaryFolder()
        let store = try openStore(temp.file("intake.sqlite"))
        try store.pool.read { db in
            #expect(try db.tableExists("intake"))
            #expect(try db.tableExists("answer"))
            #expect(try db.tableExists("setting"))
            let indexed = try db.indexes(on: "intake").map(\.columns)
            #expect(indexed.contains(["status", "submitted_at", "id", "patient_name"]))
            #expect(indexed.contains(["patient_name"]))
            #expect(indexed.contains(["patient_dob"]))
            #expect(indexed.contains(["code"]))
            let details = try Row.fetchAll(db, sql: """
                EXPLAIN QUERY PLAN SELECT * FROM intake WHERE status = 'submitted'
                ORDER BY submitted_at DESC, id DESC LIMIT 10
                """).map { $0["detail"] as String? ?? "" }
            #expect(details.contains { $0.contains("intake_queue") })
            #expect(!details.contains { $0.contains("TEMP B-TREE") })
        }
    }

    @Test func aStatusOutsideTheListIsRefusedByTheDatabase() throws {
        let temp = TemporaryFolder()
        let store = try openStore(temp.file("intake.sqlite"))
        #expect(throws: DatabaseError.self) {
            try store.pool.write { db in
                try db.execute(sql: """
                    INSERT INTO intake (code, status, started_at, updated_at)
                    VALUES ('AAA-AAA', 'lost', '2025-01-01', '2025-01-01')
                    """)
            }
        }
    }

    @Test func aFileInTheWayOfTheFolderSaysWhichFolderAndWhatToDo() throws {
        let temp = TemporaryFolder()
        let blocker = temp.file("blocker")
        #expect(FileManager.default.createFile(atPath: blocker, contents: Data("x".utf8)))
        let path = blocker + "/sub/intake.sqlite"
        do {
            _ = try IntakeStore(path: path, pinHasher: cheapHasher)
            Issue.record("opened a database under a plain file")
        } catch {
            guard case let .cannotCreateFolder(folder, _) = error else {
                Issue.record("expected cannotCreateFolder, got \(error)")
                return
            }
            #expect(folder == blocker)
            #expect(error.description.contains(blocker))
            #expect(error.description.contains("--db PATH"))
        }
    }

    @Test func anUnusableFileSaysWhichFileAndWhatToDo() throws {
        let temp = TemporaryFolder()
        let directory = temp.file("a-folder.sqlite")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        let garbage = temp.file("garbage.sqlite")
        #expect(FileManager.default.createFile(atPath: garbage, contents: Data(repeating: 0x41, count: 4096)))

        for path in [directory, garbage] {
            do {
                _ = try IntakeStore(path: path, pinHasher: cheapHasher)
                Issue.record("opened \(path)")
            } catch {
                guard case .cannotOpen(path, _) = error else {
                    Issue.record("expected cannotOpen for \(path), got \(error)")
                    continue
                }
                #expect(error.description.contains(path))
                #expect(error.description.contains("--db PATH"))
            }
        }
    }

    @Test func defaultPathFollowsXDGThenHome() {
        #expect(IntakeStore.defaultPath(environment: ["XDG_DATA_HOME": "/data", "HOME": "/home/k"])
                == "/data/intake/intake.sqlite")
        #expect(IntakeStore.defaultPath(environment: ["HOME": "/home/k"])
                == "/home/k/.local/share/intake/intake.sqlite")
        // The XDG specification says relative paths are to be ignored.
        #expect(IntakeStore.defaultPath(environment: ["XDG_DATA_HOME": "data", "HOME": "/home/k"])
                == "/home/k/.local/share/intake/intake.sqlite")
        #expect(IntakeStore.defaultPath(environment: ["XDG_DATA_HOME": "", "HOME": "/home/k"])
                == "/home/k/.local/share/intake/intake.sqlite")
    }
}
