import CFriBidi

/// The paragraph direction a line is laid out in.
public enum BaseDirection: Sendable {
    /// Left to right, whatever letters the text holds.
    case leftToRight
    /// Right to left, whatever letters the text holds.
    case rightToLeft
    /// Taken from the first strong (letter) character, as Unicode BiDi rules P2 and P3 say;
    /// left to right when the text has no letters at all.
    case auto
}

/// Turns text from logical order (as typed and stored) into visual order (as drawn, left to right)
/// with GNU FriBidi, because most terminals neither reorder right-to-left text nor join Arabic letters.
///
/// Everything here works on one paragraph at a time and counts in `Character`s (grapheme clusters),
/// so an Arabic letter and its harakat stay together and move as one.
///
/// Mirroring of brackets in right-to-left runs is part of the BiDi algorithm and always happens;
/// `shape` only controls Arabic joining (presentation forms and the lam-alef ligatures).
///
/// The Unicode BiDi algorithm keeps each run of digits and each Latin word left to right,
/// but in Arabic context it lays out number groups split by "-", "+" or spaces right to left:
/// "2026-11-22" is drawn as "22-11-2026" and "+962 79 555 0142" as "0142 555 79 962+",
/// so an Arabic reader meets the groups in logical order. Text that must read left to right as a
/// whole should be wrapped in LEFT-TO-RIGHT ISOLATE (U+2066) and POP DIRECTIONAL ISOLATE (U+2069)
/// by whoever builds it; those controls are honoured and then dropped from the output.
public enum Bidi {
    /// Reorders one line (no line breaks) from logical to visual order.
    ///
    /// - Parameters:
    ///   - logical: the line as typed; a line break inside it would end the paragraph for the
    ///     BiDi algorithm, so split lines first (or use ``wrapVisual(_:width:base:measure:)``).
    ///   - base: the paragraph direction.
    ///   - shape: whether Arabic letters take their joined presentation forms.
    /// - Returns: the line in visual order, without BiDi control characters. Plain ASCII in a
    ///   left-to-right or automatic paragraph comes back unchanged without calling FriBidi.
    public static func visualLine(_ logical: String, base: BaseDirection, shape: Bool = true) -> String {
        if takesFastPath(logical, base: base) { return logical }
        let paragraph = Paragraph(logical, base: base, shape: shape)
        return paragraph.visual(paragraph.allClusters).text
    }

    /// Where each logical `Character` of a line is drawn, so a text field can put the cursor on it.
    ///
    /// Indices on both sides count `Character`s (grapheme clusters), never Unicode scalars:
    /// `map[i]` is the position, counted from the left, of the `Character` of
    /// `visualLine(logical, base: base)` (shaped) that shows logical `Character` `i`.
    /// A lam-alef ligature shows two logical `Character`s in one, so both map to it; an invisible
    /// BiDi control maps to the `Character` that follows it logically (or precedes it, at the end).
    /// Apart from those, the map is a permutation of `0..<logical.count`.
    public static func logicalToVisualMap(_ logical: String, base: BaseDirection) -> [Int] {
        if takesFastPath(logical, base: base) { return Array(0..<logical.count) }
        let paragraph = Paragraph(logical, base: base, shape: true)
        return paragraph.visual(paragraph.allClusters).positions
    }

    /// Whether FriBidi finds the paragraph right to left: its first strong character is
    /// right-to-left (Arabic, Hebrew…). Text without letters counts as left to right.
    public static func isRightToLeft(_ text: String) -> Bool {
        if isPlainASCII(text) { return false }
        let scalars = text.unicodeScalars.map { FriBidiChar($0.value) }
        guard let length = FriBidiStrIndex(exactly: scalars.count), length > 0 else { return false }
        var types = [FriBidiCharType](repeating: FriBidiCharType(0), count: scalars.count)
        fribidi_get_bidi_types(scalars, length, &types)
        return fribidi_get_par_direction(types, length) == intake_fribidi_par_rtl()
    }

