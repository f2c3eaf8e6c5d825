import Foundation
import GRDB
import Testing
@testable import IntakeStorage
import Kiosk
import TestSupport

/// Tampering with a real database by direct SQL, as an insider with `sqlite3` would, and
/// `intake audit verify` naming each change.
///
/// Each test starts from a copy of one database made through the real binary and the store: a
/// patient's intake from the plain kiosk, a practitioner who signed it, a disabled account and a
/// staff PIN. The copy is changed with SQL that bypasses intake entirely.
@Suite(.serialized)
struct TamperTests {
    /// The pristine database, made once; each test works on a copy.
    static let original: (db: String, code: String, head: String) = {
        do {
            let (db, code) = try StaffCommandTests.databaseWithAnIntake()
            let store = try IntakeStore(path: db, pinHasher: SecretHasher(rounds: 16, blockSize: 1, parallelism: 1))
            let salma = try store.addUser(name: "Salma", role: .practitioner, password: "long-enough")
            try store.setProfile(name: "Salma", fullName: "Dr Salma Nasser", credential: "MBBS, dermatologist")
            _ = try store.addUser(name: "Omar", role: .reception, password: "long-enough")
            try store.disableUser(name: "Omar", by: "os:admin")
            try store.setStaffPIN("4826", by: "os:admin")
            let intake = try #require(try store.intake(code: code))
            try store.sign(intakeID: intake.id, decisions: [
                .init(procedure: .microneedling, decision: .proceed),
                .init(procedure: .microBotox, decision: .proceed),
            ], user: salma, password: "long-enough")
            let head = try store.auditHead().description
            store.truncateWAL()
            return (db, code, head)
        } catch {
            fatalError("could not build the tamper test database: \(error)")
        }
    }()

    /// A private copy of the original database, its path.
    static func copy() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("intake-tamper-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let path = dir.appendingPathComponent("intake.sqlite").path
        try FileManager.default.copyItem(atPath: original.db, toPath: path)
        return path
    }

    /// Runs SQL on the file directly, as `sqlite3` would: no triggers of intake's are bypassed
    /// unless the SQL drops them.
    static func tamper(_ path: String, _ sql: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { try $0.execute(sql: sql) }
    }

    static func verify(_ path: String, head: String? = nil) throws -> CLI.Result {
        try CLI.run(["audit", "verify", "--db", path] + (head.map { ["--head", $0] } ?? []))
    }

    @Test func anUntouchedDatabaseVerifiesAndExtendsItsHead() throws {
        let path = try Self.copy()
        let result = try Self.verify(path, head: Self.original.head)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Audit log intact"))
        #expect(result.stdout.contains("extending the head \(Self.original.head)"))
        let head = try CLI.run(["audit", "head", "--db", path])
        #expect(head.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == Self.original.head)
    }

    @Test func anAnswerChangedAfterSigningIsNamed() throws {
        let path = try Self.copy()
        // "Active acne: yes": the answer to `acne-active` turned from false to true.
        try Self.tamper(path, """
            UPDATE intake SET response_json = replace(response_json,
                '{"answer":[{"valueBoolean":false}],"linkId":"acne-active"}',
                '{"answer":[{"valueBoolean":true}],"linkId":"acne-active"}')
            WHERE code = '\(Self.original.code)'
            """)
        let changed = try DatabaseQueue(path: path).read { try String.fetchOne($0, sql: "SELECT response_json FROM intake") }
        #expect(changed?.contains(#"{"answer":[{"valueBoolean":true}],"linkId":"acne-active"}"#) == true, "the tamper did not apply")
        let result = try Self.verify(path)
        #expect(result.status == 1)
        #expect(result.stderr.contains("intake \(Self.original.code): ANSWERS CHANGED AFTER SIGNING (decision 1)"), "\(result.stderr)")
        #expect(result.stderr.contains("intake \(Self.original.code) (id 1) differs from what audit entry"), "\(result.stderr)")
        // The summary says so beside the signature, too.
        let summary = try CLI.run(["summary", Self.original.code, "--db", path])
        #expect(summary.stdout.contains("ANSWERS CHANGED AFTER SIGNING"), "\(summary.stdout.suffix(600))")
        // And on the PDF that goes to the paper record.
        let pdf = (path as NSString).deletingLastPathComponent + "/summary.pdf"
        let written = try CLI.run(["summary", Self.original.code, "--db", path, "--format", "pdf", "-o", pdf])
        #expect(written.status == 0, "\(written.stderr)")
        let extracted = pdfText(pdf)
        #expect(extracted.contains("ANSWERS CHANGED AFTER SIGNING"), "\(extracted.suffix(800))")
    }

