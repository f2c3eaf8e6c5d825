import Testing
import TerminalUI

@Suite struct ChoiceListTests {
    func symptoms() -> ChoiceList {
        ChoiceList(options: [.init("Eczema"), .init("Psoriasis"), .init("Rosacea"), .init("None of these")],
                   mode: .multiple, exclusiveIndex: 3)
    }

    @Test func exclusiveOptionClearsTheOthersAndIsClearedByThem() {
        var list = symptoms()
        #expect(list.handle(.character(" ")) == .changed)
        #expect(list.handle(.down) == .handled)
        #expect(list.handle(.character(" ")) == .changed)
        #expect(list.selectedIndices == [0, 1])
        #expect(list.handle(.end) == .handled)
        #expect(list.handle(.character(" ")) == .changed)
        #expect(list.selectedIndices == [3])
        list.moveCursor(to: 2)
        #expect(list.handle(.character(" ")) == .changed)
        #expect(list.selectedIndices == [2])
    }

    @Test func spaceTogglesInMultipleMode() {
        var list = symptoms()
        _ = list.handle(.character(" "))
        _ = list.handle(.character(" "))
        #expect(list.selectedIndices.isEmpty)
        #expect(list.handle(.enter) == .submitted)
        #expect(list.selectedIndices.isEmpty)
    }

    @Test func singleModeEnterSelectsAndSubmits() {
        var list = ChoiceList(options: [.init("A"), .init("B"), .init("C")])
        _ = list.handle(.down)
        _ = list.handle(.character(" "))
        #expect(list.selectedIndices == [1])
        _ = list.handle(.down)
        #expect(list.handle(.enter) == .submitted)
        #expect(list.selectedIndices == [2])
        #expect(list.handle(.character(" ")) == .handled)   // already selected
    }

    @Test func cursorStopsAtTheEndsAndLetsTheCallerMoveOn() {
        var list = ChoiceList(options: [.init("A"), .init("B")], mode: .multiple)
        #expect(list.handle(.up) == .ignored)
        #expect(list.handle(.down) == .handled)
        #expect(list.handle(.down) == .ignored)
        #expect(list.cursor == 1)
        #expect(list.handle(.home) == .handled)
        #expect(list.cursor == 0)
        #expect(list.handle(.tab) == .ignored)
    }

    /// A single choice is a radio group: a step with an arrow moves the mark with the cursor; a jump
    /// (Home, End, a page) moves an existing mark but never puts a first one on an unanswered list.
    @Test func aSingleChoiceIsARadioGroup() {
        var list = ChoiceList(options: [.init("A"), .init("B"), .init("C")])
        #expect(list.handle(.end) == .handled)
        #expect(list.selectedIndices.isEmpty, "a jump marks nothing on an unanswered list")
        #expect(list.handle(.up) == .changed)
        #expect(list.selectedIndices == [1])
        #expect(list.handle(.home) == .changed)
        #expect(list.selectedIndices == [0] && list.cursor == 0)
        #expect(list.handle(.up) == .ignored)
        #expect(list.selectedIndices == [0])
    }

    @Test func yesNoConvenience() {
        var yn = ChoiceList.yesNo(yes: "Yes", no: "No")
        #expect(yn.yesNoValue == nil)
        _ = yn.handle(.down)
        _ = yn.handle(.enter)
        #expect(yn.yesNoValue == false)
        #expect(ChoiceList.yesNo(yes: "Ja", no: "Nein", value: true).yesNoValue == true)
        #expect(ChoiceList.yesNo(yes: "Ja", no: "Nein", value: false).cursor == 1)
    }

