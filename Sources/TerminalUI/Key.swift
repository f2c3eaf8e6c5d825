/// A key press, as widgets see it.
public enum Key: Hashable, Sendable {
    case character(Character)
    case enter, backspace, delete, insert, tab, backTab
    case up, down, left, right, home, end, pageUp, pageDown
    case escape
    case function(Int)
    /// Ctrl plus a key: a lowercase letter, or "\\", "]", "^", "_", "@".
    case control(Character)
    /// The terminal changed size; read the backend's `size` again.
    case resize
    /// Text the terminal pasted (bracketed paste), as it came: always text, never keys.
    ///
    /// It may hold control characters and escape sequences; whoever inserts it cleans it.
    /// A choice list ignores it, so a paste can never pick an option.
    case paste(String)
}

extension Key {
    /// The same key, with a paste's text passed through `clean` (the caller's cleaner for typed text).
    public func cleaningPaste(_ clean: (String) -> String) -> Key {
        if case .paste(let text) = self { return .paste(clean(text)) }
        return self
    }
}

/// Turns the bytes a terminal sends into keys, and never guesses.
///
/// A pure value: feed it bytes with the time they arrived (seconds on any monotonic clock) and it
/// returns the keys they complete. What it holds back (an Esc that may start a sequence, half a
/// sequence, half a UTF-8 character, a paste) it resolves at ``deadline``; call ``advance(to:)``
/// then, or simply feed the next bytes.
///
/// - Every well-formed CSI (`ESC [`, parameter bytes 0x30–0x3F, intermediate bytes 0x20–0x2F, one
///   final byte 0x40–0x7E) and SS3 (`ESC O` and one final byte) is consumed whole. Known ones become
///   keys; unknown ones are dropped, so their digits never reach a widget.
/// - A key with modifiers (`ESC [ 1 ; 5 A`, Ctrl-Up; any second parameter other than 1) is dropped,
///   like an Alt key: the kiosk gives no meaning to Shift, Ctrl or Alt, and does not guess one.
/// - Alt/Meta keys (Esc then any byte that does not start CSI or SS3, within the gap) are dropped
///   whole: neither Esc nor the character. `ESC ESC …` is Alt plus whatever follows, dropped too.
/// - A lone Esc is `.escape` only once ``escapeDelay`` passes with no further byte. A sequence still
///   unfinished then is dropped. If a `[` then arrives within ``lateTailWindow`` of that Esc, it is
///   read as the late rest of a sequence a slow link split, and dropped whole with what follows.
/// - UTF-8 is decoded into single-scalar `.character`s; invalid UTF-8 and C1 controls are dropped
///   (C1 CSI and SS3, 0x9B and 0x8F, raw or UTF-8 encoded, start a sequence like `ESC [` and `ESC O`).
/// - Bracketed paste: text between `ESC [ 200 ~` and `ESC [ 201 ~` is one `.paste`, whatever it holds
///   (an Esc inside is data); at most ``pasteLimit`` scalars are kept, the rest is read and dropped.
///   A paste whose end marker does not come within ``pasteQuiet`` of quiet ends there.
public struct KeyDecoder: Sendable, Equatable {
    /// How long an Esc waits for a following byte before it counts as the Esc key: 50 ms.
    ///
    /// Like ncurses' ESCDELAY. Long enough that a sequence a busy pty, tmux or ssh delivers in two
    /// reads is still whole (a split one would otherwise turn into Esc plus characters), far shorter
    /// than anyone notices on a key that goes back a screen, and shorter than key autorepeat (≥ 30 ms
    /// apart on most systems is the fastest; repeats of Esc within the gap count as Alt-Esc and are dropped).
    public static let defaultEscapeDelay = 0.050
    /// How long after a lone Esc a `[` is taken for the late tail of a split sequence.
    public static let lateTailWindow = 0.5
    /// A paste without its end marker ends after this long with no byte.
    public static let pasteQuiet = 2.0
    /// The most Unicode scalars one paste keeps.
    public static let pasteLimit = 4096

    public let escapeDelay: Double

