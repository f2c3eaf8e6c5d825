/// What a piece of text means on screen; themes give each role its colours.
///
/// The raw values are the keys of a theme file.
public enum Role: String, CaseIterable, Sendable {
    case text, muted, accent, focus, error, warning, success
    case eligible, review
    case deferred = "defer"
    case contraindicated
}

/// Text attributes a terminal can show without colour.
public struct Attributes: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let bold = Attributes(rawValue: 1 << 0)
    public static let underline = Attributes(rawValue: 1 << 1)
    public static let reverse = Attributes(rawValue: 1 << 2)
    public static let dim = Attributes(rawValue: 1 << 3)

    /// Names as written in theme files, in a stable order.
    public static let names: [(name: String, value: Attributes)] = [
        ("bold", .bold), ("underline", .underline), ("reverse", .reverse), ("dim", .dim),
    ]
}

/// The style of one cell: a role, plus attributes added on top of the theme's.
public struct Style: Hashable, Sendable {
    public var role: Role
    public var attributes: Attributes

    public init(_ role: Role, _ attributes: Attributes = []) {
        self.role = role
        self.attributes = attributes
    }

    public init(role: Role, attributes: Attributes = []) {
        self.init(role, attributes)
    }

    /// The same role with extra attributes.
    public func adding(_ extra: Attributes) -> Style { Style(role, attributes.union(extra)) }

    public static let text = Style(.text)
    public static let muted = Style(.muted)
    public static let accent = Style(.accent)
    public static let focus = Style(.focus)
    public static let error = Style(.error)
    public static let warning = Style(.warning)
    public static let success = Style(.success)
    public static let eligible = Style(.eligible)
    public static let review = Style(.review)
    public static let deferred = Style(.deferred)
    public static let contraindicated = Style(.contraindicated)
}