    /// Breaks text into lines between words and returns each line in visual order.
    ///
    /// Each line break in `logical` starts a new paragraph. Lines break only at spaces (which are
    /// dropped at the break; no-break spaces do not count); a word is cut only when it alone is
    /// wider than `width`, and never inside a `Character` or a lam-alef ligature. The BiDi levels
    /// come from the whole paragraph, so `.auto` resolves once per paragraph, not per line.
    ///
    /// - Parameters:
    ///   - width: the most `measure` may report for one line; a single `Character` wider than
    ///     that still gets a line of its own.
    ///   - measure: the display width of a visual (shaped) line, in cells.
    /// - Returns: one or more lines in visual order; an empty paragraph gives an empty line.
    public static func wrapVisual(
        _ logical: String, width: Int, base: BaseDirection, measure: (String) -> Int
    ) -> [String] {
        var lines: [String] = []
        for text in logical.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let paragraph = Paragraph(String(text), base: base, shape: true)
            let wrapped = paragraph.wrap { measure(paragraph.visual($0).text) <= width }
            lines += wrapped.isEmpty ? [""] : wrapped.map { paragraph.visual($0).text }
        }
        return lines
    }

    /// Whether `visualLine` can hand the text back untouched: ASCII has no right-to-left letters,
    /// so in a paragraph that is not forced right to left every character already sits at level 0.
    static func takesFastPath(_ logical: String, base: BaseDirection) -> Bool {
        base != .rightToLeft && isPlainASCII(logical)
    }

    private static func isPlainASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 < 0x80 }
    }
}

/// Terminal escapes for the BiDi mode of ECMA-48 (CSI 8 h / CSI 8 l, "BDSM"), as implemented by
/// terminals that follow the freedesktop.org terminal BiDi proposal (VTE, for one).
/// Terminals without the mode normally ignore both.
public enum BidiModeEscape {
    /// Switches the terminal to explicit mode, so it draws our already-visual lines as they are
    /// instead of reordering them a second time; the kiosk sends this on start (CSI 8 l).
    public static let explicit = "\u{1B}[8l"
    /// Switches the terminal back to implicit mode, its usual state, in which it reorders text
    /// itself; the kiosk sends this on exit (CSI 8 h).
    public static let implicit = "\u{1B}[8h"
}

/// One paragraph with its BiDi levels resolved and its shaping done, ready to reorder line by line.
struct Paragraph {
    /// The paragraph's `Character`s: the unit of every index here.
    let characters: [Character]
    /// Where each `Character` starts in `scalars`, plus the end.
    private let starts: [Int]
    private let scalars: [FriBidiChar]
    /// `scalars` in logical order after mirroring and (optionally) Arabic shaping.
    private let shaped: [FriBidiChar]
    private let types: [FriBidiCharType]
    private let levels: [FriBidiLevel]
    private let direction: FriBidiParType
    private let flags: FriBidiFlags
    /// False for plain ASCII left to right, and if FriBidi fails: then visual order is logical order.
    private let reorders: Bool

    var allClusters: Range<Int> { 0..<characters.count }

