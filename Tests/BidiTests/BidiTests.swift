import Testing
@testable import Bidi

// Expected visual strings come from GNU FriBidi 1.0.8's own command-line tool
// (`fribidi --nopad --nobreak`, plus `--rtl`/`--ltr` where a base is forced), with one
// difference: the tool leaves U+FEFF where a lam-alef ligature swallowed the alef; we drop it.

/// Scalars as Swift escapes, so failures show exactly which presentation form differs and
/// canonically equivalent but different strings cannot compare equal.
private func escaped(_ text: String) -> String {
    text.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 ? String($0) : "\\u{\(String($0.value, radix: 16, uppercase: true))}" }
        .joined()
}

private func expectVisual(
    _ logical: String, _ base: BaseDirection, shape: Bool = true, _ expected: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(escaped(Bidi.visualLine(logical, base: base, shape: shape)) == escaped(expected),
            sourceLocation: sourceLocation)
}

/// Cells per Character: right for these strings, whose presentation forms are all one cell wide.
private func cells(_ text: String) -> Int { text.count }

@Suite("Visual order")
struct VisualOrderTests {
    @Test func arabicWordIsReversedAndJoined() {
        // مرحبا: meem initial, reh final, hah initial, beh medial, alef final; drawn right to left.
        expectVisual("مرحبا", .auto, "\u{FE8E}\u{FE92}\u{FEA3}\u{FEAE}\u{FEE3}")
        expectVisual("مرحبا", .rightToLeft, "\u{FE8E}\u{FE92}\u{FEA3}\u{FEAE}\u{FEE3}")
    }

    @Test func lamAlefBecomesOneLigatureWithoutFiller() {
        // سلام: the tool prints U+FEE1 U+FEFC U+FEFF U+FEB3.
        expectVisual("سلام", .auto, "\u{FEE1}\u{FEFC}\u{FEB3}")
    }

    @Test func harakatStayOnTheirLetter() {
        // شَدَّة (fatha before shadda here): marks follow their base letter, in logical order.
        expectVisual("شَدَّة", .auto, "\u{FE93}\u{FEAA}\u{064E}\u{0651}\u{FEB7}\u{064E}")
    }

    @Test func multiScalarCharactersAreNotTornApart() {
        // Woman health worker (U+1F469 ZWJ U+2695 U+FE0F) between Arabic words. The tool prints
        // U+2695 U+FE0F U+200D U+1F469, reversed scalar by scalar; we move the Character whole.
        expectVisual("الطبيبة \u{1F469}\u{200D}\u{2695}\u{FE0F} جاهزة", .auto,
                     "\u{FE93}\u{FEB0}\u{FEEB}\u{FE8E}\u{FE9F} \u{1F469}\u{200D}\u{2695}\u{FE0F} "
                     + "\u{FE94}\u{FE92}\u{FEF4}\u{FE92}\u{FEC4}\u{FEDF}\u{FE8D}")
    }

    @Test func latinWordInsideArabicKeepsLeftToRight() {
        expectVisual("حقن Botox للجبين", .auto,
                     "\u{FEE6}\u{FEF4}\u{FE92}\u{FEA0}\u{FEE0}\u{FEDF} Botox \u{FEE6}\u{FED8}\u{FEA3}")
    }

    @Test func digitsInsideArabicKeepLeftToRight() {
        expectVisual("عمري 36 سنة", .auto,
                     "\u{FE94}\u{FEE8}\u{FEB3} 36 \u{FEF1}\u{FEAE}\u{FEE4}\u{FECB}")
    }

    @Test func dateInsideArabicKeepsDigitsButLaysGroupsRightToLeft() {
        // After an Arabic letter digits are Arabic numbers and "-" stays neutral, so each group
        // keeps its digits left to right while the groups run right to left.
        expectVisual("موعدك 2026-11-22 الساعة", .auto,
                     "\u{FE94}\u{FECB}\u{FE8E}\u{FEB4}\u{FEDF}\u{FE8D} 22-11-2026 \u{FED9}\u{FEAA}\u{FECB}\u{FEEE}\u{FEE3}")
        // With "/" (a common separator) the date is one number and reads left to right.
        expectVisual("موعدك 22/11/2026 الساعة", .auto,
                     "\u{FE94}\u{FECB}\u{FE8E}\u{FEB4}\u{FEDF}\u{FE8D} 22/11/2026 \u{FED9}\u{FEAA}\u{FECB}\u{FEEE}\u{FEE3}")
    }

