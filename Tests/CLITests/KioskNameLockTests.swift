import Foundation
import Testing

/// Two kiosks with one name on one database would share a live draft (found by an attack): the second is refused.
struct KioskNameLockTests {
    @Test func aSecondKioskWithTheSameNameIsRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("intake-lock-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let db = folder.appendingPathComponent("i.sqlite").path
        let first = Process()
        first.executableURL = CLI.binary
        first.arguments = ["kiosk", "--plain", "--allow-no-pin", "--db", db, "--name", "front-desk"]
        let input = Pipe()
        first.standardInput = input
        first.standardOutput = FileHandle.nullDevice
        first.standardError = FileHandle.nullDevice
        try first.run()
        defer { if first.isRunning { kill(first.processIdentifier, SIGKILL) }; first.waitUntilExit() }
        // Wait until the first kiosk holds its name.
        let lock = db + ".kiosk-front-desk.lock"
        for _ in 0..<100 where !FileManager.default.fileExists(atPath: lock) { usleep(50_000) }
        usleep(200_000)

        let second = try CLI.run(["kiosk", "--plain", "--allow-no-pin", "--db", db, "--name", "front-desk"], input: "")
        #expect(second.status == 2)
        #expect(second.stderr.contains(#"a kiosk named "front-desk" is already running"#), "\(second.stderr)")
        #expect(second.stderr.contains("--name"))

        // Another name on the same database is a second kiosk, as a clinic with two kiosks has.
        let other = try CLI.run(["kiosk", "--plain", "--allow-no-pin", "--db", db, "--name", "waiting-room"], input: ":staff\n\n")
        #expect(other.status == 0, "\(other.stderr)")

        // Once the first has gone (stopped by SIGTERM, which it must hear), its name is free again.
        first.terminate()
        for _ in 0..<100 where first.isRunning { usleep(50_000) }
        #expect(!first.isRunning, "SIGTERM stops a plain kiosk")
        if first.isRunning { kill(first.processIdentifier, SIGKILL) }
        first.waitUntilExit()
        let again = try CLI.run(["kiosk", "--plain", "--allow-no-pin", "--db", db, "--name", "front-desk"], input: ":staff\n\n")
        #expect(again.status == 0, "\(again.stderr)")
    }
}
