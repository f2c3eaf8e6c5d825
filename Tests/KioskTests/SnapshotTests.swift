import Foundation
import Testing
import IntakeModel
import Kiosk
import TerminalUI
import TestSupport

/// Every kind of kiosk screen rendered into the in-memory grid at three sizes.
///
/// Themes map roles to colours and never move a cell, so one set of snapshots
/// holds for every theme; the canvas records roles, not colours.
/// Record new snapshots with `INTAKE_RECORD_SNAPSHOTS=1 swift test --filter SnapshotTests`; to see
/// first what changed, `INTAKE_SNAPSHOT_ACTUAL=/tmp/snaps` writes each differing screen there.
struct SnapshotTests {
    static let sizes = [Size(rows: 24, columns: 80), Size(rows: 12, columns: 40), Size(rows: 43, columns: 132)]

    /// Keys that bring a fresh kiosk to each screen kind.
    static let screens: [(String, [Key], Double)] = [
        ("welcome", [], 0),
        ("text-question", [.enter] + "Layla Haddad".map { .character($0) }, 0),
        ("date-error", [.enter] + "Layla".map { .character($0) } + [.enter] + "2030-01-01".map { .character($0) } + [.enter], 0),
        ("multiple-choice", [.enter] + "Layla".map { .character($0) } + [.enter] + "1990-04-12".map { .character($0) } + [.enter, .enter, .character("1"), .down], 0),
        ("single-choice", [.enter] + "Layla".map { .character($0) } + [.enter] + "1990-04-12".map { .character($0) } + [.enter, .enter, .character("1"), .enter, .character("1"), .enter, .enter, .down, .down], 0),
        ("review", Array(Harness.wholeIntake.dropLast(4)) + [.down, .down], 0),
        ("attestation", Array(Harness.wholeIntake.dropLast(2)), 0),
        ("thanks", Harness.wholeIntake, 0),
        ("idle", [.enter] + "Layla".map { .character($0) } + [.enter], 125),
        ("staff", [.control("x"), .control("q")] + "12".map { .character($0) }, 0),
        ("arabic-question", [.down, .enter, .enter, .character("1")], 0),
        // Version 2: the off-label notice (a display item, asks nothing) and a free-text question.
        ("notice", Harness.upToNotice, 0),
        ("free-text", Harness.upToAllergies() + [.character("5"), .character("7"), .enter] + "Latex gloves and chlorhexidine: an itchy rash on my hands".map { .character($0) }, 0),
        ("arabic-free-text", [.function(2)] + Harness.upToAllergies() + [.character("5"), .character("7"), .enter] + "القفازات المطاطية والكلورهيكسيدين: طفح جلدي مع حكة".map { .character($0) }, 0),
    ]

    static func render(_ keys: [Key], idle: Double, size: Size) throws -> String {
        let h = try Harness(size: size, pin: "2468")
        h.type(keys)
        if idle > 0 { h.wait(idle) }
        var text = h.screen
        // The intake code is random: mask it (as typed, and spaced out large on the thank-you screen) so the snapshot holds.
        if let code = try h.store.recentIntakes(limit: 1, status: nil).first?.code {
            text = text.replacingOccurrences(of: code, with: "XXX-XXX")
                .replacingOccurrences(of: code.map(String.init).joined(separator: " "), with: "X X X - X X X")
        }
        return text
    }

    static func snapshotURL(_ name: String, _ size: Size) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("__Snapshots__/\(name).\(size.columns)x\(size.rows).txt")
    }

    @Test(arguments: screens.map(\.0))
    func screenKind(_ name: String) throws {
        let (_, keys, idle) = try #require(Self.screens.first { $0.0 == name })
        try Self.check(name, keys: keys, idle: idle, sizes: Self.sizes)
    }

    /// The same screens in Arabic: F2 on the welcome screen chooses it before anything else.
    @Test(arguments: screens.map(\.0).filter { !$0.hasPrefix("arabic-") })
    func arabicScreenKind(_ name: String) throws {
        let (_, keys, idle) = try #require(Self.screens.first { $0.0 == name })
        try Self.check("ar-" + name, keys: [.function(2)] + keys, idle: idle, sizes: [Size(rows: 24, columns: 80), Size(rows: 12, columns: 40)])
    }

    static func check(_ name: String, keys: [Key], idle: Double, sizes: [Size]) throws {
        for size in sizes {
            let text = try Self.render(keys, idle: idle, size: size)
            let url = Self.snapshotURL(name, size)
            let expected = try Snapshot.expected(for: text, at: url)
            #expect(expected != nil, "no snapshot at \(url.path): record it")
            #expect(text == expected, "\(name) at \(size.columns)x\(size.rows)")
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                #expect(displayWidth(String(line)) <= size.columns)
            }
        }
    }

    @Test func tooSmall() throws {
        let text = try Self.render([], idle: 0, size: Size(rows: 10, columns: 30))
        #expect(text.contains("Please make this window"))
        #expect(text.contains("40x12"))
    }
}
