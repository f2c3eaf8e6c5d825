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
}
