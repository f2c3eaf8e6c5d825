import Foundation
import Testing
@testable import Printing

/// Set by `eval "$(Scripts/cups-test-queue --env)"`: a private cupsd and its raw queue.
private let cups = ProcessInfo.processInfo.environment
private let queue = cups["INTAKE_CUPS_QUEUE"]

@Suite("Real CUPS (Scripts/cups-test-queue)", .enabled(if: queue != nil, "INTAKE_CUPS_QUEUE is not set"))
struct CUPSTests {
    private func printer(_ space: Workspace) -> Printer {
        var environment = Printer.processEnvironment()
        if let server = cups["INTAKE_CUPS_SERVER"] { environment["CUPS_SERVER"] = server }
        return Printer(fallbackFolder: space.printouts, environment: environment)
    }

    @Test func printsAndTheJobArrives() async throws {
        let space = try Workspace(); defer { space.remove() }
        let queue = try #require(queue)
        let text = sampleSummary + "\u{1B}[31mno colour\u{1B}[0m\n"
        let outcome = printer(space).print(PrintRequest(text: text, title: "intake K7M-4QX", printer: queue))
        guard case .printed(let printer, let jobID?) = outcome else {
            Issue.record("expected a printed job with an id, got \(outcome): \(outcome.message)"); return
        }
        #expect(printer == queue)
        #expect(jobID.hasPrefix(queue + "-"))
        if let folder = cups["INTAKE_CUPS_OUTPUT"] {
            // The queue's backend writes job N's bytes, as sent, to job-N.out.
            let path = folder + "/job-" + jobID.dropFirst(queue.count + 1) + ".out"
            var received: [UInt8]?
            for _ in 0..<100 where received == nil {
                received = bytes(path)
                if received == nil { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(received == Array(PrintableText.clean(text).utf8))
        }
        // And CUPS lists it as completed.
        var completed = ""
        for _ in 0..<100 {
            completed = try lpstat(["-W", "completed", "-o", queue])
            if completed.contains(jobID + " ") { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(completed.contains(jobID + " "), "lpstat -W completed: \(completed)")
    }

    @Test func anUnknownPrinterIsSavedWithLpsError() throws {
        let space = try Workspace(); defer { space.remove() }
        let outcome = printer(space).print(PrintRequest(text: "x\n", title: "t", printer: "no-such-queue"))
        guard case .savedToFile(let path, let reason) = outcome else { Issue.record("got \(outcome)"); return }
        #expect(reason.hasPrefix("lp: "))
        #expect(reason.contains("does not exist"))
        #expect(bytes(path) == Array("x\n".utf8))
    }

    private func lpstat(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/lpstat")
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        if let server = cups["INTAKE_CUPS_SERVER"] { environment["CUPS_SERVER"] = server }
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
