import Foundation
import Testing
import IntakeModel
import IntakeSummary
import SummaryPDF

/// Page 1 of an English and an Arabic summary, compared with renders a person reviewed.
///
/// The references are in Tests/SummaryPDFTests/Reference: `en.png` and `ar.png` (50 dpi) to look
/// at, and `en.pgm` and `ar.pgm` (40 dpi greyscale) that the test compares with a small
/// tolerance, so a change of layout, font or shaping shows up here and is looked at before it
/// reaches a clinic. After a deliberate change: `INTAKE_RECORD_SNAPSHOTS=1`, look at the PNGs,
/// and commit them.
@Suite(.enabled(if: popplerMissing == nil, Comment(rawValue: popplerMissing ?? "")))
struct ReferenceRenderTests {
    static let recording = ProcessInfo.processInfo.environment["INTAKE_RECORD_SNAPSHOTS"] == "1"

    /// English: case 05, unsigned (boxes to tick). Arabic: case 04, signed.
    static func summary(_ language: Language) throws -> Summary {
        language == .en
            ? try Cases.summary(Cases.bundled.appendingPathComponent("05-botox-month-only.json"), .en)
            : try Cases.summary(Cases.bundled.appendingPathComponent("04-botox-ten-days-ago.json"), .ar, signed: Cases.signed(.ar))
    }

    @Test(arguments: Language.allCases)
    func pageOneLooksAsReviewed(_ language: Language) throws {
        let pdf = try TemporaryPDF(try SummaryPDF.render(try Self.summary(language), paper: .a4)); defer { pdf.remove() }
        let stem = NSTemporaryDirectory() + "intake-reference-" + UUID().uuidString
        defer { for suffix in [".pgm", ".png"] { try? FileManager.default.removeItem(atPath: stem + suffix) } }
        _ = try run("pdftoppm", ["-f", "1", "-l", "1", "-r", "40", "-gray", "-singlefile", pdf.path, stem])
        let fresh = try #require(Greymap(Data(contentsOf: URL(fileURLWithPath: stem + ".pgm"))), "pdftoppm wrote a PGM")
        let name = language.rawValue
        let reference = referenceFolder.appendingPathComponent(name + ".pgm")
        if Self.recording {
            try FileManager.default.createDirectory(at: referenceFolder, withIntermediateDirectories: true)
            try Data(contentsOf: URL(fileURLWithPath: stem + ".pgm")).write(to: reference)
            _ = try run("pdftoppm", ["-f", "1", "-l", "1", "-r", "50", "-png", "-singlefile", pdf.path, stem])
            try? FileManager.default.removeItem(at: referenceFolder.appendingPathComponent(name + ".png"))
            try FileManager.default.copyItem(atPath: stem + ".png", toPath: referenceFolder.appendingPathComponent(name + ".png").path)
            return
        }
        let expected = try #require(Greymap(Data(contentsOf: reference)), "the reference \(reference.path) is there")
        #expect(fresh.width == expected.width && fresh.height == expected.height)
        // Anti-aliasing may move by a level or two between library versions; text that moves does not.
        let share = fresh.differingShare(from: expected)
        #expect(share < 0.002, "\(name): \(share * 100)% of pixels differ from the reviewed render")
    }
}
