/// The program's one text cleaner: what it does to any text that reaches a terminal or a printer.
///
/// Text from outside (a patient's answers, a response file, a staff name, a settings file, lp's
/// error output) is data, never terminal output. Removed:
/// - whole escape sequences: CSI (`ESC [` … final byte), the string sequences OSC, DCS, SOS, PM
///   and APC (up to BEL or ST, and never past the end of the line, so an unterminated one cannot
///   swallow the rest of a page), `ESC` with intermediates and a final byte (`ESC ( B`, PCL's
///   `ESC & l`), two-character `ESC x` (`ESC c`, `ESC E`); their 8-bit C1 forms (U+009B CSI,
///   U+009D OSC …) alike;
/// - every other C0 and C1 control character and DEL;
/// - invisible characters that would make two texts look the same and compare different: every
///   format character (general category Cf: BiDi embeddings, overrides, isolates and marks,
///   zero-width space, joiners and non-joiners, word joiner, soft hyphen, BOM, the tag characters
///   U+E0000–U+E007F …), the line and paragraph separators U+2028 and U+2029, and the Hangul fillers.
///
/// ``Layout`` says what becomes of tabs, line feeds and form feeds.
public enum CleanText {
    public enum Layout: Sendable {
        /// One line: tab, line feed and carriage return become spaces (a name, a search, a field).
        case line
        /// A page: tab, line feed and form feed are kept; carriage return is dropped (CRLF becomes LF).
        case page
    }

    /// `text` with escape sequences, controls and invisible characters removed.
    public static func clean(_ text: String, layout: Layout = .line) -> String {
        // The common case, text with nothing to remove, is returned as it is.
        if !text.unicodeScalars.contains(where: { isRemoved($0) }) { return text }
        var out = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let v = scalars[i].value
            switch v {
            case 0x09, 0x0A:
                out.append(layout == .page ? scalars[i] : " "); i += 1
            case 0x0D:
                if layout == .line { out.append(" ") }
                i += 1
            case 0x0C:
                if layout == .page { out.append(scalars[i]) }
                i += 1
            case 0x1B:
                i = skipEscape(scalars, from: i + 1)
            case 0x9B:
                i = skipControlSequence(scalars, from: i + 1)
            case 0x90, 0x98, 0x9D, 0x9E, 0x9F:
                i = skipControlString(scalars, from: i + 1)
            default:
                if !isRemoved(scalars[i]) { out.append(scalars[i]) }
                i += 1
            }
        }
        return String(out)
    }

    /// One character as typed: nil when nothing visible is left of it once cleaned.
    public static func clean(_ character: Character) -> Character? {
        if !character.unicodeScalars.contains(where: { isRemoved($0) }) { return character }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: character.unicodeScalars.filter { !isRemoved($0) })
        let s = String(scalars)
        return s.count == 1 ? s.first : nil
    }

    /// True for a scalar the cleaner never lets through on its own (tab, line feed and form feed
    /// included: ``clean(_:layout:)`` turns those into what the layout asks for).
    public static func isRemoved(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v < 0x20 || (0x7F...0x9F).contains(v) { return true }
        if v < 0xAD { return false }
        switch v {
        case 0x2028, 0x2029, 0x115F, 0x1160, 0x3164, 0xFFA0, 0xE0000...0xE007F: return true
        default: return scalar.properties.generalCategory == .format
        }
    }

    /// True for C0 and C1 control characters and DEL, which could start a terminal escape.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
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
