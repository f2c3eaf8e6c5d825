import Platform
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why the fallback file could not be written.
struct SaveProblem: Error, CustomStringConvertible {
    var description: String
}

extension Printer {
    /// Writes `text` to a new file `summary-<title>-<yyyyMMdd-HHmmss>[-N].txt` in the fallback
    /// folder (created 0700), itself created 0600 with O_CREAT|O_EXCL: an existing file is never
    /// overwritten; a second save in the same second gets "-2", and so on.
    func saveFallback(text: String, title: String, now: time_t = time(nil)) -> Result<String, SaveProblem> {
        saveFallback(bytes: Array(text.utf8), extension: "txt", title: title, now: now)
    }

    /// As ``saveFallback(text:title:now:)``, for any bytes (a PDF) and file extension.
    func saveFallback(bytes: [UInt8], extension fileExtension: String, title: String,
                      now: time_t = time(nil)) -> Result<String, SaveProblem> {
        if let problem = makeFolder(fallbackFolder) { return .failure(problem) }
        let stem = "summary-\(Printer.fileSafe(title))-\(Printer.timestamp(now))"
        for attempt in 1...1000 {
            let path = fallbackFolder + "/" + stem + (attempt == 1 ? "" : "-\(attempt)") + "." + fileExtension
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
            if fd < 0 {
                if errno == EEXIST || errno == EINTR { continue }
                return .failure(SaveProblem(description: "cannot create \(path): \(errorText())"))
            }
            fchmod(fd, 0o600) // whatever the umask
            var offset = 0
            var failure: String?
            while offset < bytes.count {
                let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, bytes.count - offset) }
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errorText(); break
                }
                offset += n
            }
            if failure == nil && fsync(fd) != 0 { failure = errorText() }
            if close(fd) != 0 && failure == nil { failure = errorText() }
            if let failure {
                unlink(path)
                return .failure(SaveProblem(description: "cannot write \(path): \(failure)"))
            }
            return .success(path)
        }
        return .failure(SaveProblem(description: "too many summaries named \(stem) in \(fallbackFolder)"))
    }

    /// mkdir -p, each folder it creates mode 0700.
    private func makeFolder(_ folder: String) -> SaveProblem? {
        guard folder.hasPrefix("/") else {
            return SaveProblem(description: "the folder \(folder) is not an absolute path")
        }
        return PrivateFolders.create(folder).map { SaveProblem(description: "cannot create the folder \($0.path): \($0.reason)") }
    }

    /// ASCII letters, digits and hyphens; anything else becomes one hyphen; at most 40 characters.
    static func fileSafe(_ title: String) -> String {
        var result = ""
        for scalar in title.unicodeScalars {
            let isSafe = scalar.isASCII && (("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
                || ("0"..."9").contains(scalar))
            if isSafe { result.unicodeScalars.append(scalar) } else if !result.hasSuffix("-") { result += "-" }
        }
        var trimmed = Substring(result)
        while trimmed.hasPrefix("-") { trimmed = trimmed.dropFirst() }
        trimmed = trimmed.prefix(40)
        while trimmed.hasSuffix("-") { trimmed = trimmed.dropLast() }
        return trimmed.isEmpty ? "untitled" : String(trimmed)
    }

    /// yyyyMMdd-HHmmss in local time.
    static func timestamp(_ time: time_t) -> String { ClockText.fileStamp(seconds: Int(time)) }
}

private func errorText() -> String { String(cString: strerror(errno)) }
