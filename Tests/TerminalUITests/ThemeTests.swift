import Foundation
import Testing
@testable import TerminalUI

/// The package's Themes folder, found from this file's path.
let themesFolder: String = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Themes").path

@Suite struct ThemeTests {
    /// A complete theme, with one line replaced or added for an error case.
    static func themeText(replacing key: String? = nil, with line: String? = nil, appending extra: String? = nil) -> String {
        var lines = ["# test theme", "name = Test"] + Role.allCases.map { "\($0.rawValue) = default" }
        if let key, let index = lines.firstIndex(where: { $0.hasPrefix(key + " =") }) {
            if let line { lines[index] = line } else { lines.remove(at: index) }
        }
        if let extra { lines.append(extra) }
        return lines.joined(separator: "\n")
    }

    @Test func parsesColoursAndAttributes() throws {
        let text = Self.themeText(replacing: "focus", with: "focus = black on yellow, bold")
            .replacingOccurrences(of: "error = default", with: "error = bright-red, bold, underline")
            .replacingOccurrences(of: "muted = default", with: "muted = colour 244")
            .replacingOccurrences(of: "accent = default", with: "accent = on color 17, reverse")
            .replacingOccurrences(of: "name = Test", with: "name = High contrast")
        let theme = try Theme.parse(text, file: "t.theme")
        #expect(theme.name == "High contrast")
        #expect(theme[.focus] == RoleStyle(foreground: .basic(.black, bright: false), background: .basic(.yellow, bright: false), attributes: .bold))
        #expect(theme[.error] == RoleStyle(foreground: .basic(.red, bright: true), attributes: [.bold, .underline]))
        #expect(theme[.muted] == RoleStyle(foreground: .indexed(244)))
        #expect(theme[.accent] == RoleStyle(background: .indexed(17), attributes: .reverse))
        #expect(theme[.text] == RoleStyle(foreground: .default))
    }

    @Test func fileTextRoundTrips() throws {
        for theme in [Theme.builtinDefault, Theme.monochrome] {
            #expect(try Theme.parse(theme.fileText, file: "x") == theme)
        }
    }

    func expectError(_ text: String, line: Int?, key: String?, contains fragment: String) {
        do {
            _ = try Theme.parse(text, file: "Themes/t.theme")
            Issue.record("expected an error containing \(fragment)")
        } catch {
            #expect(error.line == line)
            #expect(error.key == key)
            #expect(error.description.contains(fragment), "\(error.description)")
        }
    }

    @Test func unknownColourNamesTheLineKeyAndChoices() {
        let text = Self.themeText(replacing: "focus", with: "focus = pruple on black")
        expectError(text, line: 6, key: "focus", contains: "unknown colour \"pruple\" (use one of: default, black, red")
        do {
            _ = try Theme.parse(text, file: "Themes/light.theme")
        } catch {
            #expect(error.description.hasPrefix("Themes/light.theme:6: key \"focus\": unknown colour \"pruple\""))
        }
    }

    @Test func unknownAttribute() {
        expectError(Self.themeText(replacing: "error", with: "error = red, blinking"),
                    line: 7, key: "error", contains: "unknown attribute \"blinking\" (use one of: bold, underline, reverse, dim")
    }

    @Test func colourNumberOutOfRange() {
        expectError(Self.themeText(replacing: "muted", with: "muted = colour 300"),
                    line: 4, key: "muted", contains: "out of range (use 0–255)")
    }

    @Test func unknownKey() {
        expectError(Self.themeText(appending: "backgroud = blue"),
                    line: 14, key: "backgroud", contains: "unknown key (use one of: name, text, muted")
    }

    @Test func duplicateKey() {
        expectError(Self.themeText(appending: "text = red"),
                    line: 14, key: "text", contains: "set twice (first on line 3)")
    }

    @Test func missingKeyIsNamed() {
        expectError(Self.themeText(replacing: "review"), line: nil, key: nil, contains: "missing \"review\"")
    }

    @Test func lineWithoutEquals() {
        expectError(Self.themeText(appending: "just words"), line: 14, key: nil, contains: "expected \"key = value\"")
    }

    @Test func builtinDefaultEqualsTheShippedFile() throws {
        let shipped = try Theme.load(named: "default", searchPaths: [themesFolder])
        #expect(shipped == Theme.builtinDefault)
        let text = try String(contentsOfFile: themesFolder + "/default.theme", encoding: .utf8)
        #expect(text == Theme.builtinDefaultSource)
        let mono = try String(contentsOfFile: themesFolder + "/monochrome.theme", encoding: .utf8)
        #expect(mono == Theme.monochromeSource)
    }

    @Test(arguments: ["default", "high-contrast", "light", "monochrome"])
    func everyShippedThemeParses(name: String) throws {
        let theme = try Theme.load(named: name, searchPaths: [themesFolder])
        #expect(theme.roles.count == Role.allCases.count)
        #expect(!theme.name.isEmpty)
    }