    private enum State: Sendable, Equatable {
        case ground
        /// Inside a UTF-8 character: the scalar so far, bytes still needed, the allowed range of the next one.
        case utf8(scalar: UInt32, needed: Int, low: UInt8, high: UInt8, drop: Bool)
        /// After ESC; `meta` after ESC ESC (Alt plus what follows).
        case escape(meta: Bool)
        case csi(parameters: [UInt8], intermediates: [UInt8], malformed: Bool, drop: Bool)
        case ss3(parameters: [UInt8], drop: Bool)
        /// After `ESC [ [` (the Linux console's F1–F5 are `ESC [ [ A` … `ESC [ [ E`).
        case linuxFunction(drop: Bool)
        /// After `ESC [ M`: an X10 mouse report's three raw bytes follow.
        case mouse(remaining: Int)
        /// Inside a bracketed paste: the bytes so far, and how much of the end marker has been seen.
        case paste(bytes: [UInt8], matched: Int)
        /// Inside a control string (OSC, DCS, APC, PM, SOS, as a terminal's replies are): everything up to
        /// its terminator (BEL, ESC \\ or ST) is consumed and dropped, so digits in it never pick anything.
        case controlString(previous: UInt8, length: Int)
    }

    private var state: State = .ground
    /// When the last byte arrived (deadlines count from it).
    private var lastByte = 0.0
    /// Until when a `[` is the late tail of a split sequence (set when a lone Esc was given).
    private var lateTailUntil: Double?
    /// When a paste ended: bytes arriving with it (in the same read) are dropped, so an end marker
    /// smuggled inside pasted text cannot turn the rest of the paste into keys.
    private var pasteEndedAt: Double?

    private static let pasteEnd: [UInt8] = [0x1B, 0x5B, 0x32, 0x30, 0x31, 0x7E]  // ESC [ 2 0 1 ~
    private static let pasteByteLimit = pasteLimit * 4
    private static let sequenceLimit = 32
    private static let controlStringLimit = 65_536

    public init(escapeDelay: Double = KeyDecoder.defaultEscapeDelay) {
        self.escapeDelay = escapeDelay
    }

    /// When what the decoder holds back must be resolved with ``advance(to:)``; nil when it holds nothing.
    public var deadline: Double? {
        switch state {
        case .ground: return nil
        case .paste, .controlString: return lastByte + Self.pasteQuiet
        default: return lastByte + escapeDelay
        }
    }

    /// True while the decoder is inside a bracketed paste.
    public var isInPaste: Bool {
        if case .paste = state { return true }
        return false
    }

    /// The keys that `bytes`, arriving at `now`, complete (after any that the passing of time resolves).
    public mutating func feed<Bytes: Sequence<UInt8>>(_ bytes: Bytes, at now: Double) -> [Key] {
        var keys = advance(to: now)
        for byte in bytes {
            lastByte = now
            step(byte, now: now, into: &keys)
        }
        return keys
    }

    /// Lets time pass: at or after ``deadline`` a lone Esc becomes `.escape`, an unfinished sequence
    /// or character is dropped, and an unterminated paste ends.
    public mutating func advance(to now: Double) -> [Key] {
        guard let deadline, now >= deadline else { return [] }
        var keys: [Key] = []
        switch state {
        case .escape(meta: false):
            keys.append(.escape)
            lateTailUntil = lastByte + Self.lateTailWindow
        case .paste(var bytes, let matched):
            Self.append(Self.pasteEnd[..<matched], to: &bytes)
            if let key = Self.pasteKey(bytes) { keys.append(key) }
        default:
            break
        }
        state = .ground
        return keys
    }

    // MARK: Bytes

