import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What `intake backup` wrote.
public struct BackupReport: Equatable, Sendable {
    public let path: String
    public let bytes: Int64
    public let intakes: Int
    public let schema: String
}

/// What `intake restore` did.
public struct RestoreReport: Equatable, Sendable {
    /// The database that now holds the backup's contents.
    public let path: String
    public let backup: String
    /// Where the database as it was before is kept, or nil when there was none.
    public let keptAside: String?
    public let intakes: Int
    public let schema: String
}

extension IntakeStore {
    /// Writes a consistent copy of the database to `destination` with SQLite's online backup API,
    /// while kiosks go on writing: the copy is one read transaction's snapshot.
    ///
    /// The copy goes to a private (0600, O_EXCL, O_NOFOLLOW) temporary file beside `destination`,
    /// becomes a single self-contained file (journal_mode DELETE), is checked with
    /// `PRAGMA quick_check` after it was written and closed, and only then takes its name. An
    /// existing `destination` is never overwritten.
    public func backup(to destination: String) throws(StorageError) -> BackupReport {
        func fail(_ reason: String) -> StorageError { .backupFailed(path: destination, reason: reason) }
        guard !destination.isEmpty else { throw fail("the path is empty") }
        var info = stat()
        if lstat(destination, &info) == 0 {
            if info.st_mode & S_IFMT == S_IFREG {
                throw fail("a file of that name already exists; choose a new name (with the date, say) or remove the old one")
            }
            throw fail("this is \(FileSafety.kind(of: info.st_mode)); give the path of a new backup file")
        }
        do { try Self.createFolders(containing: destination) } catch {
            throw fail("its folder cannot be created: \(error)")
        }
        let partial = destination + ".partial-\(getpid())"
        func cleanUp() { for suffix in ["", "-journal", "-wal", "-shm"] { unlink(partial + suffix) } }
        let descriptor = open(partial, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw fail(Self.errnoReason()) }
        fchmod(descriptor, 0o600)
        close(descriptor)

        do {
            let copy = try DatabaseQueue(path: partial)
            try pool.backup(to: copy)
            try copy.writeWithoutTransaction { db in
                // One file, with no -wal beside it, that can be copied off the machine as it is.
                _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE")
            }
            try copy.close()
        } catch {
            cleanUp()
            throw fail(Self.reason(error))
        }
        let summary: (intakes: Int, schema: String)
        do {
            summary = try Self.verify(partial)
        } catch {
            cleanUp()
            throw fail("the copy did not check out (\(error)); the database itself is unchanged")
        }
        Self.syncFile(partial)
        // link() rather than rename(): a file that appeared meanwhile is not replaced.
        guard link(partial, destination) == 0 else {
            let reason = Self.errnoReason()
            cleanUp()
            throw fail(reason)
        }
        cleanUp()
        Self.syncFile(FileSafety.folderPath(of: destination))
        lstat(destination, &info)
        return BackupReport(path: destination, bytes: Int64(info.st_size), intakes: summary.intakes, schema: summary.schema)
    }

    /// Replaces the database at `path` with the backup at `backup`.
    ///
    /// The backup is refused if it is damaged (`quick_check`), not an intake database, or from a
    /// newer version; the database is refused while a kiosk or station has it open. The current
    /// file (with its -wal) is kept beside it as `<path>.before-restore-<UTC time>`; the backup is
    /// first copied to a private file beside the database and checked, then renamed into place.
    public static func restore(from backup: String, to path: String, allowSymlink: Bool = false,
                               now: Date = Date()) throws(StorageError) -> RestoreReport {
        func fail(_ reason: String) -> StorageError { .restoreFailed(path: path, reason: reason) }
        var info = stat()
        guard stat(backup, &info) == 0 else { throw fail("cannot read the backup \(backup): \(errnoReason())") }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw fail("the backup \(backup) is \(FileSafety.kind(of: info.st_mode)), not a regular file; give the path of a file written by `intake backup`")
        }
        do {
            _ = try verify(backup)
        } catch {
            let problem = failure(path: backup, error, opening: true)
            if case .damaged(_, let reason) = problem { throw fail("the backup \(backup) is damaged (\(reason)); use another backup") }
            if case .newerSchema = problem { throw fail("the backup is refused: \(problem)") }
            if case .cannotOpen(_, let reason) = problem { throw fail("the backup \(backup) cannot be used: \(reason)") }
            throw fail("the backup \(backup) cannot be used: \(problem)")
        }

