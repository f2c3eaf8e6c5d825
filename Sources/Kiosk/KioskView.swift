import IntakeModel
import TerminalUI

/// Draws a ``KioskState`` into a canvas of any size.
///
/// Pure: the same state, size and time give the same cells, which is what the
/// snapshot tests rely on and what keeps redraws small (only changed cells go out).
public struct KioskView {
    public static let minimumSize = Chrome.minimumSize

    public let symbols: Symbols
    public let bidi: BidiHandling

    /// Who puts right-to-left text in visual order.
    public enum BidiHandling: String, Sendable, CaseIterable {
        /// The program, with FriBidi: for the many terminals that do no BiDi.
        case program
        /// The terminal (Konsole, mlterm): lines go out in logical order.
        case terminal
    }

    public init(symbols: Symbols = .unicode, bidi: BidiHandling = .program) {
        self.symbols = symbols
        self.bidi = bidi
    }

    public func render(_ state: KioskState, size: Size, now: Double) -> Canvas {
        var canvas = Canvas(size: size)
        let lang = state.language
        let chrome = Chrome(symbols: symbols, direction: lang.isRightToLeft ? .rightToLeft : .leftToRight, programBidi: bidi == .program)
        // The header is the clinic, on every screen.
        guard let page = chrome.page(size: size, title: Phrase.clinicHeader(lang), tooSmall: Phrase.kioskTooSmall(lang), canvas: &canvas) else {
            return canvas
        }
        let context = page.context, compact = page.compact, body = page.body

        var top = 1
        let bottom = page.messageRow

        switch state.screen {
        case .welcome(let list):
            top += compact ? 0 : 1
            let title = Paragraph(Phrase.kioskWelcomeTitle(lang), role: .accent, attributes: .bold)
            title.render(into: &canvas, in: Rect(row: top, column: body.column, rows: 1, columns: body.columns), context: context)
            top += compact ? 1 : 2
            let text = Paragraph(Phrase.kioskWelcomeBody(lang))
            let textRows = min(text.preferredHeight(width: body.columns), max(1, bottom - top - 4))
            text.render(into: &canvas, in: Rect(row: top, column: body.column, rows: textRows, columns: body.columns), context: context)
            top += textRows + (compact ? 0 : 1)
            let choose = HelpText(Phrase.kioskWelcomeChoose(lang))
            choose.render(into: &canvas, in: Rect(row: top, column: body.column, rows: 1, columns: body.columns), context: context)
            top += 1
            list.render(into: &canvas, in: Rect(row: top, column: body.column, rows: max(1, bottom - top), columns: body.columns), context: context)
            // The staff line: what staff must know before they walk away (no PIN, a theme or setting ignored).
            let notes = (state.staffPINIsSet ? [] : [Phrase.kioskWelcomeNoPIN(lang)]) + state.staffNotes
            if !notes.isEmpty && !compact {
                // One line each, upwards from the notice line: joined on one line, the no-PIN warning
                // pushed a theme or settings problem off the edge of an 80-column screen.
                let listEnd = top + list.preferredHeight(width: body.columns, symbols: symbols)
                for (i, note) in notes.reversed().enumerated() where bottom - i >= listEnd {
                    canvas.write(PatientText.clean(note), row: bottom - i, in: body, style: .warning,
                                 direction: context.direction)
                }
            }
            canvas.cursor = nil

        case .question(let linkId):
            guard let item = state.questionnaire.item(linkId), let editor = state.editor else { break }
            let (step, total) = state.progress
            let progress = ProgressIndicator(step: step, total: total, label: Phrase.kioskStep(lang, step, total))
            let progressRows = compact ? 1 : 2
            progress.render(into: &canvas, in: Rect(row: top, column: body.column, rows: progressRows, columns: body.columns), context: context)
            top += progressRows
            if !compact, let group = groupTitle(of: linkId, in: state.questionnaire, lang) {
                canvas.write(group, row: top, in: body, style: .muted, direction: context.direction)
                top += 1
            }
            let question = Paragraph(PatientText.clean(item.text(lang)), role: .text, attributes: .bold)
            if compact {
                top = compactQuestion(question, item: item, editor: editor, state: state, top: top, bottom: bottom, body: body,
                                      canvas: &canvas, context: context)
            } else {
                let questionRows = min(question.preferredHeight(width: body.columns), 4)
                question.render(into: &canvas, in: Rect(row: top, column: body.column, rows: questionRows, columns: body.columns), context: context)
                top += questionRows
                if let message = state.problemMessage {
                    let problem = Paragraph("! " + message, role: .error, attributes: .bold)
                    let rows = min(problem.preferredHeight(width: body.columns), 2)
                    problem.render(into: &canvas, in: Rect(row: top, column: body.column, rows: rows, columns: body.columns), context: context)
                    top += rows
                } else if let help = helpText(item, lang) {
                    let paragraph = HelpText(help)
                    // Help is part of the question (the immune question's help says what counts): it gets every
                    // row the answer does not need, not a fixed three that cut it off mid-sentence.
                    let answerRows: Int = switch editor.control {
                    case .choice(let list): list.preferredHeight(width: body.columns)
                    case .text: 2
                    }
                    let room = max(3, bottom - top - 1 - answerRows)
                    let rows = min(paragraph.preferredHeight(width: body.columns), room)
                    paragraph.render(into: &canvas, in: Rect(row: top, column: body.column, rows: rows, columns: body.columns), context: context)
                    top += rows
                }
                top += 1
            }
            let area = Rect(row: top, column: body.column, rows: max(1, bottom - top), columns: body.columns)
            switch editor.control {
            case .choice(let list):
                list.render(into: &canvas, in: area, context: context)
                canvas.cursor = nil
            case .text(let field):
                let width = Self.fieldWidth(item, in: area.columns)
                // Long answers (the patient's own words) wrap onto further rows rather than scroll out of sight.
                let fieldRect = Rect(row: area.row, column: lang.isRightToLeft ? area.right - width : area.column, rows: area.rows, columns: width)
                WrappedField(field).render(into: &canvas, in: fieldRect, context: context)
            }

        case .notice(let linkId):
            // A notice to read: no answer, no field; the whole body is its text.
            guard let item = state.questionnaire.item(linkId) else { break }
            let (step, total) = state.progress
            if !compact {
                let progress = ProgressIndicator(step: step, total: total, label: Phrase.kioskStep(lang, step, total))
                progress.render(into: &canvas, in: Rect(row: top, column: body.column, rows: 2, columns: body.columns), context: context)
                top += 3
            }
            canvas.write(Phrase.kioskNoticeTitle(lang), row: top, in: body, style: Style(.accent, .bold), direction: context.direction)
            top += compact ? 1 : 2
            let text = Paragraph(PatientText.clean(item.text(lang)))
            // The notice may use the message line too: nothing else is shown there on this screen but a rare notice.
            let last = state.notice == nil ? bottom + 1 : bottom
            text.render(into: &canvas, in: Rect(row: top, column: body.column, rows: max(1, last - top), columns: body.columns), context: context)
            canvas.cursor = nil

        case .review(let cursor):
            canvas.write(Phrase.kioskReviewTitle(lang), row: top, in: body, style: Style(.accent, .bold), direction: context.direction)
            top += 1
            if !compact {
                let intro = HelpText(Phrase.kioskReviewBody(lang))
                let rows = min(intro.preferredHeight(width: body.columns), 2)
                intro.render(into: &canvas, in: Rect(row: top, column: body.column, rows: rows, columns: body.columns), context: context)
                top += rows + 1
            }
            renderReview(state, cursor: cursor, in: Rect(row: top, column: body.column, rows: max(1, bottom - top), columns: body.columns),
                         screenColumns: size.columns, canvas: &canvas, context: context)
            canvas.cursor = nil

        case .thanks(let code, _):
            top += compact ? 0 : 1
            canvas.write(Phrase.kioskThanksTitle(lang), row: top, in: body, style: Style(.success, .bold), direction: context.direction)
            top += 2
            let text = Paragraph(Phrase.kioskThanksBody(lang))
            let rows = min(text.preferredHeight(width: body.columns), 3)
            text.render(into: &canvas, in: Rect(row: top, column: body.column, rows: rows, columns: body.columns), context: context)
            top += rows + 1
            // The code, large: letters spaced out on a three-row block, readable from a step away.
            let spaced = "   " + code.map(String.init).joined(separator: " ") + "   "
            let width = displayWidth(spaced)
            let column = max(body.column, (size.columns - width) / 2)
            let block = compact ? 1 : 3
            for row in 0..<block where top + row < bottom {
                canvas.fill(Rect(row: top + row, column: column, rows: 1, columns: min(width, size.columns - column)), style: Style(.accent, [.reverse, .bold]))
            }
            canvas.write(spaced, row: top + block / 2, column: column, style: Style(.accent, [.reverse, .bold]))
            top += block + 1
            if top < bottom {
                HelpText(Phrase.kioskThanksNext(lang)).render(into: &canvas, in: Rect(row: top, column: body.column, rows: max(1, bottom - top), columns: body.columns), context: context)
            }
            canvas.cursor = nil
        }


        if let notice = state.notice {
            let role: Role = notice == .kioskSaveFailed ? .error : .warning
            canvas.fill(Rect(row: bottom, column: 0, rows: 1, columns: size.columns), style: .text)
            canvas.write(truncate(notice(lang), width: body.columns, ellipsis: symbols.ellipsis), row: bottom, in: body, style: Style(role, .bold), direction: context.direction)
        }
        // The footer is the screen's key bindings, the same table that handles the keys.
        chrome.footer(state.bindings.hints, on: page, into: &canvas)

        switch state.overlay {
        case .idle(let deadline)?:
            let seconds = max(0, Int((deadline - now).rounded(.up)))
            let dialog = Dialog(title: Phrase.kioskIdleTitle(lang), message: wrap(Phrase.kioskIdleBody(lang, seconds), width: min(48, size.columns - 6)),
                                buttons: [Phrase.kioskIdleButton(lang)])
            dialog.render(into: &canvas, in: canvas.bounds, context: context)
            canvas.cursor = nil
        case .staff(let field, let refusal)?:
            let width = min(48, size.columns - 6)
            var message = wrap(Phrase.kioskStaffPrompt(lang), width: width)
            switch refusal {
            case .wrong(let seconds)?: message += wrap(Phrase.kioskStaffWait(lang, seconds), width: width)
            case .locked(let until)?: message += wrap(Phrase.kioskStaffLocked(lang, until), width: width)
            case .noPIN?: message += wrap(Phrase.kioskStaffNoPIN(lang), width: width)
            case nil: break
            }
            message.append(String(repeating: "*", count: field.text.count))
            Dialog(title: Phrase.kioskStaffTitle(lang), message: message, buttons: []).render(into: &canvas, in: canvas.bounds, context: context)
            canvas.cursor = nil
        case nil: break
        }
        return canvas
    }