    init(_ text: String, base: BaseDirection, shape: Bool) {
        characters = Array(text)
        var scalars: [FriBidiChar] = []
        var starts: [Int] = []
        starts.reserveCapacity(characters.count + 1)
        for character in characters {
            starts.append(scalars.count)
            scalars += character.unicodeScalars.map { FriBidiChar($0.value) }
        }
        starts.append(scalars.count)
        self.starts = starts
        self.scalars = scalars
        flags = intake_fribidi_flags(shape ? 1 : 0)

        var direction = switch base {
        case .leftToRight: intake_fribidi_par_ltr()
        case .rightToLeft: intake_fribidi_par_rtl()
        case .auto: intake_fribidi_par_on()
        }
        var types = [FriBidiCharType](repeating: FriBidiCharType(0), count: scalars.count)
        var levels = [FriBidiLevel](repeating: 0, count: scalars.count)
        var shaped = scalars
        var reorders = false
        if !Bidi.takesFastPath(text, base: base),
           let length = FriBidiStrIndex(exactly: scalars.count), length > 0 {
            fribidi_get_bidi_types(scalars, length, &types)
            var brackets = [FriBidiBracketType](repeating: 0, count: scalars.count)
            fribidi_get_bracket_types(scalars, length, types, &brackets)
            // 0 means FriBidi could not allocate; logical order is the safe thing to show.
            reorders = fribidi_get_par_embedding_levels_ex(types, brackets, length, &direction, &levels) != 0
            if reorders {
                if shape {
                    var joining = [FriBidiArabicProp](repeating: 0, count: scalars.count)
                    fribidi_get_joining_types(scalars, length, &joining)
                    fribidi_join_arabic(types, length, levels, &joining)
                    fribidi_shape(flags, levels, length, &joining, &shaped)
                } else {
                    fribidi_shape(flags, levels, length, nil, &shaped)
                }
            }
        }
        self.types = types
        self.levels = levels
        self.shaped = shaped
        self.direction = direction
        self.reorders = reorders
    }

    /// Whether `Character` `index` is a lam that shaping folded into the ligature on the alef after it
    /// (FriBidi puts the ligature on the alef and a filler on the lam).
    func foldsIntoNext(_ index: Int) -> Bool {
        let first = starts[index]
        return first < starts[index + 1] && shaped[first] == Paragraph.fill && scalars[first] != Paragraph.fill
    }

    /// The `Character`s in `range` as one line in visual order, and where each one is drawn.
    func visual(_ range: Range<Int>) -> (text: String, positions: [Int]) {
        guard reorders else {
            return (String(characters[range]), Array(0..<range.count))
        }
        let low = starts[range.lowerBound], high = starts[range.upperBound]
        guard let length = FriBidiStrIndex(exactly: high - low), length > 0 else {
            return ("", Array(repeating: 0, count: range.count))
        }
        // Reordering one line of a paragraph: levels from the whole paragraph, rule L1 for this line.
        var lineLevels = Array(levels[low..<high])
        var visualToLogical = Array(0..<length)
        if fribidi_reorder_line(flags, Array(types[low..<high]), length, 0, direction,
                                &lineLevels, nil, &visualToLogical) == 0 {
            visualToLogical = Array(0..<length)
        }
        var logicalToVisual = [Int](repeating: 0, count: Int(length))
        for (visualIndex, logicalIndex) in visualToLogical.enumerated() {
            logicalToVisual[Int(logicalIndex)] = visualIndex
        }

        // Order whole Characters by where their scalars landed, and draw each one's scalars in
        // logical order, so harakat stay on their letter and multi-scalar emoji are not reversed.
        var drawn = [[Unicode.Scalar]](repeating: [], count: range.count)
        for cluster in range {
            let local = cluster - range.lowerBound
            let folded = foldsIntoNext(cluster) && cluster + 1 < range.upperBound
            for index in starts[cluster]..<starts[cluster + 1] {
                var value = shaped[index]
                if Paragraph.isBidiControl(scalars[index]) { continue }
                if value == Paragraph.fill && scalars[index] != Paragraph.fill {
                    // The alef that carries the ligature is on the next line: draw the lam itself.
                    guard !folded else { continue }
                    value = scalars[index]
                }
                if let scalar = Unicode.Scalar(value) {
                    drawn[local].append(scalar)
                }
            }
        }
        let leftmost = range.map { cluster in
            (starts[cluster]..<starts[cluster + 1]).map { logicalToVisual[$0 - low] }.min() ?? 0
        }
        let order = range.sorted {
            leftmost[$0 - range.lowerBound] < leftmost[$1 - range.lowerBound]
        }

        var text = String.UnicodeScalarView()
        var cells = [Int?](repeating: nil, count: range.count)
        var position = 0
        for cluster in order {
            let local = cluster - range.lowerBound
            guard !drawn[local].isEmpty else { continue }
            cells[local] = position
            text.append(contentsOf: drawn[local])
            position += 1
        }
        // A BiDi control or a lam folded into its alef's ligature has no cell of its own; a cursor
        // on it stands before the next Character, so it shares that one's cell (the last one's at the end).
        var next: Int?
        for local in cells.indices.reversed() {
            if let cell = cells[local] { next = cell } else { cells[local] = next }
        }
        var previous = 0
        let positions = cells.map { cell in
            if let cell { previous = cell }
            return cell ?? previous
        }
        return (String(text), positions)
    }

