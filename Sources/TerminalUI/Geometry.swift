/// A terminal size in character cells.
public struct Size: Hashable, Sendable, CustomStringConvertible {
    public var rows: Int
    public var columns: Int

    public init(rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
    }

    public var description: String { "\(columns)x\(rows)" }
}

/// A cell position, zero-based from the top-left corner.
public struct Point: Hashable, Sendable {
    public var row: Int
    public var column: Int

    public init(row: Int, column: Int) {
        self.row = row
        self.column = column
    }
}

/// A rectangle of cells.
public struct Rect: Hashable, Sendable {
    public var row: Int
    public var column: Int
    public var rows: Int
    public var columns: Int

    public init(row: Int, column: Int, rows: Int, columns: Int) {
        self.row = row
        self.column = column
        self.rows = max(0, rows)
        self.columns = max(0, columns)
    }

    /// The whole area of a screen of the given size.
    public init(size: Size) {
        self.init(row: 0, column: 0, rows: size.rows, columns: size.columns)
    }

    /// One past the last row.
    public var bottom: Int { row + rows }
    /// One past the last column.
    public var right: Int { column + columns }
    public var isEmpty: Bool { rows == 0 || columns == 0 }

    /// The rectangle shrunk by the given margins (never below zero size).
    public func inset(top: Int = 0, left: Int = 0, bottom: Int = 0, right: Int = 0) -> Rect {
        Rect(row: row + top, column: column + left,
             rows: rows - top - bottom, columns: columns - left - right)
    }

    /// The rectangle shrunk by `rows` at top and bottom and `columns` at each side.
    public func inset(rows dr: Int, columns dc: Int) -> Rect {
        inset(top: dr, left: dc, bottom: dr, right: dc)
    }

    /// The rectangle shrunk by the same margin on all four sides.
    public func inset(by margin: Int) -> Rect { inset(rows: margin, columns: margin) }

    /// Splits off `count` rows from the top: (top part, the rest).
    public func sliceTop(_ count: Int) -> (Rect, Rect) {
        let n = min(max(0, count), rows)
        return (Rect(row: row, column: column, rows: n, columns: columns),
                Rect(row: row + n, column: column, rows: rows - n, columns: columns))
    }

    /// Splits off `count` rows from the bottom: (the rest, bottom part).
    public func sliceBottom(_ count: Int) -> (Rect, Rect) {
        let n = min(max(0, count), rows)
        return (Rect(row: row, column: column, rows: rows - n, columns: columns),
                Rect(row: bottom - n, column: column, rows: n, columns: columns))
    }

    /// A rectangle of at most the given size, centred in this one.
    public func centered(rows r: Int, columns c: Int) -> Rect {
        let rr = min(r, rows), cc = min(c, columns)
        return Rect(row: row + (rows - rr) / 2, column: column + (columns - cc) / 2, rows: rr, columns: cc)
    }

    public func contains(_ p: Point) -> Bool {
        p.row >= row && p.row < bottom && p.column >= column && p.column < right
    }

    /// The overlap of two rectangles (empty when they do not meet).
    public func intersection(_ other: Rect) -> Rect {
        let r0 = max(row, other.row), c0 = max(column, other.column)
        let r1 = min(bottom, other.bottom), c1 = min(right, other.right)
        return Rect(row: r0, column: c0, rows: r1 - r0, columns: c1 - c0)
    }
}