    @Test func aForgedDecisionIsNamed() throws {
        let path = try Self.copy()
        try Self.tamper(path, """
            INSERT INTO decision (intake_id, procedure, decision, reason, user_id, signed_at, amends)
            VALUES (1, 'micro-botox', 'decline', 'forged by sql', 1, '2026-11-24 10:00:00.000', 2)
            """)
        let result = try Self.verify(path)
        #expect(result.status == 1)
        #expect(result.stderr.contains("decision 3 of intake \(Self.original.code) is not in the audit log"), "\(result.stderr)")
    }

    @Test func aDecisionUpdatedAfterItsTriggerWasDroppedIsNamed() throws {
        let path = try Self.copy()
        try Self.tamper(path, """
            DROP TRIGGER decision_is_never_updated;
            UPDATE decision SET decision = 'decline', reason = 'forged by sql' WHERE id = 2;
            """)
        let result = try Self.verify(path)
        #expect(result.status == 1)
        #expect(result.stderr.contains("decision 2 of intake \(Self.original.code) differs from what audit entry"), "\(result.stderr)")
    }

    @Test func aDecisionDeletedAfterItsTriggerWasDroppedIsNamed() throws {
        let path = try Self.copy()
        try Self.tamper(path, "DROP TRIGGER decision_is_never_deleted; DELETE FROM decision WHERE id = 2;")
        let result = try Self.verify(path)
        #expect(result.status == 1)
        #expect(result.stderr.contains("decision 2 is in audit entry"), "\(result.stderr)")
    }

    @Test func aReEnabledAccountIsNamed() throws {
        let path = try Self.copy()
        try Self.tamper(path, "UPDATE staff_user SET disabled = 0 WHERE name = 'Omar'")
        let result = try Self.verify(path)
        #expect(result.status == 1)
        #expect(result.stderr.contains("staff account 2 (Omar) differs from what audit entry"), "\(result.stderr)")
    }

    @Test func anAccountMadeByHandOrGivenAnotherRoleIsNamed() throws {
        let path = try Self.copy()
        try Self.tamper(path, """
            UPDATE staff_user SET role = 'practitioner' WHERE name = 'Omar';
            INSERT INTO staff_user (name, role, password_hash, created_at) VALUES ('mallory', 'admin', 'x', '2026-11-24 10:00:00');
            """)
        let result = try Self.verify(path)
        #expect(result.status == 1)
        #expect(result.stderr.contains("staff account 2 (Omar) differs"), "\(result.stderr)")
        #expect(result.stderr.contains("staff account 3 (mallory) is not in the audit log"), "\(result.stderr)")
    }

    @Test func aPINReplacedByHandIsNamed() throws {
        let path = try Self.copy()
        try Self.tamper(path, "UPDATE setting SET value = 'scrypt$forged' WHERE key = 'staff_pin'")
        let result = try Self.verify(path)
        #expect(result.status == 1)
        #expect(result.stderr.contains("the staff PIN differs from what audit entry"), "\(result.stderr)")
    }