    /// Greedy line breaking: the ranges of `Character`s for each line, at spaces where `fits` allows.
    func wrap(fits: (Range<Int>) -> Bool) -> [Range<Int>] {
        var words: [Range<Int>] = []
        var index = 0
        while index < characters.count {
            guard !Paragraph.isBreakSpace(characters[index]) else { index += 1; continue }
            let start = index
            while index < characters.count, !Paragraph.isBreakSpace(characters[index]) { index += 1 }
            words.append(start..<index)
        }

        var lines: [Range<Int>] = []
        var line: Range<Int>?
        for word in words {
            if let current = line {
                if fits(current.lowerBound..<word.upperBound) {
                    line = current.lowerBound..<word.upperBound
                    continue
                }
                lines.append(current)
            }
            // The word starts a line; cut it only when it cannot fit on a line of its own.
            var start = word.lowerBound
            while !fits(start..<word.upperBound) {
                var end = step(from: start, within: word)
                while end < word.upperBound, fits(start..<step(from: end, within: word)) {
                    end = step(from: end, within: word)
                }
                guard end < word.upperBound else { break }
                lines.append(start..<end)
                start = end
            }
            line = start..<word.upperBound
        }
        if let line { lines.append(line) }
        return lines
    }

    /// The next place a word may be cut after `index`: never between lam and its ligated alef.
    private func step(from index: Int, within word: Range<Int>) -> Int {
        var next = index + 1
        while next < word.upperBound, foldsIntoNext(next - 1) { next += 1 }
        return next
    }

    private static let fill = intake_fribidi_char_fill()

    /// Spaces that allow a line break; the no-break spaces do not.
    private static func isBreakSpace(_ character: Character) -> Bool {
        guard character.unicodeScalars.count == 1, let scalar = character.unicodeScalars.first else {
            return false
        }
        if scalar == "\t" { return true }
        return scalar.properties.generalCategory == .spaceSeparator
            && !["\u{00A0}", "\u{2007}", "\u{202F}"].contains(scalar)
    }

