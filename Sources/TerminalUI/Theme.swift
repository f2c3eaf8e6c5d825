import Foundation

/// One of the eight basic terminal colours.
public enum BasicColor: Int, CaseIterable, Sendable {
    case black, red, green, yellow, blue, magenta, cyan, white

    public var name: String { String(describing: self) }
}

/// A colour as a theme file names it.
public enum ThemeColor: Hashable, Sendable, CustomStringConvertible {
    /// The terminal's own foreground or background.
    case `default`
    case basic(BasicColor, bright: Bool)
    /// One of the 256 indexed colours.
    case indexed(Int)

    /// Parses "default", "red", "bright-red", "colour 208" or "color 208".
    ///
    /// - Returns: nil when the text is no colour at all.
    /// - Throws: a message when it is a colour number out of range.
    static func parse(_ text: String) throws(ThemeColorError) -> ThemeColor? {
        let t = text.lowercased()
        if t == "default" { return .default }
        if let c = BasicColor.allCases.first(where: { $0.name == t }) { return .basic(c, bright: false) }
        if t.hasPrefix("bright-"), let c = BasicColor.allCases.first(where: { "bright-" + $0.name == t }) {
            return .basic(c, bright: true)
        }
        for prefix in ["colour ", "color "] where t.hasPrefix(prefix) {
            let number = t.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)
            guard let n = Int(number), (0...255).contains(n) else {
                throw ThemeColorError(message: "colour number \"\(number)\" is out of range (use 0–255)")
            }
            return .indexed(n)
        }
        return nil
    }

    public var description: String {
        switch self {
        case .default: "default"
        case .basic(let c, let bright): bright ? "bright-\(c.name)" : c.name
        case .indexed(let n): "colour \(n)"
        }
    }

    /// The names a theme file may use, for error messages.
    static let validNames: String =
        (["default"] + BasicColor.allCases.map(\.name) + BasicColor.allCases.map { "bright-" + $0.name }
            + ["colour 0–255"]).joined(separator: ", ")
}

struct ThemeColorError: Error { var message: String }

/// How one role looks: colours (nil means the terminal's default) and attributes.
public struct RoleStyle: Hashable, Sendable {
    public var foreground: ThemeColor?
    public var background: ThemeColor?
    public var attributes: Attributes

    public init(foreground: ThemeColor? = nil, background: ThemeColor? = nil, attributes: Attributes = []) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }

    /// True when the style asks for no colour at all.
    public var isColorless: Bool {
        (foreground == nil || foreground == .default) && (background == nil || background == .default)
    }
}

/// A problem in a theme file, or a theme that could not be found.
///
/// The description reads like a compiler message, so whoever edits the file can
/// go straight to the line: `Themes/light.theme:7: key "focus": unknown colour "pruple" (…)`.
public struct ThemeError: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var key: String?
    public var message: String

    public init(file: String, line: Int? = nil, key: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.key = key
        self.message = message
    }

    public var description: String {
        var s = file
        if let line { s += ":\(line)" }
        s += ": "
        if let key { s += "key \"\(key)\": " }
        return s + message
    }
}

/// Colours and attributes for every `Role`.
public struct Theme: Sendable, Equatable {
    public var name: String
    public var roles: [Role: RoleStyle]

    public init(name: String, roles: [Role: RoleStyle]) {
        self.name = name
        self.roles = roles
    }

    /// The style of a role; roles missing from a hand-built theme look like plain text.
    public subscript(role: Role) -> RoleStyle { roles[role] ?? RoleStyle() }

    /// True when no role uses a colour: the theme works on any terminal.
    public var isMonochrome: Bool { roles.values.allSatisfy(\.isColorless) }

    // MARK: Parsing

