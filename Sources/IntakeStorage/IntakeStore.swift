import Foundation
import GRDB
import Platform
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The clinic's SQLite database: drafts, answers as they are given, submitted intakes, the
/// staff PIN, and for the review station staff accounts, signed decisions and the audit log.
///
/// Several kiosk processes may open the same file at once. Each write is a short IMMEDIATE
/// transaction, and a writer that finds the file busy waits up to ten seconds instead of
/// failing, so "database is locked" never reaches a patient.
public final class IntakeStore: Sendable {
    /// The database file, as it was given.
    public let path: String
    /// The file actually opened: `path`, or the file it links to when a link was allowed.
    let filePath: String
    let pool: DatabasePool
    let pinHasher: SecretHasher
    /// What opening tightened (a file or folder other users could read), for standard error.
    public let openingNotes: [String]

    /// Opens the database at `path`, creating it and its folders if needed, checks it and
    /// migrates it.
    ///
    /// New folders get mode 0700 and a new file mode 0600 (its -wal and -shm files too), since the
    /// file holds health data; our own looser files are tightened (see `openingNotes`), and a file
    /// or folder of another user's, a symbolic link (unless `allowSymlink`, for a path named with
    /// --db), a FIFO or device, a damaged file (`PRAGMA quick_check`) and a file from a newer
    /// version are refused. `pinHasher` sets the cost of staff PIN hashes; tests lower it.
    public init(path: String, pinHasher: SecretHasher = SecretHasher(), allowSymlink: Bool = false) throws(StorageError) {
        guard !path.isEmpty else {
            throw .cannotOpen(path: path, reason: "the path is empty")
        }
        self.path = path
        self.pinHasher = pinHasher

        let prepared = try FileSafety.prepare(path, allowSymlink: allowSymlink)
        filePath = prepared.path
        openingNotes = prepared.notes

        var configuration = Configuration()
        configuration.label = "IntakeStore"
        configuration.busyMode = .timeout(10)
        configuration.foreignKeysEnabled = true
        configuration.prepareDatabase { db in
            // Overwrite deleted rows (abandoned answers) with zeros instead of leaving them in
            // free pages of the file.
            try db.execute(sql: "PRAGMA secure_delete = ON")
        }
        do {
            pool = try DatabasePool(path: prepared.path, configuration: configuration)
        } catch {
            throw Self.failure(path: path, error, opening: true)
        }

        try Self.check(pool, path: path)
        try Self.migrate(pool, path: path)
        // Readers opened by the checks above knew the schema before the migration.
        pool.invalidateReadOnlyConnections()

        // SQLite gives -wal and -shm the mode of the main file; this makes sure of it.
        for suffix in ["-wal", "-shm"] { chmod(prepared.path + suffix, 0o600) }
    }

    deinit {
        truncateWAL()
    }

    /// Copies the write-ahead log into the database and empties it (`wal_checkpoint(TRUNCATE)`),
    /// so that rows deleted since (an abandoned patient's answers) no longer sit in the -wal file.
    ///
    /// Best effort: with another process in the middle of a read it waits up to the busy
    /// timeout, then leaves the log for the next checkpoint.
    public func truncateWAL() {
        _ = try? pool.writeWithoutTransaction { db in
            try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        }
    }

