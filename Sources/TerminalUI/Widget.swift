/// Which way a layout reads; right-to-left mirrors alignment, not characters.
public enum LayoutDirection: Sendable, Equatable {
    case leftToRight
    case rightToLeft
}

/// What every widget needs to know to draw itself.
public struct RenderContext: Sendable, Equatable {
    public var symbols: Symbols
    public var direction: LayoutDirection
    /// True when the widget has the keyboard focus.
    public var focused: Bool

    public init(symbols: Symbols = .unicode, direction: LayoutDirection = .leftToRight, focused: Bool = true) {
        self.symbols = symbols
        self.direction = direction
        self.focused = focused
    }

    /// The same context, with another focus.
    public func focused(_ value: Bool) -> RenderContext {
        var copy = self
        copy.focused = value
        return copy
    }
}

/// What a widget did with a key.
public enum WidgetOutcome: Sendable, Equatable {
    /// Not for this widget: the caller may use it (Tab, Esc, an arrow at the end of a list).
    case ignored
    /// Used, with no change to the value (the cursor moved).
    case handled
    /// Used, and the value changed.
    case changed
    /// Meant for the widget but refused (too long, a character not allowed): a cue to beep.
    case rejected
    /// The user confirmed (Enter).
    case submitted
}

extension Canvas {
    /// Writes one line aligned to the start of `rect` for the direction: left, or right in RTL.
    @discardableResult
    public mutating func write(_ text: String, row: Int, in rect: Rect, style: Style, direction: LayoutDirection) -> Int {
        switch direction {
        case .leftToRight: write(text, row: row, column: rect.column, style: style, maxWidth: rect.columns)
        case .rightToLeft: writeTrailing(text, row: row, in: rect, style: style)
        }
    }
}
