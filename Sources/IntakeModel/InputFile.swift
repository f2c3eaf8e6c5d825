import Platform
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading a file named on the command line or in a setting: only a regular file is read.
///
/// A named pipe would block forever, `/dev/zero` would fill memory and a folder gives a cryptic
/// error, so each is refused with a message that says what the path is and what was expected.
/// The file is opened without blocking and checked on the open descriptor, so nothing can be
/// swapped in between the check and the read.
public enum InputFile {
    /// Why a file was not read: `description` is the whole message, starting with the path.
    public struct Failure: Error, CustomStringConvertible, Equatable, Sendable {
        public let path: String
        /// What is wrong and what to do, fit to follow "path: ".
        public let reason: String
        public var description: String { "\(path): \(reason)" }
    }

    /// The contents of the regular file at `path`.
    ///
    /// - Parameters:
    ///   - expected: what the file should be, as in "a FHIR QuestionnaireResponse JSON file".
    ///   - maximumBytes: a file larger than this is refused, before and while it is read.
    public static func read(_ path: String, expected: String, maximumBytes: Int? = nil) throws(Failure) -> Data {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            let reason = errno == ENOENT ? "no such file" : String(cString: strerror(errno))
            throw Failure(path: path, reason: "cannot read the file (\(reason.lowercased())); check the path")
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw Failure(path: path, reason: "cannot read the file (\(String(cString: strerror(errno)).lowercased())); check the path")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw Failure(path: path, reason: "this is \(kind(of: info.st_mode)), not a regular file; give the path of \(expected)")
        }
        func tooLarge(_ size: Int) -> Failure {
            Failure(path: path, reason: "the file is \(size) bytes; \(expected) may be at most \(maximumBytes ?? 0) bytes")
        }
        if let maximumBytes, Int(info.st_size) > maximumBytes { throw tooLarge(Int(info.st_size)) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw Failure(path: path, reason: "cannot read the file (\(String(cString: strerror(errno)).lowercased())); check the path")
            }
            data.append(contentsOf: buffer[0..<count])
            if let maximumBytes, data.count > maximumBytes { throw tooLarge(data.count) }
        }
        return data
    }

    /// What a file of this mode is, in words: "a folder", "a named pipe (FIFO)" and so on.
    public static func kind(of mode: mode_t) -> String {
        FileKind.describe(mode)
    }
}

private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.read(descriptor, buffer, count)
    #elseif canImport(Musl)
    Musl.read(descriptor, buffer, count)
    #else
    Darwin.read(descriptor, buffer, count)
    #endif
}
