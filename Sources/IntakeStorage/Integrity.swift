import Crypto
import Foundation
import GRDB

/// The fingerprints that tie the audit log to the rows it speaks of.
///
/// Every row whose change matters (a submitted intake, a signed decision, a re-assessment, a
/// staff account, the staff PIN) has a *subject* name such as `decision:7`, and its audit entry
/// carries the SHA-256 of the row's columns as stored. `IntakeStore.verifyIntegrity` recomputes
/// them: a row changed, added or removed behind the program's back no longer matches its last
/// entry, and is named.
///
/// Hashes are taken over the stored values, not over a re-serialisation: a response's JSON is
/// hashed byte for byte as it was written at submit, so the check does not depend on how a later
/// JSON library formats numbers, and any change at all, even of white space, counts as a change.
public enum Integrity {
    /// One kind of audited row: its table, the columns its fingerprint covers, and its subject prefix.
    struct Kind: Sendable {
        let subject: String
        let table: String
        let columns: [String]
        /// Which rows of the table are audited.
        let filter: String
        /// How the subject is named to people ("decision 7", "staff account 2").
        let noun: String
    }

    static let intake = Kind(
        subject: "intake", table: "intake",
        columns: ["id", "code", "status", "language", "kiosk", "started_at", "updated_at", "submitted_at",
                  "patient_name", "patient_dob", "procedures", "response_json", "assessment_json",
                  "questionnaire_version", "ruleset_version"],
        filter: "status = 'submitted'", noun: "intake")
    static let decision = Kind(
        subject: "decision", table: "decision",
        columns: ["id", "intake_id", "procedure", "decision", "rule_verdict", "reason", "note", "user_id",
                  "signed_at", "amends", "response_sha256", "assessment_sha256", "reassessment_id"],
        filter: "1", noun: "decision")
    static let reassessment = Kind(
        subject: "reassessment", table: "reassessment",
        columns: ["id", "intake_id", "assessed_at", "user_id", "questionnaire_version", "ruleset_version",
                  "assessment_json", "verdicts"],
        filter: "1", noun: "re-assessment")
    static let staff = Kind(
        subject: "staff", table: "staff_user",
        columns: ["id", "name", "role", "password_hash", "disabled", "full_name", "credential"],
        filter: "1", noun: "staff account")
    static let setting = Kind(
        subject: "setting", table: "setting", columns: ["key", "value"],
        filter: "key = '\(IntakeStore.staffPINKey)'", noun: "setting")

    static let kinds = [intake, decision, reassessment, staff, setting]

    /// Rows that are written once and never change: one fingerprint entry each, never a second.
    static let immutable: Set<String> = [intake.subject, decision.subject, reassessment.subject]

    /// SHA-256 in lower-case hex.
    public static func sha256(_ text: String) -> String { hex(SHA256.hash(data: Array(text.utf8))) }