    @Test func phoneNumberInsideArabicLaysGroupsRightToLeft() {
        expectVisual("اتصل +962 79 555 0142 الآن", .auto,
                     "\u{FEE5}\u{FEF5}\u{FE8D} 0142 555 79 962+ \u{FEDE}\u{FEBC}\u{FE97}\u{FE8D}")
    }

    @Test func leftToRightIsolateKeepsDateAndPhoneWholeAndIsDropped() {
        expectVisual("موعدك \u{2066}2026-11-22\u{2069} الساعة", .auto,
                     "\u{FE94}\u{FECB}\u{FE8E}\u{FEB4}\u{FEDF}\u{FE8D} 2026-11-22 \u{FED9}\u{FEAA}\u{FECB}\u{FEEE}\u{FEE3}")
        expectVisual("اتصل \u{2066}+962 79 555 0142\u{2069} الآن", .auto,
                     "\u{FEE5}\u{FEF5}\u{FE8D} +962 79 555 0142 \u{FEDE}\u{FEBC}\u{FE97}\u{FE8D}")
    }

    @Test func bracketsAreMirroredInRightToLeftRuns() {
        // Logical "(" ends up on the right, drawn as ")"; without mirroring this would be ")…(".
        expectVisual("(مرحبا)", .auto, "(\u{FE8E}\u{FE92}\u{FEA3}\u{FEAE}\u{FEE3})")
        expectVisual("[حقن]", .auto, "[\u{FEE6}\u{FED8}\u{FEA3}]")
        expectVisual("أ(ب)ج", .auto, "\u{FE9D}(\u{FE8F})\u{FE83}")
        expectVisual("نوع البشرة (Fitzpatrick) ثالث", .auto,
                     "\u{FE9A}\u{FEDF}\u{FE8E}\u{FE9B} (Fitzpatrick) \u{FE93}\u{FEAE}\u{FEB8}\u{FE92}\u{FEDF}\u{FE8D} \u{FEC9}\u{FEEE}\u{FEE7}")
        // Mirroring is BiDi, not shaping: it happens with shaping off too.
        expectVisual("(مرحبا)", .auto, shape: false, "(\u{0627}\u{0628}\u{062D}\u{0631}\u{0645})")
    }

    @Test func leftToRightLineWithArabicWords() {
        expectVisual("Skin type: بشرة دهنية.", .leftToRight,
                     "Skin type: \u{FE94}\u{FEF4}\u{FEE8}\u{FEEB}\u{FEA9} \u{FE93}\u{FEAE}\u{FEB8}\u{FE91}.")
        // Brackets around Arabic after a Latin word take the line's direction: not mirrored.
        expectVisual("Note (ملاحظة)", .leftToRight,
                     "Note (\u{FE94}\u{FEC8}\u{FEA3}\u{FEFC}\u{FEE3})")
    }

    @Test func baseDirectionDecidesWhereNeutralsGo() {
        expectVisual("Botox .", .leftToRight, "Botox .")
        expectVisual("Botox .", .rightToLeft, ". Botox")
    }

    @Test func shapingOffOnlyReorders() {
        expectVisual("مرحبا", .auto, shape: false, "\u{0627}\u{0628}\u{062D}\u{0631}\u{0645}")
        expectVisual("سلام", .auto, shape: false, "\u{0645}\u{0627}\u{0644}\u{0633}")
        expectVisual("سلام", .auto, shape: true, "\u{FEE1}\u{FEFC}\u{FEB3}")
    }

    @Test func plainASCIITakesTheFastPath() {
        #expect(Bidi.takesFastPath("Hello (world) 123 !", base: .leftToRight))
        #expect(Bidi.takesFastPath("Hello (world) 123 !", base: .auto))
        #expect(!Bidi.takesFastPath("Hello (world) 123 !", base: .rightToLeft))
        #expect(!Bidi.takesFastPath("Hello مرحبا", base: .leftToRight))
        #expect(!Bidi.takesFastPath("café", base: .leftToRight))
        let ascii = "Hello (world) 123 !"
        #expect(Bidi.visualLine(ascii, base: .auto) == ascii)
        #expect(Bidi.visualLine("", base: .auto) == "")
        // Forced right to left, the same ASCII does move: the fast path must not apply there.
        expectVisual("abc 123 !", .rightToLeft, "! abc 123")
    }
}

