import Foundation
import GRDB
import Testing
import IntakeModel
import IntakeRules
import IntakeStorage
import IntakeSummary
import ReviewStation
import TerminalUI

/// A database that version 1 of the program wrote (questionnaire 1.0.0, rule set 2026.11.1),
/// opened by today's station: its intakes keep their stored verdicts and versions.
///
/// Today's rules would read these version-1 answers as incomplete (the questions added in
/// version 2 are unanswered), so a station that re-ran them would show "INCOMPLETE" where the
/// record says "eligible". The record is what was assessed then.
struct VersionOneDatabaseTests {
    /// The schema version 1 shipped, as SQLite holds it after GRDB's migrations "v1" (kiosk) and
    /// "v2" (review station): written out here, not run through today's migrator, so the test
    /// keeps opening a version-1 file whatever migrations are added later.
    static let schema = """
        CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
        INSERT INTO grdb_migrations VALUES ('v1'), ('v2');
        CREATE TABLE "intake" ("id" INTEGER PRIMARY KEY, "code" TEXT NOT NULL UNIQUE, "status" TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'abandoned')), "language" TEXT, "kiosk" TEXT, "started_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "submitted_at" DATETIME, "abandoned_at" DATETIME, "abandon_reason" TEXT, "patient_name" TEXT, "patient_dob" TEXT, "procedures" TEXT, "response_json" TEXT, "assessment_json" TEXT, "questionnaire_version" TEXT, "ruleset_version" TEXT, "verdicts" TEXT, review_state TEXT NOT NULL DEFAULT 'new'
            CHECK (review_state IN ('new', 'in_review', 'signed')));
        CREATE INDEX "intake_on_patient_name" ON "intake"("patient_name");
        CREATE INDEX "intake_on_patient_dob" ON "intake"("patient_dob");
        CREATE TABLE "answer" ("intake_id" INTEGER NOT NULL REFERENCES "intake"("id") ON DELETE CASCADE, "link_id" TEXT NOT NULL, "value_json" TEXT NOT NULL, "saved_at" DATETIME NOT NULL, PRIMARY KEY ("intake_id", "link_id"));
        CREATE TABLE "setting" ("key" TEXT PRIMARY KEY NOT NULL, "value" TEXT);
        CREATE TABLE "staff_user" ("id" INTEGER PRIMARY KEY, "name" TEXT NOT NULL UNIQUE COLLATE NOCASE, "role" TEXT NOT NULL CHECK (role IN ('practitioner', 'reception', 'admin')), "password_hash" TEXT NOT NULL, "disabled" BOOLEAN NOT NULL DEFAULT 0, "failed_attempts" INTEGER NOT NULL DEFAULT 0, "locked_until" DATETIME, "created_at" DATETIME NOT NULL);
        CREATE TABLE "sign_in_throttle" ("name" TEXT PRIMARY KEY NOT NULL COLLATE NOCASE, "failed_attempts" INTEGER NOT NULL, "locked_until" DATETIME, "last_failed_at" DATETIME NOT NULL);
        CREATE TABLE "decision" ("id" INTEGER PRIMARY KEY, "intake_id" INTEGER NOT NULL REFERENCES "intake"("id"), "procedure" TEXT NOT NULL, "decision" TEXT NOT NULL CHECK (decision IN ('proceed', 'defer', 'decline')), "rule_verdict" TEXT, "reason" TEXT, "note" TEXT, "user_id" INTEGER NOT NULL REFERENCES "staff_user"("id"), "signed_at" DATETIME NOT NULL, "amends" INTEGER REFERENCES "decision"("id"));
        CREATE INDEX "decision_on_intake_id" ON "decision"("intake_id");
        CREATE INDEX "decision_on_amends" ON "decision"("amends");
        CREATE TRIGGER decision_is_never_updated BEFORE UPDATE ON decision
        BEGIN SELECT RAISE(ABORT, 'signed decisions cannot be changed; sign an amendment instead'); END;
        CREATE TRIGGER decision_is_never_deleted BEFORE DELETE ON decision
        BEGIN SELECT RAISE(ABORT, 'signed decisions cannot be deleted; sign an amendment instead'); END;
        CREATE INDEX intake_queue ON intake(status, submitted_at DESC, id DESC, patient_name);
        CREATE INDEX intake_unsigned_queue ON intake(submitted_at DESC, id DESC, patient_name)
            WHERE status = 'submitted' AND review_state <> 'signed';
        CREATE INDEX intake_on_patient_name_nocase ON intake(patient_name COLLATE NOCASE);
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY, at DATETIME NOT NULL, user TEXT NOT NULL, action TEXT NOT NULL,
            intake_code TEXT, detail TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
        CREATE TRIGGER audit_is_append_only_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: entries cannot be changed'); END;
        CREATE TRIGGER audit_is_append_only_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: entries cannot be deleted'); END;
        """

