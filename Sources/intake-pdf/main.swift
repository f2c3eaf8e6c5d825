// intake-pdf: typesets one summary as a PDF. Reads a PDFJob (JSON) on standard input and writes the
// PDF to standard output; a problem is one line on standard error and exit status 1.
//
// It is its own program so that only it loads Pango, Cairo and fontconfig: `intake` starts the
// kiosk and the station without them, and runs this beside it when a summary is printed.
import Foundation
import IntakeSummary
import SummaryPDF

let input = FileHandle.standardInput.readDataToEndOfFile()
do {
    let job = try JSONDecoder().decode(PDFJob.self, from: input)
    let pdf = try SummaryPDF.render(job.document, paper: job.paper)
    FileHandle.standardOutput.write(Data(pdf))
    exit(0)
} catch let error as SummaryPDFError {
    FileHandle.standardError.write(Data("\(error.description)\n".utf8))
} catch {
    FileHandle.standardError.write(Data("the summary given to intake-pdf could not be read: \(error)\n".utf8))
}
exit(1)
