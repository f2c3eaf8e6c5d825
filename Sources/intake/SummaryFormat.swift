import ArgumentParser
import Foundation
import IntakeSummary
import Printing
import ReviewStation

/// How `intake summary` writes the summary: text for terminals and files, or the typeset PDF.
enum SummaryFormat: String, ExpressibleByArgument, CaseIterable { case text, pdf }

extension Paper: ExpressibleByArgument {}

/// `--format`, `-o` and `--paper` of `intake summary`.
struct PDFOptions: ParsableArguments {
    @Option(help: "text (80 columns, for terminals and files) or pdf (the printed document; needs -o).")
    var format: SummaryFormat = .text

    @Option(name: [.customShort("o"), .customLong("output")],
            help: ArgumentHelp("Where to write the PDF (created with mode 0600).", valueName: "FILE"))
    var output: String?

    @Option(help: "Paper for the PDF: a4 or letter (default: the CUPS default printer's media, else the locale's paper).")
    var paper: Paper?

    func validate() throws {
        if format == .pdf, output == nil {
            throw ValidationError("--format pdf needs -o FILE: a PDF is not for the terminal")
        }
        if format == .text, output != nil || paper != nil {
            throw ValidationError("-o and --paper go with --format pdf")
        }
    }

    /// Prints the text summary, or writes the PDF to `output`.
    func emit(_ summary: Summary) throws {
        guard format == .pdf, let output else {
            print(forOutput(summary), terminator: "")
            return
        }
        let environment = ProcessInfo.processInfo.environment
        let paper = self.paper ?? Paper.preferred(media: Printer.destinationMedia(printer: nil, environment: environment),
                                                  environment: environment)
        let bytes: [UInt8]
        do { bytes = try PDFProcess.render(summary, paper: paper) } catch {
            FileHandle.standardError.write(Data("intake: the PDF could not be made: \(error.description)\n".utf8))
            throw ExitCode(1)
        }
        do { try writePrivately(bytes, to: output) } catch {
            FileHandle.standardError.write(Data("intake: cannot write \(output): \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}

/// Writes `bytes` to `path`, replacing it; the file is left with mode 0600 whatever the umask or its old mode.
func writePrivately(_ bytes: [UInt8], to path: String) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    defer { close(fd) }
    // An existing file keeps its mode through O_TRUNC: a summary is health data, so make it private.
    fchmod(fd, 0o600)
    var offset = 0
    while offset < bytes.count {
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, bytes.count - offset) }
        if n < 0 {
            if errno == EINTR { continue }
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        offset += n
    }
}
