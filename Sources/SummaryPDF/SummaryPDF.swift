import IntakeModel
import IntakeRules
import IntakeSummary

/// The printed summary as a PDF: the clinical document that goes into the patient's paper record.
///
/// Content and order are ``SummaryDocument``'s, the same as the text summary's: on every page a
/// header with the clinic, the patient, date of birth, intake code, visit date and "page n of N";
/// then an INCOMPLETE banner when questions were left unanswered; the verdict box (one line per
/// procedure, the verdict as a large word on a shade that reads in greyscale too, with its date);
/// the findings with their reasons and source tags; the answers in two columns, the ones that
/// triggered a finding marked; the decision and signature block, never split; and at the foot the
/// legend of the sources cited, the versions and the disclaimer.
///
/// Set with Pango and Cairo: HarfBuzz shapes the Arabic (Amiri, a Naskh face) and FriBidi orders
/// it; an Arabic summary is laid out right to left, columns mirrored. Rule ids, source tags, dates
/// and the intake code are isolated (FSI … PDI) so they read left to right inside Arabic lines.
public enum SummaryPDF {
    /// The font family for a language: Amiri for Arabic (Debian fonts-hosny-amiri), DejaVu Sans otherwise.
    public static func fontFamily(_ language: Language) -> String {
        language.isRightToLeft ? "Amiri" : "DejaVu Sans"
    }

    /// The summary as PDF bytes on `paper`.
    public static func render(_ summary: Summary, paper: Paper) throws(SummaryPDFError) -> [UInt8] {
        try render(SummaryDocument(summary), paper: paper)
    }

    /// The document as PDF bytes on `paper`.
    public static func render(_ document: SummaryDocument, paper: Paper) throws(SummaryPDFError) -> [UInt8] {
        let typesetter = try Typesetter(paper: paper, rightToLeft: document.language.isRightToLeft,
                                        family: fontFamily(document.language))
        let page = PageLayout(document, typesetter, density: density(document, typesetter))
        page.set()
        let title = "\(document.identity.title) — \(document.identity.intakeCode)"
        return try typesetter.finish(title: title, creationDate: document.identity.visitDate + "T00:00:00Z")
    }

    /// How many pages `render` makes of the document: for tests and for the station's message.
    public static func pageCount(_ document: SummaryDocument, paper: Paper) throws(SummaryPDFError) -> Int {
        let typesetter = try Typesetter(paper: paper, rightToLeft: document.language.isRightToLeft,
                                        family: fontFamily(document.language))
        return PageLayout(document, typesetter, density: density(document, typesetter)).paginate().count
    }

    /// How tightly a page may be set, loosest first: a summary a little too long for one page
    /// (Letter is 5% shorter than A4) is set up to 8% smaller rather than spill onto a second.
    static let densities = [1.0, 0.96, 0.92]

    /// The loosest density at which the document fits one page; the loosest of all when none does.
    static func density(_ document: SummaryDocument, _ typesetter: Typesetter) -> Double {
        densities.first { PageLayout(document, typesetter, density: $0).paginate().count == 1 } ?? densities[0]
    }
}

/// Places the document's parts on pages. One per render: it owns the boxes it measured.
final class PageLayout {
    let document: SummaryDocument
    let t: Typesetter
    let lang: Language

    // The page: margins in points.
    let margin = 30.0
    var contentWidth: Double { t.pageWidth - 2 * margin }
    var top: Double { margin }
    var bottom: Double { t.pageHeight - margin }

    /// Arabic letters are smaller than Latin ones at the same size, and Amiri's lines taller:
    /// a larger size, with the lines drawn a little closer, reads as the same size on paper.
    var scale: Double { (lang.isRightToLeft ? 1.1 : 1.0) * density }
    /// Below 1 when the page is set a little tighter so that it stays one page (see ``SummaryPDF/densities``).
    let density: Double
    var spacing: Double { lang.isRightToLeft ? 0.7 : 1.0 }
    func style(_ size: Double, bold: Bool = false, italic: Bool = false, color: RGB = .black,
               align: Style.Align = .start) -> Style {
        Style(size: size * scale, bold: bold, italic: italic, color: color, align: align, lineSpacing: spacing)
    }

