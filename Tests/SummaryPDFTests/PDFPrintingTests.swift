import Foundation
import Testing
import IntakeModel
import IntakeSummary
import Printing
import SummaryPDF

/// A PDF summary through lp: Scripts/fake-lp always, the private CUPS queue where the machine allows one.
struct PDFPrintingTests {
    static let fakeLP = repository.appendingPathComponent("Scripts/fake-lp").path
    static let cups = ProcessInfo.processInfo.environment

    static func pdf() throws -> [UInt8] {
        try SummaryPDF.render(try Cases.summary(Cases.bundled.appendingPathComponent("05-botox-month-only.json"), .ar), paper: .a4)
    }

    static func folder() throws -> String {
        let folder = NSTemporaryDirectory() + "intake-pdf-print-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder + "/records", withIntermediateDirectories: true)
        return folder
    }

    @Test func lpGetsThePDFAsItIsWithItsFormat() throws {
        let folder = try Self.folder(); defer { try? FileManager.default.removeItem(atPath: folder) }
        let pdf = try Self.pdf()
        let printer = Printer(lpPath: Self.fakeLP, fallbackFolder: folder + "/printouts",
                              environment: ["PATH": "/usr/bin:/bin", "FAKE_LP_DIR": folder + "/records"])
        let outcome = printer.print(PrintRequest(pdf: pdf, title: "intake K7M-4QX", printer: "front-desk"))
        #expect(outcome == .printed(printer: "front-desk", jobID: "fake-1"))
        let arguments = try String(contentsOfFile: folder + "/records/args", encoding: .utf8).split(separator: "\n")
        #expect(arguments.contains("document-format=application/pdf"))
        #expect(!arguments.contains("cpi=12"), "text-only options are not sent with a PDF")
        #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: folder + "/records/stdin"))) == pdf)
    }

    @Test func withoutLpThePDFIsSavedPrivately() throws {
        let folder = try Self.folder(); defer { try? FileManager.default.removeItem(atPath: folder) }
        let pdf = try Self.pdf()
        let printer = Printer(lpPath: folder + "/no-lp", fallbackFolder: folder + "/printouts", environment: [:])
        let outcome = printer.print(PrintRequest(pdf: pdf, title: "intake K7M-4QX"))
        guard case .savedToFile(let path, _) = outcome else { Issue.record("got \(outcome)"); return }
        #expect(path.hasSuffix(".pdf"))
        #expect(outcome.message.contains(path), "the message says where it went")
        #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) == pdf)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    /// The private CUPS queue (Scripts/cups-test-queue; `make test` starts it) receives the PDF job.
    @Test(.enabled(if: cups["INTAKE_CUPS_QUEUE"] != nil, "INTAKE_CUPS_QUEUE is not set: run Scripts/cups-test-queue"))
    func theCUPSQueueReceivesAPDFJob() async throws {
        let queue = try #require(Self.cups["INTAKE_CUPS_QUEUE"])
        let folder = try Self.folder(); defer { try? FileManager.default.removeItem(atPath: folder) }
        var environment = Printer.processEnvironment()
        if let server = Self.cups["INTAKE_CUPS_SERVER"] { environment["CUPS_SERVER"] = server }
        let pdf = try Self.pdf()
        let outcome = Printer(fallbackFolder: folder + "/printouts", environment: environment)
            .print(PrintRequest(pdf: pdf, title: "intake K7M-4QX", printer: queue))
        guard case .printed(_, let jobID?) = outcome else { Issue.record("got \(outcome): \(outcome.message)"); return }
        let output = try #require(Self.cups["INTAKE_CUPS_OUTPUT"])
        let path = output + "/job-" + jobID.dropFirst(queue.count + 1) + ".out"
        var received: Data?
        // The backend writes as it reads: wait for the whole job.
        for _ in 0..<100 where received?.count != pdf.count {
            received = FileManager.default.contents(atPath: path).flatMap { $0.isEmpty ? nil : $0 }
            if received?.count != pdf.count { try await Task.sleep(for: .milliseconds(100)) }
        }
        let bytes = [UInt8](try #require(received, "job \(jobID) reached the queue's backend"))
        #expect(bytes.starts(with: Array("%PDF-".utf8)))
        #expect(bytes == pdf)
    }
}
