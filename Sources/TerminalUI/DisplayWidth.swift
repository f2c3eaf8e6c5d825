import CNcursesw
import TextCleaning

/// The number of terminal cells a string occupies.
///
/// Control characters count as zero because `Canvas.write` drops them.
public func displayWidth(_ s: String) -> Int {
    var total = 0
    var previous: Character?
    for c in s {
        // Lam then alef is drawn as one lam-alef ligature (Bidi shapes Arabic for the terminal):
        // the alef's cell holds both, so the lam takes none.
        if let previous, isBareLam(previous), startsWithAlef(c) { total -= 1 }
        total += displayWidth(c)
        previous = c
    }
    return total
}

/// A lam with nothing on it: FriBidi joins only a lam directly followed by an alef.
func isBareLam(_ c: Character) -> Bool {
    c.unicodeScalars.count == 1 && c.unicodeScalars.first?.value == 0x0644
}

/// An alef that takes the lam-alef ligature: plain, with madda, hamza above or hamza below.
func startsWithAlef(_ c: Character) -> Bool {
    guard let first = c.unicodeScalars.first?.value else { return false }
    return first == 0x0627 || first == 0x0622 || first == 0x0623 || first == 0x0625
}

/// The number of terminal cells one grapheme cluster occupies: 0, 1 or 2.
public func displayWidth(_ c: Character) -> Int {
    if let ascii = c.asciiValue {
        return (ascii >= 0x20 && ascii < 0x7F) ? 1 : 0
    }
    let scalars = c.unicodeScalars
    guard let first = scalars.first(where: { !isControl($0) }) else { return 0 }
    // Flags are pairs of regional indicators; terminals draw them two cells wide.
    if (0x1F1E6...0x1F1FF).contains(first.value) { return 2 }
    // The base decides the width; combining marks and ZWJ-joined parts ride on it.
    var width = scalarWidth(first)
    if width == 0, let base = scalars.first(where: { scalarWidth($0) > 0 }) {
        width = scalarWidth(base)
    }
    // VS16 asks for emoji presentation, which terminals draw two cells wide.
    if width == 1, scalars.contains(where: { $0.value == 0xFE0F }) { width = 2 }
    return width
}

/// True for C0 and C1 control characters and DEL, which could start a terminal escape.
func isControl(_ s: Unicode.Scalar) -> Bool {
    CleanText.isControl(s)
}

/// The width of one scalar: the C library's answer where it has one, our table otherwise.
///
/// wcwidth() answers -1 for anything non-ASCII in the "C" locale (as in tests) and
/// for scalars newer than the C library, so a fallback keeps layout sane.
func scalarWidth(_ s: Unicode.Scalar) -> Int {
    if isControl(s) { return 0 }
    let w = Int(intake_wcwidth(s.value))
    return w >= 0 ? w : fallbackWidth(s)
}

/// A table-based width for when wcwidth() cannot say: the core's one table.
func fallbackWidth(_ s: Unicode.Scalar) -> Int { TextWidth.columns(s) }

/// Word-wraps text to lines of at most `width` cells.
///
/// Breaks between words; only a word wider than the whole line is broken inside,
/// and never inside a grapheme cluster. Explicit newlines start a new line.
public func wrap(_ text: String, width: Int) -> [String] {
    guard width > 0 else { return [] }
    return text.split(separator: "\n", omittingEmptySubsequences: false).flatMap { paragraph in
        TextWidth.wrap(String(paragraph), width: width, keepingTextThatFits: false, measure: displayWidth)
    }
}

/// Cuts text to at most `width` cells, ending with `ellipsis` when it had to cut.
public func truncate(_ text: String, width: Int, ellipsis: String = "…") -> String {
    guard width > 0 else { return "" }
    if displayWidth(text) <= width { return text }
    let ew = displayWidth(ellipsis)
    var out = ""
    var used = 0
    for c in text {
        let cw = displayWidth(c)
        if used + cw + ew > width { break }
        out.append(c)
        used += cw
    }
    return ew <= width ? out + ellipsis : out
}
