/// A plain-text page to print: the practitioner's one-page summary for the patient's file.
public struct PrintRequest: Sendable {
    /// The page, UTF-8 text of at most 80 columns; may contain Arabic and form feeds between pages.
    public var text: String
    /// The job name CUPS shows, e.g. "intake K7M-4QX"; also part of the fallback file's name.
    public var title: String
    /// The CUPS destination; nil (or empty) prints to the CUPS default destination.
    public var printer: String?

    /// The summary as a PDF: when present it is what lp prints (and what the fallback file holds),
    /// and `text` is not sent.
    public var pdf: [UInt8]?

    public init(text: String, title: String, printer: String? = nil) {
        self.text = text
        self.title = title
        self.printer = printer
    }

    /// A PDF to print (CUPS prints PDF on every system, through its own filters).
    public init(pdf: [UInt8], title: String, printer: String? = nil) {
        self.text = ""
        self.pdf = pdf
        self.title = title
        self.printer = printer
    }
}

/// What became of a print request. Every case has a `message` a receptionist can read.
public enum PrintOutcome: Sendable, Equatable {
    /// `lp` accepted the job. `printer` is the one asked for (nil: the default destination);
    /// `jobID` is lp's request id ("front-desk-12") when it printed one.
    case printed(printer: String?, jobID: String?)
    /// Not printed; the text was saved to a new private file instead. `reason` says why
    /// (lp's own error line where lp ran, e.g. "lp: Error - No default destination.").
    case savedToFile(path: String, reason: String)
    /// Neither printed nor saved; `reason` says why both failed.
    case failed(reason: String)

    public var message: String {
        switch self {
        case .printed(let printer, let jobID):
            let destination = printer.map { "printer \($0)" } ?? "the default printer"
            if let jobID { return "Sent to \(destination) (job \(jobID))." }
            return "Sent to \(destination)."
        case .savedToFile(let path, let reason):
            return "No printer is available (\(reason)); the summary was saved to \(path). Print it from there."
        case .failed(let reason):
            return "The summary was neither printed nor saved (\(reason)). Nothing was printed: try again, or ask for help."
        }
    }
}
