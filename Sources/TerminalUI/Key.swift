import CNcursesw

/// A key press, as widgets see it.
public enum Key: Hashable, Sendable {
    case character(Character)
    case enter, backspace, delete, tab, backTab
    case up, down, left, right, home, end, pageUp, pageDown
    case escape
    case function(Int)
    /// Ctrl plus a key: a lowercase letter, or "\\", "]", "^", "_", "@".
    case control(Character)
    /// The terminal changed size; read the backend's `size` again.
    case resize
}

/// Maps what ncurses' get_wch returns to a `Key`, without needing a terminal.
public struct KeyDecoder: Sendable {
    public init() {}

    /// Decodes one get_wch result.
    ///
    /// - Parameters:
    ///   - value: the wint_t that get_wch stored.
    ///   - isKeyCode: true when get_wch returned KEY_CODE_YES (a KEY_* code, not a character).
    /// - Returns: the key, or nil for codes a kiosk has no use for.
    public func decode(_ value: UInt32, isKeyCode: Bool) -> Key? {
        isKeyCode ? decodeKeyCode(Int(value)) : decodeCharacter(value)
    }

    private func decodeCharacter(_ value: UInt32) -> Key? {
        switch value {
        case 9: return .tab
        case 10, 13: return .enter
        case 8, 127: return .backspace
        case 27: return .escape
        case 0: return .control("@")
        case 1...26: return .control(Character(Unicode.Scalar(UInt8(0x60) + UInt8(value))))
        case 28: return .control("\\")
        case 29: return .control("]")
        case 30: return .control("^")
        case 31: return .control("_")
        case 0x80..<0xA0: return nil
        default:
            guard let scalar = Unicode.Scalar(value) else { return nil }
            return .character(Character(scalar))
        }
    }

    private func decodeKeyCode(_ code: Int) -> Key? {
        let f0 = Int(KEY_F0)
        switch code {
        case Int(KEY_UP): return .up
        case Int(KEY_DOWN): return .down
        case Int(KEY_LEFT): return .left
        case Int(KEY_RIGHT): return .right
        case Int(KEY_HOME), Int(KEY_A1), Int(KEY_FIND): return .home
        case Int(KEY_END), Int(KEY_C1), Int(KEY_SELECT): return .end
        case Int(KEY_PPAGE), Int(KEY_A3): return .pageUp
        case Int(KEY_NPAGE), Int(KEY_C3): return .pageDown
        case Int(KEY_ENTER): return .enter
        case Int(KEY_BACKSPACE): return .backspace
        case Int(KEY_DC): return .delete
        case Int(KEY_BTAB): return .backTab
        case Int(KEY_RESIZE): return .resize
        case (f0 + 1)...(f0 + 63): return .function(code - f0)
        default: return nil
        }
    }
}