    /// Layla: public case 23 (a version-1 response: bare codes, no `system`) with a steel ("metal")
    /// allergy and eczema "history", answered at the version-1 kiosk on 2026-11-20.
    static let laylaCode = "VEZ-4MT"
    /// Omar: public case 23 as it is, signed at the version-1 station.
    static let omarCode = "VSG-7NP"

    /// What version 1's kiosk stored as `assessment_json` for Layla (`AssessmentJSON(assessment).encoded()`
    /// of rule set 2026.11.1: pretty, sorted keys, reasons in English, no `missing`).
    static let laylaAssessment = """
        {
          "asOf" : "2026-11-20",
          "procedures" : [
            {
              "findings" : [
                {
                  "reason" : "Allergy to metal (needles).",
                  "rule" : "MN-METAL-ALLERGY",
                  "source" : "[L] SP, CHU",
                  "until" : null,
                  "verdict" : "contraindicated"
                },
                {
                  "reason" : "History of eczema: risk of flare (Koebner response).",
                  "rule" : "MN-ECZEMA-HISTORY",
                  "source" : "[S1], [L] KOEB",
                  "until" : null,
                  "verdict" : "review"
                }
              ],
              "procedure" : "microneedling",
              "until" : null,
              "verdict" : "contraindicated"
            },
            {
              "findings" : [

              ],
              "procedure" : "micro-botox",
              "until" : null,
              "verdict" : "eligible"
            }
          ]
        }
        """

    static let omarAssessment = """
        {
          "asOf" : "2026-11-20",
          "procedures" : [
            { "findings" : [], "procedure" : "microneedling", "until" : null, "verdict" : "eligible" },
            { "findings" : [], "procedure" : "micro-botox", "until" : null, "verdict" : "eligible" }
          ]
        }
        """

    /// Case 23 as version 1's kiosk wrote a response on submit: its canonical with version 1.0.0,
    /// the intake code as id, `authored` and `language`; `changes` replace answers by linkId.
    static func versionOneResponse(code: String, name: String, dob: String, changes: [String: Any]) throws -> (json: String, answers: [String: Any]) {
        let file = Harness.repository.appendingPathComponent("Tests/IntakeRulesTests/Cases/23-v1-clear-candidate.json")
        var root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
        let changes = changes.merging(["patient-name": [["valueString": name]], "patient-dob": [["valueDate": dob]]]) { a, _ in a }
        var answers: [String: Any] = [:]
        func walk(_ items: [Any]) -> [Any] {
            items.map { element in
                guard var item = element as? [String: Any], let linkId = item["linkId"] as? String else { return element }
                if let replacement = changes[linkId] { item["answer"] = replacement }
                if let answer = item["answer"] { answers[linkId] = answer }
                if let children = item["item"] as? [Any] { item["item"] = walk(children) }
                return item
            }
        }
        root["item"] = walk(root["item"] as? [Any] ?? [])
        root["questionnaire"] = "https://intake.example/fhir/Questionnaire/intake-screening|1.0.0"
        root["id"] = code
        root["authored"] = "2026-11-20T09:40:00Z"
        root["language"] = "en"
        let data = try JSONSerialization.data(withJSONObject: root, options: [.sortedKeys, .withoutEscapingSlashes])
        return (String(decoding: data, as: UTF8.self), answers)
    }

