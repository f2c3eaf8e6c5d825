import Testing
import TerminalUI

/// Widgets laid out as a kiosk screen might, at a given size.
enum Scenes {
    static func question(size: Size, context: RenderContext) -> Canvas {
        var canvas = Canvas(size: size)
        let body = Rect(size: size).inset(left: 2, right: 2)
        let (progressRect, rest) = body.sliceTop(2)
        ProgressIndicator(step: 4, total: 9, label: "Step 4 of 9").render(into: &canvas, in: progressRect, context: context)
        var area = rest.inset(top: 1)
        let (mainArea, footer) = area.sliceBottom(1)
        area = mainArea
        let title = Paragraph("Have you had any of these skin conditions in the last 12 months?", role: .accent, attributes: .bold)
        let titleHeight = title.preferredHeight(width: area.columns)
        title.render(into: &canvas, in: area, context: context)
        area = area.inset(top: titleHeight)
        let help = HelpText("Choose all that apply. Use the arrow keys to move and Space to tick.")
        let helpHeight = help.preferredHeight(width: area.columns)
        help.render(into: &canvas, in: area, context: context)
        area = area.inset(top: helpHeight + 1)
        var list = ChoiceList(options: [
            .init("Eczema"),
            .init("Psoriasis", detail: "Red, scaly patches"),
            .init("Rosacea"),
            .init("Cold sores (herpes simplex)"),
            .init("None of these"),
        ], mode: .multiple, exclusiveIndex: 4, selection: [0])
        _ = list.handle(.down)
        list.render(into: &canvas, in: area, context: context)
        KeyHints([(key: "Enter", label: "Next"), (key: "Esc", label: "Back"), (key: "F1", label: "Help"),
                  (key: "Ctrl-C", label: "Staff")])
            .render(into: &canvas, in: footer, context: context)
        return canvas
    }

    static func nameField(size: Size, context: RenderContext) -> Canvas {
        var canvas = Canvas(size: size)
        let body = Rect(size: size).inset(top: 1, left: 2, bottom: 0, right: 2)
        Paragraph("Your family name").render(into: &canvas, in: body, context: context)
        var field = TextField(maxLength: 60)
        for c in "山田 Yamada" { _ = field.handle(.character(c)) }
        field.render(into: &canvas, in: Rect(row: body.row + 1, column: body.column, rows: 1, columns: min(30, body.columns)),
                     context: context)
        return canvas
    }

    static func dialog(size: Size, context: RenderContext) -> Canvas {
        var canvas = Canvas(size: size)
        var dialog = Dialog(title: "Start over?",
                            message: ["Your answers so far will be cleared.", "A member of staff can help you."],
                            buttons: ["Keep going", "Start over"])
        _ = dialog.handle(.right)
        dialog.render(into: &canvas, in: Rect(size: size), context: context)
        return canvas
    }
}

/// Compares a whole canvas with the expected text; rows after the last written
/// one are blank, so the expectation leaves them out and they are added here.
func expectSnapshot(_ canvas: Canvas, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let lines = expected.split(separator: "\n", omittingEmptySubsequences: false).count
    let padded = expected + String(repeating: "\n", count: max(0, canvas.size.rows - lines))
    #expect(canvas.plainText == padded, sourceLocation: sourceLocation)
}

@Suite struct SnapshotTests {
    @Test func question80x24() {
        let canvas = Scenes.question(size: Size(rows: 24, columns: 80), context: RenderContext())
        expectSnapshot(canvas, """
              Step 4 of 9
              ██████████████████████████████████░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░

              Have you had any of these skin conditions in the last 12 months?
              Choose all that apply. Use the arrow keys to move and Space to tick.

              ☑ Eczema
              ☐ Psoriasis
                Red, scaly patches
              ☐ Rosacea
              ☐ Cold sores (herpes simplex)
              ☐ None of these











              Enter Next  Esc Back  F1 Help  Ctrl-C Staff
            """)
    }

    @Test func question40x12() {
        let canvas = Scenes.question(size: Size(rows: 12, columns: 40), context: RenderContext())
        expectSnapshot(canvas, """
              Step 4 of 9
              ████████████████░░░░░░░░░░░░░░░░░░░░

              Have you had any of these skin
              conditions in the last 12 months?
              Choose all that apply. Use the arrow
              keys to move and Space to tick.

              ☑ Eczema
              ☐ Psoriasis
                Red, scaly patches               ↓
              Enter Next  Esc Back  F1 Help
            """)
    }

    @Test func question132x43() {
        let canvas = Scenes.question(size: Size(rows: 43, columns: 132), context: RenderContext())
        expectSnapshot(canvas, """
              Step 4 of 9
              █████████████████████████████████████████████████████████░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░

              Have you had any of these skin conditions in the last 12 months?
              Choose all that apply. Use the arrow keys to move and Space to tick.

              ☑ Eczema
              ☐ Psoriasis
                Red, scaly patches
              ☐ Rosacea
              ☐ Cold sores (herpes simplex)
              ☐ None of these






























              Enter Next  Esc Back  F1 Help  Ctrl-C Staff
            """)
    }