    /// The database path to use when none is given: `$XDG_DATA_HOME/intake/intake.sqlite`,
    /// else `$HOME/.local/share/intake/intake.sqlite`.
    ///
    /// A relative `XDG_DATA_HOME` is ignored, as the XDG Base Directory specification requires.
    public static func defaultPath(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String {
        let dataHome = XDG.dataHome(environment)
        return URL(fileURLWithPath: dataHome).appendingPathComponent("intake/intake.sqlite").path
    }

    // MARK: - Running database work

    /// Runs `updates` in one write transaction, turning database failures into `StorageError`.
    func write<T>(_ updates: (Database) throws -> T) throws(StorageError) -> T {
        try write({ $0 }, updates)
    }

    /// Runs `value` on a reader, turning database failures into `StorageError`.
    func read<T>(_ value: (Database) throws -> T) throws(StorageError) -> T {
        try read({ $0 }, value)
    }

    /// Runs `updates` in one write transaction; errors of type `E` pass through, and storage
    /// failures are wrapped with `wrap`.
    func write<T, E: Error>(_ wrap: (StorageError) -> E, _ updates: (Database) throws -> T) throws(E) -> T {
        try wrapping(wrap) { try pool.write(updates) }
    }

    /// Runs `value` on a reader; errors of type `E` pass through, storage failures are wrapped.
    func read<T, E: Error>(_ wrap: (StorageError) -> E, _ value: (Database) throws -> T) throws(E) -> T {
        try wrapping(wrap) { try pool.read(value) }
    }

    /// The one place database failures become `StorageError` (then `E`), for reads and writes alike.
    private func wrapping<T, E: Error>(_ wrap: (StorageError) -> E, _ body: () throws -> T) throws(E) -> T {
        do {
            return try body()
        } catch let error as E {
            throw error
        } catch let error as StorageError {
            throw wrap(error)
        } catch {
            throw wrap(Self.failure(path: path, error))
        }
    }

    // MARK: - Opening

    /// Makes each missing folder above `path` with mode 0700.
    static func createFolders(containing path: String) throws(StorageError) {
        if let failure = PrivateFolders.create((path as NSString).deletingLastPathComponent) {
            throw .cannotCreateFolder(path: failure.path, reason: lowercasedFirst(failure.reason))
        }
    }

    /// Refuses a damaged file (`PRAGMA quick_check`) and one migrated by a newer version.
    static func check(_ pool: DatabasePool, path: String) throws(StorageError) {
        let result: [String]
        let applied: Set<String>
        do {
            (result, applied) = try pool.read { db in
                (try String.fetchAll(db, sql: "PRAGMA quick_check"), try Schema.migrator.appliedIdentifiers(db))
            }
        } catch {
            throw failure(path: path, error)
        }
        guard result == ["ok"] else {
            throw .damaged(path: path, reason: "SQLite's quick_check found: " + result.prefix(3).joined(separator: "; "))
        }
        if let newer = Schema.newest(of: applied.subtracting(Schema.migrator.migrations)) {
            throw .newerSchema(path: path, found: newer, known: Schema.migrator.migrations.last ?? "none")
        }
    }

    /// The storage error for a database failure: a damaged file is named as such, whatever the
    /// operation, so that no one looks for a disk-space problem.
    static func failure(path: String, _ error: any Error, opening: Bool = false) -> StorageError {
        if let error = error as? StorageError { return error }
        if let error = error as? DatabaseError {
            if error.resultCode == .SQLITE_CORRUPT || (error.resultCode == .SQLITE_NOTADB && !opening) {
                return .damaged(path: path, reason: reason(error))
            }
        }
        return opening ? .cannotOpen(path: path, reason: reason(error)) : .databaseFailed(path: path, reason: reason(error))
    }

    /// Runs the migrations, tolerating another process that migrates the same new file at once.
    ///
    /// GRDB reads the applied migrations before taking the write lock, so the slower of two
    /// processes can try to apply "v1" again and fail; on a retry it sees v1 as applied.
    static func migrate(_ pool: DatabasePool, path: String) throws(StorageError) {
        let migrator = Schema.migrator
        var lastError: (any Error)?
        for _ in 0..<3 {
            do {
                try migrator.migrate(pool)
                return
            } catch {
                lastError = error
                if (try? pool.read(migrator.hasCompletedMigrations)) == true { return }
            }
        }
        throw lastError.map { failure(path: path, $0, opening: true) } ?? .cannotOpen(path: path, reason: "migration failed")
    }

    /// A short, lower-case reason for a failure, fit to follow a colon in a message.
    static func reason(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return lowercasedFirst(error.message ?? "\(error.resultCode)")
        }
        return lowercasedFirst(String(describing: error))
    }

    static func errnoReason() -> String {
        lowercasedFirst(String(cString: strerror(errno)))
    }

    static func lowercasedFirst(_ text: String) -> String {
        text.prefix(1).lowercased() + text.dropFirst()
    }
}
