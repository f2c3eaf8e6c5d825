import Foundation
import IntakeModel
import IntakeRules
import IntakeSummary
import SummaryPDF

/// The repository's root, found from this file.
let repository = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Reviewed renders of page 1 (Tests/SummaryPDFTests/Reference): PNG for people, PGM for the comparison.
let referenceFolder = repository.appendingPathComponent("Tests/SummaryPDFTests/Reference")

/// Example responses and their visit dates: the project's copy of the cases, and `../shared/cases` when beside it.
enum Cases {
    static let questionnaire: Questionnaire = try! Questionnaire.bundled()

    static var bundled: URL { repository.appendingPathComponent("Tests/IntakeRulesTests/Cases") }

    static var shared: URL? {
        let folder = repository.deletingLastPathComponent().appendingPathComponent("shared/cases")
        return FileManager.default.fileExists(atPath: folder.path) ? folder : nil
    }

    /// Every case file, as (folder, name), the shared ones after the project's.
    static var all: [URL] {
        ([bundled] + (shared.map { [$0] } ?? [])).flatMap { folder in
            names(in: folder).map { folder.appendingPathComponent($0 + ".json") }
        }
    }

    static func names(in folder: URL) -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return files.filter { $0.hasSuffix(".json") && !$0.hasSuffix(".expected.json") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// The summary of a case file on its expected visit date.
    static func summary(_ file: URL, _ language: Language, signed: Summary.SignedDecision? = nil) throws -> Summary {
        struct Expected: Decodable { let asOf: String }
        let expected = file.deletingPathExtension().appendingPathExtension("expected.json")
        let asOf = (try? JSONDecoder().decode(Expected.self, from: Data(contentsOf: expected))).flatMap { Day(iso: $0.asOf) }
            ?? Day(year: 2026, month: 11, day: 22)!
        let parsed = try ResponseReader(questionnaire: questionnaire, asOf: asOf).read(Data(contentsOf: file), file: file.lastPathComponent)
        let assessment = Assessor(questionnaire: questionnaire).assess(parsed.answers, asOf: asOf)
        return Summary(questionnaire: questionnaire, answers: parsed.answers, assessment: assessment,
                       intakeID: parsed.id ?? "K7M-4QX", language: language, signed: signed)
    }

    /// A signed decision for every procedure of `summary`, by an account with a full name and credential.
    static func signed(_ language: Language) -> Summary.SignedDecision {
        Summary.SignedDecision(decisions: [.microneedling: (.proceed, nil), .microBotox: (.defer, "after the toxin interval")],
                               note: "Discussed the risks.", practitioner: "drsara", signedAt: "2026-11-22 14:05 UTC",
                               amended: false, fullName: language == .ar ? "سارة حداد" : "Sara Haddad",
                               credential: "MD", contentHash: "3f9a0c1277be54d1aa90")
    }
}

/// Runs a poppler tool (or another program) and returns its standard output; nil when it is not installed.
func run(_ tool: String, _ arguments: [String]) throws -> Data? {
    guard let path = ["/usr/bin/", "/usr/local/bin/", "/bin/"].map({ $0 + tool }).first(where: FileManager.default.isExecutableFile) else {
        return nil
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return data
}

/// Whether every poppler tool the tests read PDFs with is there (Scripts/install-deps installs poppler-utils).
let popplerMissing: String? = ["pdfinfo", "pdftotext", "pdftoppm"].first { tool in
    !["/usr/bin/", "/usr/local/bin/"].contains { FileManager.default.isExecutableFile(atPath: $0 + tool) }
}.map { "\($0) is not installed (apt-get install poppler-utils, or Scripts/install-deps)" }

/// A temporary file holding `bytes`, removed by `remove()`.
struct TemporaryPDF {
    let path: String
    init(_ bytes: [UInt8]) throws {
        path = NSTemporaryDirectory() + "intake-summary-" + UUID().uuidString + ".pdf"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }
    func remove() { try? FileManager.default.removeItem(atPath: path) }

    /// The page count pdfinfo reports.
    func pages() throws -> Int? {
        guard let data = try run("pdfinfo", [path]) else { return nil }
        let line = String(decoding: data, as: UTF8.self).split(separator: "\n").first { $0.hasPrefix("Pages:") }
        return line.flatMap { Int($0.dropFirst("Pages:".count).trimmingCharacters(in: .whitespaces)) }
    }

    /// `pdftotext -layout` of every page, in order (pages end with a form feed).
    func pageTexts() throws -> [String] {
        guard let data = try run("pdftotext", ["-layout", path, "-"]) else { return [] }
        var pages = String(decoding: data, as: UTF8.self).components(separatedBy: "\u{0C}")
        if pages.last?.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty == true { pages.removeLast() }
        return pages
    }
}

/// Text as compared: without BiDi controls (poppler adds embeddings around Arabic, and the PDF
/// keeps our isolates) and, for Arabic, without spaces (poppler breaks joined words where the
/// cursive glyphs overlap).
func comparable(_ text: String, dropSpaces: Bool) -> String {
    String(String.UnicodeScalarView(text.unicodeScalars.filter { scalar in
        if (0x200E...0x200F).contains(scalar.value) || (0x202A...0x202E).contains(scalar.value)
            || (0x2066...0x2069).contains(scalar.value) { return false }
        return !(dropSpaces && scalar.properties.isWhitespace)
    }))
}

/// An 8-bit greyscale PGM (P5) image.
struct Greymap: Equatable {
    var width: Int, height: Int
    var pixels: [UInt8]

    init?(_ data: Data) {
        let bytes = [UInt8](data)
        // Header: "P5", width, height, maxval, each after whitespace; then one byte a pixel.
        var fields: [Int] = []
        var index = 2
        guard bytes.count > 2, bytes[0] == UInt8(ascii: "P"), bytes[1] == UInt8(ascii: "5") else { return nil }
        while fields.count < 3, index < bytes.count {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 { index += 1 }
            var value = 0
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) { value = value * 10 + Int(bytes[index] - 0x30); index += 1 }
            fields.append(value)
        }
        index += 1
        guard fields.count == 3, fields[2] == 255, bytes.count - index == fields[0] * fields[1] else { return nil }
        width = fields[0]; height = fields[1]
        pixels = Array(bytes[index...])
    }

    /// The share of pixels that differ by more than `threshold` levels.
    func differingShare(from other: Greymap, threshold: Int = 64) -> Double {
        guard width == other.width, height == other.height else { return 1 }
        let differing = zip(pixels, other.pixels).reduce(0) { $0 + (abs(Int($1.0) - Int($1.1)) > threshold ? 1 : 0) }
        return Double(differing) / Double(pixels.count)
    }
}