    /// The explicit BiDi formatting characters: honoured by FriBidi, meaningless once in visual order.
    private static func isBidiControl(_ value: FriBidiChar) -> Bool {
        switch value {
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}

extension Bidi {
    /// One line as a terminal that does no BiDi of its own must receive it.
    ///
    /// Text with no right-to-left letter is returned as it is, whatever the base:
    /// an English label or a phone number in an Arabic screen keeps its order. In
    /// text with Arabic, each run of digits and number punctuation (a date
    /// 2026-11-22, a phone number +962 79 555 0142) is isolated first, so it reads
    /// left to right as a whole instead of group by group.
    public static func terminalLine(_ logical: String, base: BaseDirection) -> String {
        guard logical.unicodeScalars.contains(where: isStrongRightToLeft) else { return logical }
        return visualLine(isolatingNumbers(logical), base: base)
    }

    static func isStrongRightToLeft(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0590...0x08FF, 0xFB1D...0xFDFF, 0xFE70...0xFEFF, 0x10800...0x10FFF, 0x1E800...0x1EFFF: return true
        default: return false
        }
    }

    /// Wraps runs like `2026-11-22`, `+962 79 555 0142`, `MN-TOXIN-90`, `[S1]` or
    /// `[S2], [L] BTX` in LEFT-TO-RIGHT ISOLATE … POP DIRECTIONAL ISOLATE.
    ///
    /// A run is a stretch of ASCII (and Arabic-Indic digits) between right-to-left letters, spaces
    /// inside it included, trimmed of the spaces and punctuation at its ends that belong to the
    /// sentence (a closing bracket stays when its opening one is in the run). It is isolated when it
    /// holds a digit, or a letter together with a digit, a hyphen or a bracket: an identifier. Were
    /// only its digits isolated, the isolate would count as a neutral between Latin and Arabic and
    /// move: `MN-TOXIN-90` would show as `90-MN-TOXIN` and `[S1]` as `[1S]`. Plain Latin words
    /// ("(Botox)", "Type II") are left to the BiDi algorithm, which already keeps them in order.
    static func isolatingNumbers(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        func isDigit(_ s: Unicode.Scalar) -> Bool { ("0"..."9").contains(s) || (0x660...0x669).contains(s.value) || (0x6F0...0x6F9).contains(s.value) }
        func isLetter(_ s: Unicode.Scalar) -> Bool { ("a"..."z").contains(s) || ("A"..."Z").contains(s) }
        func belongs(_ s: Unicode.Scalar) -> Bool { (0x20...0x7E).contains(s.value) || isDigit(s) }
        var out = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            guard belongs(scalars[index]) else { out.append(scalars[index]); index += 1; continue }
            var end = index
            while end < scalars.count, belongs(scalars[end]) { end += 1 }
            let run = scalars[index..<end]
            // Trim the ends: what is not part of the identifier stays outside the isolate.
            var low = run.startIndex, high = run.endIndex
            func opens(_ s: Unicode.Scalar) -> Bool { s == "[" || s == "(" || s == "+" }
            while low < high, !(isLetter(run[low]) || isDigit(run[low]) || opens(run[low])) { low += 1 }
            while low < high {
                let last = run[high - 1]
                if isLetter(last) || isDigit(last) { break }
                if last == "]" || last == ")" {
                    let open: Unicode.Scalar = last == "]" ? "[" : "("
                    let inner = run[low..<(high - 1)]
                    if inner.filter({ $0 == open }).count > inner.filter({ $0 == last }).count { break }
                }
                high -= 1
            }
            // An opening bracket left without its closing one belongs to the sentence.
            while low < high, run[low] == "[" || run[low] == "(" {
                let close: Unicode.Scalar = run[low] == "[" ? "]" : ")"
                if run[low..<high].contains(close) { break }
                low += 1
            }
            let core = run[low..<high]
            let hasDigit = core.contains(where: isDigit)
            let hasLetter = core.contains(where: isLetter)
            let isIdentifier = hasDigit || (hasLetter && core.contains { $0 == "-" || $0 == "[" })
            if isIdentifier && low < high {
                out.append(contentsOf: run[run.startIndex..<low])
                out.append("\u{2066}"); out.append(contentsOf: core); out.append("\u{2069}")
                out.append(contentsOf: run[high..<run.endIndex])
            } else {
                out.append(contentsOf: run)
            }
            index = end
        }
        return String(out)
    }
}

extension Bidi {
    /// A whole plain-text page as a device that does no BiDi of its own must receive it:
    /// each line in visual order, Arabic shaped, and, for a right-to-left page, aligned right
    /// within `width` columns (as `measure` counts them).
    ///
    /// For printers (CUPS's text filter neither reorders nor joins Arabic) and terminals;
    /// a file meant for other programs keeps the logical order instead.
    public static func page(_ text: String, base: BaseDirection, width: Int, measure: (String) -> Int) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let visual = terminalLine(String(line), base: base)
            guard base == .rightToLeft else { return visual }
            let room = width - measure(visual)
            return room > 0 ? String(repeating: " ", count: room) + visual : visual
        }
        // Keep the page's final newline as it was.
        if text.hasSuffix("\n"), lines.last?.allSatisfy({ $0 == " " }) == true { lines[lines.count - 1] = "" }
        return lines.joined(separator: "\n")
    }
}
