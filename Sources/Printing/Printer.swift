import Platform
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Prints the summary (a PDF, or plain text) through CUPS `lp`, or, where it cannot, saves it to a private file.
///
/// `print` blocks until lp has answered (at most `timeout` seconds, 30 by default): call it off the
/// main loop. It never runs a shell: lp gets its arguments as a list and the text on standard input.
public struct Printer: Sendable {
    /// The `-o` options given to lp: the document is plain text (UTF-8); 12 characters per inch and
    /// 7 lines per inch fit 80 columns and a full page on A4 or Letter with CUPS's text filter.
    public static let lpOptions = ["document-format=text/plain", "cpi=12", "lpi=7"]

    /// The `-o` options for a PDF: its pages are already set, so only the format is named.
    public static let pdfOptions = ["document-format=application/pdf"]

    /// The lp this printer runs, or nil when there is none (not in PATH, or no program at `lpPath`).
    public let lpPath: String?
    /// Why `lpPath` is nil, e.g. "lp is not installed".
    private let lpMissingReason: String
    public let fallbackFolder: String
    public let environment: [String: String]
    public let timeout: Double

    /// - Parameters:
    ///   - lpPath: the lp program; nil searches `environment`'s PATH for `lp`.
    ///   - fallbackFolder: where summaries that could not be printed are saved, e.g.
    ///     `Printer.defaultFallbackFolder(environment:)` ($XDG_DATA_HOME/intake/printouts).
    ///     Created with mode 0700 when missing.
    ///   - environment: lp's whole environment (CUPS_SERVER, LANG …), and the PATH searched.
    ///   - timeout: seconds lp may take before it is killed and the summary saved instead.
    public init(
        lpPath: String? = nil, fallbackFolder: String,
        environment: [String: String] = Printer.processEnvironment(), timeout: Double = 30
    ) {
        self.fallbackFolder = fallbackFolder
        self.environment = environment
        self.timeout = timeout
        if let lpPath {
            let found = isExecutableFile(lpPath)
            self.lpPath = found ? lpPath : nil
            self.lpMissingReason = "lp is not installed: no program at \(lpPath)"
        } else {
            self.lpPath = findInPath("lp", path: environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin")
            self.lpMissingReason = "lp is not installed"
        }
    }

    /// Prints `request`, or saves it; nothing is lost silently: the outcome says which.
    /// The text (and title) are first stripped of control characters and escape sequences.
    public func print(_ request: PrintRequest) -> PrintOutcome {
        // A PDF goes as it is: it is binary, and every text in it was cleaned before it was set.
        let text = request.pdf == nil ? PrintableText.clean(request.text) : ""
        let document = request.pdf ?? Array(text.utf8)
        let title = Printer.jobTitle(request.title)
        let printer = request.printer.flatMap { $0.isEmpty ? nil : $0 }

        let reason: String
        if let lpPath {
            var arguments = ["lp"]
            if let printer { arguments += ["-d", printer] }
            arguments += ["-t", title]
            for option in request.pdf == nil ? Printer.lpOptions : Printer.pdfOptions { arguments += ["-o", option] }
            do throws(SubprocessError) {
                let result = try runSubprocess(
                    path: lpPath, arguments: arguments,
                    environment: environment.map { "\($0.key)=\($0.value)" }.sorted(),
                    input: document, timeout: timeout)
                switch result.termination {
                case .exited(0):
                    return .printed(printer: printer, jobID: Printer.jobID(inLPOutput: result.standardOutput))
                case .exited(let status):
                    reason = Printer.errorLine(result.standardError) ?? "lp exited with status \(status)"
                case .signaled(let signal):
                    reason = Printer.errorLine(result.standardError) ?? "lp was stopped by signal \(signal)"
                case .timedOut:
                    let seconds = Int(timeout.rounded())
                    reason = "lp did not answer within \(seconds) second\(seconds == 1 ? "" : "s")"
                }
            } catch {
                switch error {
                case .spawnFailed(let code): reason = "lp could not be started: \(String(cString: strerror(code)))"
                }
            }
        } else {
            reason = lpMissingReason
        }

        switch saveFallback(bytes: document, extension: request.pdf == nil ? "txt" : "pdf", title: title) {
        case .success(let path):
            return .savedToFile(path: path, reason: reason)
        case .failure(let problem):
            return .failed(reason: "\(reason); and the summary could not be saved: \(problem.description)")
        }
    }

    // MARK: - Helpers (internal for tests)

    /// The job name: cleaned, on one line, never empty.
    static func jobTitle(_ title: String) -> String {
        let oneLine = PrintableText.clean(title).map { $0 == "\n" || $0 == "\t" || $0 == "\u{0C}" ? " " : $0 }
        let trimmed = String(oneLine).split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        return trimmed.isEmpty ? "intake summary" : trimmed
    }

    /// The request id in lp's "request id is front-desk-12 (1 file(s))".
    static func jobID(inLPOutput output: [UInt8]) -> String? {
        let text = String(decoding: output, as: UTF8.self)
        for line in text.split(whereSeparator: \.isNewline) {
            guard let range = line.firstRange(of: "request id is ") else { continue }
            let id = line[range.upperBound...].prefix { !$0.isWhitespace }
            if !id.isEmpty { return PrintableText.clean(String(id)) }
        }
        return nil
    }

    /// lp's error output as one line ("lp: Error - No default destination."), or nil when empty.
    static func errorLine(_ output: [UInt8]) -> String? {
        let lines = PrintableText.clean(String(decoding: output, as: UTF8.self))
            .split(whereSeparator: { $0.isNewline || $0 == "\u{0C}" })
            .map { $0.trimmingWhitespace() }
            .filter { !$0.isEmpty }
        guard !lines.isEmpty else { return nil }
        let joined = lines.joined(separator: "; ")
        return joined.count > 300 ? String(joined.prefix(300)) + "…" : joined
    }

    /// The current process's environment.
    public static func processEnvironment() -> [String: String] {
        var result: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            let pair = String(cString: pointer)
            if let equals = pair.firstIndex(of: "=") {
                result[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
            }
            entry += 1
        }
        return result
    }

    /// $XDG_DATA_HOME/intake/printouts, else ~/.local/share/intake/printouts.
    public static func defaultFallbackFolder(environment: [String: String]) -> String {
        XDG.dataHome(environment) + "/intake/printouts"
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}

func isExecutableFile(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && access(path, X_OK) == 0
}

func findInPath(_ name: String, path: String) -> String? {
    for directory in path.split(separator: ":") where directory.hasPrefix("/") {
        let candidate = directory + "/" + name
        if isExecutableFile(candidate) { return candidate }
    }
    return nil
}
