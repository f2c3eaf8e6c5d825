/// Wrapped text in one role, aligned to the reading direction.
public struct Paragraph: Sendable, Equatable {
    public var text: String
    public var style: Style

    public init(_ text: String, role: Role = .text, attributes: Attributes = []) {
        self.text = text
        self.style = Style(role, attributes)
    }

    public func lines(width: Int) -> [String] { wrap(text, width: width) }

    public func preferredHeight(width: Int) -> Int { lines(width: width).count }

    /// Draws as many lines as fit; a cut-off paragraph ends with an ellipsis.
    public func render(into canvas: inout Canvas, in rect: Rect, context: RenderContext) {
        guard !rect.isEmpty else { return }
        var lines = lines(width: rect.columns)
        if lines.count > rect.rows {
            lines = Array(lines.prefix(rect.rows))
            let ellipsis = context.symbols.ellipsis
            lines[lines.count - 1] = truncate(lines[lines.count - 1] + ellipsis, width: rect.columns, ellipsis: ellipsis)
        }
        for (i, line) in lines.enumerated() {
            canvas.write(line, row: rect.row + i, in: rect, style: style, direction: context.direction)
        }
    }
}

/// Explanatory text, muted and wrapped.
public struct HelpText: Sendable, Equatable {
    public var paragraph: Paragraph

    public init(_ text: String) {
        paragraph = Paragraph(text, role: .muted)
    }

    public func preferredHeight(width: Int) -> Int { paragraph.preferredHeight(width: width) }

    public func render(into canvas: inout Canvas, in rect: Rect, context: RenderContext) {
        paragraph.render(into: &canvas, in: rect, context: context)
    }
}

/// Where the user is in a sequence: a caller-supplied label ("Step 4 of 9") and a bar.
///
/// Two rows: the label, then the bar. Given one row, the bar follows the label.
public struct ProgressIndicator: Sendable, Equatable {
    public var step: Int
    public var total: Int
    public var label: String

    public init(step: Int, total: Int, label: String) {
        self.step = step
        self.total = total
        self.label = label
    }

    public var preferredHeight: Int { 2 }

    /// Filled cells of a bar `width` cells wide.
    public func filledCells(width: Int) -> Int {
        guard total > 0, width > 0 else { return 0 }
        let s = min(max(0, step), total)
        return (s * width + total / 2) / total
    }

    private func bar(width: Int, symbols: Symbols, direction: LayoutDirection) -> (first: String, firstStyle: Style, second: String, secondStyle: Style) {
        let cellWidth = max(1, displayWidth(symbols.barFull))
        let cells = width / cellWidth
        let full = filledCells(width: cells)
        let filled = String(repeating: symbols.barFull, count: full)
        let empty = String(repeating: symbols.barEmpty, count: cells - full)
        return direction == .leftToRight
            ? (filled, .accent, empty, .muted)
            : (empty, .muted, filled, .accent)
    }

    public func render(into canvas: inout Canvas, in rect: Rect, context: RenderContext) {
        guard !rect.isEmpty else { return }
        let rtl = context.direction == .rightToLeft
        let barRect: Rect
        if rect.rows >= 2 {
            canvas.write(label, row: rect.row, in: rect, style: .text, direction: context.direction)
            barRect = Rect(row: rect.row + 1, column: rect.column, rows: 1, columns: rect.columns)
        } else {
            let used = canvas.write(label, row: rect.row, in: rect, style: .text, direction: context.direction) + 1
            barRect = rtl ? rect.inset(right: used) : rect.inset(left: used)
        }
        guard barRect.columns > 0 else { return }
        let b = bar(width: barRect.columns, symbols: context.symbols, direction: context.direction)
        let start = rtl ? barRect.right - displayWidth(b.first + b.second) : barRect.column
        let used = canvas.write(b.first, row: barRect.row, column: start, style: b.firstStyle)
        canvas.write(b.second, row: barRect.row, column: start + used, style: b.secondStyle)
    }
}

/// A footer line of key hints, such as "Enter Next  Esc Back".
///
/// Hints that do not fit are left out from the end; in right-to-left layouts the
/// first hint is at the right edge.
public struct KeyHints: Sendable, Equatable {
    public struct Hint: Sendable, Equatable {
        public var key: String
        public var label: String

        public init(key: String, label: String) {
            self.key = key
            self.label = label
        }
    }

    public var hints: [Hint]

    public init(_ hints: [(key: String, label: String)]) {
        self.hints = hints.map { Hint(key: $0.key, label: $0.label) }
    }

    public func render(into canvas: inout Canvas, in rect: Rect, context: RenderContext) {
        guard !rect.isEmpty else { return }
        let gap = 2
        var left = rect.column
        var right = rect.right
        for hint in hints {
            let keyWidth = displayWidth(hint.key)
            let width = keyWidth + 1 + displayWidth(hint.label)
            guard right - left >= width else { break }
            let column: Int
            if context.direction == .rightToLeft {
                column = right - width
                right = column - gap
            } else {
                column = left
                left += width + gap
            }
            canvas.write(hint.key, row: rect.row, column: column, style: Style(.accent, .bold))
            canvas.write(hint.label, row: rect.row, column: column + keyWidth + 1, style: .muted)
        }
    }
}

