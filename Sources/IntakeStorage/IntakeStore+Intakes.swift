import Foundation
import GRDB

extension IntakeStore {
    /// Stores the submission and marks the draft submitted, all in one transaction: either
    /// everything is stored or nothing changes.
    ///
    /// - Throws: `StorageError.notADraft` if the intake was already submitted or abandoned,
    ///   `StorageError.notFound` if there is no such intake.
    public func submit(draftID: Int64, _ s: Submission) throws(StorageError) -> StoredIntake {
        try write { db in
            var intake = try Self.requireDraft(db, id: draftID)
            // A draft the log already saw submitted had its status turned back outside intake:
            // submitting it again would record other answers under the same code.
            if let entry = try Int64.fetchOne(db, sql: "SELECT id FROM audit WHERE subject = ? LIMIT 1",
                                              arguments: ["\(Integrity.intake.subject):\(draftID)"]) {
                throw StorageError.notADraft(code: intake.code, status: "submitted (audit entry \(entry))")
            }
            let now = Date()
            intake.status = .submitted
            intake.submittedAt = now
            intake.updatedAt = now
            intake.patientName = s.patientName
            intake.patientDOB = s.patientDOB
            intake.procedures = s.procedures
            intake.responseJSON = s.responseJSON
            intake.assessmentJSON = s.assessmentJSON
            intake.verdicts = s.verdicts
            intake.questionnaireVersion = s.questionnaireVersion
            intake.rulesetVersion = s.rulesetVersion
            try intake.update(db)
            // The log holds the fingerprint of what was submitted: a later change to it shows in `audit verify`.
            try Integrity.audit(db, Integrity.intake, key: draftID, at: now, user: intake.kiosk ?? "kiosk",
                                action: .intakeSubmitted, intakeCode: intake.code, detail: "submitted")
            // Read back, so the caller sees dates at the precision they were stored with.
            return try StoredIntake.fetchOne(db, id: draftID) ?? intake
        }
    }

    /// The intake with this code, typed in any case, with or without the dash; nil if none.
    public func intake(code: String) throws(StorageError) -> StoredIntake? {
        guard let code = IntakeCode.normalized(code) else { return nil }
        return try read { db in
            try StoredIntake.filter(StoredIntake.Columns.code == code).fetchOne(db)
        }
    }

    /// The intake with this id; nil if none.
    public func intake(id: Int64) throws(StorageError) -> StoredIntake? {
        try read { db in try StoredIntake.fetchOne(db, id: id) }
    }

    /// Up to `limit` intakes, newest first, optionally only those with `status`.
    ///
    /// With a status, submitted intakes come by submission time (the review station's list, on
    /// the status/submitted_at index); otherwise by id, that is by start.
    ///
    /// - Throws: `StorageError.unknownStatus` for a status other than draft, submitted or
    ///   abandoned.
    public func recentIntakes(limit: Int, status: String?) throws(StorageError) -> [StoredIntake] {
        if let status, IntakeStatus(rawValue: status) == nil {
            throw .unknownStatus(status)
        }
        return try read { db in
            var request = StoredIntake.all()
            if let status {
                request = request
                    .filter(StoredIntake.Columns.status == status)
                    .order(StoredIntake.Columns.submittedAt.desc, StoredIntake.Columns.id.desc)
            } else {
                request = request.order(StoredIntake.Columns.id.desc)
            }
            return try request.limit(max(limit, 0)).fetchAll(db)
        }
    }
}
