import Bidi
import TextCleaning

/// One character cell of the screen.
public struct Cell: Hashable, Sendable {
    /// One grapheme cluster; "" for the right half of a wide character.
    public var text: String
    public var style: Style

    public init(_ text: String = " ", style: Style = .text) {
        self.text = text
        self.style = style
    }

    public static let blank = Cell(" ", style: .text)
    /// True for the placeholder to the right of a two-cell character.
    public var isContinuation: Bool { text.isEmpty }
}

/// A grid of styled cells that widgets draw into and backends present.
public struct Canvas: Equatable, Sendable {
    public let size: Size
    /// Where the terminal cursor should be shown; nil hides it.
    public var cursor: Point?
    /// The paragraph direction text is put in visual order for before it is drawn;
    /// nil leaves reordering to a terminal that does it itself (`--bidi=terminal`).
    public var bidiBase: LayoutDirection? = .leftToRight
    private var cells: [Cell]

    public init(size: Size, style: Style = .text) {
        self.size = Size(rows: max(0, size.rows), columns: max(0, size.columns))
        self.cursor = nil
        self.cells = Array(repeating: Cell(" ", style: style), count: self.size.rows * self.size.columns)
    }

    public var bounds: Rect { Rect(size: size) }

    public subscript(row: Int, column: Int) -> Cell {
        precondition(row >= 0 && row < size.rows && column >= 0 && column < size.columns,
                     "cell (\(row), \(column)) is outside a \(size) canvas")
        return cells[row * size.columns + column]
    }

    /// Writes text on one row and returns the number of columns used.
    ///
    /// Clips at the canvas edge and at `maxWidth`, never splits a wide character,
    /// and drops C0/C1 control characters and ESC so that text typed by a patient
    /// can never become a terminal escape sequence.
    @discardableResult
    public mutating func write(_ text: String, row: Int, column: Int, style: Style, maxWidth: Int? = nil) -> Int {
        guard row >= 0, row < size.rows else { return 0 }
        var limit = size.columns - column
        if let maxWidth { limit = min(limit, maxWidth) }
        guard limit > 0 else { return 0 }
        // Most terminals neither reorder right-to-left text nor join Arabic letters: do both here.
        let visual = bidiBase.map { Bidi.terminalLine(text, base: $0 == .rightToLeft ? .rightToLeft : .leftToRight) } ?? text
        var used = 0
        for raw in visual {
            let c = Canvas.sanitized(raw)
            guard let c else { continue }
            let w = displayWidth(c)
            if w == 0 { continue }
            if used + w > limit { break }
            let col = column + used
            used += w
            if col < 0 { continue }
            put(Cell(String(c), style: style), row: row, column: col)
            if w == 2 { put(Cell("", style: style), row: row, column: col + 1) }
        }
        return used
    }

    /// Writes text so that it ends at the right edge of `rect`'s row (for right-to-left layouts).
    @discardableResult
    public mutating func writeTrailing(_ text: String, row: Int, in rect: Rect, style: Style) -> Int {
        let w = min(displayWidth(text), rect.columns)
        return write(text, row: row, column: rect.right - w, style: style, maxWidth: w)
    }

    /// Sets every cell in `rect` (clipped to the canvas) to a blank of the given style.
    public mutating func fill(_ rect: Rect, style: Style) {
        let r = rect.intersection(bounds)
        guard !r.isEmpty else { return }
        for row in r.row..<r.bottom {
            for column in r.column..<r.right {
                put(Cell(" ", style: style), row: row, column: column)
            }
        }
    }

    /// One row as text, with trailing spaces trimmed (for snapshots).
    public func line(_ row: Int) -> String {
        guard row >= 0, row < size.rows else { return "" }
        var s = ""
        for column in 0..<size.columns { s += cells[row * size.columns + column].text }
        while s.last == " " { s.removeLast() }
        return s
    }

    /// Every row as text, joined by newlines.
    public var plainText: String {
        (0..<size.rows).map(line).joined(separator: "\n")
    }

    /// Places a cell, first blanking any wide character it would cut in half.
    private mutating func put(_ cell: Cell, row: Int, column: Int) {
        guard row >= 0, row < size.rows, column >= 0, column < size.columns else { return }
        let i = row * size.columns + column
        let old = cells[i]
        if old.isContinuation, column > 0, !cell.isContinuation {
            cells[i - 1].text = " "
        }
        if !old.isContinuation, column + 1 < size.columns, cells[i + 1].isContinuation {
            cells[i + 1].text = " "
        }
        cells[i] = cell
    }

    /// The character cleaned by the program's one cleaner (``CleanText``): no control or invisible
    /// scalars; nil when nothing printable is left.
    static func sanitized(_ c: Character) -> Character? {
        CleanText.clean(c)
    }
}

/// The cells that differ between two canvases, grouped into runs a backend can draw.
public struct CanvasDiff: Equatable, Sendable {
    /// Consecutive changed cells on one row that share a style.
    ///
    /// A run never starts on the right half of a wide character.
    public struct Run: Equatable, Sendable {
        public var row: Int
        public var column: Int
        public var cells: [Cell]

        public init(row: Int, column: Int, cells: [Cell]) {
            self.row = row
            self.column = column
            self.cells = cells
        }

        public var style: Style { cells.first?.style ?? .text }
        /// The run's characters (continuation cells contribute nothing).
        public var text: String { cells.map(\.text).joined() }
    }

    public var runs: [Run]
    /// True when nothing could be reused: first frame or a new size.
    public var isFullRepaint: Bool
    public var cursorChanged: Bool

    public init(from previous: Canvas?, to current: Canvas) {
        isFullRepaint = previous == nil || previous?.size != current.size
        cursorChanged = previous?.cursor != current.cursor || isFullRepaint
        runs = current.changes(from: isFullRepaint ? nil : previous)
    }

    /// The number of changed cells.
    public var changedCellCount: Int { runs.reduce(0) { $0 + $1.cells.count } }
}

extension Canvas {
    public typealias Run = CanvasDiff.Run

    /// The runs of cells that differ from `previous`; every cell when it is nil or another size.
    public func changes(from previous: Canvas?) -> [Run] {
        let reuse = previous.flatMap { $0.size == size ? $0 : nil }
        var runs: [Run] = []
        let cols = size.columns
        for row in 0..<size.rows {
            var changed = [Bool](repeating: false, count: cols)
            for c in 0..<cols {
                changed[c] = reuse.map { $0.cells[row * cols + c] != cells[row * cols + c] } ?? true
            }
            // Wide characters are drawn whole: mark both halves when either changed.
            for c in 0..<cols where changed[c] {
                if cells[row * cols + c].isContinuation, c > 0 { changed[c - 1] = true }
            }
            for c in stride(from: cols - 1, through: 0, by: -1) where changed[c] {
                if c + 1 < cols, cells[row * cols + c + 1].isContinuation { changed[c + 1] = true }
            }
            var c = 0
            while c < cols {
                guard changed[c] else { c += 1; continue }
                let start = c
                let style = cells[row * cols + c].style
                var run: [Cell] = []
                while c < cols, changed[c], cells[row * cols + c].style == style {
                    run.append(cells[row * cols + c])
                    c += 1
                }
                runs.append(Run(row: row, column: start, cells: run))
            }
        }
        return runs
    }
}