/// A bordered box centred in its area, with a title, message and buttons.
///
/// Left/Right/Tab/Shift-Tab move between buttons; Enter answers `.submitted`
/// and `focusedButton` says which. Esc is left to the caller.
public struct Dialog: Sendable, Equatable {
    public var title: String
    public var message: [String]
    public var buttons: [String]
    public private(set) var focusedButton: Int

    public init(title: String, message: [String], buttons: [String], focusedButton: Int = 0) {
        self.title = title
        self.message = message
        self.buttons = buttons
        self.focusedButton = buttons.isEmpty ? 0 : min(max(0, focusedButton), buttons.count - 1)
    }

    public mutating func handle(_ key: Key) -> WidgetOutcome {
        guard !buttons.isEmpty else { return key == .enter ? .submitted : .ignored }
        // Arrows follow button order, not screen side: a kiosk has no RTL keyboard map yet.
        switch key {
        case .right, .tab:
            focusedButton = (focusedButton + 1) % buttons.count
            return .handled
        case .left, .backTab:
            focusedButton = (focusedButton + buttons.count - 1) % buttons.count
            return .handled
        case .enter:
            return .submitted
        default:
            return .ignored
        }
    }

    private func buttonLabel(_ text: String) -> String { "[ \(text) ]" }

    /// The box this dialog takes up inside `rect`.
    public func frame(in rect: Rect) -> Rect {
        let maxInner = max(1, rect.columns - 4)
        let buttonsWidth = buttonsRowWidth()
        var inner = max(displayWidth(title) + 2, buttonsWidth, message.map(displayWidth).max() ?? 0)
        inner = min(inner, maxInner)
        let lines = message.flatMap { wrap($0, width: inner) }
        return rect.centered(rows: lines.count + 4, columns: inner + 4)
    }

    private func buttonsRowWidth() -> Int {
        buttons.map { displayWidth(buttonLabel($0)) }.reduce(0, +) + max(0, buttons.count - 1) * 2
    }

    public func render(into canvas: inout Canvas, in rect: Rect, context: RenderContext) {
        let box = frame(in: rect)
        guard box.rows >= 3, box.columns >= 4 else { return }
        let s = context.symbols
        let rtl = context.direction == .rightToLeft
        canvas.fill(box, style: .text)
        let border = Style.accent
        // Top border with the title set into it.
        let horizontal = String(repeating: s.boxHorizontal, count: box.columns - 2)
        canvas.write(s.boxTopLeft + horizontal + s.boxTopRight, row: box.row, column: box.column, style: border)
        let titleRect = box.inset(left: 2, right: 2)
        canvas.write(" " + truncate(title, width: titleRect.columns - 2, ellipsis: s.ellipsis) + " ",
                     row: box.row, in: titleRect, style: Style(.accent, .bold), direction: context.direction)
        for row in (box.row + 1)..<(box.bottom - 1) {
            canvas.write(s.boxVertical, row: row, column: box.column, style: border)
            canvas.write(s.boxVertical, row: row, column: box.right - 1, style: border)
        }
        canvas.write(s.boxBottomLeft + horizontal + s.boxBottomRight, row: box.bottom - 1, column: box.column, style: border)

        let inner = box.inset(top: 1, left: 2, bottom: 1, right: 2)
        let lines = message.flatMap { wrap($0, width: inner.columns) }
        for (i, line) in lines.enumerated() where i < inner.rows - 2 {
            canvas.write(line, row: inner.row + i, in: inner, style: .text, direction: context.direction)
        }
        // Buttons centred on the last inner row, first button at the reading start.
        let row = inner.bottom - 1
        var column = inner.column + max(0, (inner.columns - buttonsRowWidth()) / 2)
        let order = rtl ? Array(buttons.indices.reversed()) : Array(buttons.indices)
        for index in order {
            let label = buttonLabel(buttons[index])
            let style: Style = index == focusedButton ? (context.focused ? .focus : Style(.text, .reverse)) : .text
            column += canvas.write(label, row: row, column: column, style: style, maxWidth: inner.right - column) + 2
        }
    }
}

/// Fills a terminal too small for the screen with what to do: the message and the size needed.
public struct SizeNotice: Sendable, Equatable {
    public var message: String
    public var minimum: Size

    public init(message: String, minimum: Size) {
        self.message = message
        self.minimum = minimum
    }

    public func render(into canvas: inout Canvas, context: RenderContext) {
        let rect = canvas.bounds.inset(by: 1)
        Paragraph(message, role: .warning, attributes: .bold).render(into: &canvas, in: rect, context: context)
        canvas.write("\(minimum.columns)x\(minimum.rows)", row: min(canvas.size.rows - 1, rect.row + 2), column: rect.column,
                     style: .muted, maxWidth: rect.columns)
    }
}