    private mutating func step(_ byte: UInt8, now: Double, into keys: inout [Key]) {
        switch state {
        case .ground:
            ground(byte, now: now, drop: false, into: &keys)

        case .utf8(let scalar, let needed, let low, let high, let drop):
            guard (low...high).contains(byte) else {
                // Not a continuation: the unfinished character is dropped and the byte read afresh.
                state = .ground
                ground(byte, now: now, drop: false, into: &keys)
                return
            }
            let value = scalar << 6 | UInt32(byte & 0x3F)
            if needed > 1 {
                state = .utf8(scalar: value, needed: needed - 1, low: 0x80, high: 0xBF, drop: drop)
            } else {
                state = .ground
                scalarDecoded(value, drop: drop, into: &keys)
            }

        case .escape(let meta):
            switch byte {
            case 0x5B: state = .csi(parameters: [], intermediates: [], malformed: false, drop: meta)
            case 0x4F: state = .ss3(parameters: [], drop: meta)
            case 0x5D, 0x50, 0x5F, 0x5E, 0x58: state = .controlString(previous: byte, length: 0)  // OSC DCS APC PM SOS
            case 0x1B: state = .escape(meta: true)
            case 0x80...0xFF:
                // Alt plus a non-ASCII character: the whole character is dropped.
                state = .ground
                ground(byte, now: now, drop: true, into: &keys)
            default:
                // Alt plus a printable or control key: both bytes are dropped.
                state = .ground
            }

        case .csi(var parameters, var intermediates, var malformed, let drop):
            switch byte {
            case 0x30...0x3F:
                // Parameters after an intermediate break ECMA-48's order: read on to the final byte, then drop.
                if !intermediates.isEmpty || parameters.count >= Self.sequenceLimit { malformed = true } else { parameters.append(byte) }
                state = .csi(parameters: parameters, intermediates: intermediates, malformed: malformed, drop: drop)
            case 0x20...0x2F:
                if intermediates.count >= Self.sequenceLimit { malformed = true } else { intermediates.append(byte) }
                state = .csi(parameters: parameters, intermediates: intermediates, malformed: malformed, drop: drop)
            case 0x40...0x7E:
                state = .ground
                csiFinished(parameters: parameters, intermediates: intermediates, final: byte,
                            malformed: malformed, drop: drop, into: &keys)
            case 0x7F:
                break  // DEL inside a sequence is ignored, as terminals do
            default:
                // A control or non-ASCII byte cannot be inside a CSI: the sequence is broken and dropped.
                brokenOff(by: byte, now: now, into: &keys)
            }

        case .ss3(var parameters, let drop):
            switch byte {
            case 0x30...0x3F:
                // Some terminals put a modifier here (`ESC O 5 A`): read it, and drop the key.
                if parameters.count < Self.sequenceLimit { parameters.append(byte) }
                state = .ss3(parameters: parameters, drop: drop)
            case 0x20...0x7E:
                // SS3 shifts exactly one character: it is consumed, known or not.
                state = .ground
                if !drop, parameters.isEmpty, let key = Self.ss3Key(byte) { keys.append(key) }
            default:
                brokenOff(by: byte, now: now, into: &keys)
            }

        case .linuxFunction(let drop):
            if (0x20...0x7E).contains(byte) {
                state = .ground
                if !drop, (0x41...0x45).contains(byte) { keys.append(.function(Int(byte) - 0x40)) }
            } else {
                brokenOff(by: byte, now: now, into: &keys)
            }

        case .mouse(let remaining):
            state = remaining > 1 ? .mouse(remaining: remaining - 1) : .ground

        case .controlString(let previous, let length):
            switch byte {
            case 0x07:
                state = .ground                                        // BEL ends an OSC (xterm)
            case 0x5C where previous == 0x1B:
                state = .ground                                        // ESC \\ (ST)
            case _ where previous == 0x1B:
                // ESC and something else: the string was cut off, and a new sequence starts here.
                state = .escape(meta: false)
                step(byte, now: now, into: &keys)
            case 0x9C where previous == 0xC2 || !(0x80...0xBF).contains(previous):
                state = .ground                                        // ST, 8-bit or as UTF-8
            default:
                // A runaway string ends at the limit; what follows is read afresh.
                state = length >= Self.controlStringLimit ? .ground : .controlString(previous: byte, length: length + 1)
            }

        case .paste(var bytes, var matched):
            if byte == Self.pasteEnd[matched] {
                matched += 1
                if matched == Self.pasteEnd.count {
                    state = .ground
                    pasteEndedAt = now
                    if let key = Self.pasteKey(bytes) { keys.append(key) }
                    return
                }
            } else {
                // What looked like the start of the end marker was data.
                Self.append(Self.pasteEnd[..<matched], to: &bytes)
                if byte == Self.pasteEnd[0] {
                    matched = 1
                } else {
                    matched = 0
                    Self.append(CollectionOfOne(byte), to: &bytes)
                }
            }
            state = .paste(bytes: bytes, matched: matched)
        }
    }