    /// The check page's entries: each question with its answer, wrapped rather than cut, scrolled so the
    /// chosen entry is in view, with ↑ and ↓ in the margin wherever entries (or Continue) lie out of sight.
    private func renderReview(_ state: KioskState, cursor: Int, in area: Rect, screenColumns: Int, canvas: inout Canvas,
                              context: RenderContext) {
        let lang = state.language
        let entries = state.reviewEntries
        // Each entry's lines: the question wrapped, the answer on its last line when both fit, else on lines of its own.
        let blocks: [[(question: String, answer: String)]] = (0...entries.count).map { index in
            guard index < entries.count, let item = state.questionnaire.item(entries[index]) else { return [("", "")] }
            let answer = item.answerText(state.answers, lang)
            let question = wrap(PatientText.clean(item.text(lang)), width: area.columns)
            let last = question.last ?? ""
            if displayWidth(last) + 2 + displayWidth(answer) <= area.columns {
                return question.dropLast().map { ($0, "") } + [(last, answer)]
            }
            return question.map { ($0, "") } + wrap(answer, width: max(1, area.columns - 2)).map { ("", $0) }
        }
        let heights = blocks.map(\.count)
        // The chosen entry near the middle, as many entries above it as half the rows hold; no empty rows at the end.
        var first = cursor, above = 0
        while first > 0, above + heights[first - 1] <= area.rows / 2 { first -= 1; above += heights[first] }
        while first > 0, heights[(first - 1)...].reduce(0, +) <= area.rows { first -= 1 }
        var row = area.row
        var index = first
        while index <= entries.count, row < area.bottom {
            let selected = index == cursor
            let style: Style = selected ? .focus : .text
            if index == entries.count {
                if selected { canvas.fill(Rect(row: row, column: area.column, rows: 1, columns: area.columns), style: .focus) }
                canvas.write("» " + Phrase.kioskReviewContinue(lang) + " «", row: row, in: area, style: Style(selected ? .focus : .accent, .bold),
                             direction: context.direction)
                row += 1
                index += 1
                continue
            }
            let item = state.questionnaire.item(entries[index])
            let missing = item.map { !state.answers.isAnswered($0.linkId) && $0.required } ?? false
            let answerStyle: Style = selected ? Style(.focus, .bold) : (missing ? Style(.error, .bold) : Style(.accent))
            for line in blocks[index] where row < area.bottom {
                if selected { canvas.fill(Rect(row: row, column: area.column, rows: 1, columns: area.columns), style: .focus) }
                if lang.isRightToLeft {
                    canvas.writeTrailing(line.question, row: row, in: area, style: style)
                    canvas.write(line.answer, row: row, column: area.column, style: answerStyle)
                } else {
                    canvas.write(line.question, row: row, column: area.column, style: style)
                    canvas.writeTrailing(line.answer, row: row, in: area, style: answerStyle)
                }
                row += 1
            }
            index += 1
        }
        // The scroll signs sit in the margin beside the list, so they never cover an answer.
        let arrowColumn = lang.isRightToLeft ? 0 : screenColumns - 1
        if first > 0 { canvas.write(symbols.arrowUp, row: area.row, column: arrowColumn, style: .muted, maxWidth: 1) }
        let hiddenBelow = index <= entries.count || heights[first..<index].reduce(0, +) > area.rows
        if hiddenBelow { canvas.write(symbols.arrowDown, row: area.bottom - 1, column: arrowColumn, style: .muted, maxWidth: 1) }
    }

