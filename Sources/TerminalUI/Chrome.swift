/// The frame every full-screen program draws its screens in: a header bar, a footer of key hints,
/// a message line above it, and a notice instead of all that when the terminal is too small.
///
/// One chrome for the kiosk and the station, so a fix to any of it (the too-small notice, the
/// header, the footer) is a fix everywhere at once.
public struct Chrome: Sendable {
    /// The smallest terminal any screen is laid out for.
    public static let minimumSize = Size(rows: 12, columns: 40)

    public var symbols: Symbols
    /// Which way the screen's language reads.
    public var direction: LayoutDirection
    /// Whether the program puts right-to-left text in visual order (false: the terminal does).
    public var programBidi: Bool

    public init(symbols: Symbols, direction: LayoutDirection, programBidi: Bool) {
        self.symbols = symbols
        self.direction = direction
        self.programBidi = programBidi
    }

    /// Where a screen draws: the body's columns (a one-column margin each side), the footer row and
    /// the message line above it.
    public struct Page: Sendable {
        public var context: RenderContext
        public var body: Rect
        /// The key hints' row, the last.
        public var footerRow: Int
        /// The message line, just above the footer.
        public var messageRow: Int
        /// Under 16 rows, screens drop blank lines and secondary text first.
        public var compact: Bool
    }

    /// A canvas of `size` with the header (`title` at the start, `trailing` at the end); nil after
    /// drawing `tooSmall` into `canvas` when the terminal is smaller than ``minimumSize``.
    public func page(size: Size, title: String, trailing: String? = nil, tooSmall: String, canvas: inout Canvas) -> Page? {
        canvas = Canvas(size: size)
        canvas.bidiBase = programBidi ? direction : nil
        let context = RenderContext(symbols: symbols, direction: direction)
        guard size.rows >= Self.minimumSize.rows, size.columns >= Self.minimumSize.columns else {
            SizeNotice(message: tooSmall, minimum: Self.minimumSize).render(into: &canvas, context: context)
            return nil
        }
        let body = Rect(row: 0, column: 1, rows: size.rows, columns: size.columns - 2)
        canvas.fill(Rect(row: 0, column: 0, rows: 1, columns: size.columns), style: Style(.accent, .reverse))
        canvas.write(title, row: 0, in: body, style: Style(.accent, [.reverse, .bold]), direction: direction)
        if let trailing {
            let shown = truncate(trailing, width: body.columns / 2, ellipsis: symbols.ellipsis)
            canvas.write(shown, row: 0, in: body, style: Style(.accent, .reverse), direction: direction == .leftToRight ? .rightToLeft : .leftToRight)
        }
        return Page(context: context, body: body, footerRow: size.rows - 1, messageRow: size.rows - 2,
                    compact: size.rows < 16)
    }

    /// Draws the footer: the screen's key hints, from its bindings.
    public func footer(_ hints: KeyHints, on page: Page, into canvas: inout Canvas) {
        hints.render(into: &canvas, in: Rect(row: page.footerRow, column: page.body.column, rows: 1, columns: page.body.columns),
                     context: page.context)
    }
}
