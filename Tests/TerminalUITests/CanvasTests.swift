import Testing
@testable import TerminalUI

@Suite struct CanvasTests {
    @Test func writeReturnsColumnsUsedAndClipsAtTheEdge() {
        var canvas = Canvas(size: Size(rows: 2, columns: 8))
        #expect(canvas.write("hello", row: 0, column: 0, style: .text) == 5)
        #expect(canvas.write("world!", row: 1, column: 4, style: .accent) == 4)
        #expect(canvas.line(0) == "hello")
        #expect(canvas.line(1) == "    worl")
        #expect(canvas[1, 4] == Cell("w", style: .accent))
        #expect(canvas.write("x", row: 5, column: 0, style: .text) == 0)
    }

    @Test func maxWidthLimitsTheWrite() {
        var canvas = Canvas(size: Size(rows: 1, columns: 10))
        #expect(canvas.write("abcdef", row: 0, column: 1, style: .text, maxWidth: 3) == 3)
        #expect(canvas.line(0) == " abc")
    }

    @Test func wideCharactersTakeTwoCellsAndAreNeverSplit() {
        var canvas = Canvas(size: Size(rows: 1, columns: 5))
        #expect(canvas.write("日本語", row: 0, column: 0, style: .text) == 4)
        #expect(canvas[0, 0].text == "日")
        #expect(canvas[0, 1].text == "")
        #expect(canvas[0, 2].text == "本")
        #expect(canvas[0, 4].text == " ")
        #expect(canvas.line(0) == "日本")
        // Overwriting the right half of a wide character blanks its left half.
        canvas.write("x", row: 0, column: 1, style: .text)
        #expect(canvas.line(0) == " x本")
        // Overwriting the left half blanks the right half.
        canvas.write("y", row: 0, column: 2, style: .text)
        #expect(canvas.line(0) == " xy")
        #expect(canvas[0, 3].text == " ")
    }

    @Test func controlCharactersAndEscapeAreDropped() {
        var canvas = Canvas(size: Size(rows: 1, columns: 20))
        let used = canvas.write("a\u{1B}[31mb\u{07}c\u{9B}d\r\ne\u{7F}", row: 0, column: 0, style: .text)
        #expect(canvas.line(0) == "a[31mbcde")
        #expect(used == 9)
        #expect(!canvas.plainText.unicodeScalars.contains { $0.value < 0x20 || (0x7F..<0xA0).contains($0.value) })
    }

    @Test func combiningMarksStayWithTheirBase() {
        var canvas = Canvas(size: Size(rows: 1, columns: 4))
        #expect(canvas.write("e\u{301}x", row: 0, column: 0, style: .text) == 2)
        #expect(canvas[0, 0].text == "e\u{301}")
        #expect(canvas[0, 1].text == "x")
    }

    @Test func fillSetsStyleInsideTheRectOnly() {
        var canvas = Canvas(size: Size(rows: 3, columns: 4))
        canvas.write("abcd", row: 1, column: 0, style: .text)
        canvas.fill(Rect(row: 1, column: 1, rows: 5, columns: 2), style: .focus)
        #expect(canvas.line(1) == "a  d")
        #expect(canvas[1, 1].style == .focus)
        #expect(canvas[2, 2].style == .focus)
        #expect(canvas[0, 1].style == .text)
        #expect(canvas[1, 3].style == .text)
    }

    @Test func plainTextJoinsTrimmedLines() {
        var canvas = Canvas(size: Size(rows: 3, columns: 5))
        canvas.write("ab", row: 0, column: 1, style: .text)
        canvas.write("c", row: 2, column: 4, style: .text)
        #expect(canvas.plainText == " ab\n\n    c")
    }

    @Test func rectInsetAndCentering() {
        let r = Rect(row: 1, column: 2, rows: 10, columns: 20)
        #expect(r.inset(by: 1) == Rect(row: 2, column: 3, rows: 8, columns: 18))
        #expect(r.inset(left: 30).columns == 0)
        #expect(r.centered(rows: 4, columns: 10) == Rect(row: 4, column: 7, rows: 4, columns: 10))
        #expect(r.sliceBottom(2).1 == Rect(row: 9, column: 2, rows: 2, columns: 20))
    }
}

@Suite struct DisplayWidthTests {
    /// Issue 12: lam then alef is drawn as one ligature cell, so an Arabic line measures what it draws.
    @Test func lamAlefCountsAsTheOneCellItIsDrawnIn() {
        #expect(displayWidth("لا") == 1)
        #expect(displayWidth("السلام") == 5)
        #expect(displayWidth("لأن") == 2)
        #expect(displayWidth("لَا") == 2, "a mark on the lam keeps the letters apart")
        var canvas = Canvas(size: Size(rows: 1, columns: 10))
        canvas.bidiBase = .rightToLeft
        let text = "لا شيء"
        #expect(canvas.write(text, row: 0, column: 0, style: .text) == displayWidth(text))
        canvas.writeTrailing(text, row: 0, in: Rect(row: 0, column: 0, rows: 1, columns: 10), style: .text)
        #expect(canvas[0, 9].text != " ", "right-aligned text reaches the right edge")
    }