    /// Parses a theme file.
    ///
    /// - Parameter file: the name to report in errors.
    public static func parse(_ text: String, file: String) throws(ThemeError) -> Theme {
        var name: String?
        var roles: [Role: RoleStyle] = [:]
        var firstLine: [String: Int] = [:]
        let validKeys = ["name"] + Role.allCases.map(\.rawValue)

        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let eq = line.firstIndex(of: "=") else {
                throw ThemeError(file: file, line: lineNumber,
                                 message: "expected \"key = value\", found \"\(line)\"")
            }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            guard validKeys.contains(key) else {
                throw ThemeError(file: file, line: lineNumber, key: key,
                                 message: "unknown key (use one of: \(validKeys.joined(separator: ", ")))")
            }
            if let first = firstLine[key] {
                throw ThemeError(file: file, line: lineNumber, key: key,
                                 message: "set twice (first on line \(first)); delete one of the two lines")
            }
            firstLine[key] = lineNumber
            guard !value.isEmpty else {
                throw ThemeError(file: file, line: lineNumber, key: key,
                                 message: "has no value (write a colour such as \"white on black\" and/or attributes such as \"bold\")")
            }
            if key == "name" {
                name = value
                continue
            }
            do {
                roles[Role(rawValue: key)!] = try parseRoleStyle(value)
            } catch {
                throw ThemeError(file: file, line: lineNumber, key: key, message: error.message)
            }
        }
        let missing = validKeys.filter { firstLine[$0] == nil }
        if !missing.isEmpty {
            throw ThemeError(file: file, message: "missing \(missing.map { "\"\($0)\"" }.joined(separator: ", ")) (every theme sets a name and a style for each role)")
        }
        return Theme(name: name!, roles: roles)
    }

    /// Parses "FG", "FG on BG" or "on BG", then attributes, separated by commas.
    private static func parseRoleStyle(_ value: String) throws(ThemeColorError) -> RoleStyle {
        var style = RoleStyle()
        let parts = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let attributeNames = Attributes.names.map(\.name).joined(separator: ", ")
        for (i, part) in parts.enumerated() {
            let lower = part.lowercased()
            if let attribute = Attributes.names.first(where: { $0.name == lower }) {
                style.attributes.insert(attribute.value)
                continue
            }
            guard i == 0 else {
                throw ThemeColorError(message: "unknown attribute \"\(part)\" (use one of: \(attributeNames); colours come first)")
            }
            let colours = lower.components(separatedBy: " on ")
            let fgText: String?
            let bgText: String?
            if lower.hasPrefix("on ") {
                fgText = nil
                bgText = String(lower.dropFirst(3))
            } else if colours.count == 2 {
                fgText = colours[0]
                bgText = colours[1]
            } else {
                fgText = lower
                bgText = nil
            }
            for (text, isForeground) in [(fgText, true), (bgText, false)] {
                guard let text else { continue }
                let trimmed = text.trimmingCharacters(in: .whitespaces)
                guard let colour = try ThemeColor.parse(trimmed) else {
                    throw ThemeColorError(message: "unknown colour \"\(trimmed)\" (use one of: \(ThemeColor.validNames))")
                }
                if isForeground { style.foreground = colour } else { style.background = colour }
            }
        }
        return style
    }

    /// The theme as file text; parsing it gives the same theme back.
    public var fileText: String {
        var lines = ["name = \(name)"]
        for role in Role.allCases {
            let s = self[role]
            var parts: [String] = []
            switch (s.foreground, s.background) {
            case (nil, nil): break
            case (let fg?, nil): parts.append(fg.description)
            case (nil, let bg?): parts.append("on \(bg)")
            case (let fg?, let bg?): parts.append("\(fg) on \(bg)")
            }
            parts += Attributes.names.filter { s.attributes.contains($0.value) }.map(\.name)
            lines.append("\(role.rawValue) = \(parts.isEmpty ? "default" : parts.joined(separator: ", "))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: Finding theme files

    /// Where theme files are looked for, in order.
    ///
    /// `$INTAKE_THEMES`, `./Themes`, the first `Themes` folder found walking up from
    /// the executable's folder, then the install locations.
    /// - Parameter bundledThemes: the program's own bundled theme folder, searched last.
    public static func searchPaths(environment: [String: String], executablePath: String?,
                                   bundledThemes: String? = Theme.bundledThemesFolder()) -> [String] {
        var paths: [String] = []
        if let env = environment["INTAKE_THEMES"], !env.isEmpty { paths.append(env) }
        paths.append("./Themes")
        if let executablePath {
            var dir = URL(fileURLWithPath: executablePath).deletingLastPathComponent().standardizedFileURL
            while true {
                let candidate = dir.appendingPathComponent("Themes").path
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), isDirectory.boolValue {
                    if !paths.contains(candidate) { paths.append(candidate) }
                    break
                }
                let parent = dir.deletingLastPathComponent()
                if parent.path == dir.path { break }
                dir = parent
            }
        }
        paths += ["/usr/local/share/intake/themes", "/usr/share/intake/themes"]
        // Last, the themes built into the program's resource bundle: an installed binary (copied out of
        // .build with its bundles beside it) finds them by name wherever it is started from.
        if let bundledThemes, !paths.contains(bundledThemes) { paths.append(bundledThemes) }
        return paths
    }

    /// The folder of themes bundled with the program (`intake_TerminalUI.resources`) beside the running
    /// executable (the real file, symlinks resolved), if it is there.
    ///
    /// Looked up by hand rather than through `Bundle.module`, which stops the program when the bundle is
    /// missing: a kiosk without its theme files still runs, on the built-in default.
    public static func bundledThemesFolder(executable: URL? = Bundle.main.executableURL) -> String? {
        guard let executable else { return nil }
        let candidate = executable.resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("intake_TerminalUI.resources")
        return FileManager.default.fileExists(atPath: candidate.appendingPathComponent("default.theme").path) ? candidate.path : nil
    }

    /// The names of the themes that can be asked for by name: those in the search paths.
    public static func availableNames(searchPaths: [String]) -> [String] {
        Set(searchPaths.flatMap { folder in
            ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
                .filter { $0.hasSuffix(".theme") }.map { String($0.dropLast(6)) }
        }).sorted()
    }

    /// Loads `NAME.theme` from the first search path that has it.
    ///
    /// A name containing "/" is taken as a file path.
    public static func load(named name: String, searchPaths: [String]) throws(ThemeError) -> Theme {
        let candidates: [String]
        if name.contains("/") {
            candidates = [name]
        } else {
            candidates = searchPaths.map { ($0.hasSuffix("/") ? $0 : $0 + "/") + name + ".theme" }
        }
        for path in candidates where FileManager.default.fileExists(atPath: path) {
            // A FIFO would block and /dev/zero fill memory: only a regular file is read.
            var info = stat()
            if stat(path, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
                let kind = switch info.st_mode & S_IFMT {
                case S_IFDIR: "a folder"
                case S_IFIFO: "a named pipe (FIFO)"
                case S_IFCHR: "a character device"
                case S_IFBLK: "a block device"
                case S_IFSOCK: "a socket"
                default: "not a regular file"
                }
                throw ThemeError(file: path, message: "this is \(kind), not a regular file; give a theme name or the path of a .theme file")
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ThemeError(file: path, message: "cannot be read (check its permissions)")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw ThemeError(file: path, message: "is not UTF-8 text (save it as UTF-8)")
            }
            return try parse(text, file: path)
        }
        let places = name.contains("/") ? name : searchPaths.joined(separator: ", ")
        throw ThemeError(file: name.contains("/") ? name : name + ".theme",
                         message: "theme not found; looked in: \(places) (set INTAKE_THEMES to a folder of .theme files)")
    }

    /// Chooses the theme to run with, never failing: problems become warnings.
    ///
    /// NO_COLOR (non-empty) or a terminal without colour gives `monochrome`;
    /// a missing or broken file gives `builtinDefault` plus the error as a warning.
    /// - Parameter requested: a theme name or path; nil means "default".
    public static func resolve(requested: String?, environment: [String: String], hasColors: Bool,
                               searchPaths: [String]? = nil) -> (Theme, warnings: [String]) {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return (.monochrome, []) }
        if !hasColors { return (.monochrome, []) }
        let paths = searchPaths
            ?? Theme.searchPaths(environment: environment, executablePath: ProcessInfo.processInfo.arguments.first)
        do {
            return (try load(named: requested ?? "default", searchPaths: paths), [])
        } catch {
            // Without a request, a missing default.theme is normal: the built-in one is the same.
            if requested == nil, error.message.hasPrefix("theme not found") { return (.builtinDefault, []) }
            return (.builtinDefault, ["\(error); using the built-in default theme"])
        }
    }

    // MARK: Built-in themes

    /// The text of Themes/default.theme, compiled in so the kiosk runs without it.
    public static let builtinDefaultSource = """
        # intake default theme: light text on the terminal's own background.
        # Format: KEY = [FOREGROUND [on BACKGROUND]][, ATTRIBUTE...]
        # Colours: default, black, red, green, yellow, blue, magenta, cyan, white,
        # bright-NAME, colour N (0-255). Attributes: bold, underline, reverse, dim.
        name = Default
        text = default
        muted = bright-black
        accent = cyan, bold
        focus = black on cyan, bold
        error = bright-red, bold
        warning = yellow, bold
        success = green, bold
        eligible = green, bold
        review = yellow, bold
        defer = magenta, bold
        contraindicated = bright-red, bold, reverse

        """

    /// The text of Themes/monochrome.theme: attributes only, no colour.
    public static let monochromeSource = """
        # intake monochrome theme: no colours, only bold, underline and reverse.
        # Used when NO_COLOR is set or the terminal has no colours.
        name = Monochrome
        text = default
        muted = default
        accent = bold
        focus = reverse, bold
        error = bold, underline
        warning = bold
        success = bold
        eligible = bold
        review = underline
        defer = underline
        contraindicated = reverse, bold, underline

        """

    public static let builtinDefault: Theme = builtin(builtinDefaultSource, file: "<built-in default>")
    public static let monochrome: Theme = builtin(monochromeSource, file: "<built-in monochrome>")

    private static func builtin(_ source: String, file: String) -> Theme {
        do { return try parse(source, file: file) } catch {
            // A compile-time constant; the tests parse it, so this is a programming error.
            preconditionFailure("\(error)")
        }
    }
}