    @Test func theQueueShowingAnotherVerdictIsNamed() throws {
        let path = try Self.copy()
        try Self.tamper(path, #"UPDATE intake SET verdicts = '{"micro-botox":"eligible","microneedling":"contraindicated"}'"#)
        let result = try Self.verify(path)
        #expect(result.status == 1)
        #expect(result.stderr.contains("intake \(Self.original.code): the queue's verdicts differ from its stored assessment"), "\(result.stderr)")
    }

    @Test func anEditedAuditEntryIsNamed() throws {
        let path = try Self.copy()
        try Self.tamper(path, "DROP TRIGGER audit_is_append_only_update; UPDATE audit SET user = 'someone else' WHERE id = 3;")
        let result = try Self.verify(path)
        #expect(result.status == 1)
        #expect(result.stderr.contains("audit entry 3 was changed after it was written"), "\(result.stderr)")
    }

    @Test func aDeletedAuditEntryIsNamed() throws {
        let path = try Self.copy()
        try Self.tamper(path, "DROP TRIGGER audit_is_append_only_delete; DELETE FROM audit WHERE id = 4;")
        let result = try Self.verify(path)
        #expect(result.status == 1)
        #expect(result.stderr.contains("audit entry 5: entries 4 to 4 are missing"), "\(result.stderr)")
    }

    @Test func aRecomputedChainPassesAloneButNotAgainstAnEarlierHead() throws {
        let path = try Self.copy()
        // Re-enable Omar, and rewrite his last entry and every later hash: the chain is whole again.
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: """
                DROP TRIGGER audit_is_append_only_update;
                UPDATE staff_user SET disabled = 0 WHERE name = 'Omar';
                """)
        }
        try Self.rewriteChain(queue, fingerprintAccount: "Omar")
        let alone = try Self.verify(path)
        #expect(alone.status == 0, "the forger's rewrite should look whole without a head: \(alone.stderr)")
        let anchored = try Self.verify(path, head: Self.original.head)
        #expect(anchored.status == 1)
        #expect(anchored.stderr.contains("the log was rewritten since"), "\(anchored.stderr)")
    }

    @Test func aReviewStateThatDisagreesWithTheDecisionsIsNamed() throws {
        let path = try Self.copy()
        try Self.tamper(path, "UPDATE intake SET review_state = 'new'")
        let result = try Self.verify(path)
        #expect(result.status == 1)
        #expect(result.stderr.contains("intake \(Self.original.code) has signed decisions but is marked new"), "\(result.stderr)")
    }

    @Test func verdictsNamingAProcedureTwiceAreNamed() throws {
        let path = try Self.copy()
        try Self.tamper(path, """
            DROP TRIGGER intake_verdicts_known_on_update;
            UPDATE intake SET verdicts = '{"micro-botox":"eligible","microneedling":"eligible","microneedling":"defer"}';
            """)
        let result = try Self.verify(path)
        #expect(result.status == 1)
        #expect(result.stderr.contains("intake \(Self.original.code): the queue's verdicts name a procedure twice"), "\(result.stderr)")
    }

    @Test func aLaterAccountChangeDoesNotHideTamperingWithTheAccount() throws {
        let path = try Self.copy()
        try Self.tamper(path, "UPDATE staff_user SET password_hash = 'scrypt$forged' WHERE name = 'Salma'")
        #expect(try CLI.run(["user", "role", "Salma", "admin", "--db", path]).status == 0)
        #expect(try CLI.run(["user", "role", "Salma", "practitioner", "--db", path]).status == 0)
        let result = try Self.verify(path, head: Self.original.head)
        #expect(result.status == 1)
        #expect(result.stderr.contains("staff:1 was changed outside intake since audit entry"), "\(result.stderr)")
    }

    @Test func anIntakeChangedAndRecordedAgainByAnAppendedEntryIsNamed() throws {
        let path = try Self.copy()
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "UPDATE intake SET patient_dob = '1999-01-01'")
            // A forger appends a correctly chained entry with the changed row's fingerprint.
            let columns = Integrity.intake.columns
            let row = try Row.fetchOne(db, sql: "SELECT \(columns.joined(separator: ", ")) FROM intake WHERE id = 1")!
            let last = try Row.fetchOne(db, sql: "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1")!
            let id: Int64 = last["id"] + 1
            let at = "2026-11-24 10:00:00.000"
            let content = Integrity.fingerprint(row, columns: columns)
            let hash = AuditChain.hash(previousHash: last["hash"], id: id, at: at, user: "intake", action: "baseline",
                                       intakeCode: nil, detail: "as found", subject: "intake:1", contentHash: content)
            try db.execute(sql: """
                INSERT INTO audit (id, at, user, action, intake_code, detail, prev_hash, hash, subject, content_hash)
                VALUES (?, ?, 'intake', 'baseline', NULL, 'as found', ?, ?, 'intake:1', ?)
                """, arguments: [id, at, last["hash"] as String, hash, content])
        }
        let result = try Self.verify(path, head: Self.original.head)
        #expect(result.status == 1)
        #expect(result.stderr.contains("is a baseline written after the upgrade"), "\(result.stderr)")
        #expect(result.stderr.contains("intake:1 is fingerprinted by 2 audit entries"), "\(result.stderr)")
    }

    @Test func anUnreadableTimeIsNamedNotACrash() throws {
        let path = try Self.copy()
        try Self.tamper(path, "UPDATE intake SET updated_at = 'garbage'")
        let verify = try Self.verify(path)
        #expect(verify.status == 1)
        #expect(verify.stderr.contains("differs from what audit entry"), "\(verify.stderr)")
        let summary = try CLI.run(["summary", Self.original.code, "--db", path])
        #expect(summary.status != 0 && summary.status < 128, "no crash: \(summary.status)")
        #expect(summary.stderr.contains("updated_at \"garbage\" is not one of a date and time"), "\(summary.stderr)")
    }

    @Test func verifyingAMistypedPathCreatesNothingAndSaysSo() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("intake-tamper-\(UUID().uuidString)")
        let path = dir.appendingPathComponent("intkae.sqlite").path
        let result = try Self.verify(path)
        #expect(result.status == 2)
        #expect(result.stderr.contains("there is no database at \(path)"))
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func aMalformedHeadIsABadArgument() throws {
        let path = try Self.copy()
        let result = try Self.verify(path, head: "twelve:xyz")
        #expect(result.status == 2)
        #expect(result.stderr.contains("--head \"twelve:xyz\" is not COUNT:HASH"))
    }

    /// What a forger who knows the scheme does: sets the account's latest entry to its new
    /// fingerprint and recomputes every hash after it, using the same public formulas.
    static func rewriteChain(_ queue: DatabaseQueue, fingerprintAccount name: String) throws {
        try queue.writeWithoutTransaction { db in
            let id = try Int64.fetchOne(db, sql: "SELECT id FROM staff_user WHERE name = ?", arguments: [name])!
            let forged = try TamperHelpers.accountFingerprint(db, id: id)
            try db.execute(sql: "UPDATE audit SET content_hash = ? WHERE id = (SELECT MAX(id) FROM audit WHERE subject = ?)",
                           arguments: [forged, "staff:\(id)"])
            var previous = String(repeating: "0", count: 64)
            for row in try Row.fetchAll(db, sql: "SELECT * FROM audit ORDER BY id") {
                let hash = TamperHelpers.entryHash(previous: previous, row: row)
                try db.execute(sql: "UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?", arguments: [previous, hash, row["id"] as Int64])
                previous = hash
            }
        }
    }
}

/// The published formulas, as a forger would reuse them.
enum TamperHelpers {
    static func accountFingerprint(_ db: Database, id: Int64) throws -> String {
        let columns = Integrity.staff.columns
        let row = try Row.fetchOne(db, sql: "SELECT \(columns.joined(separator: ", ")) FROM staff_user WHERE id = ?", arguments: [id])!
        return Integrity.fingerprint(row, columns: columns)
    }

    static func entryHash(previous: String, row: Row) -> String {
        AuditChain.hash(previousHash: previous, id: row["id"], at: row["at"], user: row["user"], action: row["action"],
                        intakeCode: row["intake_code"], detail: row["detail"], subject: row["subject"],
                        contentHash: row["content_hash"])
    }
}