    /// A sequence interrupted by a byte that cannot be in it: the sequence is dropped, and so is that
    /// byte (a whole character if it starts one), since it came inside something garbled; only an ESC,
    /// which starts the next sequence, is read afresh.
    private mutating func brokenOff(by byte: UInt8, now: Double, into keys: inout [Key]) {
        state = .ground
        ground(byte, now: now, drop: byte != 0x1B, into: &keys)
    }

    /// A byte outside any sequence; with `drop`, whatever it starts is consumed and thrown away (Alt plus it).
    private mutating func ground(_ byte: UInt8, now: Double, drop: Bool, into keys: inout [Key]) {
        let lateTail = lateTailUntil.map { now < $0 } ?? false
        lateTailUntil = nil
        let drop = drop || pasteEndedAt == now
        switch byte {
        case 0x1B:
            state = .escape(meta: drop)
        case 0x5B where lateTail:
            // `[` just after a lone Esc: the rest of a sequence whose Esc came too early. Drop it whole.
            state = .csi(parameters: [], intermediates: [], malformed: false, drop: true)
        case 0x00...0x1F, 0x7F:
            if !drop, let key = Self.controlKey(byte) { keys.append(key) }
        case 0x20...0x7E:
            if !drop { keys.append(.character(Character(Unicode.Scalar(byte)))) }
        case 0x9B:
            state = .csi(parameters: [], intermediates: [], malformed: false, drop: drop)
        case 0x8F:
            state = .ss3(parameters: [], drop: drop)
        case 0x90, 0x98, 0x9D, 0x9E, 0x9F:
            state = .controlString(previous: byte, length: 0)             // 8-bit DCS SOS OSC PM APC
        case 0xC2...0xDF:
            state = .utf8(scalar: UInt32(byte & 0x1F), needed: 1, low: 0x80, high: 0xBF, drop: drop)
        case 0xE0:
            state = .utf8(scalar: 0, needed: 2, low: 0xA0, high: 0xBF, drop: drop)  // no overlong forms
        case 0xED:
            state = .utf8(scalar: 0x0D, needed: 2, low: 0x80, high: 0x9F, drop: drop)  // no surrogates
        case 0xE1...0xEF:
            state = .utf8(scalar: UInt32(byte & 0x0F), needed: 2, low: 0x80, high: 0xBF, drop: drop)
        case 0xF0:
            state = .utf8(scalar: 0, needed: 3, low: 0x90, high: 0xBF, drop: drop)
        case 0xF1...0xF3:
            state = .utf8(scalar: UInt32(byte & 0x07), needed: 3, low: 0x80, high: 0xBF, drop: drop)
        case 0xF4:
            state = .utf8(scalar: 4, needed: 3, low: 0x80, high: 0x8F, drop: drop)  // nothing above U+10FFFF
        default:
            break  // a stray continuation byte, C0/C1 lead or F5–FF: invalid UTF-8, dropped
        }
    }

    private mutating func scalarDecoded(_ value: UInt32, drop: Bool, into keys: inout [Key]) {
        switch value {
        case 0x9B: state = .csi(parameters: [], intermediates: [], malformed: false, drop: drop)  // C1 CSI
        case 0x8F: state = .ss3(parameters: [], drop: drop)                                       // C1 SS3
        case 0x90, 0x98, 0x9D, 0x9E, 0x9F: state = .controlString(previous: 0, length: 0)         // C1 strings
        case 0x80...0x9F: break  // other C1 controls never reach widgets
        default:
            if !drop, let scalar = Unicode.Scalar(value) { keys.append(.character(Character(scalar))) }
        }
    }

    private mutating func csiFinished(parameters: [UInt8], intermediates: [UInt8], final: UInt8,
                                      malformed: Bool, drop: Bool, into keys: inout [Key]) {
        guard !malformed, intermediates.isEmpty else { return }
        switch (parameters, final) {
        case ([0x32, 0x30, 0x30], 0x7E):
            // ESC [ 200 ~ starts a paste; even after Alt, its text must not be read as keys.
            state = .paste(bytes: [], matched: 0)
        case ([], 0x5B):
            state = .linuxFunction(drop: drop)
        case ([], 0x4D):
            state = .mouse(remaining: 3)
        default:
            if !drop, let key = Self.csiKey(parameters: parameters, final: final) { keys.append(key) }
        }
    }

    // MARK: Tables