    @Test func scrollsToKeepTheCursorVisible() {
        var list = ChoiceList(options: (1...10).map { .init("Option \($0)") })
        list.moveCursor(to: 8)
        var canvas = Canvas(size: Size(rows: 4, columns: 20))
        list.render(into: &canvas, in: Rect(size: canvas.size), context: RenderContext())
        #expect(canvas.plainText == """
            ○ Option 6         ↑
            ○ Option 7
            ○ Option 8
            ○ Option 9         ↓
            """)
        #expect(canvas[3, 2].style == .focus)
    }

    @Test func preferredHeightCountsWrappedLabelsAndDetails() {
        let list = ChoiceList(options: [.init("A long label that wraps", detail: "detail"), .init("B")])
        #expect(list.preferredHeight(width: 80) == 3)
        #expect(list.preferredHeight(width: 12) == 5)
    }
}

@Suite struct TextFieldTests {
    @Test func insertsAtTheCursorAndEdits() {
        var field = TextField(text: "Jon")
        #expect(field.cursorIndex == 3)
        _ = field.handle(.left)
        #expect(field.handle(.character("h")) == .changed)
        #expect(field.text == "John")
        #expect(field.cursorIndex == 3)
        _ = field.handle(.home)
        #expect(field.handle(.delete) == .changed)
        #expect(field.text == "ohn")
        #expect(field.handle(.backspace) == .rejected)
        _ = field.handle(.end)
        #expect(field.handle(.backspace) == .changed)
        #expect(field.text == "oh")
        #expect(field.handle(.delete) == .rejected)
        #expect(field.handle(.enter) == .submitted)
        #expect(field.handle(.tab) == .ignored)
    }

    @Test func wideCharactersMoveTheCursorTwoColumns() {
        var field = TextField()
        for c in "山田x" { _ = field.handle(.character(c)) }
        #expect(field.text == "山田x")
        let rect = Rect(row: 2, column: 5, rows: 1, columns: 20)
        #expect(field.cursorPosition(in: rect, context: RenderContext()) == Point(row: 2, column: 10))
        _ = field.handle(.left)
        #expect(field.cursorPosition(in: rect, context: RenderContext()) == Point(row: 2, column: 9))
        _ = field.handle(.left)
        #expect(field.cursorIndex == 1)
        #expect(field.cursorPosition(in: rect, context: RenderContext()) == Point(row: 2, column: 7))
        _ = field.handle(.backspace)
        #expect(field.text == "田x")
        #expect(field.cursorPosition(in: rect, context: RenderContext()) == Point(row: 2, column: 5))
    }

    @Test func combiningMarkJoinsThePreviousCharacter() {
        var field = TextField()
        _ = field.handle(.character("e"))
        _ = field.handle(.character("\u{301}"))
        #expect(field.text == "e\u{301}")
        #expect(field.text.count == 1)
        #expect(field.cursorIndex == 1)
        _ = field.handle(.backspace)
        #expect(field.text.isEmpty)
    }

    @Test func maxLengthAndAllowedCharacters() {
        var field = TextField(maxLength: 4, allowedCharacters: Set("0123456789"))
        for c in "12a345" { _ = field.handle(.character(c)) }
        #expect(field.text == "1234")
        #expect(field.handle(.character("9")) == .rejected)
        #expect(field.handle(.character("\u{1B}")) == .rejected)
    }

    @Test func controlCharactersNeverEnterTheText() {
        var field = TextField(text: "a\u{1B}[2Jb")
        #expect(field.text == "a[2Jb")
        field.setText("x\u{9B}y")
        #expect(field.text == "xy")
    }

    @Test func scrollsHorizontallyToKeepTheCursorInside() {
        var field = TextField(text: "abcdefghijkl")
        var canvas = Canvas(size: Size(rows: 1, columns: 10))
        let rect = Rect(row: 0, column: 0, rows: 1, columns: 6)
        field.render(into: &canvas, in: rect, context: RenderContext())
        #expect(canvas.line(0) == "hijkl")
        #expect(canvas.cursor == Point(row: 0, column: 5))
        _ = field.handle(.home)
        canvas = Canvas(size: Size(rows: 1, columns: 10))
        field.render(into: &canvas, in: rect, context: RenderContext())
        #expect(canvas.line(0) == "abcdef")
        #expect(canvas.cursor == Point(row: 0, column: 0))
    }

    @Test func unfocusedFieldLeavesTheCursorHidden() {
        let field = TextField(text: "x")
        var canvas = Canvas(size: Size(rows: 1, columns: 10))
        field.render(into: &canvas, in: Rect(size: canvas.size), context: RenderContext(focused: false))
        #expect(canvas.cursor == nil)
        #expect(canvas[0, 3].style == Style(.text, .underline))
    }
}

@Suite struct DialogAndProgressTests {
    @Test func dialogButtonsCycleAndSubmit() {
        var dialog = Dialog(title: "Leave?", message: ["Your answers are saved."], buttons: ["Stay", "Leave"])
        #expect(dialog.handle(.right) == .handled)
        #expect(dialog.focusedButton == 1)
        #expect(dialog.handle(.tab) == .handled)
        #expect(dialog.focusedButton == 0)
        #expect(dialog.handle(.left) == .handled)
        #expect(dialog.focusedButton == 1)
        #expect(dialog.handle(.enter) == .submitted)
        #expect(dialog.handle(.escape) == .ignored)
    }

    @Test func progressFillsInProportion() {
        #expect(ProgressIndicator(step: 4, total: 9, label: "").filledCells(width: 18) == 8)
        #expect(ProgressIndicator(step: 0, total: 9, label: "").filledCells(width: 18) == 0)
        #expect(ProgressIndicator(step: 12, total: 9, label: "").filledCells(width: 18) == 18)
        #expect(ProgressIndicator(step: 1, total: 0, label: "").filledCells(width: 18) == 0)
    }
}