    init(_ document: SummaryDocument, _ typesetter: Typesetter, density: Double = 1) {
        self.document = document
        self.density = density
        self.t = typesetter
        self.lang = document.language
    }

    // MARK: - Text

    func esc(_ text: String) -> String { Typesetter.escape(text) }
    /// An identifier (rule id, source tags, code, date) kept in its own order inside any line.
    func id(_ text: String) -> String { esc(SummaryDocument.isolated(text)) }
    func bold(_ markup: String) -> String { "<b>\(markup)</b>" }
    var colon: String { ": " }
    var dot: String { "  ·  " }

    // MARK: - Blocks

    /// Something placed in the flow: its height, and how to draw it with its top at y.
    struct Block {
        var height: Double
        var spaceBefore: Double = 0
        /// Kept on the page of the block after it (a heading with its content).
        var keepWithNext = false
        /// The decision and signature block, which the foot (versions, disclaimer) stays with.
        var isDecision = false
        var draw: (Double) -> Void
    }

    /// A two-column item (an answer or a group's title), drawn at a column's start x and a y.
    struct ColumnItem {
        var height: Double
        var isHeading: Bool
        var draw: (_ x: Double, _ y: Double) -> Void
    }

    enum Flow {
        case block(Block)
        case columns([ColumnItem], spaceBefore: Double)
    }

    /// What goes on one page: each block with the y it is drawn at.
    typealias Page = [(y: Double, draw: (Double) -> Void)]

    // MARK: - Header (every page)

    var headerHeight: Double = 0

    /// The header for page `number` of `total`, drawn at the top; its height is the same on every page.
    func header(number: Int, of total: Int) -> Block {
        let identity = document.identity
        let pageText = t.box(esc(Phrase.page(lang, number, total)), width: 110, style(7.5, color: .grey(0.25), align: .end))
        let clinic = t.box(bold(esc(identity.clinic)), width: contentWidth - 120, style(12))
        let title = t.box(esc(identity.title), width: contentWidth - 120, style(8.5, color: .grey(0.3)))
        var dob = id(identity.dateOfBirth)
        if let age = identity.age { dob += " (\(esc(age)))" }
        let fields = [
            "\(esc(Phrase.patient(lang)))\(colon)\(bold(id(identity.patientName)))",
            "\(esc(Phrase.dateOfBirth(lang)))\(colon)\(bold(dob))",
            "\(esc(Phrase.intakeID(lang)))\(colon)\(bold(id(identity.intakeCode)))",
            "\(esc(Phrase.visitDate(lang)))\(colon)\(bold(id(identity.visitDate)))",
        ]
        let who = t.box(fields.joined(separator: dot), width: contentWidth, style(8.5))
        let height = clinic.height + title.height + 4 + who.height + 6
        return Block(height: height) { [t, margin, contentWidth] y in
            t.draw(clinic, x: margin, y: y)
            t.draw(pageText, x: margin + contentWidth - 110, y: y + 2)
            t.draw(title, x: margin, y: y + clinic.height)
            let band = y + clinic.height + title.height + 2
            t.fill(x: margin, y: band, width: contentWidth, height: who.height + 4, .grey(0.92))
            t.draw(who, x: margin + 0, y: band + 2)
            t.rule(x: margin, y: band + who.height + 4, width: contentWidth, line: 1.2)
        }
    }

    // MARK: - Body

    /// The shade of a verdict's badge and the colour of its word. Light to dark as the verdict
    /// grows more severe, so the order survives a greyscale printer; the word itself says it.
    func badge(_ verdict: Verdict, incomplete: Bool) -> (fill: RGB, text: RGB) {
        if incomplete && verdict == .review { return (RGB(r: 0.99, g: 0.86, b: 0.55), .black) }
        switch verdict {
        case .eligible: return (RGB(r: 0.85, g: 0.94, b: 0.85), RGB(r: 0.05, g: 0.35, b: 0.1))
        case .review: return (RGB(r: 0.99, g: 0.90, b: 0.62), RGB(r: 0.35, g: 0.22, b: 0))
        case .defer: return (RGB(r: 0.93, g: 0.55, b: 0.22), .black)
        case .contraindicated: return (RGB(r: 0.62, g: 0.05, b: 0.05), .white)
        }
    }

