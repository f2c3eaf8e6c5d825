import Foundation
import GRDB

extension IntakeStore {
    /// Starts a new draft with a fresh unique intake code.
    public func startDraft(language: String, kiosk: String?) throws(StorageError) -> Draft {
        try withFreshCode { db, code, now in
            try NewDraftRecord(code: code, language: language, kiosk: kiosk, startedAt: now, updatedAt: now)
                .insertAndFetch(db, as: StoredIntake.self).draft
        }
    }

    /// Runs `body` in a write transaction with a new random intake code, again with another code
    /// when the first is taken.
    ///
    /// A clash among ~887 million codes is rare; a handful of tries makes it practically
    /// impossible to fail for that reason.
    func withFreshCode<T>(_ body: (Database, String, Date) throws -> T) throws(StorageError) -> T {
        for attempt in 1...8 {
            let now = Date()
            let code = IntakeCode.random()
            do {
                return try pool.write { db in try body(db, code, now) }
            } catch let error as DatabaseError
                where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE && attempt < 8 {
                continue
            } catch let error as StorageError {
                throw error
            } catch {
                throw Self.failure(path: path, error)
            }
        }
        preconditionFailure("unreachable: the last attempt returns or throws")
    }

    /// Saves or replaces the answer to one question, at once and in its own transaction, so
    /// that a kiosk killed a moment later loses nothing the patient already gave.
    ///
    /// - Throws: `StorageError.notADraft` once the intake was submitted or abandoned.
    public func saveAnswer(draftID: Int64, linkId: String, valueJSON: String) throws(StorageError) {
        try write { db in
            _ = try Self.requireDraft(db, id: draftID)
            let now = Date()
            try AnswerRecord(intakeID: draftID, linkID: linkId, valueJSON: valueJSON, savedAt: now)
                .upsert(db)
            try Self.touch(db, id: draftID, at: now)
        }
    }

    /// Forgets the answer to one question, as when the patient clears it.
    public func removeAnswer(draftID: Int64, linkId: String) throws(StorageError) {
        try write { db in
            _ = try Self.requireDraft(db, id: draftID)
            try AnswerRecord.deleteOne(db, key: [
                AnswerRecord.Columns.intakeID.name: draftID,
                AnswerRecord.Columns.linkID.name: linkId,
            ])
            try Self.touch(db, id: draftID, at: Date())
        }
    }

    /// Records the language the patient switched to.
    public func setLanguage(draftID: Int64, language: String) throws(StorageError) {
        try write { db in
            _ = try Self.requireDraft(db, id: draftID)
            try StoredIntake.filter(id: draftID).updateAll(db, [
                StoredIntake.Columns.language.set(to: language),
                StoredIntake.Columns.updatedAt.set(to: StorageTime.text(Date())),
            ])
        }
    }

    /// The answers saved so far, keyed by question `linkId`, each value as the JSON text saved.
    public func answers(draftID: Int64) throws(StorageError) -> [String: String] {
        try read { db in
            guard try StoredIntake.exists(db, id: draftID) else {
                throw StorageError.notFound(id: draftID)
            }
            let answers = try AnswerRecord
                .filter(AnswerRecord.Columns.intakeID == draftID)
                .fetchAll(db)
            return Dictionary(answers.map { ($0.linkID, $0.valueJSON) }, uniquingKeysWith: { _, last in last })
        }
    }

    /// Marks the draft abandoned and deletes its answers, so that health data a patient walked
    /// away from does not linger.
    ///
    /// Abandoning an already abandoned draft does nothing, so an idle timeout racing a cancel is
    /// harmless.
    ///
    /// - Throws: `StorageError.notADraft` if the intake was submitted.
    public func abandon(draftID: Int64, reason: String) throws(StorageError) {
        try write { db in
            guard var intake = try StoredIntake.fetchOne(db, id: draftID) else {
                throw StorageError.notFound(id: draftID)
            }
            switch intake.status {
            case .abandoned:
                return
            case .draft:
                break
            case .submitted:
                throw StorageError.notADraft(code: intake.code, status: intake.status.rawValue)
            }
            let now = Date()
            intake.status = .abandoned
            intake.abandonedAt = now
            intake.abandonReason = reason
            intake.updatedAt = now
            try intake.update(db)
            try AnswerRecord.filter(AnswerRecord.Columns.intakeID == draftID).deleteAll(db)
        }
        // secure_delete zeroed the answers in the new pages; older copies of those pages, with
        // the patient's name and phone, are still in the -wal file until it is emptied.
        truncateWAL()
    }

    /// Drafts neither submitted nor abandoned, oldest first, for a kiosk to resume or clean up.
    public func openDrafts() throws(StorageError) -> [Draft] {
        try read { db in
            try StoredIntake
                .filter(StoredIntake.Columns.status == IntakeStatus.draft.rawValue)
                .order(StoredIntake.Columns.startedAt, StoredIntake.Columns.id)
                .fetchAll(db)
                .map(\.draft)
        }
    }

    // MARK: - Helpers run inside a transaction

    /// The intake with `id`, which must still be a draft.
    static func requireDraft(_ db: Database, id: Int64) throws -> StoredIntake {
        guard let intake = try StoredIntake.fetchOne(db, id: id) else {
            throw StorageError.notFound(id: id)
        }
        guard intake.status == .draft else {
            throw StorageError.notADraft(code: intake.code, status: intake.status.rawValue)
        }
        return intake
    }

    static func touch(_ db: Database, id: Int64, at date: Date) throws {
        try StoredIntake.filter(id: id).updateAll(db, StoredIntake.Columns.updatedAt.set(to: StorageTime.text(date)))
    }
}
