import Foundation
import GRDB
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
    /// The database file.
    public let path: String
    let pool: DatabasePool
    let pinHasher: SecretHasher

    /// Opens the database at `path`, creating it and its folders if needed, and migrates it.
    ///
    /// New folders get mode 0700 and a new file mode 0600 (its -wal and -shm files too), since the
    /// file holds health data. `pinHasher` sets the cost of staff PIN hashes; tests lower it.
    public init(path: String, pinHasher: SecretHasher = SecretHasher()) throws(StorageError) {
        guard !path.isEmpty else {
            throw .cannotOpen(path: path, reason: "the path is empty")
        }
        self.path = path
        self.pinHasher = pinHasher

        try Self.createFolders(containing: path)
        let created = try Self.createPrivateFile(at: path)

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
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw .cannotOpen(path: path, reason: Self.reason(error))
        }

        try Self.migrate(pool, path: path)

        if created {
            // SQLite gives -wal and -shm the mode of the main file; this makes sure of it even if
            // they were left over from an earlier file with looser permissions.
            for suffix in ["-wal", "-shm"] { chmod(path + suffix, 0o600) }
        }
    }

    /// The database path to use when none is given: `$XDG_DATA_HOME/intake/intake.sqlite`,
    /// else `$HOME/.local/share/intake/intake.sqlite`.
    ///
    /// A relative `XDG_DATA_HOME` is ignored, as the XDG Base Directory specification requires.
    public static func defaultPath(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String {
        let dataHome: String
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {
            dataHome = xdg
        } else {
            let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 }
                ?? FileManager.default.homeDirectoryForCurrentUser.path
            dataHome = URL(fileURLWithPath: home).appendingPathComponent(".local/share").path
        }
        return URL(fileURLWithPath: dataHome).appendingPathComponent("intake/intake.sqlite").path
    }

    // MARK: - Running database work

    /// Runs `updates` in one write transaction, turning database failures into `StorageError`.
    func write<T>(_ updates: (Database) throws -> T) throws(StorageError) -> T {
        do {
            return try pool.write(updates)
        } catch let error as StorageError {
            throw error
        } catch {
            throw .databaseFailed(path: path, reason: Self.reason(error))
        }
    }

    /// Runs `value` on a reader, turning database failures into `StorageError`.
    func read<T>(_ value: (Database) throws -> T) throws(StorageError) -> T {
        do {
            return try pool.read(value)
        } catch let error as StorageError {
            throw error
        } catch {
            throw .databaseFailed(path: path, reason: Self.reason(error))
        }
    }

    /// Runs `updates` in one write transaction; errors of type `E` pass through, and storage
    /// failures are wrapped with `wrap`.
    func write<T, E: Error>(_ wrap: (StorageError) -> E, _ updates: (Database) throws -> T) throws(E) -> T {
        do {
            return try pool.write(updates)
        } catch let error as E {
            throw error
        } catch let error as StorageError {
            throw wrap(error)
        } catch {
            throw wrap(.databaseFailed(path: path, reason: Self.reason(error)))
        }
    }

    /// Runs `value` on a reader; errors of type `E` pass through, storage failures are wrapped.
    func read<T, E: Error>(_ wrap: (StorageError) -> E, _ value: (Database) throws -> T) throws(E) -> T {
        do {
            return try pool.read(value)
        } catch let error as E {
            throw error
        } catch let error as StorageError {
            throw wrap(error)
        } catch {
            throw wrap(.databaseFailed(path: path, reason: Self.reason(error)))
        }
    }

    // MARK: - Opening

    /// Makes each missing folder above `path` with mode 0700.
    static func createFolders(containing path: String) throws(StorageError) {
        let folder = (path as NSString).deletingLastPathComponent
        guard !folder.isEmpty else { return }
        var prefix = folder.hasPrefix("/") ? "/" : ""
        for component in folder.split(separator: "/") {
            prefix = prefix.isEmpty || prefix.hasSuffix("/") ? prefix + component : prefix + "/" + component
            var info = stat()
            if stat(prefix, &info) == 0 {
                if info.st_mode & S_IFMT == S_IFDIR { continue }
                throw .cannotCreateFolder(path: prefix, reason: "a file of that name is in the way")
            }
            // Another kiosk may have made it between the stat and the mkdir.
            if mkdir(prefix, 0o700) == 0 {
                // mkdir applies the umask; a strict one (0277, say) would leave a folder we cannot use.
                chmod(prefix, 0o700)
            } else if errno != EEXIST {
                throw .cannotCreateFolder(path: prefix, reason: errnoReason())
            }
        }
    }

    /// Creates the database file with mode 0600 if it does not exist; returns whether it did.
    ///
    /// Creating it here, rather than letting SQLite do it, is what keeps the umask out of the
    /// file's permissions.
    static func createPrivateFile(at path: String) throws(StorageError) -> Bool {
        let descriptor = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if descriptor < 0 {
            if errno == EEXIST { return false }
            throw .cannotOpen(path: path, reason: errnoReason())
        }
        defer { close(descriptor) }
        fchmod(descriptor, 0o600)
        return true
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
        throw .cannotOpen(path: path, reason: lastError.map(reason) ?? "migration failed")
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
