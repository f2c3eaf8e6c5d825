import Platform
import Foundation
import IntakeModel

/// Settings read from the kiosk's configuration file, so a clinic sets them once
/// rather than on every start.
///
/// The file is `key = value` lines with `#` comments; command-line options win
/// over it. Keys: `theme`, `db`, `name`, `idle-seconds`, `countdown-seconds`.
public struct KioskConfiguration: Equatable, Sendable {
    public var theme: String?
    public var db: String?
    public var name: String?
    public var idleSeconds: Double?
    public var countdownSeconds: Double?

    public init() {}

    /// `$XDG_CONFIG_HOME/intake/intake.conf`, else `~/.config/intake/intake.conf`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        XDG.configHome(environment) + "/intake/intake.conf"
    }

    /// A line of the file that could not be used, with where it is; or, with `refusesFile`, the
    /// whole file, which was not used at all (line 0).
    public struct Problem: Error, Equatable, CustomStringConvertible, Sendable {
        public let file: String
        public let line: Int
        public let key: String?
        public let message: String
        /// The file is unsafe or unreadable and none of it was used: the kiosk must not start.
        public let refusesFile: Bool

        public init(file: String, line: Int, key: String?, message: String, refusesFile: Bool = false) {
            self.file = file
            self.line = line
            self.key = key
            self.message = message
            self.refusesFile = refusesFile
        }

        public var description: String {
            (line > 0 ? "\(file):\(line): " : "\(file): ") + (key.map { "key \"\($0)\": " } ?? "") + message
        }
    }

    /// The seconds a kiosk may wait without a key before asking "Are you still there?".
    public static let idleSecondsRange: ClosedRange<Double> = 1...3600
    /// The seconds the "Are you still there?" prompt may wait before clearing the answers.
    public static let countdownSecondsRange: ClosedRange<Double> = 1...600
    /// The longest kiosk name and theme name or path.
    static let maximumNameLength = 64, maximumPathLength = 4096

    /// The number in `text` if it is a finite number of seconds in `range`, else a message giving the range.
    public static func seconds(_ text: String, in range: ClosedRange<Double>) -> Result<Double, Problem> {
        if let seconds = Double(text), seconds.isFinite, range.contains(seconds) { return .success(seconds) }
        return .failure(Problem(file: "", line: 0, key: nil,
                                message: "\"\(PatientText.clean(text))\" is not a number of seconds from \(Int(range.lowerBound)) to \(Int(range.upperBound))"))
    }

    /// Parses the text of a configuration file; lines that can't be used are reported and skipped.
    public static func parse(_ text: String, file: String) -> (KioskConfiguration, [Problem]) {
        var config = KioskConfiguration()
        var problems: [Problem] = []
        var seen: Set<String> = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            func problem(_ key: String?, _ message: String) { problems.append(Problem(file: file, line: index + 1, key: key, message: message)) }
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty else { problem(nil, "expected key = value"); continue }
            let (key, value) = (parts[0], parts[1])
            guard seen.insert(key).inserted else { problem(key, "given twice; keep one"); continue }
            // Every value is checked here, so that nothing out of range reaches a timer or a path.
            let hasControlCharacters = value.unicodeScalars.contains { $0.properties.generalCategory == .control }
            switch key {
            case "theme":
                guard !value.isEmpty, value.count <= maximumPathLength, !hasControlCharacters else {
                    problem(key, "expected a theme name (default, high-contrast, light, monochrome) or the path of a theme file"); continue
                }
                config.theme = value
            case "db":
                guard value.hasPrefix("/"), value.utf8.count <= maximumPathLength, !hasControlCharacters else {
                    problem(key, "expected the full path of the database file, starting with /"); continue
                }
                config.db = value
            case "name":
                guard !value.isEmpty, value.count <= maximumNameLength, !hasControlCharacters else {
                    problem(key, "expected a kiosk name of 1 to \(maximumNameLength) characters"); continue
                }
                config.name = value
            case "idle-seconds", "countdown-seconds":
                let range = key == "idle-seconds" ? idleSecondsRange : countdownSecondsRange
                switch seconds(value, in: range) {
                case .failure(let failure): problem(key, failure.message); continue
                case .success(let seconds):
                    if key == "idle-seconds" { config.idleSeconds = seconds } else { config.countdownSeconds = seconds }
                }
            default:
                problem(key, "unknown key; use theme, db, name, idle-seconds or countdown-seconds")
            }
        }
        return (config, problems)
    }

    /// Reads the file at `path`; a missing file is no problem, an unreadable or unsafe one is.
    ///
    /// The file picks the database patients' answers go to, so one that another user could have
    /// written is refused whole (a problem with `refusesFile`): the file, or its folder, must not
    /// be writable by others, and must belong to this user or root. A folder with the sticky bit
    /// (such as /tmp) is allowed, since there no one else can replace a file they do not own.
    public static func load(path: String) -> (KioskConfiguration, [Problem]) {
        var info = stat()
        guard stat(path, &info) == 0 || errno != ENOENT else { return (KioskConfiguration(), []) }
        func refuse(_ message: String) -> (KioskConfiguration, [Problem]) {
            (KioskConfiguration(), [Problem(file: path, line: 0, key: nil, message: message, refusesFile: true)])
        }
        if let unsafe = unsafeBecause(path) { return refuse(unsafe) }
        let data: Data
        do { data = try InputFile.read(path, expected: "a settings file (key = value lines)", maximumBytes: 64 << 10) } catch {
            return refuse(error.reason)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return refuse("cannot be read as UTF-8 text")
        }
        return parse(text, file: path)
    }

    /// Why the settings file at `path` cannot be trusted, or nil when it can.
    static func unsafeBecause(_ path: String) -> String? {
        let me = geteuid()
        let real = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        var file = stat(), folder = stat()
        let folderPath = (real as NSString).deletingLastPathComponent
        guard stat(real, &file) == 0, stat(folderPath.isEmpty ? "." : folderPath, &folder) == 0 else { return nil }
        if file.st_uid != me && file.st_uid != 0 {
            return "belongs to another user (uid \(file.st_uid)), who could point the kiosk at another database; not used. Use a settings file of your own"
        }
        if file.st_mode & S_IFMT == S_IFREG, file.st_mode & 0o022 != 0 {
            return "can be changed by other users, who could point the kiosk at another database; not used. Run: chmod go-w \(real)"
        }
        let sticky = folder.st_mode & S_ISVTX != 0
        if folder.st_uid != me && folder.st_uid != 0 && !sticky {
            return "is in a folder that belongs to another user (uid \(folder.st_uid)), who could replace it; not used. Move it to a folder of your own"
        }
        if folder.st_mode & 0o022 != 0 && !sticky {
            return "is in a folder other users can write to (\(folderPath)), so they could replace it; not used. Run: chmod go-w \(folderPath)"
        }
        return nil
    }
}