    func incompleteBanner() -> Block? {
        guard !document.incomplete.isEmpty else { return nil }
        let text = DocumentText.incompleteBanner(lang, document.incomplete.joined(separator: lang == .ar ? "؛ " : "; "))
        let box = t.box(bold(esc(text)), width: contentWidth - 16, style(9.5))
        return Block(height: box.height + 10, spaceBefore: 6) { [t, margin, contentWidth] y in
            t.fill(x: margin, y: y, width: contentWidth, height: box.height + 10, RGB(r: 0.99, g: 0.93, b: 0.75))
            t.stroke(x: margin, y: y, width: contentWidth, height: box.height + 10, line: 2)
            t.draw(box, x: margin + 8, y: y + 5)
        }
    }

    /// Procedures chosen, areas, photographs: one line under the header.
    func context() -> Block {
        var parts: [String] = []
        if let procedures = document.procedures { parts.append(esc(procedures)) }
        if let areas = document.areas { parts.append(esc(areas)) }
        parts.append(esc(document.photos))
        let notes = document.verdictNotes.map(esc)
        let box = t.box((parts + notes).joined(separator: dot), width: contentWidth, style(8))
        return Block(height: box.height, spaceBefore: 6) { [t, margin] y in t.draw(box, x: margin, y: y) }
    }

    /// The verdict box: one row per procedure, the verdict large, in a badge.
    func verdictBox() -> Block {
        // Wide enough for "Micro-Botox (intradermal botulinum toxin)" on one line.
        let nameWidth = contentWidth * 0.48
        let badgeWidth = contentWidth - nameWidth - 16
        struct Row { var name: TextBox; var word: TextBox; var until: TextBox?; var shade: (fill: RGB, text: RGB); var height: Double }
        var rows: [Row] = []
        for verdict in document.verdicts {
            let shade = badge(verdict.verdict, incomplete: verdict.isIncomplete)
            let name = t.box(bold(esc(verdict.procedureName)), width: nameWidth - 8, style(10))
            let word = t.box(bold(esc(verdict.word)), width: badgeWidth - 16, style(15, color: shade.text))
            var until: TextBox?
            if let text = verdict.until {
                until = t.box(bold(isolatingDate(text)), width: badgeWidth - 16, style(10, color: shade.text, align: .end))
            }
            let height = max(name.height, word.height) + 10
            rows.append(Row(name: name, word: word, until: until, shade: shade, height: height))
        }
        let total = rows.reduce(0) { $0 + $1.height } + 4
        return Block(height: total, spaceBefore: 8) { [t, margin, contentWidth] y in
            var rowY = y + 2
            for row in rows {
                let badgeX = margin + nameWidth + 8
                t.fill(x: badgeX, y: rowY + 1, width: badgeWidth, height: row.height - 2, row.shade.fill)
                t.draw(row.name, x: margin + 8, y: rowY + (row.height - row.name.height) / 2)
                t.draw(row.word, x: badgeX + 8, y: rowY + (row.height - row.word.height) / 2)
                if let until = row.until { t.draw(until, x: badgeX + 8, y: rowY + (row.height - until.height) / 2) }
                rowY += row.height
            }
            t.stroke(x: margin, y: y, width: contentWidth, height: total, line: 1.5)
        }
    }

    /// "until 2026-12-06" / "حتى 2026-12-06" as markup, the date at its end isolated.
    func isolatingDate(_ text: String) -> String {
        guard let space = text.lastIndex(of: " ") else { return id(text) }
        return esc(String(text[...space])) + id(String(text[text.index(after: space)...]))
    }

    func heading(_ text: String, spaceBefore: Double = 10) -> Block {
        let box = t.box(bold(esc(text)), width: contentWidth, style(9.5))
        return Block(height: box.height + 3, spaceBefore: spaceBefore, keepWithNext: true) { [t, margin, contentWidth] y in
            t.draw(box, x: margin, y: y)
            t.rule(x: margin, y: y + box.height + 1.5, width: contentWidth, line: 0.6, .grey(0.4))
        }
    }

