import Foundation
import GRDB

extension IntakeStore {
    static let staffPINKey = "staff_pin"

    /// The shortest staff PIN accepted.
    public static let minimumPINLength = 4

    /// Stores a hash of `pin` as the staff PIN, replacing any earlier one.
    ///
    /// - Throws: `StorageError.pinTooShort` for a PIN under `minimumPINLength` characters.
    public func setStaffPIN(_ pin: String, by actor: String = "staff", now: Date = Date()) throws(StorageError) {
        guard pin.count >= Self.minimumPINLength else {
            throw .pinTooShort(minimum: Self.minimumPINLength)
        }
        // Hash before the transaction: scrypt's tens of milliseconds must not hold the write lock.
        let encoded = pinHasher.hash(pin)
        try write { db in
            try Integrity.noteIfChangedOutside(db, Integrity.setting, key: Self.staffPINKey, at: now, user: actor)
            try SettingRecord(key: Self.staffPINKey, value: encoded).upsert(db)
            // A new PIN starts with a clean slate of tries.
            try SettingRecord.deleteOne(db, key: Self.pinThrottleKey)
            try Integrity.audit(db, Integrity.setting, key: Self.staffPINKey, at: now, user: actor, action: .pinSet,
                                intakeCode: nil, detail: "staff PIN set")
        }
    }

    static let pinThrottleKey = "staff_pin_throttle"

    /// Checks a PIN typed at the kiosk, as a lock should: read from the database each time (a PIN set
    /// while the kiosk runs takes effect at once), a doubling wait after each wrong PIN (1, 2, 4, 8 s),
    /// locked for ``SignInPolicy/lockoutDuration`` after ``SignInPolicy/attemptsBeforeLockout`` wrong
    /// ones in a row, and every try, refusal and lock in the audit log.
    ///
    /// - Parameter kiosk: names the kiosk in the audit entries.
    public func checkStaffPIN(_ pin: String, kiosk: String = "kiosk", now: Date = Date()) throws(StorageError) -> PINCheck {
        guard let encoded = try storedStaffPIN() else { return .notSet }
        guard SecretHasher.canVerify(encoded) else { throw .unreadableStaffPIN }
        let before = try pinThrottle()
        if let refusal = before.refusal(at: now) {
            try write { db in
                try AuditChain.append(db, at: now, user: kiosk, action: .pinRefused, intakeCode: nil,
                                      detail: refusal.auditDetail + "; not checked")
            }
            return refusal
        }
        // scrypt outside the transaction, as for sign-in: it must not hold the write lock.
        let matched = pinHasher.verify(pin, against: encoded)
        return try write { db -> PINCheck in
            // Read again inside the transaction: another kiosk on the same file may have failed meanwhile.
            var throttle = try Self.pinThrottle(db)
            if let refusal = throttle.refusal(at: now) {
                try AuditChain.append(db, at: now, user: kiosk, action: .pinRefused, intakeCode: nil,
                                      detail: refusal.auditDetail + "; not checked")
                return refusal
            }
            if matched {
                try SettingRecord.deleteOne(db, key: Self.pinThrottleKey)
                try AuditChain.append(db, at: now, user: kiosk, action: .pinAccepted, intakeCode: nil, detail: "staff PIN accepted")
                return .accepted
            }
            throttle = throttle.failing(at: now)
            try SettingRecord(key: Self.pinThrottleKey, value: throttle.encoded).upsert(db)
            let result = throttle.refusal(at: now) ?? .wrong(retryAfter: 0)
            try AuditChain.append(db, at: now, user: kiosk, action: result.isLock ? .pinLocked : .pinRefused,
                                  intakeCode: nil, detail: "wrong PIN; " + result.auditDetail)
            return result
        }
    }

    func pinThrottle() throws(StorageError) -> PINThrottle {
        try read { db in try Self.pinThrottle(db) }
    }

