import Crypto
import Foundation
import GRDB

/// What an audit entry records.
public enum AuditAction: String, Sendable, CaseIterable, Codable {
    case signIn, signInFailed, signOut, intakeOpened, decision, signature, amendment, print
    case userAdded, userDisabled, passwordChanged
    /// The kiosk's staff PIN: set, tried (right or wrong), locked after too many wrong tries, and the kiosk closed.
    case pinSet, pinAccepted, pinRefused, pinLocked, kioskExit
    /// A response filled elsewhere was imported into the review queue (`intake import`).
    case intakeImported
    /// A patient submitted an intake at a kiosk.
    case intakeSubmitted
    /// A practitioner had today's rules assess a stored intake again; the earlier assessment stays.
    case reassessed
    /// A staff account was enabled again, given another role, or its full name or credential changed.
    case userEnabled, roleChanged, profileChanged
    /// The state of a row as found when this version first opened a database that predates row fingerprints.
    case baseline
    /// A row was found changed outside intake just before the program changed it; reported by every verify.
    case foundChanged
}

/// One line of the audit log, as stored.
public struct AuditEntry: Sendable, Hashable, Identifiable {
    /// The position in the log: 1 for the first entry, one more for each next.
    public var id: Int64
    /// When it happened.
    public var at: Date
    /// The staff name that acted, or the name typed at a failed sign-in.
    public var user: String
    /// What happened, as stored; see `action` for the typed form.
    public var actionName: String
    /// The intake concerned, if any.
    public var intakeCode: String?
    /// Free text: the decision taken, why a sign-in failed …
    public var detail: String
    /// The hash of the entry before, 64 zeros for the first.
    public var previousHash: String
    /// SHA-256 over `previousHash` and this entry's fields, in lower-case hex.
    public var hash: String
    /// The row this entry fingerprints, such as `decision:7`; nil for entries about no row.
    public var subject: String?
    /// The fingerprint of `subject`'s row just after this entry's change (see `Integrity`).
    public var contentHash: String?

    /// The action, or nil if a newer version of intake wrote one this version does not know.
    public var action: AuditAction? { AuditAction(rawValue: actionName) }
}

/// The outcome of checking the audit log's hash chain.
public enum AuditVerification: Sendable, Hashable {
    /// Every entry is intact and in place; `count` entries were checked.
    case ok(count: Int)
    /// The entry with id `at` was changed, or an entry before it was removed or moved.
    case broken(at: Int64, reason: String)
}

/// The canonical form and hashing of audit entries.
///
/// Each field is written as its UTF-8 length, a colon and the text (a missing intake code as
/// `-`), so that moving characters from one field to the next cannot yield the same bytes.
/// The id is part of the hashed text: an entry moved to another position no longer matches.
enum AuditChain {
    static let firstPreviousHash = String(repeating: "0", count: 64)