    /// A paragraph indented `indent` points from the start edge.
    func paragraph(_ markup: String, indent: Double = 0, _ style: Style, spaceBefore: Double = 0, keepWithNext: Bool = false) -> Block {
        let box = t.box(markup, width: contentWidth - indent, style)
        return Block(height: box.height, spaceBefore: spaceBefore, keepWithNext: keepWithNext) { [t, margin] y in
            t.draw(box, x: margin + indent, y: y)
        }
    }

    /// A finding: rule id and verdict in bold, the reason, the source tags in grey.
    func finding(_ finding: SummaryDocument.FindingLine) -> Block {
        var label = id(finding.rule) + " · " + esc(finding.verdictName)
        if let until = finding.until { label += " " + isolatingDate(until) }
        let markup = "\(bold(label)) — \(esc(finding.reason)) <span foreground=\"#555555\">\(id(finding.source))</span>"
        let bullet = t.box("•", width: 8, style(8.5))
        let box = t.box(markup, width: contentWidth - 22, style(8.5))
        return Block(height: box.height + 1.5) { [t, margin] y in
            t.draw(bullet, x: margin + 8, y: y)
            t.draw(box, x: margin + 18, y: y)
        }
    }

    func findings() -> [Block] {
        var blocks: [Block] = [heading(DocumentText.findings(lang))]
        for verdict in document.verdicts {
            blocks.append(paragraph(bold(esc(verdict.procedureName)), style(8.5), spaceBefore: 4.5, keepWithNext: true))
            // The banner above already names them; a procedure missing other questions says which.
            let named = Set(document.incomplete)
            if verdict.isIncomplete, !verdict.missing.isEmpty, Set(verdict.missing) != named {
                let text = Phrase.notAnsweredList(lang, verdict.missing.joined(separator: lang == .ar ? "؛ " : "; "))
                blocks.append(paragraph(bold(esc(text)), indent: 18, style(8.5)))
            }
            if let none = verdict.noFindings { blocks.append(paragraph(esc(none), indent: 18, style(8.5))) }
            blocks += verdict.findings.map(finding)
            if let goals = verdict.goals {
                blocks.append(paragraph(esc(goals), indent: 18, style(8, color: .grey(0.25))))
            }
            if let notice = verdict.offLabel {
                blocks.append(paragraph(esc(notice), indent: 18, style(7.5, italic: true, color: .grey(0.2)), spaceBefore: 1))
            }
        }
        return blocks
    }

    var columnGap: Double { 14 }
    var columnWidth: Double { (contentWidth - columnGap) / 2 }

    static func isArabic(_ scalar: Unicode.Scalar) -> Bool {
        (0x0600...0x06FF).contains(scalar.value) || (0x0750...0x077F).contains(scalar.value)
            || (0xFB50...0xFDFF).contains(scalar.value) || (0xFE70...0xFEFF).contains(scalar.value)
    }

    func answers() -> [Flow] {
        var flows: [Flow] = []
        flows.append(.block(heading("\(Phrase.answers(lang)) \(Phrase.triggeredLegend(lang))")))
        if let note = document.answersNote { flows.append(.block(paragraph(esc(note), style(7.5), keepWithNext: true))) }
        var items: [ColumnItem] = []
        let rowStyle = style(6.9)
        for group in document.answerGroups {
            if let title = group.title {
                let box = t.box(bold(esc(title)), width: columnWidth, style(7.6, color: .grey(0.15)))
                items.append(ColumnItem(height: box.height + 2.5, isHeading: true) { [t, columnWidth] x, y in
                    t.draw(box, x: x, y: y + 1.5)
                    t.rule(x: x, y: y + box.height + 1.8, width: columnWidth, line: 0.3, .grey(0.6))
                })
            }
            for row in group.rows {
                // The answer at the column's end edge, as narrow as it is (at most 40% of the column);
                // the question takes the rest, so a yes or no leaves it almost the whole line.
                // Isolated: a phone number or a date keeps its order beside Arabic; an answer with Arabic
                // in it (a Latin name with the Arabic patient's-words mark) reads right to left.
                let isolated = esc((row.answer.unicodeScalars.contains(where: Self.isArabic) ? "\u{2067}" : "\u{2066}")
                    + row.answer + "\u{2069}")
                let answerMarkup = row.triggered ? bold(isolated) : isolated
                var rowStyleHere = rowStyle
                rowStyleHere.bold = row.triggered
                let answerWidth = min(columnWidth * 0.4, t.naturalWidth(answerMarkup, rowStyleHere) + 1)
                var answerStyle = rowStyleHere
                answerStyle.align = .end
                let answer = t.box(answerMarkup, width: answerWidth, answerStyle)
                let questionWidth = columnWidth - answerWidth - 8
                let question = t.box(esc(row.triggered ? "* " + row.question : row.question), width: questionWidth, rowStyleHere)
                let height = max(question.height, answer.height) + 0.8
                items.append(ColumnItem(height: height, isHeading: false) { [t, columnWidth] x, y in
                    if row.triggered { t.fill(x: x - 2, y: y, width: columnWidth + 4, height: height, .grey(0.86)) }
                    t.draw(question, x: x, y: y + 0.5)
                    t.draw(answer, x: x + columnWidth - answerWidth, y: y + 0.5)
                })
            }
        }
        flows.append(.columns(items, spaceBefore: 3))
        return flows
    }

