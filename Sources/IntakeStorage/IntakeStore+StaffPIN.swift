import Foundation
import GRDB

extension IntakeStore {
    static let staffPINKey = "staff_pin"

    /// The shortest staff PIN accepted.
    public static let minimumPINLength = 4

    /// Stores a hash of `pin` as the staff PIN, replacing any earlier one.
    ///
    /// - Throws: `StorageError.pinTooShort` for a PIN under `minimumPINLength` characters.
    public func setStaffPIN(_ pin: String) throws(StorageError) {
        guard pin.count >= Self.minimumPINLength else {
            throw .pinTooShort(minimum: Self.minimumPINLength)
        }
        // Hash before the transaction: scrypt's tens of milliseconds must not hold the write lock.
        let encoded = pinHasher.hash(pin)
        try write { db in
            try SettingRecord(key: Self.staffPINKey, value: encoded).upsert(db)
        }
    }

    /// Tells whether `pin` is the staff PIN; false when none is set.
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
