/// A list of options to pick one or several from, with an optional "none of these".
///
/// Up/Down/Home/End/PageUp/PageDown move, Space toggles (or selects in single mode),
/// Enter confirms (selecting the option under the cursor in single mode). A paste is ignored.
public struct ChoiceList: Sendable, Equatable {
    public struct Option: Sendable, Equatable {
        public var label: String
        /// A muted line under the label.
        public var detail: String?

        public init(_ label: String, detail: String? = nil) {
            self.label = label
            self.detail = detail
        }
    }

    public enum Mode: Sendable, Equatable {
        case single
        case multiple
    }

    public var options: [Option]
    public var mode: Mode
    /// The option that excludes all others (like "None of these"), in multiple mode.
    public var exclusiveIndex: Int?
    public private(set) var selection: Set<Int>
    public private(set) var cursor: Int

    public init(options: [Option], mode: Mode = .single, exclusiveIndex: Int? = nil,
                selection: Set<Int> = [], cursor: Int? = nil) {
        self.options = options
        self.mode = mode
        self.exclusiveIndex = exclusiveIndex
        self.selection = selection.filter { options.indices.contains($0) }
        let start = cursor ?? (mode == .single ? self.selection.min() ?? 0 : 0)
        self.cursor = options.isEmpty ? 0 : min(max(0, start), options.count - 1)
    }

    /// A two-option single choice; `value` true selects `yes`.
    public static func yesNo(yes: String, no: String, value: Bool? = nil) -> ChoiceList {
        let selection: Set<Int> = value.map { $0 ? [0] : [1] } ?? []
        return ChoiceList(options: [Option(yes), Option(no)], mode: .single, selection: selection)
    }

    /// For a yes/no list: true for the first option, false for the second, nil for neither.
    public var yesNoValue: Bool? {
        if selection.contains(0) { return true }
        if selection.contains(1) { return false }
        return nil
    }

    /// The selected indices in order.
    public var selectedIndices: [Int] { selection.sorted() }

    public mutating func moveCursor(to index: Int) {
        guard !options.isEmpty else { return }
        cursor = min(max(0, index), options.count - 1)
    }

    /// Selects an option: the only one in single mode; in multiple mode the
    /// exclusive option clears the others and any other clears the exclusive one.
    public mutating func select(_ index: Int) {
        guard options.indices.contains(index) else { return }
        switch mode {
        case .single:
            selection = [index]
        case .multiple:
            if index == exclusiveIndex {
                selection = [index]
            } else {
                if let exclusiveIndex { selection.remove(exclusiveIndex) }
                selection.insert(index)
            }
        }
    }

    /// Flips an option in multiple mode; selects it in single mode.
    public mutating func toggle(_ index: Int) {
        if mode == .multiple, selection.contains(index) {
            selection.remove(index)
        } else {
            select(index)
        }
    }

    public mutating func clearSelection() { selection = [] }

    public mutating func handle(_ key: Key) -> WidgetOutcome {
        guard !options.isEmpty else { return .ignored }
        // A single choice is a radio group: moving moves the mark, so what is marked is always what
        // will be stored — never a highlight on one option while another stays chosen.
        guard mode == .single, [.up, .down, .home, .end, .pageUp, .pageDown].contains(key) else { return handleKey(key) }
        // Jumps (Home, End, a page) do not put a first mark on an unanswered list: only a step with an
        // arrow, a number or Space does, so a stray Home from an odd terminal marks nothing.
        if selection.isEmpty, key != .up, key != .down { return handleKey(key) }
        let outcome = handleKey(key)
        guard outcome != .ignored else { return outcome }
        let before = selection
        select(cursor)
        return selection == before ? .handled : .changed
    }

    private mutating func handleKey(_ key: Key) -> WidgetOutcome {
        switch key {
        case .up:
            guard cursor > 0 else { return .ignored }
            cursor -= 1
            return .handled
        case .down:
            guard cursor < options.count - 1 else { return .ignored }
            cursor += 1
            return .handled
        case .home:
            cursor = 0
            return .handled
        case .end:
            cursor = options.count - 1
            return .handled
        case .pageUp:
            moveCursor(to: cursor - 5)
            return .handled
        case .pageDown:
            moveCursor(to: cursor + 5)
            return .handled
        case .character(" "):
            let before = selection
            toggle(cursor)
            return selection == before ? .handled : .changed
        case .enter:
            if mode == .single { select(cursor) }
            return .submitted
        case .paste:
            return .ignored  // pasted text is never a pick
        default:
            return .ignored
        }
    }

