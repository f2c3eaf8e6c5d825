/// Text made safe for a printer or a terminal: no control characters and no escape sequences.
///
/// Kept: printable text of any script, line feed, tab and form feed (it separates pages).
/// Removed: every other C0 control (carriage return included, so CRLF becomes LF), DEL,
/// every C1 control (U+0080–U+009F), and whole ESC sequences: CSI (`ESC [` … final byte),
/// the string sequences OSC, DCS, SOS, PM and APC (up to BEL or ST, and never past the end
/// of the line, so an unterminated one cannot swallow the rest of the page), `ESC` with
/// intermediates and a final byte (`ESC ( B`, PCL's `ESC & l`), and two-character `ESC x`
/// (`ESC E`, a PCL reset). Their 8-bit C1 forms (U+009B CSI, U+009D OSC …) are handled alike.
public enum PrintableText {
    public static func clean(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let v = scalars[i].value
            switch v {
            case 0x0A, 0x09, 0x0C:
                out.append(scalars[i]); i += 1
            case 0x1B:
                i = skipEscape(scalars, from: i + 1)
            case 0x9B:
                i = skipControlSequence(scalars, from: i + 1)
            case 0x90, 0x98, 0x9D, 0x9E, 0x9F:
                i = skipControlString(scalars, from: i + 1)
            case 0x00...0x1F, 0x7F, 0x80...0x9F:
                i += 1
            default:
                out.append(scalars[i]); i += 1
            }
        }
        return String(out)
    }

    /// After ESC: returns the index just past the sequence it starts.
    private static func skipEscape(_ s: [Unicode.Scalar], from start: Int) -> Int {
        guard start < s.count else { return start }
        switch s[start].value {
        case 0x5B: // [
            return skipControlSequence(s, from: start + 1)
        case 0x5D, 0x50, 0x58, 0x5E, 0x5F: // ] P X ^ _
            return skipControlString(s, from: start + 1)
        case 0x20...0x2F: // intermediates, then one final byte
            var i = start
            while i < s.count, (0x20...0x2F).contains(s[i].value) { i += 1 }
            if i < s.count, (0x30...0x7E).contains(s[i].value) { i += 1 }
            return i
        case 0x30...0x7E: // ESC x
            return start + 1
        default: // a lone ESC: drop it, keep what follows
            return start
        }
    }

    /// CSI body: parameter bytes 0x30–0x3F, intermediates 0x20–0x2F, one final byte 0x40–0x7E.
    /// A malformed sequence ends at the first other character, which is kept.
    private static func skipControlSequence(_ s: [Unicode.Scalar], from start: Int) -> Int {
        var i = start
        while i < s.count, (0x30...0x3F).contains(s[i].value) { i += 1 }
        while i < s.count, (0x20...0x2F).contains(s[i].value) { i += 1 }
        if i < s.count, (0x40...0x7E).contains(s[i].value) { i += 1 }
        return i
    }

    /// OSC, DCS, SOS, PM, APC body: up to BEL, ST (ESC \ or U+009C), or before the next line feed or form feed.
    private static func skipControlString(_ s: [Unicode.Scalar], from start: Int) -> Int {
        var i = start
        while i < s.count {
            switch s[i].value {
            case 0x07, 0x9C: return i + 1
            case 0x1B where i + 1 < s.count && s[i + 1].value == 0x5C: return i + 2
            case 0x1B: return i // another sequence starts: end this one there
            case 0x0A, 0x0C: return i
            default: i += 1
            }
        }
        return i
    }
}
