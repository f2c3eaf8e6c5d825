import Foundation
import Testing
import IntakeModel
import IntakeStorage
import Kiosk
import TerminalUI

/// The staff PIN is a lock (issue 8, finding 7): read from the database every time, throttled, audited.
struct StaffPINTests {
    @Test func wrongPINsWaitThenLockAndEveryTryIsAudited() throws {
        let h = try Harness(pin: "2468")
        h.type([.control("x"), .control("q")])
        h.type("0000"); h.type([.enter])
        #expect(h.screen.contains("That PIN was not accepted") && h.screen.contains("in 1 s."))
        // At once again: refused without being checked, even the right PIN.
        h.type("2468"); h.type([.enter])
        #expect(!h.app.finished)
        let entries = try h.store.auditEntries(limit: 10).map(\.actionName)
        #expect(entries.prefix(2) == ["pinRefused", "pinRefused"])
        #expect(try h.store.verifyAuditChain() == .ok(count: entries.count))
    }

    @Test func aLockedKioskSaysUntilWhen() throws {
        let h = try Harness(pin: "2468")
        // Five wrong PINs, spaced as the lock asks, from another kiosk on the same file.
        var now = Date()
        // Each a second later than the wait asks, so no try is refused as too soon.
        for wait in [0, 2, 3, 5, 9] {
            now = now.addingTimeInterval(Double(wait))
            _ = try h.store.checkStaffPIN("1111", kiosk: "other", now: now.addingTimeInterval(-30))
        }
        h.type([.control("x"), .control("q")])
        h.type("2468"); h.type([.enter])
        #expect(!h.app.finished)
        #expect(h.screen.contains("Too many wrong PINs"), "\(h.screen)")
    }

    @Test func aPINSetWhileTheKioskRunsIsAskedAndNoPINDoesNotOpen() throws {
        let h = try Harness()  // no PIN, and not started with --allow-no-pin
        h.type([.control("x"), .control("q")]); h.type([.enter])
        #expect(!h.app.finished)
        #expect(h.screen.contains("No staff PIN is set"))
        // `intake pin set` run meanwhile from a shell.
        try IntakeStore(path: h.dbPath, pinHasher: SecretHasher(rounds: 16, blockSize: 1, parallelism: 1)).setStaffPIN("97531")
        h.type([.escape, .control("x"), .control("q")]); h.type("97531"); h.type([.enter])
        #expect(h.app.finished)
        let log = try h.store.auditEntries(limit: 5).map(\.actionName)
        #expect(log.prefix(2) == ["kioskExit", "pinAccepted"])
    }

    @Test func aPasteIsNotTypedIntoThePINField() throws {
        let h = try Harness(pin: "2468")
        h.type([.control("x"), .control("q"), .paste("2468"), .enter])
        #expect(!h.app.finished)
    }

    @Test func themeAndSettingsProblemsAreOnTheStaffLine() throws {
        let h = try Harness()
        var state = h.app.state
        state.staffNotes = ["theme: bogus.theme: theme not found"]
        let canvas = KioskView(symbols: .unicode).render(state, size: Size(rows: 24, columns: 100), now: 0)
        #expect(canvas.plainText.contains("theme: bogus.theme: theme not found"))
        #expect(canvas.plainText.contains("No staff PIN (--allow-no-pin)") == false || !state.staffPINIsSet)
    }
}
