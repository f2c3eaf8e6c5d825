import Testing
@testable import TerminalUI

/// What goes to the terminal for a frame (issue 13): a typed character is the character alone.
struct ScreenWriterTests {
    /// A field of width 10 on row 2 in the focus style, holding `text`, with the cursor after it.
    static func field(_ text: String) -> Canvas {
        var canvas = Canvas(size: Size(rows: 24, columns: 80))
        canvas.write("Your full name", row: 1, column: 1, style: Style(.text, .bold))
        canvas.fill(Rect(row: 2, column: 1, rows: 1, columns: 10), style: .focus)
        canvas.write(text, row: 2, column: 1, style: .focus)
        canvas.cursor = Point(row: 2, column: 1 + text.count)
        return canvas
    }

    @Test func aTypedCharacterIsTheCharacterAlone() {
        var writer = ScreenWriter(theme: Theme.builtinDefault, colors: 256)
        _ = writer.frame(Self.field(""))
        _ = writer.frame(Self.field("S"))
        #expect(writer.frame(Self.field("Sa")) == Array("a".utf8))
        #expect(writer.frame(Self.field("Sam")) == Array("m".utf8))
        #expect(writer.frame(Self.field("Sam")).isEmpty, "an unchanged frame sends nothing")
    }

    @Test func aBackspaceIsABlankBetweenTwoSteps() {
        var writer = ScreenWriter(theme: .monochrome, colors: 0)
        _ = writer.frame(Self.field("Sa"))
        _ = writer.frame(Self.field("Sam"))
        #expect(String(decoding: writer.frame(Self.field("Sa")), as: UTF8.self) == "\u{8} \u{8}")
    }

    @Test func theFirstFrameClearsThenDrawsAndStylesChangeOnlyWhenTheyDiffer() {
        var writer = ScreenWriter(theme: .monochrome, colors: 0)
        let first = String(decoding: writer.frame(Self.field("")), as: UTF8.self)
        #expect(first.hasPrefix("\u{1B}[0m\u{1B}[H\u{1B}[2J"))
        #expect(first.contains("Your full name"))
        // After a resize the writer forgets the screen and draws it whole again.
        writer.invalidate()
        #expect(String(decoding: writer.frame(Self.field("")), as: UTF8.self).hasPrefix("\u{1B}[0m\u{1B}[H\u{1B}[2J"))
    }

    @Test func coloursFollowTheTheme() {
        let writer = ScreenWriter(theme: Theme.builtinDefault, colors: 256)
        // focus = black on cyan, bold
        #expect(String(decoding: writer.sgr(.focus), as: UTF8.self) == "\u{1B}[0;30;46;1m")
        #expect(String(decoding: writer.sgr(.text), as: UTF8.self) == "\u{1B}[0m")
    }
}