    /// Writes the version-1 database at `path`: two submitted intakes, one of them signed by a
    /// version-1 practitioner account, with the rows version 1's submit and sign wrote.
    static func writeVersionOneDatabase(at path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: schema)
            let intakes: [(code: String, name: String, dob: String, at: String, changes: [String: Any], assessment: String,
                           verdicts: String, state: String)] = [
                (omarCode, "Omar Khoury", "1985-02-03", "2026-11-20 09:10:00.000", [:], omarAssessment,
                 #"{"micro-botox":"eligible","microneedling":"eligible"}"#, "signed"),
                (laylaCode, "Layla Haddad", "1990-04-12", "2026-11-20 09:40:00.000",
                 ["eczema": [["valueCoding": ["code": "history"]]], "allergies": [["valueCoding": ["code": "metal"]]]],
                 laylaAssessment, #"{"micro-botox":"eligible","microneedling":"contraindicated"}"#, "new"),
            ]
            for intake in intakes {
                let (response, answers) = try versionOneResponse(code: intake.code, name: intake.name, dob: intake.dob, changes: intake.changes)
                try db.execute(sql: """
                    INSERT INTO intake (code, status, language, kiosk, started_at, updated_at, submitted_at, patient_name,
                                        patient_dob, procedures, response_json, assessment_json, questionnaire_version,
                                        ruleset_version, verdicts, review_state)
                    VALUES (?, 'submitted', 'en', 'front-desk', ?, ?, ?, ?, ?, '["microneedling","micro-botox"]', ?, ?,
                            '1.0.0', '2026.11.1', ?, ?)
                    """, arguments: [intake.code, intake.at, intake.at, intake.at, intake.name, intake.dob, response,
                                     intake.assessment, intake.verdicts, intake.state])
                let id = db.lastInsertedRowID
                // Each answer as the kiosk saved it while the patient answered.
                for (linkId, answer) in answers {
                    let value = String(decoding: try JSONSerialization.data(withJSONObject: answer, options: [.sortedKeys]), as: UTF8.self)
                    try db.execute(sql: "INSERT INTO answer VALUES (?, ?, ?, ?)", arguments: [id, linkId, value, intake.at])
                }
            }
            try db.execute(sql: """
                INSERT INTO staff_user (id, name, role, password_hash, created_at)
                VALUES (1, 'drhana', 'practitioner', 'scrypt$16384$8$1$c2FsdA==$aGFzaA==', '2026-11-01 08:00:00.000');
                INSERT INTO decision (intake_id, procedure, decision, rule_verdict, reason, note, user_id, signed_at)
                SELECT id, 'microneedling', 'proceed', 'eligible', NULL, 'Signed under version 1.', 1, '2026-11-20 10:00:00.000'
                FROM intake WHERE code = '\(omarCode)';
                INSERT INTO decision (intake_id, procedure, decision, rule_verdict, reason, note, user_id, signed_at)
                SELECT id, 'micro-botox', 'proceed', 'eligible', NULL, 'Signed under version 1.', 1, '2026-11-20 10:00:00.000'
                FROM intake WHERE code = '\(omarCode)';
                """)
        }
    }

    @Test func itOpensAndListsItsIntakesWithTheirStoredVerdicts() throws {
        let h = try Harness(size: Size(rows: 43, columns: 132), prepare: Self.writeVersionOneDatabase)
        // The upgrade records each row as found; the same process verifies it whole (readers opened
        // before the migration must not miss the new audit columns).
        let report = try h.store.verifyIntegrity()
        #expect(report.isIntact, "\(report.problems)")
        let rows = try h.store.queue(filter: .all)
        #expect(rows.map(\.code) == [Self.laylaCode, Self.omarCode], "newest first")
        #expect(rows[0].verdicts == [.microneedling: .contraindicated, .microBotox: .eligible])
        #expect(rows[0].reviewState == .new)
        #expect(rows[1].verdicts == [.microneedling: .eligible, .microBotox: .eligible])
        #expect(rows[1].reviewState == .signed)

        h.signIn()
        h.type([.character("3")])  // All: these were submitted on another day
        let queue = h.screen
        #expect(queue.contains(Self.laylaCode) && queue.contains(Self.omarCode))
        #expect(queue.contains("MN Contraindicated") && queue.contains("MB Eligible"))
        #expect(!queue.contains("MB Review"), "not today's rules' verdicts")
    }

