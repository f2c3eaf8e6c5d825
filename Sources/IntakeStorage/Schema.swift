import Foundation
import GRDB

/// The database schema, as an append-only list of migrations.
///
/// Never edit a migration that has shipped: kiosks in the field have already run it. Add "v2",
/// "v3" … below instead.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()

        migrator.registerMigration("v1") { db in
            try db.create(table: "intake") { t in
                t.primaryKey("id", .integer)
                // UNIQUE also gives the lookup index reception needs for codes.
                t.column("code", .text).notNull().unique()
                t.column("status", .text).notNull()
                    .check(sql: "status IN ('draft', 'submitted', 'abandoned')")
                t.column("language", .text)
                t.column("kiosk", .text)
                t.column("started_at", .datetime).notNull()
                t.column("updated_at", .datetime).notNull()
                t.column("submitted_at", .datetime)
                t.column("abandoned_at", .datetime)
                t.column("abandon_reason", .text)
                t.column("patient_name", .text).indexed()
                t.column("patient_dob", .text).indexed()
                t.column("procedures", .jsonText)
                t.column("response_json", .jsonText)
                t.column("assessment_json", .jsonText)
                t.column("questionnaire_version", .text)
                t.column("ruleset_version", .text)
                t.column("verdicts", .jsonText)
            }
            // The review station's main list: submitted intakes, newest first.
            try db.execute(sql: """
                CREATE INDEX intake_on_status_submitted_at ON intake(status, submitted_at DESC)
                """)

            try db.create(table: "answer") { t in
                t.column("intake_id", .integer).notNull()
                    .references("intake", onDelete: .cascade)
                t.column("link_id", .text).notNull()
                t.column("value_json", .text).notNull()
                t.column("saved_at", .datetime).notNull()
                t.primaryKey(["intake_id", "link_id"])
            }

            try db.create(table: "setting") { t in
                t.primaryKey("key", .text)
                t.column("value", .text)
            }
        }

        migrator.registerMigration("v2") { db in
            try createReviewTables(db)
        }

        migrator.registerMigration("v3") { db in
            try bindRecordsToTheLog(db)
        }

        return migrator
    }

    /// The latest of these migration identifiers ("v10" after "v9"), or nil when there are none.
    static func newest(of identifiers: Set<String>) -> String? {
        identifiers.max { (Int($0.dropFirst()) ?? 0, $0) < (Int($1.dropFirst()) ?? 0, $1) }
    }

    /// "v2": staff accounts, signed decisions, the review state of each intake and the audit log.
    static func createReviewTables(_ db: Database) throws {
        try db.create(table: "staff_user") { t in
            t.primaryKey("id", .integer)
            // NOCASE so that "Dr Haddad" and "dr haddad" cannot be two accounts.
            t.column("name", .text).notNull().unique().collate(.nocase)
            t.column("role", .text).notNull()
                .check(sql: "role IN ('practitioner', 'reception', 'admin')")
            t.column("password_hash", .text).notNull()
            t.column("disabled", .boolean).notNull().defaults(to: false)
            t.column("failed_attempts", .integer).notNull().defaults(to: 0)
            t.column("locked_until", .datetime)
            t.column("created_at", .datetime).notNull()
        }

        // Failed sign-ins under names that have no account, throttled like real accounts so
        // that the answers do not tell which names exist.
        try db.create(table: "sign_in_throttle") { t in
            t.primaryKey("name", .text).collate(.nocase)
            t.column("failed_attempts", .integer).notNull()
            t.column("locked_until", .datetime)
            t.column("last_failed_at", .datetime).notNull()
        }

        try db.create(table: "decision") { t in
            t.primaryKey("id", .integer)
            t.column("intake_id", .integer).notNull().references("intake").indexed()
            t.column("procedure", .text).notNull()
            t.column("decision", .text).notNull()
                .check(sql: "decision IN ('proceed', 'defer', 'decline')")
            t.column("rule_verdict", .text)
            t.column("reason", .text)
            t.column("note", .text)
            t.column("user_id", .integer).notNull().references("staff_user")
            t.column("signed_at", .datetime).notNull()
            t.column("amends", .integer).references("decision").indexed()
        }
        // A signature is a record of what was decided then; a change of mind is a new row.
        try db.execute(sql: """
            CREATE TRIGGER decision_is_never_updated BEFORE UPDATE ON decision
            BEGIN SELECT RAISE(ABORT, 'signed decisions cannot be changed; sign an amendment instead'); END;
            CREATE TRIGGER decision_is_never_deleted BEFORE DELETE ON decision
            BEGIN SELECT RAISE(ABORT, 'signed decisions cannot be deleted; sign an amendment instead'); END;
            """)

        try db.execute(sql: """
            ALTER TABLE intake ADD COLUMN review_state TEXT NOT NULL DEFAULT 'new'
                CHECK (review_state IN ('new', 'in_review', 'signed'));

            -- The queue, newest first, with the id breaking ties between equal times so that
            -- keyset pages neither repeat nor skip rows. patient_name rides along so that a
            -- name search scans this index without reading each intake's large JSON.
            DROP INDEX intake_on_status_submitted_at;
            CREATE INDEX intake_queue ON intake(status, submitted_at DESC, id DESC, patient_name);

            -- Unsigned intakes are few next to the signed ones that pile up over the years; a
            -- partial index keeps that list as quick as the first page of all.
            CREATE INDEX intake_unsigned_queue ON intake(submitted_at DESC, id DESC, patient_name)
                WHERE status = 'submitted' AND review_state <> 'signed';

            -- LIKE 'prefix%' uses an index only if the index is NOCASE (case_sensitive_like off).
            CREATE INDEX intake_on_patient_name_nocase ON intake(patient_name COLLATE NOCASE);
            """)

        try db.execute(sql: """
            CREATE TABLE audit (
                id INTEGER PRIMARY KEY,
                at DATETIME NOT NULL,
                user TEXT NOT NULL,
                action TEXT NOT NULL,
                intake_code TEXT,
                detail TEXT NOT NULL,
                prev_hash TEXT NOT NULL,
                hash TEXT NOT NULL
            );
            CREATE TRIGGER audit_is_append_only_update BEFORE UPDATE ON audit
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: entries cannot be changed'); END;
            CREATE TRIGGER audit_is_append_only_delete BEFORE DELETE ON audit
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: entries cannot be deleted'); END;
            """)
    }

    /// "v3": signatures bound to content, re-assessments, staff names and credentials, the
    /// vocabulary checked by the database, and audit entries that fingerprint the rows they concern.
    static func bindRecordsToTheLog(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE audit ADD COLUMN subject TEXT;
            ALTER TABLE audit ADD COLUMN content_hash TEXT;
            CREATE INDEX audit_on_subject ON audit(subject) WHERE subject IS NOT NULL;

            ALTER TABLE staff_user ADD COLUMN full_name TEXT;
            ALTER TABLE staff_user ADD COLUMN credential TEXT;

            -- A re-assessment by today's rules, asked for by a practitioner: a new row, never an overwrite.
            CREATE TABLE reassessment (
                id INTEGER PRIMARY KEY,
                intake_id INTEGER NOT NULL REFERENCES intake(id),
                assessed_at DATETIME NOT NULL,
                user_id INTEGER NOT NULL REFERENCES staff_user(id),
                questionnaire_version TEXT NOT NULL,
                ruleset_version TEXT NOT NULL,
                assessment_json TEXT NOT NULL,
                verdicts TEXT NOT NULL
            );
            CREATE INDEX reassessment_on_intake ON reassessment(intake_id, id);
            CREATE TRIGGER reassessment_is_never_updated BEFORE UPDATE ON reassessment
            BEGIN SELECT RAISE(ABORT, 'assessments cannot be changed; re-assess instead'); END;
            CREATE TRIGGER reassessment_is_never_deleted BEFORE DELETE ON reassessment
            BEGIN SELECT RAISE(ABORT, 'assessments cannot be deleted'); END;

            -- The decision table again, now with its vocabulary checked and the content it was signed on.
            CREATE TABLE new_decision (
                id INTEGER PRIMARY KEY,
                intake_id INTEGER NOT NULL REFERENCES intake(id),
                procedure TEXT NOT NULL CHECK (procedure IN ('microneedling', 'micro-botox')),
                decision TEXT NOT NULL CHECK (decision IN ('proceed', 'defer', 'decline')),
                rule_verdict TEXT CHECK (rule_verdict IN ('eligible', 'review', 'defer', 'contraindicated')),
                reason TEXT,
                note TEXT,
                user_id INTEGER NOT NULL REFERENCES staff_user(id),
                signed_at DATETIME NOT NULL,
                amends INTEGER REFERENCES new_decision(id),
                response_sha256 TEXT,
                assessment_sha256 TEXT,
                reassessment_id INTEGER REFERENCES reassessment(id)
            );
            INSERT INTO new_decision (id, intake_id, procedure, decision, rule_verdict, reason, note, user_id, signed_at, amends)
                SELECT id, intake_id, procedure, decision, rule_verdict, reason, note, user_id, signed_at, amends FROM decision;
            DROP TABLE decision;
            ALTER TABLE new_decision RENAME TO decision;
            CREATE INDEX decision_on_intake_id ON decision(intake_id);
            CREATE INDEX decision_on_amends ON decision(amends);
            CREATE TRIGGER decision_is_never_updated BEFORE UPDATE ON decision
            BEGIN SELECT RAISE(ABORT, 'signed decisions cannot be changed; sign an amendment instead'); END;
            CREATE TRIGGER decision_is_never_deleted BEFORE DELETE ON decision
            BEGIN SELECT RAISE(ABORT, 'signed decisions cannot be deleted; sign an amendment instead'); END;
            """)
        // JSON columns cannot carry a CHECK with a subquery; triggers hold them to the same vocabulary.
        for event in ["INSERT", "UPDATE"] {
            for table in ["intake", "reassessment"] {
                try db.execute(sql: """
                    CREATE TRIGGER \(table)_verdicts_known_on_\(event.lowercased()) BEFORE \(event) ON \(table)
                    WHEN NEW.verdicts IS NOT NULL AND (EXISTS (SELECT 1 FROM json_each(NEW.verdicts)
                        WHERE key NOT IN ('microneedling', 'micro-botox')
                           OR value NOT IN ('eligible', 'review', 'defer', 'contraindicated'))
                        OR (SELECT count(*) FROM json_each(NEW.verdicts)) <> (SELECT count(DISTINCT key) FROM json_each(NEW.verdicts)))
                    BEGIN SELECT RAISE(ABORT, 'verdicts must name known procedures and verdicts'); END;
                    """)
            }
            try db.execute(sql: """
                CREATE TRIGGER intake_procedures_known_on_\(event.lowercased()) BEFORE \(event) ON intake
                WHEN NEW.procedures IS NOT NULL AND EXISTS (SELECT 1 FROM json_each(NEW.procedures)
                    WHERE value NOT IN ('microneedling', 'micro-botox'))
                BEGIN SELECT RAISE(ABORT, 'procedures must be microneedling or micro-botox'); END;
                """)
        }

        // What was there before this version is recorded as found, so that later changes show.
        let now = Date()
        for kind in Integrity.kinds {
            let keys = try DatabaseValue.fetchAll(db, sql: "SELECT \(kind.columns[0]) FROM \(kind.table) WHERE \(kind.filter) ORDER BY 1")
            for key in keys {
                try Integrity.audit(db, kind, key: key, at: now, user: "intake", action: .baseline, intakeCode: nil,
                                    detail: "as found when this database was upgraded to record fingerprints")
            }
        }
    }
}