    /// An empty tick box, drawn as a square (no font has to have ☐), then its label.
    func tickBox(_ label: String, width: Double, _ style: Style) -> (width: Double, height: Double, draw: (Double, Double) -> Void) {
        let natural = min(width - 12, t.naturalWidth(esc(label), style))
        let box = t.box(esc(label), width: natural + 1, style)
        return (natural + 14, box.height, { [t] x, y in
            let side = style.size * 0.8
            t.stroke(x: x, y: y + (box.height - side) / 2, width: side, height: side, line: 0.7)
            t.draw(box, x: x + side + 3, y: y)
        })
    }

    /// The decision and signature: one block, never split across pages.
    func decisionBlock() -> Block {
        let decision = document.decision
        var parts: [(height: Double, draw: (Double) -> Void)] = []
        let inner = contentWidth - 16
        let x0 = margin + 8
        let headingBox = t.box(bold(esc(decision.heading)), width: inner, style(9.5))
        parts.append((headingBox.height + 4, { [t] y in t.draw(headingBox, x: x0, y: y) }))
        let nameWidth = inner * 0.42
        for line in decision.lines {
            let name = t.box(bold(esc(line.procedureName)), width: nameWidth - 6, style(8.5))
            var height = name.height
            var draws: [(Double) -> Void] = [{ [t] y in t.draw(name, x: x0, y: y) }]
            if let choice = line.choice {
                var markup = bold(esc(choice))
                if let reason = line.reason { markup += " (" + id(reason) + ")" }
                let box = t.box(markup, width: inner - nameWidth, style(8.5))
                height = max(height, box.height)
                draws.append { [t] y in t.draw(box, x: x0 + nameWidth, y: y) }
            } else {
                var x = x0 + nameWidth
                for option in [Phrase.proceed(lang), Phrase.deferChoice(lang), Phrase.decline(lang)] {
                    let tick = tickBox(option, width: 110, style(8.5))
                    let at = x
                    draws.append { y in tick.draw(at, y) }
                    x += tick.width + 14
                    height = max(height, tick.height)
                }
            }
            parts.append((height + 3, { y in draws.forEach { $0(y) } }))
            if let label = line.offLabelTick {
                let tick = tickBox(label, width: inner - nameWidth, style(8.5, bold: true))
                parts.append((tick.height + 3, { y in tick.draw(x0 + nameWidth, y) }))
            }
        }
        if let note = decision.note {
            let box = t.box("\(esc(Phrase.note(lang)))\(colon)\(id(note))", width: inner, style(8.5))
            parts.append((box.height + 3, { [t] y in t.draw(box, x: x0, y: y) }))
        }
        if decision.isSigned {
            var fields = ["\(esc(DocumentText.signedBy(lang)))\(colon)\(bold(id(decision.signer ?? "")))",
                          esc(Phrase.signedElectronically(lang))]
            if let at = decision.signedAt { fields.append("\(esc(DocumentText.signedAt(lang)))\(colon)\(bold(id(at)))") }
            let signer = t.box(fields.joined(separator: dot), width: inner, style(9))
            parts.append((signer.height + 3, { [t] y in t.draw(signer, x: x0, y: y + 3) }))
            if let hash = decision.contentHash {
                let box = t.box(esc(DocumentText.contentHash(lang, "")) + id(hash), width: inner, style(8, color: .grey(0.25)))
                parts.append((box.height + 2, { [t] y in t.draw(box, x: x0, y: y + 3) }))
            }
            if let amended = decision.amended {
                let box = t.box(esc(amended), width: inner, style(8, italic: true))
                parts.append((box.height + 2, { [t] y in t.draw(box, x: x0, y: y + 3) }))
            }
            if let changed = decision.changedAfterSigning {
                let box = t.box(esc(changed), width: inner, style(10, bold: true))
                parts.append((box.height + 4, { [t] y in t.draw(box, x: x0, y: y + 4) }))
            }
        } else {
            // Lines to write on: note, then name, signature and date.
            let noteLabel = t.box(esc(Phrase.note(lang)) + colon, width: 80, style(8.5))
            let noteWidth = t.naturalWidth(esc(Phrase.note(lang)) + colon, style(8.5)) + 4
            parts.append((noteLabel.height + 10, { [t] y in
                t.draw(noteLabel, x: x0, y: y + 6)
                t.rule(x: x0 + noteWidth, y: y + 6 + noteLabel.height - 2, width: inner - noteWidth, line: 0.5)
            }))
            let labels = [Phrase.practitionerName(lang), Phrase.signature(lang), Phrase.date(lang)]
            let widths = [inner * 0.4, inner * 0.37, inner * 0.23]
            var x = x0
            var draws: [(Double) -> Void] = []
            var height = 0.0
            for (label, width) in zip(labels, widths) {
                let box = t.box(esc(label) + colon, width: width, style(8.5))
                let labelWidth = t.naturalWidth(esc(label) + colon, style(8.5)) + 4
                let at = x
                draws.append { [t] y in
                    t.draw(box, x: at, y: y + 10)
                    t.rule(x: at + labelWidth, y: y + 10 + box.height - 2, width: width - labelWidth - 10, line: 0.5)
                }
                height = max(height, box.height + 14)
                x += width
            }
            parts.append((height, { y in draws.forEach { $0(y) } }))
        }
        let total = parts.reduce(0) { $0 + $1.height } + 12
        return Block(height: total, spaceBefore: 10) { [t, margin, contentWidth] y in
            t.stroke(x: margin, y: y, width: contentWidth, height: total, line: 1.2)
            var at = y + 6
            for part in parts { part.draw(at); at += part.height }
        }
    }

