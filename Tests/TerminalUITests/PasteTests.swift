import Testing
import TerminalUI

/// Where a `Key.paste` lands: text in a field, nothing in a choice list.
@Suite struct PasteTests {
    @Test func aPasteIsInsertedAtTheCursorAsText() {
        var field = TextField(text: "Ann Haddad")
        for _ in 0..<6 { _ = field.handle(.left) }
        #expect(field.handle(.paste("Marie ")) == .changed)
        #expect(field.text == "Ann Marie Haddad")
        #expect(field.cursorIndex == 10)
    }

    @Test func lineBreaksAndTabsBecomeSpacesAndControlsAreDropped() {
        var field = TextField()
        _ = field.handle(.paste("Ann\r\nMarie\tHaddad\n\u{7}\u{1B}\u{9B}x"))
        #expect(field.text == "Ann Marie Haddad x")
    }

    @Test func theFieldsLengthLimitCutsThePaste() {
        var field = TextField(text: "ab", maxLength: 5)
        #expect(field.handle(.paste("cdefgh")) == .changed)
        #expect(field.text == "abcde")
        #expect(field.handle(.paste("z")) == .rejected)
        #expect(field.text == "abcde")
    }

    @Test func onlyAllowedCharactersArePasted() {
        var field = TextField(maxLength: 10, allowedCharacters: Set("0123456789-"))
        _ = field.handle(.paste("2026-11-12\n"))
        #expect(field.text == "2026-11-12")
        var other = TextField(maxLength: 10, allowedCharacters: Set("0123456789-"))
        #expect(other.handle(.paste("abc")) == .rejected)
        #expect(other.text.isEmpty)
    }

    @Test func aCleanerPassedWithThePasteRunsFirst() {
        var field = TextField()
        let key = Key.paste("A\u{1B}[31mB").cleaningPaste { $0.replacingOccurrences(of: "\u{1B}[31m", with: "") }
        #expect(key == .paste("AB"))
        #expect(Key.character("1").cleaningPaste { _ in "x" } == .character("1"))
        _ = field.handle(key)
        #expect(field.text == "AB")
    }

    @Test func aChoiceListIgnoresAPaste() {
        for mode in [ChoiceList.Mode.single, .multiple] {
            var list = ChoiceList(options: [.init("Yes"), .init("No")], mode: mode)
            #expect(list.handle(.paste("1")) == .ignored)
            #expect(list.handle(.paste(" 2\r")) == .ignored)
            #expect(list.selectedIndices.isEmpty)
            #expect(list.cursor == 0)
        }
    }
}
