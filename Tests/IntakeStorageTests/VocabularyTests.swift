import Foundation
import GRDB
import Testing
@testable import IntakeStorage

/// One vocabulary: the database refuses words outside it, and a row that holds one anyway (written
/// around the checks) is an error naming the row, never a guess.
struct VocabularyTests {
    @Test func theDatabaseRefusesAVerdictProcedureOrDecisionOutsideTheVocabulary() throws {
        let temp = TemporaryFolder()
        let (store, user) = try storeWithPractitioner(temp)
        let intake = try submitIntake(store)
        let refusals = [
            #"UPDATE intake SET verdicts = '{"microneedling":"go"}' WHERE id = \#(intake.id)"#,
            #"UPDATE intake SET verdicts = '{"laser":"eligible"}' WHERE id = \#(intake.id)"#,
            #"UPDATE intake SET procedures = '["laser"]' WHERE id = \#(intake.id)"#,
            "UPDATE intake SET status = 'done' WHERE id = \(intake.id)",
            "UPDATE intake SET review_state = 'approved' WHERE id = \(intake.id)",
            "INSERT INTO decision (intake_id, procedure, decision, user_id, signed_at) VALUES (\(intake.id), 'laser', 'proceed', \(user.id), '2026-11-24')",
            "INSERT INTO decision (intake_id, procedure, decision, user_id, signed_at) VALUES (\(intake.id), 'microneedling', 'go', \(user.id), '2026-11-24')",
            "INSERT INTO decision (intake_id, procedure, decision, rule_verdict, user_id, signed_at) VALUES (\(intake.id), 'microneedling', 'proceed', 'fine', \(user.id), '2026-11-24')",
        ]
        for sql in refusals {
            #expect(throws: DatabaseError.self, "\(sql)") { try store.pool.write { try $0.execute(sql: sql) } }
        }
        // The words themselves go in.
        try store.pool.write { try $0.execute(sql: #"UPDATE intake SET verdicts = '{"microneedling":"contraindicated"}' WHERE id = \#(intake.id)"#) }
    }

    @Test func readingAWordOutsideTheVocabularyNamesTheRow() throws {
        let temp = TemporaryFolder()
        let (store, _) = try storeWithPractitioner(temp)
        let intake = try submitIntake(store)
        try store.pool.write { db in
            try db.execute(sql: """
                DROP TRIGGER intake_verdicts_known_on_update;
                UPDATE intake SET verdicts = '{"microneedling":"go"}' WHERE id = \(intake.id);
                """)
        }
        let expected = StorageError.unknownValue(table: "intake", column: "verdicts", rowID: String(intake.id), value: "go",
                                                 known: ["eligible", "review", "defer", "contraindicated"])
        #expect(throws: expected) { _ = try store.intake(id: intake.id) }
        #expect(throws: expected) { _ = try store.queue() }
        #expect(expected.description.hasPrefix("intake row \(intake.id): verdicts \"go\" is not one of eligible, review, defer, contraindicated"))
    }
}

/// Paths through the program that would otherwise launder a change made outside it.
struct LaunderingTests {
    @Test func aSubmittedIntakeTurnedBackIntoADraftCannotBeSubmittedAgain() throws {
        let temp = TemporaryFolder()
        let store = try openStore(temp.file("intake.sqlite"))
        let intake = try submitIntake(store)
        try store.pool.write { try $0.execute(sql: "UPDATE intake SET status = 'draft', submitted_at = NULL WHERE id = \(intake.id)") }
        #expect(throws: StorageError.notADraft(code: intake.code, status: "submitted (audit entry 1)")) {
            _ = try store.submit(draftID: intake.id, sampleSubmission())
        }
    }

    @Test func verdictsNamingAProcedureTwiceAreRefused() throws {
        let temp = TemporaryFolder()
        let store = try openStore(temp.file("intake.sqlite"))
        let intake = try submitIntake(store)
        #expect(throws: DatabaseError.self) {
            try store.pool.write {
                try $0.execute(sql: #"UPDATE intake SET verdicts = '{"microneedling":"eligible","microneedling":"defer"}' WHERE id = \#(intake.id)"#)
            }
        }
    }
}
