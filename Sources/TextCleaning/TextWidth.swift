/// Terminal and printer column widths of text, and word-wrapping by them: the one width table.
///
/// The summary wraps at 80 columns in the pure core, which can't ask the terminal's wcwidth; the
/// terminal layer asks wcwidth first and falls back on this table for what the C library cannot
/// say (the "C" locale, scalars newer than it). Combining marks and format characters take no
/// column, East Asian wide characters and emoji take two.
public enum TextWidth {
    /// Columns `text` occupies.
    public static func columns(_ text: some StringProtocol) -> Int {
        columns(text.unicodeScalars)
    }

    public static func columns(_ scalars: some Sequence<Unicode.Scalar>) -> Int {
        scalars.reduce(0) { $0 + columns($1) }
    }

    /// Columns one scalar occupies: 0, 1 or 2.
    public static func columns(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v < 0x20 || (0x7F..<0xA0).contains(v) { return 0 }
        if v < 0x300 { return 1 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        // Hangul medial and final jamo join the syllable before them; variation selectors choose a form.
        if (0x1160...0x11FF).contains(v) || (0xE0100...0xE01EF).contains(v) { return 0 }
        if scalar.properties.isEmojiPresentation { return 2 }
        for range in wideRanges where range.contains(v) { return 2 }
        return 1
    }

    /// East Asian wide and fullwidth blocks, and the emoji blocks terminals draw two cells wide.
    static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x2E80...0x303E, 0x3041...0x33FF,
        0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3,
        0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
        0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]

    /// Word-wraps `text` to lines of at most `width` columns, breaking a word only when it alone is
    /// wider, and never inside a grapheme cluster. Runs of spaces become one.
    ///
    /// - Parameter keepingTextThatFits: return text that fits as it is, spacing and all (the printed
    ///   summary keeps a patient's own spacing); the screen passes false, its layout's indents are its own.
    ///
    /// - Parameter measure: the columns of one character; the terminal passes its own (wcwidth first).
    public static func wrap(_ text: String, width: Int, keepingTextThatFits: Bool = true,
                            measure: (Character) -> Int = { TextWidth.columns($0.unicodeScalars) }) -> [String] {
        func columns(_ s: some StringProtocol) -> Int { s.reduce(0) { $0 + measure($1) } }
        guard width > 0 else { return [text] }
        if keepingTextThatFits, columns(text) <= width { return [text] }
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
                while let c = rest.first, headWidth + measure(c) <= width {
                    head.append(c); headWidth += measure(c); rest = rest.dropFirst()
                }
                if head.isEmpty, let c = rest.first { head = String(c); headWidth = measure(c); rest = rest.dropFirst() }
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