    static func pinThrottle(_ db: Database) throws -> PINThrottle {
        PINThrottle(encoded: try SettingRecord.fetchOne(db, key: pinThrottleKey)?.value)
    }

    /// Tells whether `pin` is the staff PIN; false when none is set. No throttle: for tests and
    /// the command line; the kiosk uses ``checkStaffPIN(_:kiosk:now:)``.
    ///
    /// - Throws: `StorageError.unreadableStaffPIN` if the stored value is not a hash this
    ///   version can check.
    public func verifyStaffPIN(_ pin: String) throws(StorageError) -> Bool {
        guard let encoded = try storedStaffPIN() else { return false }
        guard SecretHasher.canVerify(encoded) else { throw .unreadableStaffPIN }
        return pinHasher.verify(pin, against: encoded)
    }

    /// Whether a staff PIN has been set.
    ///
    /// If the database cannot be read this answers true, so that a caller goes on to
    /// `verifyStaffPIN`, which reports the error, rather than offering to set a new PIN.
    public var hasStaffPIN: Bool {
        do {
            return try storedStaffPIN() != nil
        } catch {
            return true
        }
    }

    func storedStaffPIN() throws(StorageError) -> String? {
        try read { db in
            try SettingRecord.fetchOne(db, key: Self.staffPINKey)?.value
        }
    }
}

/// What came of a PIN typed at the kiosk.
public enum PINCheck: Equatable, Sendable {
    case accepted
    /// Wrong, or tried again too soon: the next try is taken `retryAfter` seconds from now.
    case wrong(retryAfter: Int)
    /// Too many wrong PINs in a row: no PIN is checked until then.
    case locked(until: Date)
    /// No PIN has been set.
    case notSet

    var isLock: Bool { if case .locked = self { true } else { false } }

    var auditDetail: String {
        switch self {
        case .accepted: "accepted"
        case .wrong(let seconds): "next try in \(seconds) s"
        case .locked(let until): "locked until \(StorageTime.text(until)) UTC"
        case .notSet: "no PIN set"
        }
    }
}

/// Wrong PINs in a row, when the last was, and any lock: kept in the database so that a restart
/// does not reset it.
struct PINThrottle: Equatable {
    var failures = 0
    var lastFailure: Date?
    var lockedUntil: Date?

    init(failures: Int = 0, lastFailure: Date? = nil, lockedUntil: Date? = nil) {
        self.failures = failures; self.lastFailure = lastFailure; self.lockedUntil = lockedUntil
    }

    /// `failures|last failure|locked until`, times as StorageTime text.
    init(encoded: String?) {
        let parts = (encoded ?? "").split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3 else { return }
        failures = Int(parts[0]) ?? 0
        lastFailure = StorageTime.date(parts[1])
        lockedUntil = StorageTime.date(parts[2])
    }

    var encoded: String {
        "\(failures)|\(lastFailure.map(StorageTime.text) ?? "")|\(lockedUntil.map(StorageTime.text) ?? "")"
    }

    /// Why a try at `now` is not checked at all, or nil when it may be.
    func refusal(at now: Date) -> PINCheck? {
        if let lockedUntil, lockedUntil > now { return .locked(until: lockedUntil) }
        guard failures > 0, let lastFailure else { return nil }
        let ready = lastFailure.addingTimeInterval(TimeInterval(SignInPolicy.delay(afterFailures: failures)))
        return ready > now ? .wrong(retryAfter: Int(ready.timeIntervalSince(now).rounded(.up))) : nil
    }

    /// The state after one more wrong PIN at `now`.
    func failing(at now: Date) -> PINThrottle {
        let count = (lockedUntil.map { $0 <= now } ?? false) ? 1 : failures + 1
        if count >= SignInPolicy.attemptsBeforeLockout {
            return PINThrottle(failures: 0, lastFailure: nil, lockedUntil: now.addingTimeInterval(SignInPolicy.lockoutDuration))
        }
        return PINThrottle(failures: count, lastFailure: now, lockedUntil: nil)
    }
}
