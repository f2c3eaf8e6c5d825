import Testing
@testable import Printing
import TextCleaning

/// The printer's cleaning is the program's one cleaner (``CleanText``), which drops invisible
/// characters too: what is printed is what the screen shows and a search finds.
struct OneCleanerTests {
    static let hostile = "a\u{1B}[31mb\u{200B}c\u{2028}d\u{E0041}e\u{202E}f\u{2066}g\u{FEFF}h\r\n\tI\u{0C}J\u{9B}2Jk"

    @Test func printableTextIsTheOneCleanerWithThePageLayout() {
        #expect(PrintableText.clean(Self.hostile) == CleanText.clean(Self.hostile, layout: .page))
        #expect(PrintableText.clean(Self.hostile) == "abcdefgh\n\tI\u{0C}Jk")
    }

    @Test func noInvisibleCharacterReachesThePrinter() {
        let cleaned = PrintableText.clean("S\u{200B}T\u{2029}U\u{E0020}V\u{2060}W \u{202E}olleh")
        #expect(cleaned == "STUVW olleh")
    }
}