    // MARK: Layout

    private func marker(for index: Int, symbols: Symbols) -> String {
        let on = selection.contains(index)
        switch mode {
        case .single: return on ? symbols.radioOn : symbols.radioOff
        case .multiple: return on ? symbols.checkboxOn : symbols.checkboxOff
        }
    }

    private func markerIndent(_ symbols: Symbols) -> Int {
        let pair = mode == .single ? (symbols.radioOn, symbols.radioOff) : (symbols.checkboxOn, symbols.checkboxOff)
        return max(displayWidth(pair.0), displayWidth(pair.1)) + 1
    }

    /// The label and detail lines of each option at a text width.
    private func optionLines(textWidth: Int) -> [(label: [String], detail: [String])] {
        options.map { option in
            (wrap(option.label, width: textWidth), option.detail.map { wrap($0, width: textWidth) } ?? [])
        }
    }

    /// Rows needed to show every option without scrolling.
    public func preferredHeight(width: Int, symbols: Symbols = .unicode) -> Int {
        let textWidth = max(1, width - markerIndent(symbols))
        return optionLines(textWidth: textWidth).reduce(0) { $0 + $1.label.count + $1.detail.count }
    }

    /// The first option shown so that the cursor is visible in `rows` rows.
    private func firstVisible(heights: [Int], rows: Int) -> Int {
        var top = 0
        while top < cursor, heights[top...cursor].reduce(0, +) > rows { top += 1 }
        return top
    }

    public func render(into canvas: inout Canvas, in rect: Rect, context: RenderContext) {
        guard !rect.isEmpty, !options.isEmpty else { return }
        let symbols = context.symbols
        let indent = markerIndent(symbols)
        var textWidth = max(1, rect.columns - indent)
        var lines = optionLines(textWidth: textWidth)
        var heights = lines.map { $0.label.count + $0.detail.count }
        let scrolls = heights.reduce(0, +) > rect.rows
        if scrolls {
            // Keep a column free for the scroll arrows.
            textWidth = max(1, rect.columns - indent - 2)
            lines = optionLines(textWidth: textWidth)
            heights = lines.map { $0.label.count + $0.detail.count }
        }
        let top = firstVisible(heights: heights, rows: rect.rows)
        let rtl = context.direction == .rightToLeft
        let body = scrolls
            ? (rtl ? rect.inset(left: 2) : rect.inset(right: 2))
            : rect
        let textRect = rtl ? body.inset(right: indent) : body.inset(left: indent)

        var row = rect.row
        var index = top
        while index < options.count, row < rect.bottom {
            let isCursor = index == cursor && context.focused
            let labelStyle: Style = isCursor ? .focus : .text
            for (n, text) in lines[index].label.enumerated() where row < rect.bottom {
                if isCursor { canvas.fill(Rect(row: row, column: body.column, rows: 1, columns: body.columns), style: .focus) }
                if n == 0 {
                    let mark = marker(for: index, symbols: symbols)
                    let markStyle = selection.contains(index) && !isCursor ? Style.accent : labelStyle
                    if rtl {
                        canvas.write(mark, row: row, column: body.right - displayWidth(mark), style: markStyle)
                    } else {
                        canvas.write(mark, row: row, column: body.column, style: markStyle)
                    }
                }
                canvas.write(text, row: row, in: textRect, style: labelStyle, direction: context.direction)
                row += 1
            }
            for text in lines[index].detail where row < rect.bottom {
                canvas.write(text, row: row, in: textRect, style: .muted, direction: context.direction)
                row += 1
            }
            index += 1
        }
        if scrolls {
            let arrowColumn = rtl ? rect.column : rect.right - 1
            if top > 0 {
                canvas.write(symbols.arrowUp, row: rect.row, column: arrowColumn, style: .muted, maxWidth: 1)
            }
            if index < options.count {
                canvas.write(symbols.arrowDown, row: rect.bottom - 1, column: arrowColumn, style: .muted, maxWidth: 1)
            }
        }
    }
}