    static func hex(_ digest: SHA256.Digest) -> String {
        digest.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// The fingerprint of one stored row: each column's type and value as SQLite holds them.
    static func fingerprint(_ row: Row, columns: [String]) -> String {
        var hasher = SHA256()
        for column in columns {
            let value: DatabaseValue = row[column] ?? .null
            let text: String
            switch value.storage {
            case .null: text = "n"
            case .int64(let number): text = "i\(number)"
            case .double(let number): text = "r\(number.bitPattern)"
            case .string(let string): text = "t\(string.utf8.count):\(string)"
            case .blob(let data): text = "b" + data.map { String(format: "%02x", $0) }.joined()
            }
            hasher.update(data: Array("\(column.utf8.count):\(column)=\(text);".utf8))
        }
        return hex(hasher.finalize())
    }

    /// The subject name and fingerprint of the row of `kind` whose key is `key`, read inside `db`.
    static func fingerprint(_ db: Database, _ kind: Kind, key: DatabaseValueConvertible) throws -> (subject: String, hash: String)? {
        let keyColumn = kind.columns[0]
        let sql = "SELECT \(kind.columns.joined(separator: ", ")) FROM \(kind.table) WHERE \(keyColumn) = ?"
        guard let row = try Row.fetchOne(db, sql: sql, arguments: [key]) else { return nil }
        return ("\(kind.subject):\(keyText(row[keyColumn]))", fingerprint(row, columns: kind.columns))
    }

    /// A key as it appears in a subject name: digits for an id, the text for a setting's key.
    static func keyText(_ value: DatabaseValue) -> String {
        switch value.storage {
        case .int64(let number): String(number)
        case .string(let string): string
        default: value.description
        }
    }

    /// Before the program changes a row it fingerprints, checks the row is as its last entry
    /// recorded it; if not, appends a `foundChanged` entry first, which `verifyIntegrity` reports
    /// for good, so that the change about to be made cannot hide the one made outside intake.
    static func noteIfChangedOutside(_ db: Database, _ kind: Kind, key: DatabaseValueConvertible, at date: Date,
                                     user: String) throws {
        guard let check = try lastEntry(db, kind, key: key), !check.matches else { return }
        try AuditChain.append(db, at: date, user: user, action: .foundChanged, intakeCode: nil,
                              detail: "\(check.subject) was changed outside intake"
                                  + (check.entry.map { " since audit entry \($0)" } ?? " (no entry recorded it)"))
    }

    /// Whether the row is as the last audit entry about it recorded it, and which entry that is
    /// (nil when none records it); nil when there is no such row.
    static func lastEntry(_ db: Database, _ kind: Kind,
                          key: DatabaseValueConvertible) throws -> (subject: String, entry: Int64?, matches: Bool)? {
        guard let now = try fingerprint(db, kind, key: key) else { return nil }
        let last = try Row.fetchOne(db, sql: "SELECT id, content_hash FROM audit WHERE subject = ? ORDER BY id DESC LIMIT 1",
                                    arguments: [now.subject])
        let recorded: String? = last?["content_hash"]
        return (now.subject, last?["id"], recorded == now.hash)
    }

    /// Appends an audit entry that records the row's fingerprint, inside the caller's transaction.
    @discardableResult
    static func audit(_ db: Database, _ kind: Kind, key: DatabaseValueConvertible, at date: Date, user: String,
                      action: AuditAction, intakeCode: String?, detail: String) throws -> Int64 {
        guard let print = try fingerprint(db, kind, key: key) else {
            throw StorageError.databaseFailed(path: db.description, reason: "\(kind.noun) \(key) vanished before it was audited")
        }
        return try AuditChain.append(db, at: date, user: user, action: action, intakeCode: intakeCode,
                                     detail: detail, subject: print.subject, contentHash: print.hash)
    }
}

/// One thing `intake audit verify` found wrong, naming the row or entry concerned.
public struct IntegrityProblem: Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem it is, for tests and for sorting.
    public enum Kind: String, Sendable, Hashable {
        /// The hash chain itself is broken (an entry changed, removed or moved).
        case chainBroken
        /// The log no longer extends the head noted earlier.
        case headMismatch
        /// A row has no audit entry: it was added outside intake.
        case notAudited
        /// A row differs from what its last audit entry recorded.
        case changed
        /// The log names a row that is no longer in the database.
        case removed
        /// The answers or assessment a decision was signed on have changed since.
        case changedAfterSigning
        /// The verdicts the queue shows differ from the stored assessment.
        case verdictsDiffer
    }

    public let kind: Kind
    /// The message, naming the row (intake code, decision id, account) and the audit entry.
    public let description: String
}

/// What `IntakeStore.verifyIntegrity` found.
public struct IntegrityReport: Sendable, Hashable {
    /// Audit entries checked.
    public var entries: Int
    /// The hash of the last entry (64 zeros for an empty log).
    public var headHash: String
    /// Everything found wrong; empty when the log and the tables agree.
    public var problems: [IntegrityProblem]

    public var isIntact: Bool { problems.isEmpty }
}

