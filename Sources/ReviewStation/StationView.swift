import Foundation
import IntakeModel
import IntakeRules
import IntakeStorage
import TerminalUI

/// Draws a ``StationState`` into a canvas of any size; pure, like the kiosk's view.
public struct StationView {
    public static let minimumSize = Chrome.minimumSize

    public let symbols: Symbols
    /// Whether the program puts right-to-left text in visual order (false: the terminal does).
    public let programBidi: Bool
    /// How submission times are shown; tests pass a fixed zone-free formatter.
    public let timeText: @Sendable (Date) -> String
    /// The day ages are counted on.
    public let today: @Sendable () -> Day

    public init(symbols: Symbols = .unicode, programBidi: Bool = true,
                timeText: @escaping @Sendable (Date) -> String = { ClockText.localTime($0) },
                today: @escaping @Sendable () -> Day = { Day.today() }) {
        self.symbols = symbols
        self.programBidi = programBidi
        self.timeText = timeText
        self.today = today
    }

    /// Queue rows that fit at `size`: the app tells the state, which fetches only that many.
    public static func queueRows(for size: Size) -> Int {
        max(1, size.rows - (size.rows < 16 ? 6 : 8))
    }

    /// Detail lines that fit at `size`, for PageUp/PageDown.
    public static func detailRows(for size: Size) -> Int {
        max(1, size.rows - (size.rows < 16 ? 5 : 6))
    }

