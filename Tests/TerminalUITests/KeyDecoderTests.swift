import Testing
import TerminalUI

@Suite struct KeyDecoderTests {
    let decoder = KeyDecoder()

    // KEY_* values from ncurses' curses.h (octal there), as get_wch reports them.
    static let keyDown: UInt32 = 0o402, keyUp: UInt32 = 0o403, keyLeft: UInt32 = 0o404, keyRight: UInt32 = 0o405
    static let keyHome: UInt32 = 0o406, keyBackspace: UInt32 = 0o407, keyF0: UInt32 = 0o410
    static let keyDC: UInt32 = 0o512, keyNPage: UInt32 = 0o522, keyPPage: UInt32 = 0o523
    static let keyEnter: UInt32 = 0o527, keyBTab: UInt32 = 0o541, keyEnd: UInt32 = 0o550, keyResize: UInt32 = 0o632

    @Test func signalKeysArriveAsControlKeys() {
        #expect(decoder.decode(3, isKeyCode: false) == .control("c"))
        #expect(decoder.decode(26, isKeyCode: false) == .control("z"))
        #expect(decoder.decode(28, isKeyCode: false) == .control("\\"))
        #expect(decoder.decode(1, isKeyCode: false) == .control("a"))
        #expect(decoder.decode(4, isKeyCode: false) == .control("d"))
    }

    @Test func editingKeysFromCharacters() {
        #expect(decoder.decode(9, isKeyCode: false) == .tab)
        #expect(decoder.decode(13, isKeyCode: false) == .enter)
        #expect(decoder.decode(10, isKeyCode: false) == .enter)
        #expect(decoder.decode(127, isKeyCode: false) == .backspace)
        #expect(decoder.decode(8, isKeyCode: false) == .backspace)
        #expect(decoder.decode(27, isKeyCode: false) == .escape)
    }

    @Test func printableCharacters() {
        #expect(decoder.decode(0x61, isKeyCode: false) == .character("a"))
        #expect(decoder.decode(0x20, isKeyCode: false) == .character(" "))
        #expect(decoder.decode(0xE9, isKeyCode: false) == .character("é"))
        #expect(decoder.decode(0x65E5, isKeyCode: false) == .character("日"))
        #expect(decoder.decode(0x9B, isKeyCode: false) == nil)   // C1 CSI never reaches widgets
    }

    @Test func keyCodes() {
        #expect(decoder.decode(Self.keyUp, isKeyCode: true) == .up)
        #expect(decoder.decode(Self.keyDown, isKeyCode: true) == .down)
        #expect(decoder.decode(Self.keyLeft, isKeyCode: true) == .left)
        #expect(decoder.decode(Self.keyRight, isKeyCode: true) == .right)
        #expect(decoder.decode(Self.keyHome, isKeyCode: true) == .home)
        #expect(decoder.decode(Self.keyEnd, isKeyCode: true) == .end)
        #expect(decoder.decode(Self.keyPPage, isKeyCode: true) == .pageUp)
        #expect(decoder.decode(Self.keyNPage, isKeyCode: true) == .pageDown)
        #expect(decoder.decode(Self.keyBackspace, isKeyCode: true) == .backspace)
        #expect(decoder.decode(Self.keyDC, isKeyCode: true) == .delete)
        #expect(decoder.decode(Self.keyEnter, isKeyCode: true) == .enter)
        #expect(decoder.decode(Self.keyBTab, isKeyCode: true) == .backTab)
        #expect(decoder.decode(Self.keyF0 + 1, isKeyCode: true) == .function(1))
        #expect(decoder.decode(Self.keyF0 + 12, isKeyCode: true) == .function(12))
        #expect(decoder.decode(Self.keyResize, isKeyCode: true) == .resize)
    }

    @Test func theSameNumberMeansDifferentThingsAsCharacterOrKeyCode() {
        // 0o403 is KEY_UP as a key code but "ă" (U+0103) as a character.
        #expect(decoder.decode(Self.keyUp, isKeyCode: false) == .character("ă"))
        #expect(decoder.decode(0o777, isKeyCode: true) == nil)
    }
}
