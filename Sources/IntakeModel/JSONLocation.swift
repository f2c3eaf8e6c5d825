import Foundation

/// Finds where a malformed JSON document goes wrong, as a line and column.
///
/// Foundation's error says only that the data is not valid JSON; staff fixing a
/// file by hand need to know where.
enum JSONLocation {
    /// "line L, column C: what" for the first syntax error, else Foundation's own words.
    static func describe(_ error: Error, in data: Data) -> String {
        let bytes = [UInt8](data)
        var scanner = Scanner(bytes: bytes)
        if let failure = scanner.firstError() {
            let (line, column) = position(of: failure.offset, in: bytes)
            return "line \(line), column \(column): \(failure.message)"
        }
        return error.localizedDescription
    }

    static func position(of offset: Int, in bytes: [UInt8]) -> (Int, Int) {
        var line = 1, column = 1
        for byte in bytes.prefix(offset) {
            if byte == UInt8(ascii: "\n") { line += 1; column = 1 } else if byte & 0xC0 != 0x80 { column += 1 }
        }
        return (line, column)
    }

    /// A small recursive-descent JSON syntax checker: it only finds the first error.
    struct Scanner {
        let bytes: [UInt8]
        var i = 0
        struct Failure: Error { let offset: Int; let message: String }

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func firstError() -> Failure? {
            do {
                skipSpace()
                try value(depth: 0)
                skipSpace()
                if i < bytes.count { throw Failure(offset: i, message: "unexpected text after the end of the document") }
                return nil
            } catch let failure as Failure {
                return failure
            } catch { return nil }
        }

        mutating func skipSpace() {
            while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
        }

        mutating func value(depth: Int) throws {
            guard depth < 512 else { throw Failure(offset: i, message: "nested too deeply") }
            guard i < bytes.count else { throw Failure(offset: i, message: "the document ends too early") }
            switch bytes[i] {
            case UInt8(ascii: "{"):
                i += 1; skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return }
                while true {
                    skipSpace()
                    guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw Failure(offset: i, message: "expected a \"key\" in quotes") }
                    try string()
                    skipSpace()
                    guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw Failure(offset: i, message: "expected ':' after the key") }
                    i += 1; skipSpace()
                    try value(depth: depth + 1); skipSpace()
                    guard i < bytes.count else { throw Failure(offset: i, message: "the document ends inside an object") }
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    if bytes[i] == UInt8(ascii: "}") { i += 1; return }
                    throw Failure(offset: i, message: "expected ',' or '}' in an object")
                }
            case UInt8(ascii: "["):
                i += 1; skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return }
                while true {
                    skipSpace()
                    try value(depth: depth + 1); skipSpace()
                    guard i < bytes.count else { throw Failure(offset: i, message: "the document ends inside an array") }
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    if bytes[i] == UInt8(ascii: "]") { i += 1; return }
                    throw Failure(offset: i, message: "expected ',' or ']' in an array")
                }
            case UInt8(ascii: "\""):
                try string()
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                let start = i
                i += 1
                while i < bytes.count, "0123456789.eE+-".utf8.contains(bytes[i]) { i += 1 }
                if Double(String(decoding: bytes[start..<i], as: UTF8.self)) == nil {
                    throw Failure(offset: start, message: "malformed number")
                }
            default:
                throw Failure(offset: i, message: "unexpected character")
            }
        }

        mutating func string() throws {
            let start = i
            i += 1
            while i < bytes.count {
                switch bytes[i] {
                case UInt8(ascii: "\""): i += 1; return
                case UInt8(ascii: "\\"): i += 2
                case 0..<0x20: throw Failure(offset: i, message: "control character inside a string")
                default: i += 1
                }
            }
            throw Failure(offset: start, message: "string is never closed")
        }

        mutating func literal(_ word: String) throws {
            let w = Array(word.utf8)
            guard i + w.count <= bytes.count, Array(bytes[i..<i + w.count]) == w else {
                throw Failure(offset: i, message: "unexpected word; expected \(word), a number, a string, an object or an array")
            }
            i += w.count
        }
    }
}
