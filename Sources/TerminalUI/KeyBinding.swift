/// One key binding of a screen: which keys, what they do, and the footer hint that names them.
///
/// A screen declares its bindings as a list, and the same list drives both dispatch
/// (``KeyBindings/action(for:)``) and the footer (``KeyBindings/hints``), so a hint can only
/// promise a key the screen acts on. Hint text is given already in the screen's language, so
/// building the list again after a language switch relabels every hint.
public struct KeyBinding<Action>: CustomStringConvertible {
    /// What the hint calls the keys ("Enter", "↑↓"); nil for a key the footer does not show.
    public var label: String?
    /// What pressing them does, in the screen's language.
    public var hint: String?
    public var action: Action
    /// Whether a key belongs to this binding.
    public var matches: (Key) -> Bool

    /// Keys listed one by one.
    public init(_ keys: [Key], _ action: Action, label: String? = nil, hint: String? = nil) {
        self.label = label
        self.hint = hint
        self.action = action
        self.matches = { keys.contains($0) }
    }

    /// Keys chosen by a test (digits, any printable character, anything left).
    public init(matching: @escaping (Key) -> Bool, _ action: Action, label: String? = nil, hint: String? = nil) {
        self.label = label
        self.hint = hint
        self.action = action
        self.matches = matching
    }

    /// Whether the footer shows this binding.
    public var isShown: Bool { label != nil && hint != nil }

    public var description: String { "\(label ?? "-") \(hint ?? "-") → \(action)" }
}

/// A screen's key bindings, first match wins.
public struct KeyBindings<Action> {
    public var bindings: [KeyBinding<Action>]

    public init(_ bindings: [KeyBinding<Action>]) { self.bindings = bindings }

    /// What `key` does on this screen; nil when it does nothing.
    public func action(for key: Key) -> Action? {
        bindings.first { $0.matches(key) }?.action
    }

    /// The footer: every shown binding, in order.
    public var hints: KeyHints {
        KeyHints(bindings.compactMap { binding in
            guard let label = binding.label, let hint = binding.hint else { return nil }
            return (label, hint)
        })
    }

    public static func + (lhs: KeyBindings, rhs: KeyBindings) -> KeyBindings { KeyBindings(lhs.bindings + rhs.bindings) }
}
