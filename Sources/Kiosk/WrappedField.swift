import TerminalUI

/// A text field drawn over as many rows as its text needs.
///
/// Answers in the patient's own words (other medicines, other allergies: up to 300 characters)
/// do not fit one line at 40 columns; scrolled sideways, everything but the last few words would
/// be out of sight. Once the text is longer than the field, it wraps at spaces onto further rows,
/// each row laid out (and, in Arabic, put in visual order) as a field of its own, and the rows
/// follow the cursor when there are more than fit. Text that fits stays one plain field.
struct WrappedField {
    let field: TextField

    init(_ field: TextField) { self.field = field }

    /// Character ranges of the lines `chars` wraps into, each at most `width` cells wide;
    /// a line breaks after its last space, or anywhere in a word longer than a line. A space
    /// that falls just past the width ends its line there, hanging (it is not drawn).
    static func lineRanges(_ chars: [Character], width: Int) -> [Range<Int>] {
        guard width > 0, !chars.isEmpty else { return [0..<chars.count] }
        var ranges: [Range<Int>] = []
        var start = 0
        while start < chars.count {
            var end = start, used = 0
            var lastBreak: Int?
            while end < chars.count {
                let w = displayWidth(String(chars[end]))
                if used + w > width { break }
                used += w
                end += 1
                if chars[end - 1] == " " { lastBreak = end }
            }
            if end < chars.count, chars[end] == " " { end += 1 }
            else if end < chars.count, let lastBreak, lastBreak > start { end = lastBreak }
            if end == start { end = start + 1 }  // a character wider than the line
            ranges.append(start..<end)
            start = end
        }
        // After a hanging space at the very end, typing goes on at the start of the next line.
        if let last = ranges.last, displayWidth(String(chars[last])) > width { ranges.append(chars.count..<chars.count) }
        return ranges
    }

    /// Rows the text needs at `width` columns, as ``render(into:in:context:)`` lays it out.
    func preferredHeight(width: Int) -> Int {
        Self.lineRanges(Array(field.text), width: width - 1).count
    }

    /// Draws the field from the top of `rect`, using as many of its rows as the text needs;
    /// returns the rows used.
    @discardableResult
    func render(into canvas: inout Canvas, in rect: Rect, context: RenderContext) -> Int {
        guard !rect.isEmpty else { return 0 }
        let chars = Array(field.text)
        // One cell stays free at the end of each line for the cursor, as in a one-line field.
        let ranges = Self.lineRanges(chars, width: rect.columns - 1)
        guard ranges.count > 1, rect.rows > 1 else {
            field.render(into: &canvas, in: Rect(row: rect.row, column: rect.column, rows: 1, columns: rect.columns), context: context)
            return 1
        }
        let cursorLine = ranges.firstIndex { $0.contains(field.cursorIndex) } ?? ranges.count - 1
        let rows = min(rect.rows, ranges.count)
        let first = max(0, cursorLine - rows + 1)
        // The cursor's line last, so the cursor it places is the one that stays.
        let order = (first..<first + rows).filter { $0 != cursorLine } + [cursorLine]
        for index in order {
            let range = ranges[index]
            var text = String(chars[range])
            if displayWidth(text) > rect.columns - 1, text.last == " " { text.removeLast() }  // the hanging space
            var line = TextField(text: text)
            if index == cursorLine {
                _ = line.handle(.home)
                for _ in 0..<(field.cursorIndex - range.lowerBound) { _ = line.handle(.right) }
            }
            let row = Rect(row: rect.row + index - first, column: rect.column, rows: 1, columns: rect.columns)
            line.render(into: &canvas, in: row, context: context)
        }
        return rows
    }
}
