import IntakeSummary
import CPangoCairo

/// Why a PDF could not be made.
public struct SummaryPDFError: Error, CustomStringConvertible, Sendable {
    public let description: String
}

/// A colour as red, green and blue from 0 to 1.
struct RGB {
    var r: Double, g: Double, b: Double
    static let black = RGB(r: 0, g: 0, b: 0)
    static let white = RGB(r: 1, g: 1, b: 1)
    static func grey(_ level: Double) -> RGB { RGB(r: level, g: level, b: level) }
}

/// How a run of text is set.
struct Style {
    var size: Double
    var bold = false
    var italic = false
    var color = RGB.black
    /// Where lines sit in their box, in reading terms: `.start` is left in English and right in Arabic.
    var align = Align.start
    /// Extra room between lines, as a factor of the font's own line height (1 = the font's).
    var lineSpacing = 1.0

    enum Align { case start, center, end }
}

/// A paragraph shaped and broken into lines by Pango, ready to draw.
struct TextBox {
    let layout: OpaquePointer
    let width: Double
    let height: Double
    /// Where the layout is drawn relative to the box's top: negative when the first line's
    /// leading is trimmed (see ``Style/lineSpacing``).
    var offset = 0.0
}

/// Pango on one Cairo PDF surface: shapes and measures paragraphs, and draws them and simple shapes.
///
/// Coordinates given to it are in reading terms: `x` runs from the start edge of the page (the
/// left in English, the right in Arabic), so one layout serves both directions, mirrored.
final class Typesetter {
    let surface: OpaquePointer
    let cr: OpaquePointer
    let context: OpaquePointer
    let rightToLeft: Bool
    let family: String
    let pageWidth: Double
    let pageHeight: Double
    private var layouts: [OpaquePointer] = []

    /// The PDF's bytes, written by Cairo through ``write(_:_:_:)``.
    final class Output { var bytes: [UInt8] = [] }
    let output = Output()

