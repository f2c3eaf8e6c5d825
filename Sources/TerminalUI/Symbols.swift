import CNcursesw

/// The marks widgets draw with, in a Unicode and an ASCII set.
///
/// Terminals whose locale is not UTF-8 get ASCII so that nothing turns into "?".
public struct Symbols: Sendable, Equatable {
    public var checkboxOn: String
    public var checkboxOff: String
    public var radioOn: String
    public var radioOff: String
    public var barFull: String
    public var barEmpty: String
    public var arrowUp: String
    public var arrowDown: String
    public var arrowLeft: String
    public var arrowRight: String
    public var bullet: String
    public var ellipsis: String
    public var boxTopLeft: String
    public var boxTopRight: String
    public var boxBottomLeft: String
    public var boxBottomRight: String
    public var boxHorizontal: String
    public var boxVertical: String

    public static let unicode = Symbols(
        checkboxOn: "☑", checkboxOff: "☐", radioOn: "◉", radioOff: "○",
        barFull: "█", barEmpty: "░", arrowUp: "↑", arrowDown: "↓", arrowLeft: "←", arrowRight: "→",
        bullet: "•", ellipsis: "…",
        boxTopLeft: "┌", boxTopRight: "┐", boxBottomLeft: "└", boxBottomRight: "┘",
        boxHorizontal: "─", boxVertical: "│")

    public static let ascii = Symbols(
        checkboxOn: "[x]", checkboxOff: "[ ]", radioOn: "(*)", radioOff: "( )",
        barFull: "#", barEmpty: "-", arrowUp: "^", arrowDown: "v", arrowLeft: "<", arrowRight: ">",
        bullet: "*", ellipsis: "...",
        boxTopLeft: "+", boxTopRight: "+", boxBottomLeft: "+", boxBottomRight: "+",
        boxHorizontal: "-", boxVertical: "|")

    /// The set for a codeset name as nl_langinfo(CODESET) reports it.
    public static func forCodeset(_ codeset: String) -> Symbols {
        let normalized = codeset.uppercased().filter { $0 != "-" && $0 != "_" }
        return normalized == "UTF8" ? .unicode : .ascii
    }

    /// The set for the process's LC_CTYPE locale.
    ///
    /// A program still in the "C" locale first adopts the environment's, as
    /// `NcursesBackend` does; setlocale is process-wide, so call this at start-up.
    public static func forCurrentLocale() -> Symbols {
        if let current = setlocale(LC_CTYPE, nil), ["C", "POSIX"].contains(String(cString: current)) {
            setlocale(LC_CTYPE, "")
        }
        guard let codeset = intake_codeset() else { return .ascii }
        return forCodeset(String(cString: codeset))
    }
}
