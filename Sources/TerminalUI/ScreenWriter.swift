/// Turns the difference between two canvases into the bytes a terminal needs, and nothing more.
///
/// ncurses resets the terminal's attributes at the end of every refresh, so each typed character
/// cost a full attribute change, the character and a reset (34 bytes in a coloured field). This
/// writer remembers what the terminal already has (the cursor position, the attributes last set)
/// and sends only what differs: a character typed where the cursor stands, in the field's style,
/// is that character alone. A pure value, so tests can check the bytes for any pair of frames.
///
/// It speaks the ANSI/ECMA-48 subset every terminal the kiosk meets understands (xterm and its
/// kin, tmux, screen, the Linux console): CUP, ED, SGR and DECTCEM.
public struct ScreenWriter: Sendable {
    /// How each role looks on this terminal.
    public let theme: Theme
    /// Whether the terminal shows colour, and how many (8, 16, 256).
    public let colors: Int
    /// Whether the terminal takes the default colours (SGR 39 and 49).
    public let defaultColors: Bool

    /// Where the terminal's cursor is, when known for certain.
    private var cursor: Point?
    /// The style the terminal draws with now; nil after a reset or at start.
    private var current: Style?
    private var cursorVisible: Bool?
    private var previous: Canvas?

    public init(theme: Theme, colors: Int, defaultColors: Bool = true) {
        self.theme = theme
        self.colors = colors
        self.defaultColors = defaultColors
    }

    /// Forgets what is on the screen: the next frame is drawn whole (after a resize or a suspend).
    public mutating func invalidate() {
        previous = nil
        cursor = nil
        current = nil
        cursorVisible = nil
    }

    /// The bytes that turn the screen into `canvas`.
    public mutating func frame(_ canvas: Canvas) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        let full = previous == nil || previous?.size != canvas.size
        if full {
            // Reset first, so the clear paints the terminal's own background, then clear and home.
            out += Array("\u{1B}[0m\u{1B}[H\u{1B}[2J".utf8)
            current = nil
            cursor = Point(row: 0, column: 0)
        }
        let runs = canvas.changes(from: full ? nil : previous)
        // Hide the cursor while cells change on other rows, so it is not seen jumping about.
        let moves = runs.contains { run in cursor.map { $0.row != run.row } ?? true }
        if moves, cursorVisible != false, !runs.isEmpty {
            out += Array("\u{1B}[?25l".utf8)
            cursorVisible = false
        }
        for run in runs {
            move(to: Point(row: run.row, column: run.column), &out)
            if current != run.style {
                out += sgr(run.style)
                current = run.style
            }
            var column = run.column
            var exact = true
            for cell in run.cells {
                if cell.isContinuation { continue }
                let width = max(1, displayWidth(cell.text))
                out += Array(cell.text.utf8)
                if cell.text.utf8.count != 1 { exact = false }  // the terminal's width table may differ from ours
                column += width
            }
            // Past the last column the terminal waits to wrap: its position is no longer a cell.
            cursor = exact && column < canvas.size.columns ? Point(row: run.row, column: column) : nil
        }
        if let target = canvas.cursor, canvas.bounds.contains(target) {
            move(to: target, &out)
            if cursorVisible != true {
                out += Array("\u{1B}[?25h".utf8)
                cursorVisible = true
            }
        } else if cursorVisible != false {
            out += Array("\u{1B}[?25l".utf8)
            cursorVisible = false
        }
        previous = canvas
        return out
    }

    /// Moves the cursor, unless it is there already: along its row with the shortest sequence
    /// (a Backspace is one byte back), elsewhere with an absolute position.
    private mutating func move(to point: Point, _ out: inout [UInt8]) {
        if cursor == point { return }
        if let from = cursor, from.row == point.row {
            let step = point.column - from.column
            if step == -1 { out.append(0x08) } else if step < 0 { out += Array("\u{1B}[\(-step)D".utf8) } else {
                out += Array("\u{1B}[\(step)C".utf8)
            }
        } else {
            out += Array("\u{1B}[\(point.row + 1);\(point.column + 1)H".utf8)
        }
        cursor = point
    }

    /// One SGR sequence setting everything a style needs, from a clean slate.
    func sgr(_ style: Style) -> [UInt8] {
        let role = theme[style.role]
        var attributes = role.attributes.union(style.attributes)
        var codes = ["0"]
        if colors > 0 {
            if let fg = color(role.foreground, background: false, bold: &attributes) { codes.append(fg) }
            var ignored = Attributes()
            if let bg = color(role.background, background: true, bold: &ignored) { codes.append(bg) }
        }
        if attributes.contains(.bold) { codes.append("1") }
        if attributes.contains(.dim) { codes.append("2") }
        if attributes.contains(.underline) { codes.append("4") }
        if attributes.contains(.reverse) { codes.append("7") }
        return Array("\u{1B}[\(codes.joined(separator: ";"))m".utf8)
    }

    private func color(_ color: ThemeColor?, background: Bool, bold: inout Attributes) -> String? {
        switch color {
        case nil, .default?:
            // Without default colours the terminal's own are white on black.
            return defaultColors ? nil : (background ? "40" : "37")
        case .basic(let c, let bright)?:
            if bright && colors >= 16 { return String((background ? 100 : 90) + Int(c.rawValue)) }
            // Without 16 colours, bright colours are approximated by bold.
            if bright && !background { bold.insert(.bold) }
            return String((background ? 40 : 30) + Int(c.rawValue))
        case .indexed(let n)?:
            guard n < colors else { return defaultColors ? nil : (background ? "40" : "37") }
            return (background ? "48;5;" : "38;5;") + String(n)
        }
    }
}
