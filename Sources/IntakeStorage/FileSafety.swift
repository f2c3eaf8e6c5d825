import Platform
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The checks made before SQLite touches a database file, so that patient data goes only into a
/// private file of this user's: not another user's planted file, not through a symbolic link
/// someone left in the way, not into a FIFO or a device.
enum FileSafety {
    /// The file to open, after the checks; `notes` says what was tightened, for standard error.
    struct Prepared {
        var path: String
        var notes: [String] = []
    }

    /// Checks `given` and its folder, creates them if missing (folders 0700, the file 0600 with
    /// O_EXCL and O_NOFOLLOW), and tightens loose modes of our own files.
    ///
    /// - Parameter allowSymlink: the path was named explicitly (`--db`): a symbolic link to a
    ///   regular file is followed, and the checks apply to the file it points to.
    static func prepare(_ given: String, allowSymlink: Bool) throws(StorageError) -> Prepared {
        var prepared = Prepared(path: try resolve(given, allowSymlink: allowSymlink))
        let target = prepared.path
        try IntakeStore.createFolders(containing: target)
        try checkFolder(of: target, notes: &prepared.notes)

        let descriptor = open(target, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        if descriptor >= 0 {
            fchmod(descriptor, 0o600)
            close(descriptor)
        } else if errno != EEXIST {
            throw .cannotOpen(path: given, reason: IntakeStore.errnoReason())
        }
        try checkOwnFile(target, shownAs: given, notes: &prepared.notes)
        for suffix in ["-wal", "-shm"] {
            try checkOwnFile(target + suffix, shownAs: given + suffix, notes: &prepared.notes, mayBeMissing: true)
        }
        return prepared
    }

    /// The path of the file itself: `given`, or with `allowSymlink` the file a link points to.
    static func resolve(_ given: String, allowSymlink: Bool) throws(StorageError) -> String {
        var info = stat()
        if lstat(given, &info) == 0 {
            if info.st_mode & S_IFMT == S_IFLNK {
                let destination = linkTarget(given)
                var followed = stat()
                guard stat(given, &followed) == 0 else {
                    throw .danglingSymlink(path: given, target: destination)
                }
                guard followed.st_mode & S_IFMT == S_IFREG else {
                    throw .cannotOpen(path: given, reason: notAFile("a symbolic link to " + kind(of: followed.st_mode)))
                }
                guard allowSymlink else { throw .symlinkRefused(path: given, target: destination) }
                guard let real = realPath(given) else { throw .danglingSymlink(path: given, target: destination) }
                return real
            }
            guard info.st_mode & S_IFMT == S_IFREG else {
                throw .cannotOpen(path: given, reason: notAFile(kind(of: info.st_mode)))
            }
        }
        // The folder itself may be a link ("intake" -> /somewhere/else).
        let folder = folderPath(of: given)
        var folderInfo = stat()
        if lstat(folder, &folderInfo) == 0, folderInfo.st_mode & S_IFMT == S_IFLNK {
            guard allowSymlink else { throw .symlinkRefused(path: folder, target: linkTarget(folder)) }
            if let real = realPath(folder) {
                return (real as NSString).appendingPathComponent((given as NSString).lastPathComponent)
            }
        }
        return given
    }

    /// The folder must be ours (tightened to 0700 when it holds only the database) or root's
    /// and not writable by others; a sticky folder such as /tmp is left as it is.
    static func checkFolder(of path: String, notes: inout [String]) throws(StorageError) {
        let folder = folderPath(of: path)
        var info = stat()
        guard stat(folder, &info) == 0 else { return }
        let sticky = info.st_mode & S_ISVTX != 0
        let me = geteuid()
        if info.st_uid != me && info.st_uid != 0 {
            throw .ownedByAnotherUser(path: folder, owner: userName(info.st_uid), isFolder: true)
        }
        if info.st_uid != me {
            // Root's folder: fine unless others could swap files in it.
            if info.st_mode & 0o022 != 0 && !sticky { throw .folderWritableByOthers(path: folder) }
            return
        }
        guard info.st_mode & 0o077 != 0, !sticky else { return }
        if holdsOnlyTheDatabase(folder: folder, file: (path as NSString).lastPathComponent) {
            let before = info.st_mode & 0o7777
            if chmod(folder, 0o700) == 0 {
                notes.append("the database folder \(folder) was open to other users (mode \(octal(before))); it is now 0700")
            }
        } else if info.st_mode & 0o022 != 0 {
            // A shared folder others can write to: they could replace the database.
            throw .folderWritableByOthers(path: folder)
        }
        // A shared folder that others can only list is left as it is: the files in it are 0600.
    }

    /// A file of ours: a regular file owned by this user, tightened to 0600 if it was looser.
    static func checkOwnFile(_ path: String, shownAs shown: String, notes: inout [String], mayBeMissing: Bool = false) throws(StorageError) {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if mayBeMissing && errno == ENOENT { return }
            throw .cannotOpen(path: shown, reason: IntakeStore.errnoReason())
        }
        if info.st_mode & S_IFMT == S_IFLNK {
            throw .symlinkRefused(path: path, target: linkTarget(path))
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw .cannotOpen(path: path, reason: notAFile(kind(of: info.st_mode)))
        }
        guard info.st_uid == geteuid() else {
            throw .ownedByAnotherUser(path: path, owner: userName(info.st_uid), isFolder: false)
        }
        let mode = info.st_mode & 0o7777
        if mode != 0o600 {
            guard chmod(path, 0o600) == 0 else { throw .cannotOpen(path: shown, reason: IntakeStore.errnoReason()) }
            if mode & 0o077 != 0 {
                notes.append("\(path) was open to other users (mode \(octal(mode))); it is now 0600")
            }
        }
    }