    /// The entry's hash. Entries without a subject hash exactly as before subjects existed, so
    /// logs written by earlier versions still verify.
    static func hash(previousHash: String, id: Int64, at: String, user: String, action: String,
                     intakeCode: String?, detail: String, subject: String? = nil, contentHash: String? = nil) -> String {
        func field(_ text: String?) -> String {
            guard let text else { return "-" }
            return "\(text.utf8.count):\(text)"
        }
        var canonical = [previousHash, String(id), at, user, action].map(field).joined(separator: "|")
            + "|" + field(intakeCode) + "|" + field(detail)
        if subject != nil || contentHash != nil {
            canonical += "|" + field(subject) + "|" + field(contentHash)
        }
        let digest = SHA256.hash(data: Array(canonical.utf8))
        return digest.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// Appends an entry inside the caller's transaction, chained to the last one.
    ///
    /// Must run in a write transaction: the read of the last hash and the insert are then
    /// atomic even with several processes writing the same file.
    static func hash(of entry: IntakeStore.StoredAuditFields) -> String {
        hash(previousHash: entry.previousHash, id: entry.id, at: entry.atText, user: entry.user, action: entry.action,
             intakeCode: entry.intakeCode, detail: entry.detail, subject: entry.subject, contentHash: entry.contentHash)
    }

    @discardableResult
    static func append(_ db: Database, at date: Date, user: String, action: AuditAction,
                       intakeCode: String?, detail: String, subject: String? = nil, contentHash: String? = nil) throws -> Int64 {
        let last = try Row.fetchOne(db, sql: "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1")
        let id: Int64 = (last?["id"] as Int64? ?? 0) + 1
        let previous: String = last?["hash"] ?? firstPreviousHash
        let at = StorageTime.text(date)
        let hash = Self.hash(previousHash: previous, id: id, at: at, user: user, action: action.rawValue,
                             intakeCode: intakeCode, detail: detail, subject: subject, contentHash: contentHash)
        try db.execute(sql: """
            INSERT INTO audit (id, at, user, action, intake_code, detail, prev_hash, hash, subject, content_hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [id, at, user, action.rawValue, intakeCode, detail, previous, hash, subject, contentHash])
        return id
    }
}

extension IntakeStore {
    /// Appends an entry to the audit log in a transaction of its own.
    ///
    /// Changes made through the store (sign-ins, decisions, users) audit themselves in their own
    /// transaction; this is for events the store does not see, such as `signOut` or `print`.
    public func record(_ action: AuditAction, user: String, intakeCode: String? = nil, detail: String = "",
                       at date: Date = Date()) throws(StorageError) {
        try write { db in
            _ = try AuditChain.append(db, at: date, user: user, action: action, intakeCode: intakeCode, detail: detail)
        }
    }

    /// Up to `limit` audit entries made at or after `since` (all if nil), newest first.
    public func auditEntries(since: Date? = nil, limit: Int = 100) throws(StorageError) -> [AuditEntry] {
        try read { db in
            var sql = "SELECT * FROM audit"
            var arguments: StatementArguments = []
            if let since {
                sql += " WHERE at >= ?"
                arguments += [StorageTime.text(since)]
            }
            sql += " ORDER BY id DESC LIMIT ?"
            arguments += [max(limit, 0)]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.auditEntry)
        }
    }

    /// Recomputes the hash chain from the first entry to the last.
    ///
    /// Finds an entry whose fields were changed, an entry removed from before the last one (a
    /// gap in the ids, or a previous hash that no longer matches) and entries that swapped
    /// places. Removing the newest entries leaves a shorter chain that is still whole; compare
    /// `count` with one noted earlier (on paper, in a backup) to see that.
    public func verifyAuditChain() throws(StorageError) -> AuditVerification {
        try read { db in
            var expectedPrevious = AuditChain.firstPreviousHash
            var expectedID: Int64 = 1
            var count = 0
            let rows = try Row.fetchCursor(db, sql: "SELECT * FROM audit ORDER BY id")
            while let row = try rows.next() {
                let entry = Self.auditEntryFields(row)
                if entry.id != expectedID {
                    return .broken(at: entry.id, reason: "entries \(expectedID) to \(entry.id - 1) are missing")
                }
                if entry.previousHash != expectedPrevious {
                    return .broken(at: entry.id, reason: "the entry before it was changed, removed or moved")
                }
                let recomputed = AuditChain.hash(of: entry)
                if recomputed != entry.hash {
                    return .broken(at: entry.id, reason: "the entry was changed after it was written")
                }
                expectedPrevious = entry.hash
                expectedID += 1
                count += 1
            }
            return .ok(count: count)
        }
    }

    // Columns as stored, text for text: verification must hash exactly the stored bytes.
    struct StoredAuditFields {
        var id: Int64, atText: String, user: String, action: String
        var intakeCode: String?, detail: String, previousHash: String, hash: String
        var subject: String?, contentHash: String?
    }

    static func auditEntryFields(_ row: Row) -> StoredAuditFields {
        StoredAuditFields(
            id: row["id"], atText: row["at"] ?? "", user: row["user"] ?? "", action: row["action"] ?? "",
            intakeCode: row["intake_code"], detail: row["detail"] ?? "",
            previousHash: row["prev_hash"] ?? "", hash: row["hash"] ?? "",
            subject: row.hasColumn("subject") ? row["subject"] : nil,
            contentHash: row.hasColumn("content_hash") ? row["content_hash"] : nil)
    }

    static func auditEntry(_ row: Row) -> AuditEntry {
        let fields = auditEntryFields(row)
        return AuditEntry(
            id: fields.id, at: StorageTime.date(fields.atText) ?? Date(timeIntervalSince1970: 0),
            user: fields.user, actionName: fields.action, intakeCode: fields.intakeCode,
            detail: fields.detail, previousHash: fields.previousHash, hash: fields.hash,
            subject: fields.subject, contentHash: fields.contentHash)
    }
}