    private static func controlKey(_ byte: UInt8) -> Key? {
        switch byte {
        case 9: return .tab
        case 10, 13: return .enter
        case 8, 127: return .backspace
        case 0: return .control("@")
        case 1...26: return .control(Character(Unicode.Scalar(0x60 + byte)))
        case 28: return .control("\\")
        case 29: return .control("]")
        case 30: return .control("^")
        case 31: return .control("_")
        default: return nil
        }
    }

    /// The numbers of a CSI's parameter string (nil for an omitted one), or nil when it is not plain
    /// numbers and semicolons (private markers `< = > ?` and sub-parameters mark reports, not keys).
    private static func numbers(_ parameters: [UInt8]) -> [Int?]? {
        guard !parameters.isEmpty else { return [] }
        var result: [Int?] = []
        for part in parameters.split(separator: 0x3B, omittingEmptySubsequences: false) {
            guard part.count <= 5, part.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
            result.append(part.isEmpty ? nil : part.reduce(0) { $0 * 10 + Int($1 - 0x30) })
        }
        return result
    }

    private static func csiKey(parameters: [UInt8], final: UInt8) -> Key? {
        guard let numbers = numbers(parameters), numbers.count <= 2 else { return nil }
        // The second parameter is the modifier, 1 + (Shift 1, Alt 2, Ctrl 4, Meta 8): only "none" is a key here.
        if numbers.count == 2, numbers[1] != 1 { return nil }
        let first = numbers.first ?? nil
        switch final {
        case 0x7E:  // ~
            guard let first else { return nil }
            return tildeKeys[first]
        default:
            guard first == nil || first == 1 else { return nil }
            switch final {
            case 0x41: return .up
            case 0x42: return .down
            case 0x43: return .right
            case 0x44: return .left
            case 0x48: return .home
            case 0x46: return .end
            case 0x5A: return .backTab
            default: return nil
            }
        }
    }

    /// `ESC [ n ~` keys: vt220, xterm, rxvt, the Linux console, PuTTY, tmux and screen.
    private static let tildeKeys: [Int: Key] = [
        1: .home, 2: .insert, 3: .delete, 4: .end, 5: .pageUp, 6: .pageDown, 7: .home, 8: .end,
        11: .function(1), 12: .function(2), 13: .function(3), 14: .function(4), 15: .function(5),
        17: .function(6), 18: .function(7), 19: .function(8), 20: .function(9), 21: .function(10),
        23: .function(11), 24: .function(12), 25: .function(13), 26: .function(14), 28: .function(15),
        29: .function(16), 31: .function(17), 32: .function(18), 33: .function(19), 34: .function(20),
    ]

    /// `ESC O x` keys: cursor keys and F1–F4, and the keypad in application mode (its digits are digits).
    private static func ss3Key(_ final: UInt8) -> Key? {
        switch final {
        case 0x41: return .up
        case 0x42: return .down
        case 0x43: return .right
        case 0x44: return .left
        case 0x48: return .home
        case 0x46: return .end
        case 0x50...0x53: return .function(Int(final) - 0x4F)  // P Q R S: F1–F4
        case 0x4D: return .enter                               // keypad Enter
        case 0x70...0x79: return .character(Character(Unicode.Scalar(final - 0x40)))  // keypad 0–9
        case 0x6A: return .character("*")
        case 0x6B: return .character("+")
        case 0x6C: return .character(",")
        case 0x6D: return .character("-")
        case 0x6E: return .character(".")
        case 0x6F: return .character("/")
        default: return nil
        }
    }

    // MARK: Paste

    private static func append<Bytes: Collection<UInt8>>(_ new: Bytes, to bytes: inout [UInt8]) {
        let room = pasteByteLimit - bytes.count
        if room > 0 { bytes.append(contentsOf: new.prefix(room)) }
    }

    /// The paste as text: invalid UTF-8 dropped, at most ``pasteLimit`` scalars; nil when nothing is left.
    private static func pasteKey(_ bytes: [UInt8]) -> Key? {
        var scalars = String.UnicodeScalarView()
        var count = 0
        for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars where scalar != "\u{FFFD}" {
            guard count < pasteLimit else { break }
            scalars.append(scalar)
            count += 1
        }
        return scalars.isEmpty ? nil : .paste(String(scalars))
    }
}
