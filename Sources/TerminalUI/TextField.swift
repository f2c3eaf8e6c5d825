import Bidi
/// A one-line text input: insertion at the cursor, editing keys, horizontal scroll.
///
/// The cursor counts grapheme clusters; on screen it is placed by display width,
/// so a wide character moves it two columns.
public struct TextField: Sendable, Equatable {
    public private(set) var text: String
    /// The insertion point, in characters (grapheme clusters) from the start.
    public private(set) var cursorIndex: Int
    /// The most characters the field accepts; nil for no limit.
    public var maxLength: Int?
    /// When set, only these characters can be typed.
    public var allowedCharacters: Set<Character>?
    /// Shown muted while the field is empty.
    public var placeholder: String

    public init(text: String = "", maxLength: Int? = nil, allowedCharacters: Set<Character>? = nil,
                placeholder: String = "") {
        let clean = TextField.clean(text)
        self.text = clean
        self.cursorIndex = clean.count
        self.maxLength = maxLength
        self.allowedCharacters = allowedCharacters
        self.placeholder = placeholder
    }

    /// Replaces the text (control characters dropped) and puts the cursor at its end.
    public mutating func setText(_ newText: String) {
        text = TextField.clean(newText)
        cursorIndex = text.count
    }

    private static func clean(_ s: String) -> String {
        String(s.compactMap(Canvas.sanitized))
    }

    /// Inserts pasted text as if its characters were typed one by one: line breaks and tabs become
    /// spaces, control characters are dropped, characters the field does not allow are left out, and
    /// the paste stops where the field is full. Escape sequences are the caller's to remove first
    /// (with the cleaner it uses for typed text; see ``Key/cleaningPaste(_:)``).
    public mutating func paste(_ pasted: String) -> WidgetOutcome {
        let chars = Array(text)
        let before = String(chars[..<cursorIndex]), after = String(chars[cursorIndex...])
        var inserted = ""
        for raw in pasted {
            guard let c = Canvas.sanitized(raw.isNewline || raw == "\t" ? " " : raw) else { continue }
            if let allowedCharacters, !allowedCharacters.contains(c) { continue }
            if let maxLength, (before + inserted + String(c) + after).count > maxLength { break }
            inserted.append(c)
        }
        guard !inserted.isEmpty else { return .rejected }
        text = before + inserted + after
        cursorIndex = (before + inserted).count
        return .changed
    }

    public mutating func handle(_ key: Key) -> WidgetOutcome {
        let chars = Array(text)
        switch key {
        case .character(let raw):
            guard let c = Canvas.sanitized(raw) else { return .rejected }
            if let allowedCharacters, !allowedCharacters.contains(c) { return .rejected }
            let prefix = String(chars[..<cursorIndex]) + String(c)
            let updated = prefix + String(chars[cursorIndex...])
            if let maxLength, updated.count > maxLength { return .rejected }
            text = updated
            // A combining mark joins the character before it, so count again.
            cursorIndex = prefix.count
            return .changed
        case .paste(let pasted):
            return paste(pasted)
        case .backspace:
            guard cursorIndex > 0 else { return .rejected }
            text = String(chars[..<(cursorIndex - 1)]) + String(chars[cursorIndex...])
            cursorIndex -= 1
            return .changed
        case .delete:
            guard cursorIndex < chars.count else { return .rejected }
            text = String(chars[..<cursorIndex]) + String(chars[(cursorIndex + 1)...])
            return .changed
        case .left:
            guard cursorIndex > 0 else { return .ignored }
            cursorIndex -= 1
            return .handled
        case .right:
            guard cursorIndex < chars.count else { return .ignored }
            cursorIndex += 1
            return .handled
        case .home, .control("a"):
            cursorIndex = 0
            return .handled
        case .end, .control("e"):
            cursorIndex = chars.count
            return .handled
        case .control("u"):
            guard !text.isEmpty else { return .handled }
            setText("")
            return .changed
        case .enter:
            return .submitted
        default:
            return .ignored
        }
    }