    @Test func monochromeUsesNoColour() throws {
        #expect(Theme.monochrome.isMonochrome)
        #expect(!Theme.builtinDefault.isMonochrome)
        #expect(try Theme.load(named: "monochrome", searchPaths: [themesFolder]).isMonochrome)
    }

    @Test func noColorGivesMonochrome() {
        let (theme, warnings) = Theme.resolve(requested: "light", environment: ["NO_COLOR": "1"], hasColors: true,
                                              searchPaths: [themesFolder])
        #expect(theme == .monochrome)
        #expect(warnings.isEmpty)
        #expect(Theme.resolve(requested: nil, environment: [:], hasColors: false, searchPaths: [themesFolder]).0 == .monochrome)
        // An empty NO_COLOR does not count.
        #expect(Theme.resolve(requested: "light", environment: ["NO_COLOR": ""], hasColors: true,
                              searchPaths: [themesFolder]).0.name == "Light")
    }

    @Test func brokenOrMissingThemeFallsBackWithAWarning() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tui-themes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.themeText(replacing: "focus", with: "focus = pruple").write(
            to: dir.appendingPathComponent("broken.theme"), atomically: true, encoding: .utf8)

        let (theme, warnings) = Theme.resolve(requested: "broken", environment: [:], hasColors: true, searchPaths: [dir.path])
        #expect(theme == .builtinDefault)
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("broken.theme:6: key \"focus\": unknown colour \"pruple\"") == true)

        let (missing, missingWarnings) = Theme.resolve(requested: "nope", environment: [:], hasColors: true, searchPaths: [dir.path])
        #expect(missing == .builtinDefault)
        #expect(missingWarnings.first?.contains("theme not found; looked in: \(dir.path)") == true)

        // No request and no default.theme anywhere: the built-in one, silently.
        let (plain, plainWarnings) = Theme.resolve(requested: nil, environment: [:], hasColors: true, searchPaths: [dir.path])
        #expect(plain == .builtinDefault)
        #expect(plainWarnings.isEmpty)
    }

    @Test func notFoundNamesThePlacesSearched() {
        #expect(throws: ThemeError.self) { try Theme.load(named: "ghost", searchPaths: ["/a", "/b"]) }
        do {
            _ = try Theme.load(named: "ghost", searchPaths: ["/a", "/b"])
        } catch {
            #expect(error.description == "ghost.theme: theme not found; looked in: /a, /b (set INTAKE_THEMES to a folder of .theme files)")
        }
    }

    @Test func searchPathOrder() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tui-paths-\(UUID().uuidString)")
        let bin = root.appendingPathComponent("build/debug")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("Themes"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }

        let paths = Theme.searchPaths(environment: ["INTAKE_THEMES": "/etc/intake-themes"],
                                      executablePath: bin.appendingPathComponent("intake").path, bundledThemes: nil)
        #expect(paths == ["/etc/intake-themes", "./Themes", root.standardizedFileURL.appendingPathComponent("Themes").path,
                          "/usr/local/share/intake/themes", "/usr/share/intake/themes"])
        #expect(Theme.searchPaths(environment: [:], executablePath: nil, bundledThemes: "/opt/intake/intake_TerminalUI.resources")
                == ["./Themes", "/usr/local/share/intake/themes", "/usr/share/intake/themes", "/opt/intake/intake_TerminalUI.resources"])
    }

    /// Installed as a clinic installs it — the binary copied out of .build with its resource bundles beside
    /// it, started from another folder — every shipped theme is still found by name.
    @Test func anInstalledCopyFindsEveryThemeByName() throws {
        let install = FileManager.default.temporaryDirectory.appendingPathComponent("tui-install-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: install) }
        let bundle = install.appendingPathComponent("intake_TerminalUI.resources")
        try FileManager.default.createDirectory(at: bundle, withIntermediateDirectories: true)
        for name in ["default", "high-contrast", "light", "monochrome"] {
            try FileManager.default.copyItem(atPath: "\(themesFolder)/\(name).theme", toPath: bundle.appendingPathComponent("\(name).theme").path)
        }
        let executable = install.appendingPathComponent("intake")
        try Data().write(to: executable)
        let folder = try #require(Theme.bundledThemesFolder(executable: executable))
        #expect(folder == bundle.path)
        let paths = Theme.searchPaths(environment: [:], executablePath: executable.path, bundledThemes: folder)
        #expect(Theme.availableNames(searchPaths: [folder]) == ["default", "high-contrast", "light", "monochrome"])
        for name in ["high-contrast", "light", "monochrome"] {
            let (theme, warnings) = Theme.resolve(requested: name, environment: [:], hasColors: true, searchPaths: paths)
            #expect(warnings.isEmpty, "\(name): \(warnings)")
            #expect(theme != .builtinDefault, "\(name) is not the default")
        }
        let (_, bogus) = Theme.resolve(requested: "bogus", environment: [:], hasColors: true, searchPaths: paths)
        #expect(bogus.first?.contains("bogus.theme: theme not found") == true)
        #expect(Theme.bundledThemesFolder(executable: install.appendingPathComponent("elsewhere/intake")) == nil)
    }
}