/// A point in the audit log noted down to check later that the log still extends it.
///
/// Written `COUNT:HASH`, the hash shortened to its first 16 hex digits (64 bits) so that it fits a
/// line of a paper log; the full 64 digits are accepted too.
public struct AuditHead: Sendable, Hashable, CustomStringConvertible {
    public let count: Int
    public let hash: String

    public init(count: Int, hash: String) {
        self.count = count
        self.hash = hash
    }

    /// Reads `COUNT:HASH`; nil unless the count is a number ≥ 1 and the hash 16 to 64 hex digits.
    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let count = Int(parts[0]), count >= 1 else { return nil }
        let hash = parts[1].lowercased()
        guard (16...64).contains(hash.count), hash.allSatisfy(\.isHexDigit) else { return nil }
        self.count = count
        self.hash = hash
    }

    /// `COUNT:HASH` with the hash's first 16 digits.
    public var description: String { "\(count):\(hash.prefix(16))" }
}

extension IntakeStore {
    /// The entry count and head hash of the audit log, to note somewhere the database cannot reach.
    public func auditHead() throws(StorageError) -> AuditHead {
        try read { db in
            let row = try Row.fetchOne(db, sql: "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1")
            return AuditHead(count: Int(row?["id"] as Int64? ?? 0), hash: row?["hash"] ?? AuditChain.firstPreviousHash)
        }
    }