    /// The sources legend, the versions and the disclaimer: at the foot of the last page.
    func foot() -> Block {
        let legendStyle = style(6.6, color: .grey(0.2))
        // One flowing paragraph: each tag in bold, then what it means.
        let entries = document.legend.map { "\(bold(id($0.tag))) \(esc($0.text))" }
        let legend = entries.isEmpty ? nil
            : t.box(bold(esc(DocumentText.sources(lang)) + colon) + entries.joined(separator: " · "), width: contentWidth, legendStyle)
        let versions = t.box(esc(document.versions) + dot + bold(esc(document.disclaimer)), width: contentWidth, style(7.5))
        let height = (legend.map { $0.height + 3 } ?? 0) + versions.height
        return Block(height: height, spaceBefore: 10) { [t, margin, contentWidth] y in
            t.rule(x: margin, y: y - 3, width: contentWidth, line: 0.6, .grey(0.4))
            var at = y
            if let legend {
                t.draw(legend, x: margin, y: at)
                at += legend.height + 3
            }
            t.draw(versions, x: margin, y: at)
        }
    }

    // MARK: - Pagination

    func flows() -> [Flow] {
        var flows: [Flow] = []
        if let banner = incompleteBanner() { flows.append(.block(banner)) }
        flows.append(.block(context()))
        flows.append(.block(verdictBox()))
        flows += findings().map(Flow.block)
        flows += answers()
        var decision = decisionBlock()
        decision.isDecision = true
        flows.append(.block(decision))
        return flows
    }

    /// Fills a column of height `room` from `items`: how many it takes. A column never ends
    /// with a group's title (it moves to the next column with its first answer).
    func fill(_ items: ArraySlice<ColumnItem>, room: Double) -> Int {
        var used = 0.0, count = 0
        for item in items {
            guard used + item.height <= room else { break }
            used += item.height; count += 1
        }
        while count > 0, count < items.count, items[items.startIndex + count - 1].isHeading { count -= 1 }
        return count
    }