@Suite("Cursor map and direction")
struct MapTests {
    @Test func mixedLineMapsEachCharacterToItsCell() {
        // `fribidi --ltov` gives 8 7 6 5 0 1 2 3 4 for "حقن Botox" (one scalar per Character).
        #expect(Bidi.logicalToVisualMap("حقن Botox", base: .auto) == [8, 7, 6, 5, 0, 1, 2, 3, 4])
        // Forced left to right, the Arabic word stays on the left: "نقح Botox".
        #expect(Bidi.logicalToVisualMap("حقن Botox", base: .leftToRight) == [2, 1, 0, 3, 4, 5, 6, 7, 8])
        #expect(Bidi.logicalToVisualMap("Botox حقن", base: .rightToLeft) == [4, 5, 6, 7, 8, 3, 2, 1, 0])
        #expect(Bidi.logicalToVisualMap("Botox", base: .auto) == [0, 1, 2, 3, 4])
    }

    @Test func mapCountsCharactersNotScalars() {
        // Three Characters (شَ, دَّ, ة) of six scalars.
        #expect(Bidi.logicalToVisualMap("شَدَّة", base: .auto) == [2, 1, 0])
        // The lam and alef share the ligature's cell.
        #expect(Bidi.logicalToVisualMap("سلام", base: .auto) == [2, 1, 1, 0])
        // Drawn "ج ab": an isolate control has no cell and shares the next logical Character's.
        #expect(Bidi.logicalToVisualMap("\u{2066}ab\u{2069} ج", base: .rightToLeft) == [2, 2, 3, 1, 1, 0])
        #expect(Bidi.logicalToVisualMap("ج\u{200F}", base: .auto) == [0, 0])
    }

    @Test func mapAgreesWithTheVisualLine() {
        let logical = "نوع البشرة (Fitzpatrick) 3"
        let visual = Array(Bidi.visualLine(logical, base: .auto))
        let map = Bidi.logicalToVisualMap(logical, base: .auto)
        #expect(map.count == logical.count)
        #expect(Set(map) == Set(0..<visual.count))
        // Latin letters are not shaped, so each must sit exactly where the map says.
        for (index, character) in logical.enumerated() where character.isASCII && character.isLetter {
            #expect(visual[map[index]] == character)
        }
    }

    @Test func isRightToLeftFollowsTheFirstStrongCharacter() {
        #expect(Bidi.isRightToLeft("مرحبا"))
        #expect(Bidi.isRightToLeft("36 سنة Botox"))
        #expect(Bidi.isRightToLeft("(حقن) Botox"))
        #expect(!Bidi.isRightToLeft("Botox حقن"))
        #expect(!Bidi.isRightToLeft("2026-11-22"))
        #expect(!Bidi.isRightToLeft(""))
    }
}

@Suite("Wrapping")
struct WrapTests {
    @Test func breaksBetweenWordsAndReordersEachLine() {
        let lines = Bidi.wrapVisual("حقن Botox للجبين والخدين", width: 10, base: .auto, measure: cells)
        #expect(lines.map(escaped) == [
            "Botox \u{FEE6}\u{FED8}\u{FEA3}",
            "\u{FEE6}\u{FEF4}\u{FE92}\u{FEA0}\u{FEE0}\u{FEDF}",
            "\u{FEE6}\u{FEF3}\u{FEAA}\u{FEA8}\u{FEDF}\u{FE8D}\u{FEED}",
        ].map(escaped))
        #expect(lines.allSatisfy { cells($0) <= 10 })
    }

    @Test func neverSplitsAWordThatFits() {
        let logical = "نوع البشرة Fitzpatrick ثالث وبشرة دهنية 36 سنة"
        let words = logical.split(separator: " ").map(String.init)
        for width in 11...40 {
            let lines = Bidi.wrapVisual(logical, width: width, base: .rightToLeft, measure: cells)
            #expect(lines.allSatisfy { cells($0) <= width }, "width \(width)")
            // Each visual word is a whole logical word drawn on its own.
            let drawnWords = lines.flatMap { $0.split(separator: " ").map(String.init) }
            let expectedWords = words.map { Bidi.visualLine($0, base: .rightToLeft) }
            #expect(Set(drawnWords) == Set(expectedWords), "width \(width)")
            #expect(drawnWords.count == words.count, "width \(width)")
        }
    }

    @Test func directionIsResolvedOnceForTheParagraph() {
        // On its own "Botox ." would be left to right; inside an Arabic paragraph the "." goes left.
        let lines = Bidi.wrapVisual("مرحبا Botox .", width: 7, base: .auto, measure: cells)
        #expect(lines.map(escaped) == ["\u{FE8E}\u{FE92}\u{FEA3}\u{FEAE}\u{FEE3}", ". Botox"].map(escaped))
    }

    @Test func hardBreaksOnlyAWordWiderThanTheLine() {
        #expect(Bidi.wrapVisual("a Fitzpatrick b", width: 4, base: .auto, measure: cells)
            == ["a", "Fitz", "patr", "ick", "b"])
        // The cut falls after the lam-alef ligature, never between lam and alef.
        #expect(Bidi.wrapVisual("سلام", width: 2, base: .auto, measure: cells).map(escaped)
            == ["\u{FEFC}\u{FEB3}", "\u{FEE1}"].map(escaped))
    }

    @Test func lineBreaksStartParagraphs() {
        #expect(Bidi.wrapVisual("one two\n\nمرحبا", width: 20, base: .auto, measure: cells).map(escaped)
            == ["one two", "", "\u{FE8E}\u{FE92}\u{FEA3}\u{FEAE}\u{FEE3}"].map(escaped))
        #expect(Bidi.wrapVisual("", width: 5, base: .auto, measure: cells) == [""])
    }

    @Test func noBreakSpaceHoldsWordsTogether() {
        #expect(Bidi.wrapVisual("dose 20\u{00A0}units", width: 9, base: .auto, measure: cells)
            == ["dose", "20\u{00A0}units"])
    }
}