    /// Checks the audit chain, and the tables against it.
    ///
    /// Finds: a changed, missing or reordered entry; with `head`, a log that no longer extends
    /// the head noted earlier (which a chain recomputed from an edited entry cannot hide); a
    /// submitted intake, decision, re-assessment, staff account or staff PIN that was added,
    /// changed or removed without its audit entry; a decision whose answers or assessment changed
    /// after it was signed; and queue verdicts that differ from the stored assessment.
    public func verifyIntegrity(head: AuditHead? = nil) throws(StorageError) -> IntegrityReport {
        try read { db in
            var problems: [IntegrityProblem] = []
            func problem(_ kind: IntegrityProblem.Kind, _ text: String) {
                problems.append(IntegrityProblem(kind: kind, description: text))
            }

            // 1. The chain, and the last fingerprint recorded for each subject.
            var expectedPrevious = AuditChain.firstPreviousHash
            var expectedID: Int64 = 1
            var count = 0
            var chainBroken = false
            var hashAtHead: String?
            var recorded: [String: (entry: Int64, hash: String)] = [:]
            var fingerprintEntries: [String: [Int64]] = [:]
            var sawProgramEntry = false
            // Columns named, not *: a statement prepared before a migration must not miss new ones.
            let rows = try Row.fetchCursor(db, sql: """
                SELECT id, at, user, action, intake_code, detail, prev_hash, hash, subject, content_hash FROM audit ORDER BY id
                """)
            while let row = try rows.next() {
                let entry = Self.auditEntryFields(row)
                if !chainBroken {
                    if entry.id != expectedID {
                        problem(.chainBroken, "audit entry \(entry.id): entries \(expectedID) to \(entry.id - 1) are missing")
                        chainBroken = true
                    } else if entry.previousHash != expectedPrevious {
                        problem(.chainBroken, "audit entry \(entry.id): the entry before it was changed, removed or moved")
                        chainBroken = true
                    } else if AuditChain.hash(of: entry) != entry.hash {
                        problem(.chainBroken, "audit entry \(entry.id) was changed after it was written")
                        chainBroken = true
                    }
                }
                if let subject = entry.subject, let hash = entry.contentHash {
                    recorded[subject] = (entry.id, hash)
                    fingerprintEntries[subject, default: []].append(entry.id)
                    if entry.action == AuditAction.baseline.rawValue {
                        // Baselines are written once, by the upgrade, before anything else fingerprints a row.
                        if sawProgramEntry {
                            problem(.changed, "audit entry \(entry.id) is a baseline written after the upgrade: it was appended outside intake")
                        }
                    } else {
                        sawProgramEntry = true
                    }
                }
                if entry.action == AuditAction.foundChanged.rawValue {
                    problem(.changed, "audit entry \(entry.id): \(entry.detail), before a change made through intake")
                }
                if let head, entry.id == Int64(head.count) { hashAtHead = entry.hash }
                expectedPrevious = entry.hash
                expectedID = entry.id + 1
                count += 1
            }
            if let head, head.count > 0 {
                if let hashAtHead {
                    if !hashAtHead.hasPrefix(head.hash) {
                        problem(.headMismatch, "audit entry \(head.count) now has hash \(hashAtHead.prefix(16)), not the \(head.hash.prefix(16)) noted: the log was rewritten since")
                    }
                } else {
                    problem(.headMismatch, "the log has \(count) entries, fewer than the \(head.count) noted: entries were removed since")
                }
            }

            // 2. Every audited row against its last entry, and every audited subject against its row.
            var present = Set<String>()
            for kind in Integrity.kinds {
                let sql = "SELECT \(kind.columns.joined(separator: ", ")) FROM \(kind.table) WHERE \(kind.filter) ORDER BY 1"
                let cursor = try Row.fetchCursor(db, sql: sql)
                while let row = try cursor.next() {
                    let key: DatabaseValue = row[kind.columns[0]]
                    let subject = "\(kind.subject):\(Integrity.keyText(key))"
                    present.insert(subject)
                    let name = try Self.describe(db, kind, key: key)
                    let hash = Integrity.fingerprint(row, columns: kind.columns)
                    guard let entry = recorded[subject] else {
                        problem(.notAudited, "\(name) is not in the audit log: it was added outside intake")
                        continue
                    }
                    if entry.hash != hash {
                        problem(.changed, "\(name) differs from what audit entry \(entry.entry) recorded: it was changed outside intake")
                    }
                }
            }
            for (subject, entry) in recorded.sorted(by: { $0.value.entry < $1.value.entry }) where !present.contains(subject) {
                let parts = subject.split(separator: ":", maxSplits: 1).map(String.init)
                let kind = Integrity.kinds.first { $0.subject == parts.first }
                // A PIN never set again after a reset, or an intake no longer submitted, is also "gone".
                problem(.removed, "\(kind?.noun ?? parts[0]) \(parts.count > 1 ? parts[1] : "") is in audit entry \(entry.entry) but no longer in the database")
            }

            // Submitted intakes, decisions and re-assessments never change: one fingerprint each.
            for (subject, entries) in fingerprintEntries.sorted(by: { $0.value[0] < $1.value[0] })
            where entries.count > 1 && Integrity.immutable.contains(String(subject.prefix { $0 != ":" })) {
                let ids = entries.map(String.init).joined(separator: ", ")
                problem(.changed, "\(subject) is fingerprinted by \(entries.count) audit entries (\(ids)), but it never changes: it was changed and recorded again outside intake")
            }

            // 3. Decisions against the content they were signed on.
            let signed = try Row.fetchAll(db, sql: """
                SELECT d.id, d.response_sha256, d.assessment_sha256, d.reassessment_id, i.code, i.response_json,
                       COALESCE(r.assessment_json, i.assessment_json) AS assessment_json
                FROM decision d JOIN intake i ON i.id = d.intake_id
                LEFT JOIN reassessment r ON r.id = d.reassessment_id
                ORDER BY d.id
                """)
            for row in signed {
                let id: Int64 = row["id"]
                let code: String = row["code"]
                let response: String? = row["response_sha256"]
                let assessment: String? = row["assessment_sha256"]
                if let response, response != Integrity.sha256(row["response_json"] ?? "") {
                    problem(.changedAfterSigning, "intake \(code): ANSWERS CHANGED AFTER SIGNING (decision \(id))")
                }
                if let assessment, assessment != Integrity.sha256(row["assessment_json"] ?? "") {
                    problem(.changedAfterSigning, "intake \(code): the assessment changed after decision \(id) was signed")
                }
            }

            // 4. The queue's verdicts against the assessment that stands, and the review state against the decisions.
            let states = try Row.fetchAll(db, sql: """
                SELECT i.code, i.review_state, EXISTS (SELECT 1 FROM decision d WHERE d.intake_id = i.id) AS signed,
                       (SELECT count(*) FROM json_each(i.verdicts)) AS entries,
                       (SELECT count(DISTINCT key) FROM json_each(i.verdicts)) AS procedures
                FROM intake i WHERE i.status = 'submitted' AND (i.verdicts IS NULL OR json_valid(i.verdicts)) ORDER BY i.id
                """)
            for row in states {
                let code: String = row["code"]
                let state: String = row["review_state"] ?? ""
                let signed: Bool = row["signed"]
                if ReviewState(rawValue: state) == nil {
                    problem(.changed, "intake \(code): review state \"\(state)\" is not one intake writes")
                } else if signed != (state == ReviewState.signed.rawValue) {
                    problem(.changed, signed ? "intake \(code) has signed decisions but is marked \(state)"
                                             : "intake \(code) is marked signed but has no signed decision")
                }
                if (row["entries"] as Int? ?? 0) != (row["procedures"] as Int? ?? 0) {
                    problem(.verdictsDiffer, "intake \(code): the queue's verdicts name a procedure twice")
                }
            }
            let intakes = try Row.fetchAll(db, sql: """
                SELECT i.code, i.verdicts,
                       COALESCE((SELECT r.verdicts FROM reassessment r WHERE r.intake_id = i.id ORDER BY r.id DESC LIMIT 1),
                                (SELECT json_group_object(json_extract(p.value, '$.procedure'), json_extract(p.value, '$.verdict'))
                                 FROM json_each(i.assessment_json, '$.procedures') p)) AS standing
                FROM intake i WHERE i.status = 'submitted' AND json_valid(i.assessment_json)
                ORDER BY i.id
                """)
            for row in intakes {
                let shown = Self.verdictMap(row["verdicts"])
                let standing = Self.verdictMap(row["standing"])
                if !shown.isEmpty || !standing.isEmpty, shown != standing {
                    let code: String = row["code"]
                    problem(.verdictsDiffer, "intake \(code): the queue's verdicts differ from its stored assessment")
                }
            }

            return IntegrityReport(entries: count, headHash: expectedPrevious, problems: problems)
        }
    }

