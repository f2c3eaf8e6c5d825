/// Terminal and printer column widths of text, without a terminal.
///
/// The summary wraps at 80 columns in the pure core, which can't ask the
/// terminal's wcwidth; this follows the same rules: combining marks and format
/// characters take no column, East Asian wide characters and emoji take two.
public enum TextWidth {
    /// Columns `text` occupies.
    public static func columns(_ text: some StringProtocol) -> Int {
        columns(text.unicodeScalars)
    }

    static func columns(_ scalars: some Sequence<Unicode.Scalar>) -> Int {
        scalars.reduce(0) { $0 + columns($1) }
    }

    public static func columns(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v < 0x20 || (0x7F..<0xA0).contains(v) { return 0 }
        if v < 0x300 { return 1 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
            || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1F64F).contains(v) || (0x1F900...0x1F9FF).contains(v)
            || (0x20000...0x3FFFD).contains(v) {
            return 2
        }
        return 1
    }

    /// Word-wraps `text` to lines of at most `width` columns, breaking a word only when it alone is wider.
    public static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0, columns(text) > width else { return [text] }
        var lines: [String] = []
        var line = ""
        var lineWidth = 0
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            var word = Substring(word)
            var wordWidth = columns(word)
            if lineWidth > 0 && lineWidth + 1 + wordWidth <= width {
                line += " " + word; lineWidth += 1 + wordWidth
                continue
            }
            if lineWidth > 0 { lines.append(line); line = ""; lineWidth = 0 }
            while wordWidth > width {
                var head = "", headWidth = 0
                var rest = word[...]
                while let c = rest.first, headWidth + columns(c.unicodeScalars) <= width {
                    head.append(c); headWidth += columns(c.unicodeScalars); rest = rest.dropFirst()
                }
                if head.isEmpty, let c = rest.first { head = String(c); headWidth = columns(c.unicodeScalars); rest = rest.dropFirst() }
                lines.append(head)
                // What is left is narrower by the head: counting it again would make a long word quadratic.
                word = rest; wordWidth -= headWidth
            }
            line = String(word); lineWidth = wordWidth
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        return lines
    }
}