    /// The pages, each with its blocks placed; the header is added when drawing.
    func paginate() -> [Page] {
        headerHeight = header(number: 1, of: 1).height
        let bodyTop = top + headerHeight + 4
        var pages: [Page] = [[]]
        var y = bodyTop
        func newPage() { pages.append([]); y = bodyTop }
        var decisionAt: (page: Int, entry: Int, atTop: Bool)?
        var decisionBlock: Block?
        func place(_ block: Block) {
            let atTop = y == bodyTop
            if !atTop { y += block.spaceBefore }
            if block.isDecision { decisionAt = (pages.count - 1, pages[pages.count - 1].count, atTop); decisionBlock = block }
            pages[pages.count - 1].append((y, block.draw))
            y += block.height
        }
        let all = flows()
        for (index, flow) in all.enumerated() {
            switch flow {
            case .block(let block):
                // A block kept with the next needs room for itself and the start of what follows.
                var needed = block.spaceBefore + block.height
                var next = index + 1
                var keep = block.keepWithNext
                while keep, next < all.count {
                    switch all[next] {
                    case .block(let following):
                        needed += following.spaceBefore + following.height
                        keep = following.keepWithNext
                    case .columns(let items, let space):
                        needed += space + (items.first?.height ?? 0) + (items.dropFirst().first?.height ?? 0)
                        keep = false
                    }
                    next += 1
                }
                if y + needed > bottom, y > bodyTop { newPage() }
                place(block)
            case .columns(let items, let spaceBefore):
                var rest = items[...]
                if y > bodyTop { y += spaceBefore }
                while !rest.isEmpty {
                    let room = bottom - y
                    let total = rest.reduce(0) { $0 + $1.height }
                    var height = room
                    // Everything left fits in two columns here: balance them, the shortest that holds it all.
                    if fitsInTwo(rest, room: room) {
                        var low = max(rest.map(\.height).max() ?? 0, total / 2), high = room
                        for _ in 0..<24 {
                            let mid = (low + high) / 2
                            if fitsInTwo(rest, room: mid) { high = mid } else { low = mid }
                        }
                        height = high
                    }
                    let left = fill(rest, room: height)
                    let right = fill(rest.dropFirst(left), room: height)
                    if left == 0 {
                        guard y > bodyTop else { break } // an item taller than a page: cannot happen with these sizes
                        newPage(); continue
                    }
                    let first = Array(rest.prefix(left)), second = Array(rest.dropFirst(left).prefix(right))
                    let columnHeight = max(first.reduce(0) { $0 + $1.height }, second.reduce(0) { $0 + $1.height })
                    let x0 = margin, x1 = margin + columnWidth + columnGap
                    pages[pages.count - 1].append((y, { y in
                        var at = y
                        for item in first { item.draw(x0, at); at += item.height }
                        at = y
                        for item in second { item.draw(x1, at); at += item.height }
                    }))
                    y += columnHeight
                    rest = rest.dropFirst(left + right)
                    if !rest.isEmpty { newPage() }
                }
            }
        }
        // The foot sits at the bottom of the last page, or of a page of its own when there is no room.
        let foot = foot()
        if y + foot.spaceBefore + foot.height > bottom {
            // The versions and the disclaimer belong with the decision: move it along rather than
            // leave a page that holds nothing but the foot.
            if let at = decisionAt, let block = decisionBlock, !at.atTop, at.page == pages.count - 1,
               at.entry == pages[at.page].count - 1 {
                pages[at.page].removeLast()
                newPage()
                place(block)
            } else {
                newPage()
            }
        }
        pages[pages.count - 1].append((bottom - foot.height, foot.draw))
        return pages
    }

    func fitsInTwo(_ items: ArraySlice<ColumnItem>, room: Double) -> Bool {
        let left = fill(items, room: room)
        let right = fill(items.dropFirst(left), room: room)
        return left + right == items.count
    }

    /// Draws every page, each with its header.
    func set() {
        let pages = paginate()
        for (index, page) in pages.enumerated() {
            header(number: index + 1, of: pages.count).draw(top)
            for (y, draw) in page { draw(y) }
            t.showPage()
        }
    }
}
