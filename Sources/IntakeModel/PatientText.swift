/// Makes text a person typed safe to show on a terminal or send to a printer.
///
/// Patient text is data, never terminal output: escape sequences (CSI, OSC, DCS
/// and the rest), C0 and C1 control characters, DEL and BiDi override/isolate
/// controls are removed, so a name can't move a cursor, retitle a window or
/// reverse the reading order of the line it is printed on.
public enum PatientText {
    /// `text` with escape sequences and control characters removed; tabs and newlines become spaces.
    public static func clean(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var scalars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? {
            if let p = pending { pending = nil; return p }
            return scalars.next()
        }
        while let s = next() {
            switch s.value {
            case 0x1B:
                skipEscape(after: &scalars, pending: &pending)
            case 0x9B:  // C1 CSI
                skipCSI(&scalars)
            case 0x90, 0x9D, 0x9E, 0x9F, 0x98:  // C1 DCS, OSC, PM, APC, SOS: up to ST
                skipString(&scalars)
            case 0x09, 0x0A, 0x0D:
                out.append(" ")
            case 0x00...0x1F, 0x7F...0x9F:
                continue
            case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C:
                continue  // BiDi embeddings, overrides, isolates and marks
            default:
                out.append(s)
            }
        }
        return String(out)
    }

    private static func skipEscape(after scalars: inout String.UnicodeScalarView.Iterator, pending: inout Unicode.Scalar?) {
        guard let kind = scalars.next() else { return }
        switch kind {
        case "[": skipCSI(&scalars)
        case "]", "P", "X", "^", "_": skipString(&scalars)
        case " "..."/":
            // nF escape: intermediates then one final byte.
            while let s = scalars.next(), (0x20...0x2F).contains(s.value) {}
        default:
            // Two-character escape (ESC c, ESC 7 …): the final byte is consumed; a control is kept for the main loop.
            if kind.value < 0x20 { pending = kind }
        }
    }

    private static func skipCSI(_ scalars: inout String.UnicodeScalarView.Iterator) {
        while let s = scalars.next() {
            if (0x40...0x7E).contains(s.value) { return }
            if !(0x20...0x3F).contains(s.value) { return }
        }
    }

    private static func skipString(_ scalars: inout String.UnicodeScalarView.Iterator) {
        var sawEscape = false
        while let s = scalars.next() {
            if s.value == 0x07 || s.value == 0x9C { return }
            if sawEscape && s == "\\" { return }
            sawEscape = s.value == 0x1B
        }
    }
}
