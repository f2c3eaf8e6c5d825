#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Where per-user files live: the one reading of the XDG Base Directory rules for every command.
public enum XDG {
    /// `$XDG_DATA_HOME`, else `$HOME/.local/share`.
    public static func dataHome(_ environment: [String: String]) -> String {
        folder("XDG_DATA_HOME", else: ".local/share", environment)
    }

    /// `$XDG_CONFIG_HOME`, else `$HOME/.config`.
    public static func configHome(_ environment: [String: String]) -> String {
        folder("XDG_CONFIG_HOME", else: ".config", environment)
    }

    /// The folder `variable` names; a relative or empty value is ignored, as the specification requires.
    static func folder(_ variable: String, else fallback: String, _ environment: [String: String]) -> String {
        if let value = environment[variable], value.hasPrefix("/") { return value }
        return home(environment) + "/" + fallback
    }

    /// `$HOME` when it is a full path, else the account's home from the password database, else /tmp.
    public static func home(_ environment: [String: String]) -> String {
        if let home = environment["HOME"], home.hasPrefix("/") { return home }
        if let entry = getpwuid(getuid()), let dir = entry.pointee.pw_dir {
            let home = String(cString: dir)
            if home.hasPrefix("/") { return home }
        }
        return "/tmp"
    }
}

/// Folders that hold health data: made as `mkdir -p` does, each one it makes private (0700).
public enum PrivateFolders {
    /// Why a folder could not be made.
    public struct Failure: Error, Sendable, Equatable {
        /// The folder that failed.
        public var path: String
        /// In words: "a file of that name is in the way" or the system's reason.
        public var reason: String
    }

    /// Makes `folder` and each missing folder above it with mode 0700 (whatever the umask); folders
    /// already there are left as they are. Safe against another process making one meanwhile.
    public static func create(_ folder: String) -> Failure? {
        guard !folder.isEmpty else { return nil }
        var prefix = folder.hasPrefix("/") ? "/" : ""
        for component in folder.split(separator: "/") {
            prefix = prefix.isEmpty || prefix.hasSuffix("/") ? prefix + component : prefix + "/" + component
            var info = stat()
            if stat(prefix, &info) == 0 {
                if info.st_mode & S_IFMT == S_IFDIR { continue }
                return Failure(path: prefix, reason: "a file of that name is in the way")
            }
            // Another kiosk may have made it between the stat and the mkdir.
            if mkdir(prefix, 0o700) == 0 {
                // mkdir applies the umask; a strict one (0277, say) would leave a folder we cannot use.
                chmod(prefix, 0o700)
            } else if errno != EEXIST {
                return Failure(path: prefix, reason: String(cString: strerror(errno)))
            }
        }
        return nil
    }
}

/// What a path is, in words, for messages that refuse a FIFO, a device or a folder given as a file.
public enum FileKind {
    /// What a file of this mode is: "a folder", "a named pipe (FIFO)" and so on.
    public static func describe(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFREG: "a regular file"
        case S_IFDIR: "a folder"
        case S_IFIFO: "a named pipe (FIFO)"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        case S_IFLNK: "a symbolic link"
        default: "not a regular file"
        }
    }
}