    /// Procedure → verdict as text, read by the same decoder as the queue (duplicates are named apart).
    static func verdictMap(_ json: String?) -> [String: String] {
        guard let json else { return [:] }
        return (try? JSONDecoder().decode([String: String].self, from: Data(json.utf8))) ?? [:]
    }

    /// How people know the row: an intake by its code, an account by its name.
    static func describe(_ db: Database, _ kind: Integrity.Kind, key: DatabaseValue) throws -> String {
        switch kind.subject {
        case "intake":
            let code = try String.fetchOne(db, sql: "SELECT code FROM intake WHERE id = ?", arguments: [key]) ?? "?"
            return "intake \(code) (id \(Integrity.keyText(key)))"
        case "decision":
            let code = try String.fetchOne(db, sql: "SELECT i.code FROM decision d JOIN intake i ON i.id = d.intake_id WHERE d.id = ?",
                                           arguments: [key])
            return "decision \(Integrity.keyText(key))" + (code.map { " of intake \($0)" } ?? "")
        case "staff":
            let name = try String.fetchOne(db, sql: "SELECT name FROM staff_user WHERE id = ?", arguments: [key]) ?? "?"
            return "staff account \(Integrity.keyText(key)) (\(name))"
        case "setting":
            return key == IntakeStore.staffPINKey.databaseValue ? "the staff PIN" : "setting \(Integrity.keyText(key))"
        default:
            return "\(kind.noun) \(Integrity.keyText(key))"
        }
    }
}
