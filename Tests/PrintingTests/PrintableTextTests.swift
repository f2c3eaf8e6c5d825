import Testing
@testable import Printing

/// Scalars as escapes, so a failure shows exactly which control survived.
private func escaped(_ text: String) -> String {
    text.unicodeScalars.map { $0.value >= 0x20 && $0.value != 0x7F && !(0x80...0x9F).contains($0.value)
        ? String($0) : "\\u{\(String($0.value, radix: 16, uppercase: true))}" }.joined()
}

private func expectClean(_ input: String, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(escaped(PrintableText.clean(input)) == escaped(expected), sourceLocation: sourceLocation)
}

@Suite("Printable text")
struct PrintableTextTests {
    @Test func keepsTextLineFeedsTabsAndFormFeeds() {
        expectClean(sampleSummary, sampleSummary)
        expectClean("a\tb\n\u{0C}c — é ليلى 🙂", "a\tb\n\u{0C}c — é ليلى 🙂")
    }

    @Test func dropsC0ControlsDelAndC1() {
        expectClean("a\u{0}b\u{7}c\u{8}d\r\n\u{B}e\u{7F}f\u{85}g\u{9C}h", "abcd\nefgh")
    }

    @Test func dropsCSISequences() {
        expectClean("a\u{1B}[1;31mred\u{1B}[0m b\u{1B}[2J\u{1B}[?25l.", "ared b.")
        expectClean("8-bit \u{9B}31mCSI", "8-bit CSI")
    }

    @Test func dropsOSCAndOtherStrings() {
        expectClean("\u{1B}]0;window title\u{07}x", "x")
        expectClean("\u{1B}]8;;http://example.invalid\u{1B}\\link\u{1B}]8;;\u{1B}\\", "link")
        expectClean("a\u{1B}Pq#0;2;0;0;0\u{1B}\\b\u{9D}osc\u{9C}c\u{1B}_apc\u{1B}\\d", "abcd")
    }

    @Test func anUnterminatedStringStopsAtTheLineEnd() {
        expectClean("a\u{1B}]0;never ends\nnext line", "a\nnext line")
    }

    @Test func dropsShortEscapes() {
        expectClean("\u{1B}(B\u{1B}EPCL reset\u{1B}7\u{1B}c", "PCL reset")
        expectClean("end\u{1B}", "end")
        expectClean("\u{1B}مرحبا", "مرحبا")
    }

    /// Whatever goes in, no control but \n, \t and \u{0C} comes out.
    @Test func noControlEverSurvives() {
        let alphabet: [Unicode.Scalar] = (0...0x20).map { Unicode.Scalar($0)! }
            + ["[", "]", "P", "\\", "m", "0", ";", "(", "_", "^", "X", "ل", "a"]
            + (0x7F...0x9F).map { Unicode.Scalar($0)! }
        var seed: UInt64 = 42
        for _ in 0..<2000 {
            var scalars = String.UnicodeScalarView()
            for _ in 0..<24 {
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                scalars.append(alphabet[Int(seed >> 33) % alphabet.count])
            }
            let cleaned = PrintableText.clean(String(scalars))
            let bad = cleaned.unicodeScalars.filter {
                ($0.value < 0x20 && ![0x09, 0x0A, 0x0C].contains($0.value)) || (0x7F...0x9F).contains($0.value)
            }
            #expect(bad.isEmpty, "\(escaped(String(scalars))) → \(escaped(cleaned))")
            if !bad.isEmpty { return }
        }
    }
}