    @Test func widthsOfCommonText() {
        #expect(displayWidth("abc") == 3)
        #expect(displayWidth("日本") == 4)
        #expect(displayWidth("ｱ") == 1)          // halfwidth katakana
        #expect(displayWidth("Ａ") == 2)          // fullwidth Latin
        #expect(displayWidth("e\u{301}") == 1)   // combining acute
        #expect(displayWidth("\u{301}") == 0)
        #expect(displayWidth("😀") == 2)
        #expect(displayWidth("👍🏽") == 2)
        #expect(displayWidth("👨‍👩‍👧") == 2)
        #expect(displayWidth("🇫🇷") == 2)
        #expect(displayWidth("❤️") == 2)
        #expect(displayWidth("مرحبا") == 5)       // Arabic letters are one cell each
        #expect(displayWidth("\u{1B}") == 0)
        #expect(displayWidth("한국어") == 6)
    }

    @Test func wrapBreaksBetweenWords() {
        #expect(wrap("the quick brown fox jumps", width: 10) == ["the quick", "brown fox", "jumps"])
        #expect(wrap("a  b", width: 10) == ["a b"])
        #expect(wrap("line one\nline two", width: 20) == ["line one", "line two"])
        #expect(wrap("", width: 5) == [""])
        #expect(wrap("anything", width: 0) == [])
    }

    @Test func wrapHardBreaksOnlyWordsLongerThanTheLine() {
        #expect(wrap("ab supercalifragilistic cd", width: 8) == ["ab", "supercal", "ifragili", "stic cd"])
    }

    @Test func wrapCountsWideCharactersAsTwo() {
        let lines = wrap("日本語のテキスト です", width: 6)
        #expect(lines == ["日本語", "のテキ", "スト", "です"])
        #expect(lines.allSatisfy { displayWidth($0) <= 6 })
    }

    @Test func truncateAddsAnEllipsisOnlyWhenItCuts() {
        #expect(truncate("short", width: 10) == "short")
        #expect(truncate("a longer text", width: 6) == "a lon…")
        #expect(truncate("日本語", width: 4) == "日…")
        #expect(truncate("abcdef", width: 5, ellipsis: "...") == "ab...")
    }
}

@Suite struct DiffTests {
    @Test func firstPresentRepaintsEverything() {
        var canvas = Canvas(size: Size(rows: 2, columns: 3))
        canvas.write("ab", row: 0, column: 0, style: .accent)
        let diff = CanvasDiff(from: nil, to: canvas)
        #expect(diff.isFullRepaint)
        #expect(diff.changedCellCount == 6)
        #expect(diff.runs.map(\.text) == ["ab", " ", "   "])
    }

    @Test func typingOneCharacterChangesOnlyAFewCells() {
        var field = TextField(text: "Mari")
        let rect = Rect(row: 5, column: 10, rows: 1, columns: 30)
        var before = Canvas(size: Size(rows: 24, columns: 80))
        field.render(into: &before, in: rect, context: RenderContext())
        _ = field.handle(.character("a"))
        var after = Canvas(size: Size(rows: 24, columns: 80))
        field.render(into: &after, in: rect, context: RenderContext())
        let runs = after.changes(from: before)
        #expect(runs == [CanvasDiff.Run(row: 5, column: 14, cells: [Cell("a", style: .focus)])])
        #expect(after.cursor == Point(row: 5, column: 15))
        #expect(CanvasDiff(from: before, to: after).cursorChanged)
    }

    @Test func runsSplitOnStyleAndGaps() {
        let base = Canvas(size: Size(rows: 1, columns: 10))
        var next = base
        next.write("ab", row: 0, column: 0, style: .text)
        next.write("cd", row: 0, column: 2, style: .error)
        next.write("z", row: 0, column: 7, style: .error)
        let runs = next.changes(from: base)
        #expect(runs.map(\.column) == [0, 2, 7])
        #expect(runs.map(\.text) == ["ab", "cd", "z"])
        #expect(runs.map(\.style) == [.text, .error, .error])
    }

    @Test func aChangedWideCharacterIsSentWhole() {
        var a = Canvas(size: Size(rows: 1, columns: 6))
        a.write("x日", row: 0, column: 0, style: .text)
        var b = Canvas(size: Size(rows: 1, columns: 6))
        b.write("x本", row: 0, column: 0, style: .text)
        let runs = b.changes(from: a)
        #expect(runs.count == 1)
        #expect(runs[0].column == 1)
        #expect(runs[0].cells.map(\.text) == ["本", ""])
    }

    @Test func identicalCanvasesHaveNoChanges() {
        var a = Canvas(size: Size(rows: 3, columns: 3))
        a.write("abc", row: 1, column: 0, style: .text)
        #expect(a.changes(from: a).isEmpty)
        #expect(a.changes(from: Canvas(size: Size(rows: 3, columns: 4))).count == 3)
    }
}
