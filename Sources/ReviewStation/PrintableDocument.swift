import IntakeSummary
import Printing

/// What goes to the printer for a summary: the typeset PDF, shared by the station's `p` and `intake print`.
public enum PrintableDocument {
    /// A print request holding the summary as a PDF on `paper`, or, when no paper is given, on the
    /// CUPS destination's media (else the locale's paper). Should the PDF not be made (a font
    /// missing), the request holds the plain-text summary instead, so the patient's file still gets it.
    ///
    /// May run lpoptions (at most 2 s) to learn the media: call it where `Printer.print` is called.
    public static func request(_ summary: Summary, title: String, printer: String?, paper: Paper? = nil,
                               environment: [String: String] = Printer.processEnvironment()) -> PrintRequest {
        let paper = paper ?? Paper.preferred(media: Printer.destinationMedia(printer: printer, environment: environment),
                                             environment: environment)
        if let pdf = try? PDFProcess.render(summary, paper: paper, environment: environment) {
            return PrintRequest(pdf: pdf, title: title, printer: printer)
        }
        return PrintRequest(text: StoredSummary.printable(summary), title: title, printer: printer)
    }
}
