import Foundation
import GRDB
import Testing
import IntakeModel
import ReviewStation
import TerminalUI
import TestSupport

/// Each station screen rendered into the in-memory grid, in English and Arabic, at 80x24 and 40x12.
/// Record new snapshots with `INTAKE_RECORD_SNAPSHOTS=1 swift test --filter ReviewStationTests.SnapshotTests`.
struct SnapshotTests {
    static let sizes = [Size(rows: 24, columns: 80), Size(rows: 12, columns: 40)]
    static let screens = ["sign-in", "queue", "detail", "decision"]

    static func render(_ name: String, language: Language, size: Size) throws -> String {
        let h = try Harness(size: size, language: language)
        if name != "sign-in" {
            // Intake codes are random: give these fixed ones so the snapshot holds in either direction.
            try h.submit(name: "Layla Haddad", code: "SNP-AAA")
            try h.submit(name: "Omar Khoury", dob: "1985-02-03", code: "SNP-BBB")
            h.signIn()
        } else {
            h.type("drsara"); h.type([.tab]); h.type("secret")
        }
        if name == "detail" || name == "decision" { h.type([.enter]) }
        if name == "decision" { h.type([.character("d"), .down]) }
        return h.screen
    }

    static func snapshotURL(_ name: String, _ size: Size) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("__Snapshots__/\(name).\(size.columns)x\(size.rows).txt")
    }

    @Test(arguments: screens, [Language.en, .ar])
    func screen(_ name: String, _ language: Language) throws {
        for size in Self.sizes {
            let text = try Self.render(name, language: language, size: size)
            let file = (language == .ar ? "ar-" : "") + name
            let url = Self.snapshotURL(file, size)
            let expected = try Snapshot.expected(for: text, at: url)
            #expect(expected != nil, "no snapshot at \(url.path): record it")
            #expect(text == expected, "\(file) at \(size.columns)x\(size.rows)")
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                #expect(displayWidth(String(line)) <= size.columns)
            }
        }
    }

    @Test func tooSmall() throws {
        let text = try Self.render("sign-in", language: .en, size: Size(rows: 10, columns: 30))
        #expect(text.contains("40x12"))
    }
}
