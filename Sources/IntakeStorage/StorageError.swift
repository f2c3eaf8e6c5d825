/// A storage failure, worded so that the person at the kiosk or the admin knows what to do next.
///
/// Every case carries the facts needed for the message (a path, an intake code, the reason the
/// system gave), so that callers can print `description` as is.
public enum StorageError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A folder on the way to the database file is missing and could not be made.
    case cannotCreateFolder(path: String, reason: String)
    /// The database file could not be created, opened or migrated.
    case cannotOpen(path: String, reason: String)
    /// The intake was already submitted or abandoned, so it can no longer change.
    case notADraft(code: String, status: String)
    /// No intake with this id exists in the database.
    case notFound(id: Int64)
    /// A read or write failed after the database had been opened.
    case databaseFailed(path: String, reason: String)
    /// A status other than draft, submitted or abandoned was asked for.
    case unknownStatus(String)
    /// The new staff PIN is too short to be worth protecting.
    case pinTooShort(minimum: Int)
    /// The stored staff PIN is not in a format this version can check.
    case unreadableStaffPIN

    public var description: String {
        switch self {
        case let .cannotCreateFolder(path, reason):
            "cannot create the database folder \(path): \(reason); choose another with --db PATH"
        case let .cannotOpen(path, reason):
            "cannot open the intake database \(path): \(reason); check that it is a writable SQLite file, or choose another with --db PATH"
        case let .notADraft(code, status):
            "intake \(code) is already \(status) and can no longer be changed; start a new intake"
        case let .notFound(id):
            "there is no intake with id \(id) in this database; start a new intake"
        case let .databaseFailed(path, reason):
            "the intake database \(path) could not be read or written: \(reason); check the disk has free space and the file is writable, then try again"
        case let .unknownStatus(status):
            "unknown intake status \"\(status)\"; use draft, submitted or abandoned"
        case let .pinTooShort(minimum):
            "a staff PIN needs at least \(minimum) characters; choose a longer one"
        case .unreadableStaffPIN:
            "the stored staff PIN cannot be checked by this version of intake; set the staff PIN again"
        }
    }
}
