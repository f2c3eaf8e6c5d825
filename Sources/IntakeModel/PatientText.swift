import Foundation
import TextCleaning

/// Makes text a person typed safe to show on a terminal or send to a printer.
///
/// Patient text is data, never terminal output: escape sequences (CSI, OSC, DCS
/// and the rest), C0 and C1 control characters, DEL and BiDi override/isolate
/// controls are removed, so a name can't move a cursor, retitle a window or
/// reverse the reading order of the line it is printed on. The cleaning itself is
/// ``CleanText`` (module TextCleaning), the one cleaner every target uses.
public enum PatientText {
    /// `text` with escape sequences, control characters and invisible characters (zero-width
    /// characters, U+2028/U+2029, tag characters; see ``CleanText``) removed, tabs and newlines
    /// turned into spaces, and in Unicode normal form C, so that text that looks the same is
    /// stored the same and a search finds it.
    public static func clean(_ text: String) -> String {
        nfc(CleanText.clean(text, layout: .line))
    }

    /// `text` in Unicode normalization form C (composed: "e" + U+0301 becomes "é").
    public static func nfc(_ text: String) -> String {
        // Text all below U+0300 has nothing to compose.
        if text.utf8.allSatisfy({ $0 < 0xCC }) { return text }
        return text.precomposedStringWithCanonicalMapping
    }
}

/// The one width table, from the cleaner's module: the summary measures and wraps with it.
public typealias TextWidth = TextCleaning.TextWidth
