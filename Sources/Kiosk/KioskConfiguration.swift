import Foundation

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
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty { return "\(xdg)/intake/intake.conf" }
        return "\(environment["HOME"] ?? NSHomeDirectory())/.config/intake/intake.conf"
    }

    /// A line of the file that could not be used, with where it is.
    public struct Problem: Error, Equatable, CustomStringConvertible, Sendable {
        public let file: String
        public let line: Int
        public let key: String?
        public let message: String
        public var description: String {
            "\(file):\(line): " + (key.map { "key \"\($0)\": " } ?? "") + message
        }
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
            switch key {
            case "theme": config.theme = value
            case "db": config.db = value
            case "name": config.name = value
            case "idle-seconds", "countdown-seconds":
                guard let seconds = Double(value), seconds >= 1 else { problem(key, "\"\(value)\" is not a number of seconds (1 or more)"); continue }
                if key == "idle-seconds" { config.idleSeconds = seconds } else { config.countdownSeconds = seconds }
            default:
                problem(key, "unknown key; use theme, db, name, idle-seconds or countdown-seconds")
            }
        }
        return (config, problems)
    }

    /// Reads the file at `path`; a missing file is no problem, an unreadable one is.
    public static func load(path: String) -> (KioskConfiguration, [Problem]) {
        guard FileManager.default.fileExists(atPath: path) else { return (KioskConfiguration(), []) }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            return (KioskConfiguration(), [Problem(file: path, line: 0, key: nil, message: "cannot be read as UTF-8 text")])
        }
        return parse(text, file: path)
    }
}