    init(paper: Paper, rightToLeft: Bool, family: String) throws(SummaryPDFError) {
        let (width, height) = paper.size
        pageWidth = width; pageHeight = height
        self.rightToLeft = rightToLeft
        self.family = family
        let closure = Unmanaged.passUnretained(output).toOpaque()
        guard let surface = cairo_pdf_surface_create_for_stream(Typesetter.write, closure, width, height),
              cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            throw SummaryPDFError(description: "Cairo could not create a PDF surface")
        }
        self.surface = surface
        cr = cairo_create(surface)
        context = pango_cairo_create_context(cr)
        // Points for points: Pango's default 96 dpi would make a 9 pt font 12 units tall.
        pango_cairo_context_set_resolution(context, 72)
        // No hinting: glyph positions come from the font's design, the same on every machine and
        // at every zoom, so a page renders alike in the tests, on screen and on paper.
        let options = cairo_font_options_create()
        cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
        cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
        cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY)
        pango_cairo_context_set_font_options(context, options)
        cairo_font_options_destroy(options)
        // Every paragraph takes the document's direction, even one that starts with a rule id.
        pango_context_set_base_dir(context, rightToLeft ? PANGO_DIRECTION_RTL : PANGO_DIRECTION_LTR)
        try checkFont(bold: false)
        try checkFont(bold: true)
    }

    deinit {
        for layout in layouts { intake_g_object_unref(UnsafeMutableRawPointer(layout)) }
        intake_g_object_unref(UnsafeMutableRawPointer(context))
        cairo_destroy(cr)
        cairo_surface_destroy(surface)
    }

    private static let write: cairo_write_func_t = { closure, data, length in
        guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
        let output = Unmanaged<Output>.fromOpaque(closure).takeUnretainedValue()
        output.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
        return CAIRO_STATUS_SUCCESS
    }

    /// Refuses to set the page in a substitute: fontconfig hands back *some* font for any name, and
    /// a summary in the wrong font (or in boxes) must not reach a patient's file unnoticed.
    private func checkFont(bold: Bool) throws(SummaryPDFError) {
        let description = fontDescription(Style(size: 10, bold: bold))
        defer { pango_font_description_free(description) }
        let map = pango_cairo_font_map_get_default()
        guard let font = pango_font_map_load_font(map, context, description) else {
            throw SummaryPDFError(description: "no font could be loaded for \(family)")
        }
        defer { intake_g_object_unref(UnsafeMutableRawPointer(font)) }
        let found = pango_font_describe(font)
        defer { pango_font_description_free(found) }
        let name = pango_font_description_get_family(found).map { String(cString: $0) } ?? "?"
        guard name.lowercased() == family.lowercased() else {
            let package = family == "Amiri" ? "fonts-hosny-amiri" : "fonts-dejavu-core"
            throw SummaryPDFError(description: "the font \(family) is not installed (fontconfig offers \(name) instead): install \(package), or run Scripts/install-deps")
        }
    }

    private func fontDescription(_ style: Style) -> OpaquePointer {
        let description = pango_font_description_new()!
        pango_font_description_set_family(description, family)
        pango_font_description_set_size(description, Int32((style.size * Double(intake_pango_scale())).rounded()))
        pango_font_description_set_weight(description, style.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL)
        pango_font_description_set_style(description, style.italic && !rightToLeft ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL)
        return description
    }

    /// `markup` (Pango markup: escape text with ``escape(_:)``) shaped and wrapped to `width` points.
    func box(_ markup: String, width: Double, _ style: Style) -> TextBox {
        let layout = pango_layout_new(context)!
        layouts.append(layout)
        let description = fontDescription(style)
        pango_layout_set_font_description(layout, description)
        pango_font_description_free(description)
        pango_layout_set_auto_dir(layout, 0)
        pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
        pango_layout_set_width(layout, intake_pango_units_from_double(width))
        if style.lineSpacing != 1 { pango_layout_set_line_spacing(layout, Float(style.lineSpacing)) }
        // In a right-to-left context Pango's LEFT means the start edge too: no swap is made for a
        // paragraph whose direction is the context's, so "start" is RIGHT there, by hand.
        let alignment: PangoAlignment = switch (style.align, rightToLeft) {
        case (.center, _): PANGO_ALIGN_CENTER
        case (.start, false), (.end, true): PANGO_ALIGN_LEFT
        case (.start, true), (.end, false): PANGO_ALIGN_RIGHT
        }
        pango_layout_set_alignment(layout, alignment)
        let color = style.color
        let colored = color.r == 0 && color.g == 0 && color.b == 0 ? markup
            : "<span foreground=\"\(Typesetter.hex(color))\">\(markup)</span>"
        pango_layout_set_markup(layout, colored, -1)
        var w: Int32 = 0, h: Int32 = 0
        pango_layout_get_size(layout, &w, &h)
        var height = intake_pango_units_to_double(h)
        var offset = 0.0
        if style.lineSpacing < 1 {
            // Pango brings the later lines closer but leaves the first its full height; Amiri's is
            // tall (room for stacked marks), so trim the first line alike, mostly from above.
            let iterator = pango_layout_get_iter(layout)
            var logical = PangoRectangle()
            pango_layout_iter_get_line_extents(iterator, nil, &logical)
            pango_layout_iter_free(iterator)
            let cut = intake_pango_units_to_double(logical.height) * (1 - style.lineSpacing)
            height -= cut
            offset = -cut * 0.6
        }
        return TextBox(layout: layout, width: width, height: height, offset: offset)
    }

    /// The width the longest line of `markup` takes, unwrapped.
    func naturalWidth(_ markup: String, _ style: Style) -> Double {
        let layout = box(markup, width: -1, style).layout
        pango_layout_set_width(layout, -1)
        var w: Int32 = 0, h: Int32 = 0
        pango_layout_get_size(layout, &w, &h)
        return intake_pango_units_to_double(w)
    }

    /// The page's x for a box of `width` that starts `x` points from the start edge.
    func physicalX(_ x: Double, width: Double) -> Double {
        rightToLeft ? pageWidth - x - width : x
    }

    func draw(_ box: TextBox, x: Double, y: Double) {
        // Text is black unless its markup says otherwise, whatever was filled last.
        cairo_set_source_rgb(cr, 0, 0, 0)
        cairo_move_to(cr, physicalX(x, width: box.width), y + box.offset)
        pango_cairo_show_layout(cr, box.layout)
    }

    func fill(x: Double, y: Double, width: Double, height: Double, _ color: RGB) {
        cairo_set_source_rgb(cr, color.r, color.g, color.b)
        cairo_rectangle(cr, physicalX(x, width: width), y, width, height)
        cairo_fill(cr)
    }

    func stroke(x: Double, y: Double, width: Double, height: Double, line: Double, _ color: RGB = .black) {
        cairo_set_source_rgb(cr, color.r, color.g, color.b)
        cairo_set_line_width(cr, line)
        cairo_rectangle(cr, physicalX(x, width: width), y, width, height)
        cairo_stroke(cr)
    }

    /// A horizontal line from `x` for `width` points.
    func rule(x: Double, y: Double, width: Double, line: Double, _ color: RGB = .black) {
        cairo_set_source_rgb(cr, color.r, color.g, color.b)
        cairo_set_line_width(cr, line)
        let start = physicalX(x, width: width)
        cairo_move_to(cr, start, y)
        cairo_line_to(cr, start + width, y)
        cairo_stroke(cr)
    }

    func showPage() { cairo_show_page(cr) }

    /// Ends the document and hands back its bytes.
    func finish(title: String, creationDate: String?) throws(SummaryPDFError) -> [UInt8] {
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "intake")
        // The visit date rather than the clock, so the same summary gives the same bytes.
        if let creationDate { cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, creationDate) }
        cairo_surface_finish(surface)
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw SummaryPDFError(description: "Cairo could not write the PDF: \(String(cString: cairo_status_to_string(status)))")
        }
        return output.bytes
    }

    /// Text made safe for Pango markup.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(character)
            }
        }
        return out
    }

    static func hex(_ color: RGB) -> String {
        func two(_ v: Double) -> String {
            let n = Int((max(0, min(1, v)) * 255).rounded())
            let digits = String(n, radix: 16)
            return n < 16 ? "0" + digits : digits
        }
        return "#" + two(color.r) + two(color.g) + two(color.b)
    }
}
