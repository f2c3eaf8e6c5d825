import Foundation

/// What the test targets share, once: snapshot files, a seeded generator, temporary folders and a
/// way to damage a database file. Plain Foundation, so every test target can use it.

/// Snapshot files: compared, recorded with `INTAKE_RECORD_SNAPSHOTS=1`, and with
/// `INTAKE_SNAPSHOT_ACTUAL=DIR` a differing screen is written to DIR to compare by eye before recording.
public enum Snapshot {
    /// The snapshot `text` is compared with: the file at `url` (nil when there is none yet). When
    /// recording, `text` is written there first, so the comparison passes.
    public static func expected(for text: String, at url: URL) throws -> String? {
        let environment = ProcessInfo.processInfo.environment
        if environment["INTAKE_RECORD_SNAPSHOTS"] == "1" {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        let expected = try? String(contentsOf: url, encoding: .utf8)
        if let folder = environment["INTAKE_SNAPSHOT_ACTUAL"], text != expected {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try text.write(toFile: "\(folder)/\(url.lastPathComponent)", atomically: true, encoding: .utf8)
        }
        return expected
    }
}

/// Deterministic and tiny: the same seed gives the same sequence on every machine, so a failing
/// generated case is replayed from its seed.
public struct SplitMix64: RandomNumberGenerator {
    public var state: UInt64
    public init(state: UInt64) { self.state = state }
    public init(seed: UInt64) { self.state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// True with probability `p`.
    public mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }
}

/// A fresh folder under the system temporary folder, removed when the value goes away.
public final class TemporaryFolder {
    public let path: String

    public init(prefix: String = "intake-tests") {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    public func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }
}

/// Damage done to files on purpose.
public enum FileDamage {
    /// Overwrites every page of a database but the first two with junk, as a failing disk might.
    public static func overwriteAfterTwoPages(_ path: String) throws {
        guard let handle = FileHandle(forUpdatingAtPath: path) else { throw CocoaError(.fileNoSuchFile) }
        defer { try? handle.close() }
        let size = try handle.seekToEnd()
        try handle.seek(toOffset: 8192)
        try handle.write(contentsOf: Data(repeating: 0xA5, count: Int(size) - 8192))
    }
}

/// A PDF as `pdftotext -layout` reads it (pages separated by form feeds); empty when it cannot be read.
public func pdfText(_ path: String) -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/pdftotext")
    process.arguments = ["-layout", path, "-"]
    let pipe = Pipe()
    process.standardOutput = pipe
    guard (try? process.run()) != nil else { return "" }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}
