import Foundation
import Testing
@testable import IntakeStorage

/// The kiosk's staff PIN is a lock: a doubling wait, a lockout, and every try in the audit log.
struct PINLockTests {
    let t0 = Date(timeIntervalSince1970: 1_795_000_000)
    /// One per test: Swift Testing makes a new value for each.
    let temp = TemporaryFolder()

    func store() throws -> IntakeStore {
        let store = try openStore(temp.file("intake.sqlite"))
        try store.setStaffPIN("2468", by: "admin", now: t0)
        return store
    }

    func actions(_ store: IntakeStore) throws -> [String] {
        try store.auditEntries(limit: 100).reversed().map(\.actionName)
    }

    @Test func theRightPINOpensAndIsAudited() throws {
        let store = try store()
        #expect(try store.checkStaffPIN("2468", kiosk: "reception-1", now: t0) == .accepted)
        let entries = try store.auditEntries(limit: 10)
        #expect(entries.map(\.actionName) == ["pinAccepted", "pinSet"])
        #expect(entries.first?.user == "reception-1")
        #expect(try store.verifyAuditChain() == .ok(count: 2))
    }

    @Test func eachWrongPINDoublesTheWaitAndTheFifthLocks() throws {
        let store = try store()
        var now = t0
        for (attempt, wait) in [1, 2, 4, 8].enumerated() {
            #expect(try store.checkStaffPIN("0000", now: now) == .wrong(retryAfter: wait), "attempt \(attempt + 1)")
            // Too soon: refused without checking, even the right PIN.
            #expect(try store.checkStaffPIN("2468", now: now.addingTimeInterval(Double(wait) - 0.5)) == .wrong(retryAfter: 1))
            now = now.addingTimeInterval(Double(wait))
        }
        let locked = try store.checkStaffPIN("0000", now: now)
        #expect(locked == .locked(until: now.addingTimeInterval(SignInPolicy.lockoutDuration)))
        // While locked even the right PIN does not open, and the lock survives a restart (it is in the file).
        #expect(try store.checkStaffPIN("2468", now: now.addingTimeInterval(60)) == locked)
        // After the lock the right PIN opens again.
        #expect(try store.checkStaffPIN("2468", now: now.addingTimeInterval(SignInPolicy.lockoutDuration + 1)) == .accepted)
        let log = try actions(store)
        #expect(log.filter { $0 == "pinRefused" }.count == 9, "4 wrong + 4 too soon + 1 while locked")
        #expect(log.filter { $0 == "pinLocked" }.count == 1)
        #expect(log.last == "pinAccepted")
        #expect(try store.verifyAuditChain() == .ok(count: log.count))
    }

    @Test func aPINSetWhileTheKioskRunsIsTheOneAsked() throws {
        let kiosk = try openStore(temp.file("intake.sqlite"))
        #expect(try kiosk.checkStaffPIN("1234", now: t0) == .notSet)
        // `intake pin set` from another process, on the same file.
        try openStore(temp.file("intake.sqlite")).setStaffPIN("97531", now: t0)
        #expect(try kiosk.checkStaffPIN("1234", now: t0) == .wrong(retryAfter: 1))
        #expect(try kiosk.checkStaffPIN("97531", now: t0.addingTimeInterval(2)) == .accepted)
    }

    @Test func settingANewPINClearsTheWait() throws {
        let store = try store()
        _ = try store.checkStaffPIN("0000", now: t0)
        try store.setStaffPIN("13579", now: t0)
        #expect(try store.checkStaffPIN("13579", now: t0) == .accepted)
    }

    @Test func scriptedGuessingIsSlow() throws {
        // 7,392 tries took 6.5 minutes before; now 5 wrong tries lock for 5 minutes, so 10,000 PINs take weeks.
        let store = try store()
        var now = t0
        for guess in 0..<40 {
            _ = try store.checkStaffPIN(String(format: "%04d", guess), now: now)
            now = now.addingTimeInterval(1)
        }
        let checked = try store.auditEntries(limit: 100).filter { $0.detail.hasPrefix("wrong PIN") }
        // One guess a second for 40 s: 5 are checked (at 0, 1, 3, 7 and 15 s), then the lock holds.
        #expect(checked.count == 5)
        #expect(checked.first?.actionName == "pinLocked")
    }
}
