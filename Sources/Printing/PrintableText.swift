import TextCleaning

/// Text made safe for a printer or a terminal: no control characters and no escape sequences.
///
/// Kept: printable text of any script, line feed, tab and form feed (it separates pages).
/// Removed: every other C0 control (carriage return included, so CRLF becomes LF), DEL,
/// every C1 control (U+0080–U+009F), and whole ESC sequences: CSI (`ESC [` … final byte),
/// the string sequences OSC, DCS, SOS, PM and APC (up to BEL or ST, and never past the end
/// of the line, so an unterminated one cannot swallow the rest of the page), `ESC` with
/// intermediates and a final byte (`ESC ( B`, PCL's `ESC & l`), and two-character `ESC x`
/// (`ESC E`, a PCL reset). Their 8-bit C1 forms (U+009B CSI, U+009D OSC …) are handled alike.
/// Invisible format characters (BiDi controls, zero-width characters, tags) go too.
public enum PrintableText {
    /// `text` for a printer: ``CleanText/clean(_:layout:)`` with the page layout (the program's
    /// one cleaner, which also drops BiDi controls and invisible characters).
    public static func clean(_ text: String) -> String {
        CleanText.clean(text, layout: .page)
    }
}