    /// Whether the folder holds nothing but this database, its -wal, -shm and -journal, files
    /// set aside by `intake restore`, and backups (`*.sqlite`): a folder of its own, safe to close.
    static func holdsOnlyTheDatabase(folder: String, file: String) -> Bool {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return false }
        return names.allSatisfy { name in
            name.hasPrefix(file) || name.hasSuffix(".sqlite") || name.hasSuffix(".sqlite-wal") || name.hasSuffix(".sqlite-shm")
        }
    }

    static func folderPath(of path: String) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        return folder.isEmpty ? "." : folder
    }

    static func linkTarget(_ path: String) -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?"
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func userName(_ uid: uid_t) -> String {
        if let entry = getpwuid(uid), let name = entry.pointee.pw_name { return "\(String(cString: name)) (uid \(uid))" }
        return "uid \(uid)"
    }

    static func octal(_ mode: mode_t) -> String {
        let text = String(mode, radix: 8)
        return String(repeating: "0", count: max(0, 4 - text.count)) + text
    }

    /// The reason given for a path that is not a regular file: what it is, and what is expected.
    static func notAFile(_ kind: String) -> String {
        "this is \(kind), not a regular file"
    }

    /// What a file of this mode is, in words.
    static func kind(of mode: mode_t) -> String {
        FileKind.describe(mode)
    }

    /// Whether another process has the WAL-mode database at `path` open.
    ///
    /// Every SQLite connection to a WAL database holds a shared lock on the "dead man switch"
    /// byte of the -shm file (offset 128) for as long as it is open; a write lock there that
    /// cannot be had means someone else is using the file. (Locks of this process are not seen.)
    static func isOpenElsewhere(_ path: String) -> Bool {
        let descriptor = open(path + "-shm", O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var lock = flock()
        lock.l_type = Int16(F_WRLCK)
        lock.l_whence = Int16(SEEK_SET)
        lock.l_start = 128
        lock.l_len = 1
        guard fcntl(descriptor, F_GETLK, &lock) == 0 else { return false }
        return lock.l_type != Int16(F_UNLCK)
    }
}
