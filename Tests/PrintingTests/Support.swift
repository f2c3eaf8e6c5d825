import Foundation
@testable import Printing

/// The repository's Scripts folder, found from this file.
let scriptsFolder = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Scripts").path
let fakeLP = scriptsFolder + "/fake-lp"

/// A fresh folder for one test; `records` is FAKE_LP_DIR, `printouts` (not yet created) the fallback folder.
struct Workspace {
    let root: String
    var records: String { root + "/records" }
    var printouts: String { root + "/printouts" }

    init() throws {
        root = NSTemporaryDirectory() + "intake-printing-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root + "/records", withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }

    /// A Printer running fake-lp with these extra environment variables.
    func printer(lpPath: String = fakeLP, _ extra: [String: String] = [:], timeout: Double = 30) -> Printer {
        var environment = ["PATH": "/usr/bin:/bin", "FAKE_LP_DIR": records]
        environment.merge(extra) { $1 }
        return Printer(lpPath: lpPath, fallbackFolder: printouts, environment: environment, timeout: timeout)
    }

    /// fake-lp's recorded arguments, one per line.
    func arguments() throws -> [String] {
        try String(contentsOfFile: records + "/args", encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    func standardInput() throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: records + "/stdin")))
    }

    /// Writes an executable script into the workspace and returns its path.
    func script(_ name: String, _ body: String) throws -> String {
        let path = root + "/" + name
        try ("#!/usr/bin/env bash\n" + body).write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        return path
    }
}

func mode(_ path: String) -> Int? {
    (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue
}

func bytes(_ path: String) -> [UInt8]? {
    (try? Data(contentsOf: URL(fileURLWithPath: path))).map(Array.init)
}

/// A summary as the practitioner prints it: Arabic, a tab, two pages.
let sampleSummary = """
    INTAKE K7M-4QX                                           2026-11-22 09:40
    Name: Layla Haddad  /  الاسم: ليلى حداد
    Treatment:\tmicroneedling
    Notes: لا حساسية معروفة
    \u{0C}Page 2: consent signed.

    """
