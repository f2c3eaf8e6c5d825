/// Runs a helper program that reads its job on standard input and answers on standard output.
public enum Helper {
    /// Why a helper gave no answer: worded to be shown as it is.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String

        public init(description: String) { self.description = description }
    }

    /// Runs `path` with `input` on its standard input and returns its standard output, or throws
    /// with its standard error when it cannot start, fails or takes longer than `timeout` seconds.
    public static func run(_ path: String, input: [UInt8], environment: [String: String],
                           timeout: Double = 30) throws(Failure) -> [UInt8] {
        let result: SubprocessResult
        do {
            result = try runSubprocess(path: path, arguments: [path], environment: environment.map { "\($0.key)=\($0.value)" },
                                       input: input, timeout: timeout)
        } catch {
            throw Failure(description: "\(path) could not be started; reinstall intake")
        }
        let said = String(decoding: result.standardError, as: UTF8.self).trimmingTrailingNewlines
        switch result.termination {
        case .exited(0):
            return result.standardOutput
        case .exited(let status):
            throw Failure(description: said.isEmpty ? "\(path) ended with status \(status)" : said)
        case .signaled(let signal):
            throw Failure(description: "\(path) was stopped by signal \(signal)")
        case .timedOut:
            throw Failure(description: "\(path) took longer than \(Int(timeout)) s and was stopped")
        }
    }
}

private extension String {
    var trimmingTrailingNewlines: String {
        var text = Substring(self)
        while text.last == "\n" || text.last == "\r" { text = text.dropLast() }
        return String(text)
    }
}