    /// The question screen's text at 40x12, where every row counts: the question wraps whole unless the
    /// answer would lose its last rows to it, the answer gets the rows it needs, and help (or the date's
    /// form) takes the rows left over instead of being dropped. Returns the first row of the answer.
    private func compactQuestion(_ question: Paragraph, item: Questionnaire.Item, editor: AnswerEditor, state: KioskState,
                                 top: Int, bottom: Int, body: Rect, canvas: inout Canvas, context: RenderContext) -> Int {
        let lang = state.language
        var top = top
        let answerRows: Int = switch editor.control {
        case .choice(let list): list.preferredHeight(width: body.columns, symbols: symbols)
        case .text(let field): WrappedField(field).preferredHeight(width: Self.fieldWidth(item, in: body.columns))
        }
        // A list that scrolls still shows a few options and its scroll arrow; a field shows its line.
        let leastAnswer = min(answerRows, 3)
        let problem = state.problemMessage.map { Paragraph("! " + $0, role: .error, attributes: .bold) }
        let questionRows = min(question.preferredHeight(width: body.columns),
                               max(1, bottom - top - leastAnswer - (problem == nil ? 0 : 1)))
        question.render(into: &canvas, in: Rect(row: top, column: body.column, rows: questionRows, columns: body.columns), context: context)
        top += questionRows
        if let problem {
            let rows = min(problem.preferredHeight(width: body.columns), 2, max(1, bottom - top - leastAnswer))
            problem.render(into: &canvas, in: Rect(row: top, column: body.column, rows: rows, columns: body.columns), context: context)
            top += rows
        } else if let help = helpText(item, lang) {
            let paragraph = HelpText(help)
            // The date's form must always be seen; other help gets what the whole answer leaves.
            let least = item.type == .date ? 1 : 0
            let rows = min(paragraph.preferredHeight(width: body.columns), max(least, bottom - top - answerRows))
            if rows > 0 {
                paragraph.render(into: &canvas, in: Rect(row: top, column: body.column, rows: rows, columns: body.columns), context: context)
                top += rows
            }
        }
        return top
    }

    /// How wide a typed answer's field is: its longest answer, within the screen.
    static func fieldWidth(_ item: Questionnaire.Item, in columns: Int) -> Int {
        min(columns, max(24, (item.maxLength ?? 40) + 2))
    }

    private func groupTitle(of linkId: String, in questionnaire: Questionnaire, _ lang: Language) -> String? {
        questionnaire.items.first { group in group.items.contains { $0.linkId == linkId } }.map { PatientText.clean($0.text(lang)) }
    }

    private func helpText(_ item: Questionnaire.Item, _ lang: Language) -> String? {
        if item.type == .date {
            let format = item.allowsPartialDate ? Phrase.kioskDatePartial(lang) : Phrase.kioskDateFormat(lang)
            return format
        }
        if let help = item.help { return PatientText.clean(help(lang)) }
        if item.repeats { return Phrase.kioskChooseMany(lang) }
        return nil
    }
}
