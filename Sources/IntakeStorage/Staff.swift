import Foundation
import GRDB

/// What a staff member may do at the review station.
public enum StaffRole: String, Sendable, Hashable, CaseIterable, Codable {
    /// Reviews intakes and signs decisions.
    case practitioner
    /// Sees the queue and prints, but does not sign.
    case reception
    /// Manages staff accounts.
    case admin
}

/// A staff account, without its password hash.
public struct StaffUser: Sendable, Hashable, Identifiable {
    public var id: Int64
    /// The name typed at sign-in; unique regardless of case.
    public var name: String
    public var role: StaffRole
    /// A disabled account cannot sign in or sign decisions; it is kept for the audit trail.
    public var disabled: Bool
    /// Wrong passwords in a row since the last success or lockout.
    public var failedAttempts: Int
    /// Until when sign-in is blocked after too many wrong passwords; nil when not locked.
    public var lockedUntil: Date?
    public var createdAt: Date
    /// The name printed under a signature, such as "Dr Rana Haddad"; nil when not given.
    public var fullName: String?
    /// The qualification printed under a signature, such as "MBBS, dermatologist"; nil when not given.
    public var credential: String?

    /// The signer as printed: the full name and credential when known, else the login name.
    public var signatureName: String {
        [fullName ?? name, credential].compactMap { $0 }.joined(separator: ", ")
    }

    /// Whether sign-in is blocked at `now`.
    public func isLocked(at now: Date) -> Bool {
        lockedUntil.map { $0 > now } ?? false
    }
}

/// How wrong passwords slow down and then block further tries.
///
/// After the nth wrong password in a row the caller should wait 2ⁿ⁻¹ seconds (1, 2, 4, 8); the
/// fifth blocks the name for five minutes and starts the count afresh. A success resets it. The
/// store does not sleep: it reports the wait in `SignInError`, so a station stays responsive.
public enum SignInPolicy {
    /// Wrong passwords in a row that lock the account.
    public static let attemptsBeforeLockout = 5
    /// How long a lockout lasts.
    public static let lockoutDuration: TimeInterval = 5 * 60
    /// The shortest password accepted for a staff account.
    public static let minimumPasswordLength = 8

    /// Seconds to wait before the next try after `failures` wrong passwords in a row.
    public static func delay(afterFailures failures: Int) -> Int {
        1 << min(max(failures - 1, 0), 16)
    }
}

/// A failure to manage staff accounts.
public enum StaffError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The name was empty or only spaces.
    case emptyName
    /// The password is shorter than `SignInPolicy.minimumPasswordLength`.
    case passwordTooShort(minimum: Int)
    /// Another account already has this name (names are compared regardless of case).
    case duplicateName(String)
    /// No account has this name.
    case unknownUser(String)
    /// The database could not be read or written.
    case storage(StorageError)

    public var description: String {
        switch self {
        case .emptyName:
            "a staff name cannot be empty; type the name the person will sign in with"
        case let .passwordTooShort(minimum):
            "a staff password needs at least \(minimum) characters; choose a longer one"
        case let .duplicateName(name):
            "there is already a staff account named \(name); choose another name, or set a new password for that account"
        case let .unknownUser(name):
            "there is no staff account named \(name); check the spelling, or add the account first"
        case let .storage(error):
            error.description
        }
    }
}

/// Why a sign-in (or a signature's password check) was refused.
///
/// An unknown name and a wrong password give the same case and message, so that trying names
/// does not reveal which accounts exist.
public enum SignInError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The name or the password is wrong; the next try should wait `retryAfter` seconds.
    case wrongNameOrPassword(retryAfter: Int)
    /// Too many wrong passwords in a row: tries are refused until then.
    case locked(until: Date)
    /// The account is disabled.
    case disabled
    /// The database could not be read or written.
    case storage(StorageError)

    public var description: String {
        switch self {
        case let .wrongNameOrPassword(seconds):
            "the name or password is wrong; wait \(seconds) second\(seconds == 1 ? "" : "s") and try again"
        case let .locked(until):
            "too many wrong passwords: this name cannot sign in until \(StorageTime.localClock(until)); wait until then, or ask an admin to set a new password"
        case .disabled:
            "this staff account is disabled; ask an admin for an account that is in use"
        case let .storage(error):
            error.description
        }
    }
}

/// One row of `staff_user`.
struct StaffUserRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "staff_user"
    var id: Int64?
    var name: String
    var role: StaffRole
    var passwordHash: String
    var disabled: Bool
    var failedAttempts: Int
    var lockedUntil: Date?
    var createdAt: Date
    var fullName: String?
    var credential: String?

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, name, role, disabled, credential
        case fullName = "full_name"
        case passwordHash = "password_hash"
        case failedAttempts = "failed_attempts"
        case lockedUntil = "locked_until"
        case createdAt = "created_at"
    }
    typealias Columns = CodingKeys

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    var user: StaffUser {
        StaffUser(id: id ?? 0, name: name, role: role, disabled: disabled, failedAttempts: failedAttempts,
                  lockedUntil: lockedUntil, createdAt: createdAt, fullName: fullName, credential: credential)
    }
}

/// The count of wrong passwords and the lockout, for an account or an unknown name.
struct Throttle: Equatable {
    var failedAttempts: Int
    var lockedUntil: Date?

    /// The state after one more wrong password at `now`, and the error to report.
    func failing(at now: Date) -> (Throttle, SignInError) {
        let failures = failedAttempts + 1
        if failures >= SignInPolicy.attemptsBeforeLockout {
            let until = now.addingTimeInterval(SignInPolicy.lockoutDuration)
            return (Throttle(failedAttempts: 0, lockedUntil: until), .locked(until: until))
        }
        return (Throttle(failedAttempts: failures, lockedUntil: nil),
                .wrongNameOrPassword(retryAfter: SignInPolicy.delay(afterFailures: failures)))
    }
}
