import Foundation
import Testing
@testable import IntakeStorage

/// Every failed sign-in costs the same and says the same, so trying names tells nothing.
@Suite(.serialized)
struct SignInHardeningTests {
    static func store() throws -> IntakeStore {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("intake-signin-\(UUID().uuidString)/i.sqlite").path
        // The real cost (scrypt N = 2^14): the time is what is compared.
        return try IntakeStore(path: path)
    }

    /// The median times, in seconds, of `tries` runs of `a` and of `b`, taken in turns.
    ///
    /// Measured as this thread's CPU time, where the scrypt runs: wall-clock time on a machine that
    /// runs the other test suites in parallel varied by 40 % between identical calls, while an
    /// attacker's 5 ms against 42 ms difference (one path skipping scrypt) is a CPU-time difference.
    static func medians(tries: Int = 20, _ a: () -> Void, _ b: () -> Void) -> (Double, Double) {
        func cpu() -> Double {
            var spec = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
            return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
        }
        func measure(_ body: () -> Void) -> Double {
            let start = cpu()
            body()
            return cpu() - start
        }
        var first: [Double] = [], second: [Double] = []
        for _ in 0..<tries {
            first.append(measure(a))
            second.append(measure(b))
        }
        return (first.sorted()[tries / 2], second.sorted()[tries / 2])
    }

    static func lock(_ store: IntakeStore, _ name: String, now: Date) {
        for _ in 0..<SignInPolicy.attemptsBeforeLockout { _ = try? store.signIn(name: name, password: "wrong-password", now: now) }
    }

    @Test func aLockedAccountAndALockedUnknownNameCostTheSameAndSayTheSame() throws {
        let store = try Self.store()
        try store.addUser(name: "salma", role: .practitioner, password: "long-enough")
        let now = Date()
        Self.lock(store, "salma", now: now)
        Self.lock(store, "ghost", now: now)
        var real: SignInError?, unknown: SignInError?
        do { _ = try store.signIn(name: "salma", password: "long-enough", now: now) } catch { real = error }
        do { _ = try store.signIn(name: "ghost", password: "long-enough", now: now) } catch { unknown = error }
        guard case .locked = real, case .locked = unknown else {
            Issue.record("both are locked: \(String(describing: real)), \(String(describing: unknown))"); return
        }
        #expect(real == unknown, "the same lock, the same words")

        let (lockedReal, lockedUnknown) = Self.medians(
            { _ = try? store.signIn(name: "salma", password: "long-enough", now: now) },
            { _ = try? store.signIn(name: "ghost", password: "long-enough", now: now) })
        let ratio = max(lockedReal, lockedUnknown) / min(lockedReal, lockedUnknown)
        #expect(ratio <= 1.2, "locked account \(lockedReal * 1000) ms, locked unknown name \(lockedUnknown * 1000) ms")
    }

    @Test func aDisabledAccountWithItsRightPasswordIsRefusedLikeAWrongOne() throws {
        let store = try Self.store()
        try store.addUser(name: "salma", role: .practitioner, password: "long-enough")
        try store.addUser(name: "omar", role: .practitioner, password: "long-enough")
        try store.disableUser(name: "salma")
        let now = Date()
        var disabled: SignInError?, wrong: SignInError?
        do { _ = try store.signIn(name: "salma", password: "long-enough", now: now) } catch { disabled = error }
        do { _ = try store.signIn(name: "omar", password: "not-the-one", now: now) } catch { wrong = error }
        #expect(disabled != nil && disabled == wrong, "disabled: \(String(describing: disabled)); wrong: \(String(describing: wrong))")
        #expect(disabled?.description == wrong?.description)

        // Apart for the time: counting starts afresh on a store where nothing has failed yet.
        let fresh = try Self.store()
        try fresh.addUser(name: "salma", role: .practitioner, password: "long-enough")
        try fresh.addUser(name: "omar", role: .practitioner, password: "long-enough")
        try fresh.disableUser(name: "salma")
        // Far apart, so neither locks: each try is a day later.
        var day = now
        let (disabledTime, wrongTime) = Self.medians({
            day = day.addingTimeInterval(86_400)
            _ = try? fresh.signIn(name: "salma", password: "long-enough", now: day)
        }, {
            day = day.addingTimeInterval(86_400)
            _ = try? fresh.signIn(name: "omar", password: "not-the-one", now: day)
        })
        let ratio = max(disabledTime, wrongTime) / min(disabledTime, wrongTime)
        #expect(ratio <= 1.2, "disabled \(disabledTime * 1000) ms, wrong password \(wrongTime * 1000) ms")
    }
}
