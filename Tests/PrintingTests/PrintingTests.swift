import Foundation
import Testing
@testable import Printing

@Suite("lp, through Scripts/fake-lp")
struct FakeLPTests {
    @Test func sendsArgumentsAndExactBytesAndParsesTheJob() throws {
        let space = try Workspace(); defer { space.remove() }
        let outcome = space.printer().print(
            PrintRequest(text: sampleSummary, title: "intake K7M-4QX", printer: "front-desk"))
        #expect(outcome == .printed(printer: "front-desk", jobID: "fake-1"))
        #expect(outcome.message == "Sent to printer front-desk (job fake-1).")
        #expect(try space.arguments() == [
            "-d", "front-desk", "-t", "intake K7M-4QX",
            "-o", "document-format=text/plain", "-o", "cpi=12", "-o", "lpi=7",
        ])
        #expect(try space.standardInput() == Array(sampleSummary.utf8))
        #expect(!FileManager.default.fileExists(atPath: space.printouts), "nothing saved when printed")
    }

    @Test func defaultDestinationHasNoDashD() throws {
        let space = try Workspace(); defer { space.remove() }
        let outcome = space.printer(["FAKE_LP_JOB": "front-desk-12"])
            .print(PrintRequest(text: "x\n", title: "intake K7M-4QX"))
        #expect(outcome == .printed(printer: nil, jobID: "front-desk-12"))
        #expect(outcome.message == "Sent to the default printer (job front-desk-12).")
        let arguments = try space.arguments()
        #expect(!arguments.contains("-d"))
        #expect(arguments.prefix(2) == ["-t", "intake K7M-4QX"])
    }

    @Test func controlCharactersNeverReachLp() throws {
        let space = try Workspace(); defer { space.remove() }
        let text = "Name: \u{1B}[2J\u{1B}]0;owned\u{07}Layla\r\n\u{1B}E\u{0}\u{9B}31mنص\u{7F}\n"
        _ = space.printer().print(PrintRequest(text: text, title: "intake\u{1B}[31m K7M\nx"))
        #expect(try space.standardInput() == Array("Name: Layla\nنص\n".utf8))
        #expect(try space.arguments()[1] == "intake K7M x")
    }

    /// More than a pipe holds in each direction: lp writing before it reads must not deadlock.
    @Test func largeInputAndChattyLpDoNotDeadlock() throws {
        let space = try Workspace(); defer { space.remove() }
        let chatty = try space.script("chatty-lp", """
            head -c 300000 /dev/zero | tr '\\0' e >&2
            head -c 300000 /dev/zero | tr '\\0' o
            cat > "$FAKE_LP_DIR/stdin"
            echo "request id is chatty-7 (1 file(s))"
            """)
        let text = String(repeating: "سطر عربي ومعه English text, 80 columns wide................\n", count: 20_000)
        let outcome = space.printer(lpPath: chatty).print(PrintRequest(text: text, title: "big"))
        #expect(outcome == .printed(printer: nil, jobID: "chatty-7"), "the id comes after 300 kB of output")
        #expect(try space.standardInput() == Array(text.utf8))
    }

    /// lp gets standard input, output and error, and none of this process's other descriptors.
    @Test func lpInheritsNoOtherDescriptor() throws {
        let space = try Workspace(); defer { space.remove() }
        let inherited = open(space.root + "/inherited", O_WRONLY | O_CREAT, 0o600) // no O_CLOEXEC
        #expect(inherited > 2)
        defer { close(inherited) }
        let lister = try space.script("fd-lp", """
            cat >/dev/null
            for f in /proc/$$/fd/*; do echo "${f##*/}"; done > "$FAKE_LP_DIR/fds"
            """)
        #expect(space.printer(lpPath: lister).print(PrintRequest(text: "x", title: "t")) == .printed(printer: nil, jobID: nil))
        let fds = try String(contentsOfFile: space.records + "/fds", encoding: .utf8).split(separator: "\n")
        #expect(fds.contains("0") && fds.contains("1") && fds.contains("2"))
        #expect(!fds.contains(Substring(String(inherited))), "descriptors: \(fds)")
    }

    @Test func lpFailingSavesAPrivateFileWithLpsError() throws {
        let space = try Workspace(); defer { space.remove() }
        let outcome = space.printer(["FAKE_LP_EXIT": "1", "FAKE_LP_ERROR": "lp: Error - No default destination."])
            .print(PrintRequest(text: sampleSummary, title: "intake K7M-4QX"))
        guard case .savedToFile(let path, let reason) = outcome else {
            Issue.record("expected a saved file, got \(outcome)"); return
        }
        #expect(reason == "lp: Error - No default destination.")
        #expect(path.hasPrefix(space.printouts + "/summary-intake-K7M-4QX-"))
        #expect(path.hasSuffix(".txt"))
        #expect(bytes(path) == Array(sampleSummary.utf8))
        #expect(mode(path) == 0o600)
        #expect(mode(space.printouts) == 0o700)
        #expect(outcome.message ==
            "No printer is available (lp: Error - No default destination.); the summary was saved to \(path). Print it from there.")
        #expect(try space.standardInput() == Array(sampleSummary.utf8), "lp was tried first")
    }

    @Test func lpFailingSilentlyStillGivesAReason() throws {
        let space = try Workspace(); defer { space.remove() }
        let silent = try space.script("silent-lp", "cat >/dev/null; exit 3")
        let outcome = space.printer(lpPath: silent).print(PrintRequest(text: "x", title: "t"))
        guard case .savedToFile(_, let reason) = outcome else { Issue.record("got \(outcome)"); return }
        #expect(reason == "lp exited with status 3")
    }

    @Test func lpMissingFromPathSavesTheFile() throws {
        let space = try Workspace(); defer { space.remove() }
        let printer = Printer(fallbackFolder: space.printouts, environment: ["PATH": space.records])
        #expect(printer.lpPath == nil)
        let outcome = printer.print(PrintRequest(text: sampleSummary, title: "intake K7M-4QX"))
        guard case .savedToFile(let path, let reason) = outcome else { Issue.record("got \(outcome)"); return }
        #expect(reason == "lp is not installed")
        #expect(outcome.message ==
            "No printer is available (lp is not installed); the summary was saved to \(path). Print it from there.")
        #expect(bytes(path) == Array(sampleSummary.utf8))
        #expect(mode(path) == 0o600)
    }

    @Test func lpPathThatDoesNotExistSavesTheFile() throws {
        let space = try Workspace(); defer { space.remove() }
        let outcome = space.printer(lpPath: space.root + "/no-such-lp").print(PrintRequest(text: "x", title: "t"))
        guard case .savedToFile(_, let reason) = outcome else { Issue.record("got \(outcome)"); return }
        #expect(reason.hasPrefix("lp is not installed"))
    }

    @Test func lpThatHangsIsKilledAndTheSummarySaved() throws {
        let space = try Workspace(); defer { space.remove() }
        let hanging = try space.script("hanging-lp", "exec sleep 30")
        let started = Date()
        let outcome = space.printer(lpPath: hanging, timeout: 1).print(PrintRequest(text: "x", title: "t"))
        #expect(Date().timeIntervalSince(started) < 10)
        guard case .savedToFile(_, let reason) = outcome else { Issue.record("got \(outcome)"); return }
        #expect(reason == "lp did not answer within 1 second")
    }

    @Test func twoSavesInTheSameSecondDoNotOverwrite() throws {
        let space = try Workspace(); defer { space.remove() }
        let printer = space.printer()
        let now = time(nil)
        let first = try printer.saveFallback(text: "first", title: "intake K7M-4QX", now: now).get()
        let second = try printer.saveFallback(text: "second", title: "intake K7M-4QX", now: now).get()
        #expect(first != second)
        #expect(second == first.replacingOccurrences(of: ".txt", with: "-2.txt"))
        #expect(bytes(first) == Array("first".utf8))
        #expect(bytes(second) == Array("second".utf8))
        // And through print(), as fast as it goes.
        let failing = space.printer(["FAKE_LP_EXIT": "2"])
        let paths = (0..<3).compactMap { index -> String? in
            if case .savedToFile(let path, _) = failing.print(PrintRequest(text: "\(index)", title: "same")) { return path }
            return nil
        }
        #expect(Set(paths).count == 3)
        #expect(paths.map { bytes($0) } == ["0", "1", "2"].map { Array($0.utf8) })
    }

    @Test func neitherPrintedNorSavedSaysSo() throws {
        let space = try Workspace(); defer { space.remove() }
        let file = space.root + "/a-file"
        try "not a folder".write(toFile: file, atomically: true, encoding: .utf8)
        let printer = Printer(lpPath: space.root + "/no-such-lp", fallbackFolder: file + "/printouts", environment: [:])
        let outcome = printer.print(PrintRequest(text: "x", title: "t"))
        guard case .failed(let reason) = outcome else { Issue.record("got \(outcome)"); return }
        #expect(reason.contains("lp is not installed"))
        #expect(reason.contains("could not be saved"))
        #expect(outcome.message.hasPrefix("The summary was neither printed nor saved ("))
    }
}