        let target: String
        do { target = try FileSafety.resolve(path, allowSymlink: allowSymlink) } catch { throw fail("\(error)") }
        do { try createFolders(containing: target) } catch { throw fail("\(error)") }
        var notes: [String] = []
        do { try FileSafety.checkFolder(of: target, notes: &notes) } catch { throw fail("\(error)") }
        let exists = lstat(target, &info) == 0
        if exists {
            do {
                try FileSafety.checkOwnFile(target, shownAs: path, notes: &notes)
            } catch { throw fail("\(error)") }
            guard !FileSafety.isOpenElsewhere(target) else {
                throw fail("the database is open in another program (a kiosk or the review station); close them all, then restore again")
            }
        }

        // Copy first, beside the database, so that the rename below is the only change.
        let staged = target + ".restoring-\(getpid())"
        func cleanUp() { for suffix in ["", "-journal", "-wal", "-shm"] { unlink(staged + suffix) } }
        let descriptor = open(staged, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw fail("cannot write beside it: \(errnoReason())") }
        fchmod(descriptor, 0o600)
        close(descriptor)
        let summary: (intakes: Int, schema: String)
        do {
            var configuration = Configuration()
            configuration.readonly = true
            let source = try DatabaseQueue(path: backup, configuration: configuration)
            let copy = try DatabaseQueue(path: staged)
            try source.backup(to: copy)
            try source.close()
            try copy.close()
            summary = try verify(staged)
        } catch {
            cleanUp()
            throw fail("the backup could not be copied: \((error as? StorageError)?.description ?? reason(error))")
        }
        syncFile(staged)

        var aside: String?
        if exists {
            let stamp = ClockStamp.utc(now)
            let kept = target + ".before-restore-" + stamp
            guard rename(target, kept) == 0 else {
                let reason = errnoReason()
                cleanUp()
                throw fail("the current file could not be kept aside: \(reason)")
            }
            // Committed changes not yet copied into the file live in its -wal: keep them with it.
            if rename(target + "-wal", kept + "-wal") != 0 { unlink(target + "-wal") }
            unlink(target + "-shm")
            aside = kept
        }
        guard rename(staged, target) == 0 else {
            let reason = errnoReason()
            if let aside { rename(aside, target); rename(aside + "-wal", target + "-wal") }
            cleanUp()
            throw fail("the backup could not be put in place: \(reason); the database is as it was")
        }
        cleanUp()
        syncFile(FileSafety.folderPath(of: target))
        return RestoreReport(path: path, backup: backup, keptAside: aside, intakes: summary.intakes, schema: summary.schema)
    }

    /// Opens `file` read-only and checks it is a whole intake database this version can use:
    /// `quick_check` passes, it has the intake table, and no migration is newer than ours.
    /// Returns its number of intakes and its schema version.
    static func verify(_ file: String) throws -> (intakes: Int, schema: String) {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: file, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { db in
            let check = try String.fetchAll(db, sql: "PRAGMA quick_check")
            guard check == ["ok"] else {
                throw StorageError.damaged(path: file, reason: "SQLite's quick_check found: " + check.prefix(3).joined(separator: "; "))
            }
            let applied = try Schema.migrator.appliedIdentifiers(db)
            if let newer = Schema.newest(of: applied.subtracting(Schema.migrator.migrations)) {
                throw StorageError.newerSchema(path: file, found: newer, known: Schema.migrator.migrations.last ?? "none")
            }
            guard try db.tableExists("intake"), let schema = Schema.newest(of: applied) else {
                throw StorageError.cannotOpen(path: file, reason: "it is an SQLite file, but not an intake database")
            }
            return (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM intake") ?? 0, schema)
        }
    }

    /// Flushes a file, or a folder's entries, to disk.
    static func syncFile(_ path: String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }
}

/// A UTC time for file names: 20261124-071500.
enum ClockStamp {
    static func utc(_ date: Date) -> String {
        var time = time_t(date.timeIntervalSince1970)
        var parts = tm()
        gmtime_r(&time, &parts)
        return String(format: "%04d%02d%02d-%02d%02d%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                      parts.tm_hour, parts.tm_min, parts.tm_sec)
    }
}
