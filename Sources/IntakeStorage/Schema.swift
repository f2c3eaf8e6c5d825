import GRDB

/// The database schema, as an append-only list of migrations.
///
/// Never edit a migration that has shipped: kiosks in the field have already run it. Add "v2",
/// "v3" … below instead (the review, staff-user and audit tables go there).
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

        return migrator
    }
}