    @Test func itShowsTheStoredVerdictsAndVersionsNotTodays() throws {
        let h = try Harness(size: Size(rows: 43, columns: 132), prepare: Self.writeVersionOneDatabase)
        h.signIn(); h.type([.character("3"), .enter])
        let detail = try #require(h.app.state.detail)
        #expect(detail.code == Self.laylaCode)
        #expect(detail.verdict(of: .microneedling) == .contraindicated)
        #expect(detail.verdict(of: .microBotox) == .eligible)
        #expect(detail.procedures.allSatisfy { !$0.incomplete })
        let lines = detail.lines(.en).map(\.text)
        #expect(lines.contains("Micro-Botox (intradermal botulinum toxin): ELIGIBLE"))
        #expect(lines.contains { $0.contains("MN-METAL-ALLERGY Contraindicated: Allergy to metal (needles).") })
        #expect(lines.contains("Questionnaire 1.0.0 · Rule set 2026.11.1"))
        #expect(lines.contains { $0.hasPrefix("Verdicts as recorded when the intake was submitted (2026-11-20)") })
        // Today's rules would find version 1's answers incomplete: said once, labelled as today's, never as the verdict.
        #expect(!lines.contains { ($0.contains("INCOMPLETE") || $0.contains("GEN-INCOMPLETE")) && !$0.hasPrefix("Rules updated since: today's rules (\(RuleTable.version))") })
        #expect(lines.contains { $0.hasPrefix("Rules updated since: today's rules (\(RuleTable.version)) would say") }, "\(lines.filter { $0.hasPrefix("Rules") })")
        #expect(lines.contains { $0.hasPrefix("* Do you have eczema? -> ") }, "the answers the record's rules read are marked")
        #expect(h.screen.contains("Micro-Botox (intradermal botulinum toxin): ELIGIBLE"))

        // Arabic: the record's words where today's differ, and today's translation where they agree.
        let ar = detail.lines(.ar).map(\.text)
        #expect(ar.contains("المايكروبوتوكس: مؤهل"))
        #expect(ar.contains { $0.contains("MN-METAL-ALLERGY مانع للاستعمال: Allergy to metal (needles).") })

        // Deciding: the rules' verdict offered is the stored one.
        h.type([.character("d")])
        let form = try #require(h.app.state.form)
        #expect(form.items.map(\.verdict) == [.contraindicated, .eligible])
    }

    @Test func itPrintsWithTheStoredVersionsAndVerdicts() throws {
        let h = try Harness(prepare: Self.writeVersionOneDatabase)
        h.signIn(); h.type([.character("3"), .enter, .character("p")])
        #expect(h.screen.contains("Print: Sent to the default printer (job fake-1)."))
        // The printout is the PDF, read back as text.
        let printed = h.printed
        let lines = printed.split(separator: "\n").map(String.init)
        func line(_ parts: String...) -> Bool { lines.contains { line in parts.allSatisfy(line.contains) } }
        #expect(printed.contains("Intake: \(Self.laylaCode)"))
        #expect(printed.contains("Visit date: 2026-11-20"))
        #expect(line("Microneedling (collagen induction)", "CONTRAINDICATED"))
        #expect(line("Micro-Botox (intradermal botulinum", "ELIGIBLE"))
        #expect(printed.contains("MN-METAL-ALLERGY · Contraindicated — Allergy to metal (needles)."))
        #expect(printed.contains("Questionnaire 1.0.0 · Rule set 2026.11.1"))
        #expect(!printed.contains("Rule set \(RuleTable.version)"))
        #expect(!printed.contains("INCOMPLETE: not fully assessed"))
        #expect(printed.contains("Rules updated since: today's rules (\(RuleTable.version)) would say"))
        #expect(printed.contains("Photographs for the medical record: not agreed"), "version 1 did not ask")
        #expect(printed.contains("Off-label use explained; patient consents"))
        // Every page names the patient and says which page it is.
        var pages = printed.components(separatedBy: "\u{0C}")
        if pages.last?.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty == true { pages.removeLast() }
        #expect(!pages.isEmpty)
        for (index, page) in pages.enumerated() {
            #expect(page.contains("page \(index + 1) of \(pages.count)"))
            #expect(page.contains("Layla Haddad") && page.contains("1990-04-12") && page.contains(Self.laylaCode))
        }
    }

    @Test func aSignedVersionOneIntakeShowsAndPrintsItsDecisionInBothLanguages() throws {
        let h = try Harness(prepare: Self.writeVersionOneDatabase)
        let stored = try #require(try h.store.intake(code: Self.omarCode))
        for language in Language.allCases {
            let summary = try StoredSummary.make(stored, store: h.store, language: language, questionnaire: Harness.questionnaire)
            let text = summary.render()
            #expect(summary.screening.recorded)
            #expect(summary.screening.rulesetVersion == "2026.11.1")
            #expect(text.contains(Phrase.versions(language, "1.0.0", "2026.11.1")))
            #expect(text.contains("drhana"))
            #expect(!text.contains(Phrase.incomplete(language)))
            let printable = StoredSummary.printable(summary)
            let screen = StoredSummary.displayable(summary)
            #expect(!screen.contains("\u{0C}"), "no form feed on a terminal")
            #expect(printable.replacingOccurrences(of: "\u{0C}", with: "") == screen)
        }
        let en = try StoredSummary.make(stored, store: h.store, language: .en, questionnaire: Harness.questionnaire).render()
        #expect(en.contains("Microneedling (collagen induction): PROCEED"))
        #expect(en.contains("Note: Signed under version 1."))
        #expect(en.contains(">> Micro-Botox (intradermal botulinum toxin): ELIGIBLE\n   No findings."))
    }
}