@Suite("Helpers")
struct HelperTests {
    @Test func jobIDFromLpsAnswer() {
        #expect(Printer.jobID(inLPOutput: Array("request id is front-desk-12 (1 file(s))\n".utf8)) == "front-desk-12")
        #expect(Printer.jobID(inLPOutput: Array("request id is intake-test-3 (0 file(s))".utf8)) == "intake-test-3")
        #expect(Printer.jobID(inLPOutput: Array("something else\n".utf8)) == nil)
        #expect(Printer.jobID(inLPOutput: []) == nil)
    }

    @Test func fileNamesAreSafe() {
        #expect(Printer.fileSafe("intake K7M-4QX") == "intake-K7M-4QX")
        #expect(Printer.fileSafe("../../etc/passwd") == "etc-passwd")
        #expect(Printer.fileSafe("مرحبا") == "untitled")
        #expect(Printer.fileSafe(String(repeating: "a", count: 100)).count == 40)
    }

    @Test func timestampIsLocalYearMonthDayTime() throws {
        var parts = tm()
        parts.tm_year = 2026 - 1900; parts.tm_mon = 0; parts.tm_mday = 5
        parts.tm_hour = 7; parts.tm_min = 8; parts.tm_sec = 9; parts.tm_isdst = -1
        let time = mktime(&parts)
        #expect(Printer.timestamp(time) == "20260105-070809")
    }

    @Test func defaultFallbackFolder() {
        #expect(Printer.defaultFallbackFolder(environment: ["XDG_DATA_HOME": "/d", "HOME": "/h"]) == "/d/intake/printouts")
        #expect(Printer.defaultFallbackFolder(environment: ["HOME": "/h"]) == "/h/.local/share/intake/printouts")
    }
}