    /// Where the text starts, which characters show, and the cursor column.
    private func layout(in rect: Rect, direction: LayoutDirection) -> (column: Int, visible: String, cursor: Int) {
        let chars = Array(text)
        let total = displayWidth(text)
        let before = displayWidth(String(chars[..<cursorIndex]))
        if total + 1 <= rect.columns {
            if let visualCursor = visualCursor(in: text, direction: direction) {
                // Right-to-left text goes out in visual order, so the cursor follows the visual position;
                // shaping can join letters (lam-alef), so measure what is drawn.
                let drawn = displayWidth(Bidi.terminalLine(text, base: direction == .rightToLeft ? .rightToLeft : .leftToRight))
                let start = direction == .rightToLeft ? rect.right - drawn : rect.column + 1
                return (start, text, start + visualCursor)
            }
            // Fits with room for the cursor after the last character.
            let start = direction == .rightToLeft ? rect.right - (total + 1) : rect.column
            return (start, text, start + before)
        }
        // Scroll just enough that the cursor sits inside the field.
        var skip = 0
        var skipped = 0
        while before - skipped > rect.columns - 1, skip < chars.count {
            skipped += displayWidth(chars[skip])
            skip += 1
        }
        return (rect.column, String(chars[skip...]), rect.column + before - skipped)
    }

    /// For text with right-to-left letters, the cursor's column counted from the text's visual start
    /// (-1 is just left of it); nil for text that reads left to right throughout.
    ///
    /// The cursor sits on the cell of the character it is before in reading order, the way it does in
    /// left-to-right text; at the end it sits beyond the last character, on the side that character reads toward.
    private func visualCursor(in text: String, direction: LayoutDirection) -> Int? {
        guard text.unicodeScalars.contains(where: { (0x0590...0x08FF).contains($0.value) || (0xFB1D...0xFEFF).contains($0.value) }) else {
            return nil
        }
        let map = Bidi.logicalToVisualMap(text, base: direction == .rightToLeft ? .rightToLeft : .leftToRight)
        guard !map.isEmpty else { return nil }
        if cursorIndex < map.count { return map[cursorIndex] }
        let last = Array(text)[map.count - 1]
        // Arabic-Indic digits sit in the Arabic block but read left to right, as every number does:
        // after one, the cursor goes on its right.
        let lastIsRightToLeft = last.unicodeScalars.contains {
            ((0x0590...0x08FF).contains($0.value) || (0xFB1D...0xFEFF).contains($0.value))
                && !(0x0660...0x0669).contains($0.value) && !(0x06F0...0x06F9).contains($0.value)
        }
        return lastIsRightToLeft ? map[map.count - 1] - 1 : map[map.count - 1] + 1
    }

    /// The canvas position the terminal cursor should take when the field has focus.
    public func cursorPosition(in rect: Rect, context: RenderContext) -> Point {
        Point(row: rect.row, column: layout(in: rect, direction: context.direction).cursor)
    }

    public func render(into canvas: inout Canvas, in rect: Rect, context: RenderContext) {
        guard !rect.isEmpty else { return }
        let line = Rect(row: rect.row, column: rect.column, rows: 1, columns: rect.columns)
        let fieldStyle: Style = context.focused ? .focus : Style(.text, .underline)
        canvas.fill(line, style: fieldStyle)
        if text.isEmpty, !placeholder.isEmpty {
            canvas.write(placeholder, row: line.row, in: line, style: context.focused ? .focus.adding(.dim) : .muted,
                         direction: context.direction)
        } else {
            let l = layout(in: line, direction: context.direction)
            canvas.write(l.visible, row: line.row, column: l.column, style: fieldStyle, maxWidth: line.right - l.column)
        }
        if context.focused { canvas.cursor = cursorPosition(in: line, context: context) }
    }
}