@Test func bidiModeEscapesAreCSI8() {
    #expect(Array(BidiModeEscape.explicit.utf8) == [0x1B, 0x5B, 0x38, 0x6C])
    #expect(Array(BidiModeEscape.implicit.utf8) == [0x1B, 0x5B, 0x38, 0x68])
}

/// Lines as they go to a terminal that does no BiDi itself.
struct TerminalLineTests {
    @Test func textWithoutRightToLeftLettersIsUntouchedWhateverTheBase() {
        for text in ["Layla Haddad", "+962 79 555 0142", "2026-11-22", "Enter (next) !"] {
            #expect(Bidi.terminalLine(text, base: .rightToLeft) == text)
            #expect(Bidi.terminalLine(text, base: .leftToRight) == text)
        }
    }

    @Test func datesAndPhoneNumbersInsideArabicReadLeftToRight() {
        let date = Bidi.terminalLine("مثلًا 1990-04-12.", base: .rightToLeft)
        #expect(date.contains("1990-04-12"))
        #expect(!date.contains("12-04-1990"))
        let phone = Bidi.terminalLine("رقمي +962 79 555 0142 شكرًا", base: .rightToLeft)
        #expect(phone.contains("+962 79 555 0142"))
        #expect(!phone.unicodeScalars.contains { (0x2066...0x2069).contains($0.value) }, "the isolates never reach the screen")
    }

    /// Issue 12: rule ids and source tags kept whole; isolating only their digits moved them.
    @Test func identifiersAndSourceTagsInsideArabicReadLeftToRight() {
        let finding = Bidi.terminalLine("MN-TOXIN-90 مراجعة: حقن خلال 90 يومًا (المصدر: [S1], [L] PRAC (convention))", base: .rightToLeft)
        #expect(finding.contains("MN-TOXIN-90"))
        #expect(!finding.contains("90-MN-TOXIN"))
        #expect(finding.contains("[S1], [L] PRAC (convention)"))
        let tag = Bidi.terminalLine("المصدر [S2]", base: .rightToLeft)
        #expect(tag.contains("[S2]") && !tag.contains("[2S]"))
        let station = Bidi.terminalLine("الملاحظة: [S1]", base: .rightToLeft)
        #expect(station.contains("[S1]") && !station.contains("[1S]"))
        #expect(Bidi.terminalLine("رقم الاستمارة: K7M-4QX", base: .rightToLeft).contains("K7M-4QX"))
        #expect(!finding.unicodeScalars.contains { (0x2066...0x2069).contains($0.value) })
    }

    @Test func plainLatinWordsAreLeftToTheAlgorithm() {
        #expect(Bidi.isolatingNumbers("حقن (Botox) أو") == "حقن (Botox) أو")
        #expect(Bidi.isolatingNumbers("النوع Type II") == "النوع Type II")
        #expect(Bidi.isolatingNumbers("المصدر: [S1].") == "المصدر: \u{2066}[S1]\u{2069}.")
    }

    @Test func arabicIsShapedAndReversed() {
        let line = Bidi.terminalLine("لا", base: .rightToLeft)
        #expect(line == "\u{FEFB}", "lam-alef becomes its ligature")
        #expect(Bidi.terminalLine("عمري 36 سنة", base: .rightToLeft).hasPrefix("\u{FE94}"), "the last letter of the line comes first")
    }
}