    public func render(_ state: StationState, size: Size, now: Double) -> Canvas {
        var canvas = Canvas(size: size)
        let lang = state.language
        let direction: LayoutDirection = lang.isRightToLeft ? .rightToLeft : .leftToRight
        let chrome = Chrome(symbols: symbols, direction: direction, programBidi: programBidi)
        // The header: the station, and who is signed in.
        guard let page = chrome.page(size: size, title: Phrase.stationTitle(lang),
                                     trailing: state.user.map { Phrase.stationSignedInAs(lang, PatientText.clean($0.name)) },
                                     tooSmall: Phrase.kioskTooSmall(lang), canvas: &canvas) else {
            return canvas
        }
        let context = page.context, compact = page.compact, body = page.body
        let bottom = page.messageRow
        var top = compact ? 1 : 2
        canvas.cursor = nil

        switch state.screen {
        case .signIn:
            canvas.write(Phrase.stationSignInTitle(lang), row: top, in: body, style: Style(.accent, .bold), direction: direction)
            top += compact ? 2 : 3
            let labelWidth = max(displayWidth(Phrase.stationName(lang)), displayWidth(Phrase.stationPassword(lang))) + 2
            let fieldWidth = min(32, body.columns - labelWidth)
            let shown = TextField(text: String(repeating: "*", count: state.passwordField.text.count))
            for (row, label, field, focused) in [(top, Phrase.stationName(lang), state.nameField, !state.passwordFocused),
                                                 (top + 2, Phrase.stationPassword(lang), shown, state.passwordFocused)] {
                let labelRect = Rect(row: row, column: body.column, rows: 1, columns: body.columns)
                canvas.write(label, row: row, in: labelRect, style: Style(.text, .bold), direction: direction)
                let column = direction == .leftToRight ? body.column + labelWidth : body.right - labelWidth - fieldWidth
                field.render(into: &canvas, in: Rect(row: row, column: column, rows: 1, columns: fieldWidth), context: context.focused(focused))
            }

        case .queue:
            // Tabs and the search field.
            var tabs: [(String, Style)] = []
            for tab in QueueTab.allCases {
                let on = tab == state.tab
                tabs.append(("\(tab.rawValue + 1) \(tab.label(lang))", on ? Style(.focus, .bold) : .muted))
            }
            layoutCells(&canvas, row: top, in: body, direction: direction, cells: tabs.map { ($0.0, $0.1, displayWidth($0.0) + 2) })
            let pageText = Phrase.stationPage(lang, state.pageNumber)
            canvas.write(pageText, row: top, in: body, style: .muted, direction: direction == .leftToRight ? .rightToLeft : .leftToRight)
            top += 1
            let searchLabel = Phrase.stationSearch(lang) + ": "
            canvas.write(searchLabel, row: top, in: body, style: .text, direction: direction)
            let labelWidth = displayWidth(searchLabel)
            let width = min(30, body.columns - labelWidth)
            let column = direction == .leftToRight ? body.column + labelWidth : body.right - labelWidth - width
            var searchField = state.searchField
            if searchField.text.isEmpty && !state.searchFocused { searchField.placeholder = "/ " + Phrase.stationSearchHelp(lang) }
            searchField.render(into: &canvas, in: Rect(row: top, column: column, rows: 1, columns: width), context: context.focused(state.searchFocused))
            top += compact ? 1 : 2

            let wide = body.columns >= 70
            // Columns never overlap: the procedures column is as wide as the screen allows (wider from
            // 100 columns on), each badge gets an equal share of it and is cut to that share if it must be.
            let shortest = state.rows.map { row in row.procedures.reduce(0) { $0 + displayWidth(StationText.procedureShort($1, lang)) + 1 } }.max() ?? 0
            let badgeWidth = wide ? (body.columns >= 96 ? 40 : 26) : max(9, shortest)
            let statusWidth = wide ? 12 : 9
            let codeWidth = 8
            let timeWidth = wide ? 6 : 0
            let ageWidth = wide ? 6 : 0
            let nameWidth = max(6, body.columns - badgeWidth - statusWidth - codeWidth - timeWidth - ageWidth)
            func columns(_ time: String, _ code: String, _ name: String, _ age: String, _ badges: [(String, Style)], _ status: String,
                         style: Style, statusStyle: Style) -> [(String, Style, Int)] {
                var cells: [(String, Style, Int)] = []
                if wide { cells.append((time, style, timeWidth)) }
                cells.append((code, style, codeWidth))
                cells.append((name, style, nameWidth))
                if wide { cells.append((age, style, ageWidth)) }
                // Badges as wide as their words when they all fit, else an equal share each, cut to it.
                let natural = badges.map { displayWidth($0.0) + 1 }
                let widths = natural.reduce(0, +) <= badgeWidth ? natural
                    : Array(repeating: badges.isEmpty ? 0 : badgeWidth / badges.count, count: badges.count)
                for (badge, width) in zip(badges, widths) { cells.append((badge.0, badge.1, width)) }
                let used = widths.reduce(0, +)
                if badgeWidth > used { cells.append(("", style, badgeWidth - used)) }
                cells.append((status, statusStyle, statusWidth))
                return cells
            }
            if !compact {
                let header = columns(Phrase.stationColTime(lang), Phrase.stationColCode(lang), Phrase.stationName(lang), Phrase.stationColAge(lang),
                                     [(Phrase.stationColProcedures(lang), .muted)], Phrase.stationColStatus(lang), style: .muted, statusStyle: .muted)
                layoutCells(&canvas, row: top, in: body, direction: direction, cells: header)
                top += 1
            }
            if state.rows.isEmpty {
                canvas.write(Phrase.stationQueueEmpty(lang), row: top, in: body, style: .muted, direction: direction)
            }
            let today = self.today()
            for (i, row) in state.rows.enumerated() where top + i < bottom {
                let selected = i == state.selected && !state.searchFocused
                let style: Style = selected ? .focus : .text
                if selected { canvas.fill(Rect(row: top + i, column: body.column, rows: 1, columns: body.columns), style: .focus) }
                let age = row.patientDOB.flatMap { Day(iso: $0) }.map { String($0.age(on: today)) } ?? ""
                let badges: [(String, Style)] = row.procedures.map { p in
                    let verdict = row.verdicts[p]
                    let text = wide ? "\(StationText.procedureShort(p, lang)) \(StationText.verdictName(verdict, lang))"
                                    : StationText.procedureShort(p, lang)
                    return (text, Style(StationText.role(verdict), .reverse))
                }
                let status = StationText.status(row.reviewState, lang)
                let statusStyle: Style = selected ? .focus : (row.reviewState == .signed ? .success : (row.reviewState == .new ? Style(.accent, .bold) : .warning))
                layoutCells(&canvas, row: top + i, in: body, direction: direction,
                            cells: columns(timeText(row.submittedAt), row.code, PatientText.clean(row.patientName ?? ""), age, badges, status,
                                           style: style, statusStyle: statusStyle))
            }

        case .detail:
            guard let detail = state.detail else { break }
            var title = "\(detail.code)  \(detail.patientName)"
            if let dob = detail.dateOfBirth { title += "  \(dob)" }
            if let age = detail.age { title += " (\(Phrase.age(lang, age)))" }
            canvas.write(truncate(title, width: body.columns, ellipsis: symbols.ellipsis), row: top, in: body, style: Style(.accent, .bold), direction: direction)
            top += 1
            // Scrolling counts whole lines; each wraps, continuation lines indented, so no reason or path is cut off.
            var row = top
            for line in detail.lines(lang).dropFirst(state.scroll) {
                let indent = String(line.text.prefix { $0 == " " || $0 == "-" || $0 == "*" })
                // Continuation lines are wrapped to the width left after their indent, so nothing runs off the edge.
                let pad = min(indent.count + 2, 8)
                var pieces = wrap(line.text, width: body.columns)
                if pieces.count > 1 {
                    pieces = [pieces[0]] + wrap(pieces.dropFirst().joined(separator: " "), width: max(1, body.columns - pad))
                }
                for (i, piece) in pieces.enumerated() where row < bottom {
                    let text = i == 0 ? piece : String(repeating: " ", count: pad) + piece
                    canvas.write(text, row: row, in: body, style: Style(line.role, line.bold ? .bold : []), direction: direction)
                    row += 1
                }
                if row >= bottom { break }
            }

        case .decision:
            guard let detail = state.detail, let form = state.form else { break }
            canvas.write(truncate(Phrase.stationDecisionTitle(lang, detail.patientName), width: body.columns, ellipsis: symbols.ellipsis),
                         row: top, in: body, style: Style(.accent, .bold), direction: direction)
            top += 1
            if let problem = form.message {
                let paragraph = Paragraph("! " + problem, role: .error, attributes: .bold)
                let rows = min(2, paragraph.preferredHeight(width: body.columns))
                paragraph.render(into: &canvas, in: Rect(row: top, column: body.column, rows: rows, columns: body.columns), context: context)
                top += rows
            } else if !detail.decisions.isEmpty && !compact {
                canvas.write(truncate(Phrase.stationAmendNotice(lang), width: body.columns, ellipsis: symbols.ellipsis), row: top, in: body,
                             style: .warning, direction: direction)
                top += 1
            }
            // Keep the focused field in view on small screens: start from the item that holds it.
            let focusItem: Int = {
                switch form.focus {
                case .choice(let i), .reason(let i): i
                case .note, .password: form.items.count - 1
                }
            }()
            let startItem = compact ? max(0, focusItem) : 0
            for i in form.items.indices.dropFirst(startItem) where top < bottom - 2 {
                let item = form.items[i]
                let focusedChoice = form.focus == .choice(i)
                let head = "\(StationText.procedureName(item.procedure, lang)) — \(Phrase.stationRulesSay(lang, StationText.verdictName(item.verdict, lang)))"
                canvas.write(truncate(head, width: body.columns, ellipsis: symbols.ellipsis), row: top, in: body,
                             style: Style(StationText.role(item.verdict), .bold), direction: direction)
                top += 1
                var cells: [(String, Style, Int)] = []
                for (j, option) in item.choice.options.enumerated() {
                    let on = item.choice.selectedIndices.contains(j)
                    let text = "\(on ? symbols.radioOn : symbols.radioOff) \(option.label)"
                    let style: Style = on && focusedChoice ? .focus : (on ? Style(.accent, .bold) : .text)
                    cells.append((text, style, displayWidth(text) + 2))
                }
                layoutCells(&canvas, row: top, in: body, direction: direction, cells: cells)
                top += 1
                if item.needsReason {
                    top = field(&canvas, Phrase.stationReasonFor(lang, StationText.procedureName(item.procedure, lang)), item.reason,
                                focused: form.focus == .reason(i), row: top, body: body, context: context)
                }
            }
            if top < bottom - 1 {
                top = field(&canvas, Phrase.note(lang), form.note, focused: form.focus == .note, row: top, body: body, context: context)
            }
            if top < bottom {
                let stars = TextField(text: String(repeating: "*", count: form.password.text.count))
                _ = field(&canvas, Phrase.stationSignPassword(lang), stars, focused: form.focus == .password, row: top, body: body, context: context)
            }
        }

        if state.screen == .queue, state.message == nil, state.printing.isEmpty {
            // What the badges' abbreviations stand for, on the line messages use when there is none.
            // The name without its parenthesis ("Microneedling", not "Microneedling (collagen induction)"), so both fit at 40 columns.
            let legend = Procedure.allCases.map { procedure in
                let name = StationText.procedureName(procedure, lang)
                return "\(StationText.procedureShort(procedure, lang)) \(name.components(separatedBy: " (").first ?? name)"
            }
            canvas.write(truncate(legend.joined(separator: "  "), width: body.columns, ellipsis: symbols.ellipsis), row: bottom, in: body,
                         style: .muted, direction: direction)
        }
        // A print still under way stays in view until its outcome replaces it; keys keep working meanwhile.
        if let message = state.message ?? state.printing.last.map({ Phrase.stationPrinting(lang, PatientText.clean($0)) }) {
            // Up to three lines: a message such as where an unprinted summary was saved must be read whole.
            let lines = Array(wrap(message, width: body.columns).prefix(3))
            let first = bottom - lines.count + 1
            canvas.fill(Rect(row: first, column: 0, rows: lines.count, columns: size.columns), style: .text)
            for (i, line) in lines.enumerated() {
                canvas.write(line, row: first + i, in: body, style: Style(state.message != nil && state.messageIsError ? .error : .success, .bold), direction: direction)
            }
        }
        // The footer is the screen's key bindings, the same table that takes the keys.
        chrome.footer(state.bindings.hints, on: page, into: &canvas)
        return canvas
    }

    /// A labelled one-line field: label then field on one row when there is room.
    private func field(_ canvas: inout Canvas, _ label: String, _ field: TextField, focused: Bool, row: Int, body: Rect,
                       context: RenderContext) -> Int {
        let text = label + ": "
        let labelWidth = min(displayWidth(text), body.columns / 2)
        canvas.write(truncate(text, width: labelWidth, ellipsis: symbols.ellipsis), row: row, in: body, style: Style(.text, .bold),
                     direction: context.direction)
        let width = body.columns - labelWidth
        let column = context.direction == .leftToRight ? body.column + labelWidth : body.column
        field.render(into: &canvas, in: Rect(row: row, column: column, rows: 1, columns: width), context: context.focused(focused))
        return row + 1
    }

    /// Lays out cells of fixed widths from the start side: left to right, or right to left in Arabic.
    private func layoutCells(_ canvas: inout Canvas, row: Int, in rect: Rect, direction: LayoutDirection, cells: [(String, Style, Int)]) {
        var used = 0
        for (text, style, width) in cells {
            let room = min(width, rect.columns - used)
            guard room > 0 else { break }
            let shown = truncate(text, width: max(0, room - 1), ellipsis: symbols.ellipsis)
            if !shown.isEmpty {
                let column = direction == .leftToRight ? rect.column + used : rect.right - used - displayWidth(shown)
                canvas.write(shown, row: row, column: column, style: style, maxWidth: room)
            }
            used += width
        }
    }
}