    @Test func questionRightToLeftASCII() {
        let context = RenderContext(symbols: .ascii, direction: .rightToLeft)
        let canvas = Scenes.question(size: Size(rows: 24, columns: 80), context: context)
        expectSnapshot(canvas, """
                                                                               Step 4 of 9
              ------------------------------------------##################################

                          Have you had any of these skin conditions in the last 12 months?
                      Choose all that apply. Use the arrow keys to move and Space to tick.

                                                                                Eczema [x]
                                                                             Psoriasis [ ]
                                                                    Red, scaly patches
                                                                               Rosacea [ ]
                                                           Cold sores (herpes simplex) [ ]
                                                                         None of these [ ]











                                               Ctrl-C Staff  F1 Help  Esc Back  Enter Next
            """)
    }

    @Test func nameField80x24() {
        let canvas = Scenes.nameField(size: Size(rows: 24, columns: 80), context: RenderContext())
        expectSnapshot(canvas, """

              Your family name
              山田 Yamada
            """)
    }

    @Test func nameField40x12() {
        let canvas = Scenes.nameField(size: Size(rows: 12, columns: 40), context: RenderContext())
        expectSnapshot(canvas, """

              Your family name
              山田 Yamada
            """)
    }

    @Test func nameField132x43() {
        let canvas = Scenes.nameField(size: Size(rows: 43, columns: 132), context: RenderContext())
        expectSnapshot(canvas, """

              Your family name
              山田 Yamada
            """)
    }

    @Test func nameFieldRightToLeftASCII() {
        let context = RenderContext(symbols: .ascii, direction: .rightToLeft)
        let canvas = Scenes.nameField(size: Size(rows: 24, columns: 80), context: context)
        expectSnapshot(canvas, """

                                                                          Your family name
                                山田 Yamada
            """)
    }

    @Test func dialog80x24() {
        let canvas = Scenes.dialog(size: Size(rows: 24, columns: 80), context: RenderContext())
        expectSnapshot(canvas, """









                                ┌─ Start over? ────────────────────────┐
                                │ Your answers so far will be cleared. │
                                │ A member of staff can help you.      │
                                │                                      │
                                │    [ Keep going ]  [ Start over ]    │
                                └──────────────────────────────────────┘
            """)
    }

    @Test func dialog40x12() {
        let canvas = Scenes.dialog(size: Size(rows: 12, columns: 40), context: RenderContext())
        expectSnapshot(canvas, """



            ┌─ Start over? ────────────────────────┐
            │ Your answers so far will be cleared. │
            │ A member of staff can help you.      │
            │                                      │
            │    [ Keep going ]  [ Start over ]    │
            └──────────────────────────────────────┘
            """)
    }

    @Test func dialog132x43() {
        let canvas = Scenes.dialog(size: Size(rows: 43, columns: 132), context: RenderContext())
        expectSnapshot(canvas, """


















                                                          ┌─ Start over? ────────────────────────┐
                                                          │ Your answers so far will be cleared. │
                                                          │ A member of staff can help you.      │
                                                          │                                      │
                                                          │    [ Keep going ]  [ Start over ]    │
                                                          └──────────────────────────────────────┘
            """)
    }

    @Test func dialogRightToLeftASCII() {
        let context = RenderContext(symbols: .ascii, direction: .rightToLeft)
        let canvas = Scenes.dialog(size: Size(rows: 24, columns: 80), context: context)
        expectSnapshot(canvas, """









                                +------------------------ Start over? -+
                                | Your answers so far will be cleared. |
                                |      A member of staff can help you. |
                                |                                      |
                                |    [ Start over ]  [ Keep going ]    |
                                +--------------------------------------+
            """)
    }

    @Test func focusAndSelectionStyles() {
        let canvas = Scenes.question(size: Size(rows: 24, columns: 80), context: RenderContext())
        // Row 7 is "Psoriasis", under the cursor: highlighted across the row.
        #expect(canvas[7, 2].style == .focus)
        #expect(canvas[7, 60].style == .focus)
        #expect(canvas[8, 4].style == .muted)
        #expect(canvas[6, 2].style == .accent)      // the ticked box
        #expect(canvas[1, 2].style == .accent)      // filled bar
        #expect(canvas[1, 70].style == .muted)      // empty bar
        #expect(canvas[23, 2].style == Style(.accent, .bold))
        #expect(canvas.cursor == nil)
    }

    @Test func textFieldSnapshotPlacesTheCursorAfterWideCharacters() {
        let canvas = Scenes.nameField(size: Size(rows: 12, columns: 40), context: RenderContext())
        // "山田 Yamada" is 11 cells wide, starting at column 2.
        #expect(canvas.cursor == Point(row: 2, column: 13))
        let rtl = Scenes.nameField(size: Size(rows: 12, columns: 40), context: RenderContext(direction: .rightToLeft))
        #expect(rtl.cursor == Point(row: 2, column: 31))
    }

    @Test func unfocusedDialogStillMarksItsButton() {
        let dialog = Dialog(title: "T", message: ["m"], buttons: ["OK", "No"], focusedButton: 1)
        var canvas = Canvas(size: Size(rows: 12, columns: 40))
        dialog.render(into: &canvas, in: Rect(size: canvas.size), context: RenderContext(focused: false))
        let row = (0..<12).first { canvas.line($0).contains("[ No ]") }!
        let column = Array(canvas.line(row)).firstIndex(of: "N")!   // inside "[ No ]"
        #expect(canvas[row, column].style == Style(.text, .reverse))
    }
}
