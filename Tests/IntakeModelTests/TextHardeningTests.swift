import Foundation
import Testing
import IntakeModel

/// Invisible characters leave patient text, text is composed (NFC), and wrapping is linear.
struct TextHardeningTests {
    @Test(arguments: [
        ("S\u{200B}T\u{200C}U\u{200D}V\u{2060}W\u{FEFF}", "STUVW"),           // zero-width characters
        ("ST\u{2028}UV\u{2029}W", "STUVW"),                                   // line and paragraph separators
        ("STU\u{E0001}\u{E0041}\u{E007F}VW", "STUVW"),                        // tag characters
        ("S\u{00AD}TUVW\u{202E}", "STUVW"),                                   // soft hyphen, BiDi override
    ])
    func invisibleCharactersAreRemoved(_ input: String, _ expected: String) {
        #expect(PatientText.clean(input) == expected)
    }

    @Test func textIsComposed() {
        let cleaned = PatientText.clean("Zoe\u{308} Rene\u{301}e")
        #expect(cleaned.unicodeScalars.elementsEqual("Zo\u{EB} Ren\u{E9}e".unicodeScalars))
    }

    @Test func wrappingALongWordTakesLinearTime() {
        let word = String(repeating: "A", count: 300_000)
        let clock = ContinuousClock()
        var lines: [String] = []
        let took = clock.measure { lines = TextWidth.wrap(word, width: 70) }
        #expect(lines.count == 300_000 / 70 + 1)
        #expect(lines.dropLast().allSatisfy { $0.count == 70 })
        // Linear: about 0.13 s in a debug build; the quadratic wrap took 25 s. Room for a busy machine.
        #expect(took < .seconds(6), "\(took) for 300,000 characters")
    }
}

/// Files named on the command line are capped: a runaway file is refused with its size and the limit.
struct InputFileLimitTests {
    @Test func aQuestionnaireFileOverFourMegabytesIsRefused() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("q-\(UUID().uuidString).json").path
        try Data(repeating: 0x20, count: (4 << 20) + 1).write(to: URL(fileURLWithPath: path))
        defer { unlink(path) }
        do {
            _ = try Questionnaire.load(contentsOf: URL(fileURLWithPath: path))
            Issue.record("a 4 MB + 1 byte file was read")
        } catch {
            #expect(error.description.contains("4194305 bytes"), "\(error)")
            #expect(error.description.contains("at most 4194304 bytes"))
        }
        #expect(throws: InputFile.Failure.self) { try InputFile.read(path, expected: "x", maximumBytes: 10) }
        #expect(try InputFile.read(path, expected: "x").count == (4 << 20) + 1, "no limit unless asked")
    }
}
