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
    /// A stored value is not one of the record's words (a verdict, procedure, status …): the row
    /// was changed outside intake, or by a newer version.
    case unknownValue(table: String, column: String, rowID: String, value: String, known: [String])
    /// The new staff PIN is too short to be worth protecting.
    case pinTooShort(minimum: Int)
    /// The stored staff PIN is not in a format this version can check.
    case unreadableStaffPIN
    /// The database path is a symbolic link, and was not named explicitly with --db.
    case symlinkRefused(path: String, target: String)
    /// The database path is a symbolic link to nothing.
    case danglingSymlink(path: String, target: String)
    /// The database file, or its folder, belongs to another user, who could read or swap it.
    case ownedByAnotherUser(path: String, owner: String, isFolder: Bool)
    /// The database folder can be written by other users, who could replace the database.
    case folderWritableByOthers(path: String)
    /// The database was migrated by a newer version of intake, to a schema this one does not know.
    case newerSchema(path: String, found: String, known: String)
    /// SQLite found the file damaged (`PRAGMA quick_check`, or SQLITE_CORRUPT on the way).
    case damaged(path: String, reason: String)
    /// A backup could not be written, or did not check out; nothing was left at `path`.
    case backupFailed(path: String, reason: String)
    /// `intake restore` refused the backup, or could not put it in place; the database is unchanged.
    case restoreFailed(path: String, reason: String)

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
        case let .unknownValue(table, column, rowID, value, known):
            "\(table) row \(rowID): \(column) \"\(value)\" is not one of \(known.joined(separator: ", ")); the row was changed outside intake or by a newer version; run `intake audit verify`"
        case let .pinTooShort(minimum):
            "a staff PIN needs at least \(minimum) characters; choose a longer one"
        case .unreadableStaffPIN:
            "the stored staff PIN cannot be checked by this version of intake; set the staff PIN again"
        case let .symlinkRefused(path, target):
            "the intake database path \(path) is a symbolic link (to \(target)), which could send patient data elsewhere; name the real file with --db PATH, or name the link itself with --db to use it anyway"
        case let .danglingSymlink(path, target):
            "the intake database path \(path) is a symbolic link to \(target), which does not exist; remove the link, or choose the file with --db PATH"
        case let .ownedByAnotherUser(path, owner, isFolder):
            isFolder
                ? "the database folder \(path) belongs to another user, \(owner), who could read or replace the patient data in it; choose a folder of your own with --db PATH"
                : "the intake database \(path) belongs to another user, \(owner), who could read the patient data in it; move it aside (an administrator can check what it holds), or choose another file with --db PATH"
        case let .folderWritableByOthers(path):
            "the database folder \(path) can be written by other users, who could replace the database; run chmod go-w \(path), or choose a folder of your own with --db PATH"
        case let .newerSchema(path, found, known):
            "the intake database \(path) was written by a newer version of intake (database schema \(found); this intake knows schema versions up to \(known)); run the newer intake, or restore a backup made by this version with `intake restore`"
        case let .damaged(path, reason):
            "the database file is damaged: restore from backup (intake restore BACKUP --db \(path)); \(path): \(reason)"
        case let .backupFailed(path, reason):
            "cannot write the backup \(path): \(reason)"
        case let .restoreFailed(path, reason):
            "nothing was restored into \(path): \(reason)"
        }
    }
}
