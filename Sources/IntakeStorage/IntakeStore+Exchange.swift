import Crypto
import Foundation
import GRDB

/// A signed decision as exported: the decision row with the practitioner's account name.
public struct ExportedDecision: Sendable, Hashable {
    public var decision: Decision
    /// The signing account's name, as the review station shows it.
    public var practitioner: String
}

/// A submitted intake with everything `intake export` writes about it.
public struct ExportedIntake: Sendable, Hashable {
    public var intake: StoredIntake
    public var reviewState: ReviewState
    /// Every decision signed for it, amended ones and amendments included, oldest first.
    public var decisions: [ExportedDecision]
    /// The newest re-assessment, whose verdicts stand instead of those made at submit; nil when none.
    public var reassessment: Reassessment?

    /// The assessment JSON that stands, and the rule set that made it.
    public var standingAssessment: (json: String?, rulesetVersion: String?) {
        if let reassessment { return (reassessment.assessmentJSON, reassessment.rulesetVersion) }
        return (intake.assessmentJSON, intake.rulesetVersion)
    }
}

/// Which submitted intakes an export takes.
public struct ExportSelection: Sendable, Hashable {
    /// Submitted at or after this moment; nil for no lower bound.
    public var since: Date?
    /// Submitted before this moment; nil for no upper bound.
    public var until: Date?
    /// nil: every submitted intake; true: only signed ones; false: only those not yet signed.
    public var signed: Bool?

    public init(since: Date? = nil, until: Date? = nil, signed: Bool? = nil) {
        self.since = since
        self.until = until
        self.signed = signed
    }
}

extension IntakeStore {
    /// One page of submitted intakes for export, by id ascending after `afterID`.
    ///
    /// A page is a bounded read: callers page through any number of intakes in constant memory,
    /// passing the last id of one page as `afterID` of the next.
    public func exportPage(_ selection: ExportSelection, afterID: Int64, limit: Int) throws(StorageError) -> [ExportedIntake] {
        try read { db in
            var conditions = ["status = 'submitted'", "id > ?"]
            var arguments: StatementArguments = [afterID]
            if let since = selection.since {
                conditions.append("submitted_at >= ?")
                arguments += [StorageTime.text(since)]
            }
            if let until = selection.until {
                conditions.append("submitted_at < ?")
                arguments += [StorageTime.text(until)]
            }
            switch selection.signed {
            case true?: conditions.append("review_state = 'signed'")
            case false?: conditions.append("review_state <> 'signed'")
            case nil: break
            }
            arguments += [max(limit, 0)]
            // NOT INDEXED: a range of rowids, read in order. With the queue's index on status SQLite
            // would read and sort every submitted intake for each page (quadratic over an export).
            let rows = try Row.fetchAll(db, sql: """
                SELECT * FROM intake NOT INDEXED WHERE \(conditions.joined(separator: " AND ")) ORDER BY id LIMIT ?
                """, arguments: arguments)
            return try Self.exported(db, rows)
        }
    }

    /// The submitted intake with this code for export; nil if there is none.
    public func exportIntake(code: String) throws(StorageError) -> ExportedIntake? {
        guard let code = IntakeCode.normalized(code) else { return nil }
        return try read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM intake WHERE code = ? AND status = 'submitted'",
                                        arguments: [code])
            return try Self.exported(db, rows).first
        }
    }

    static func exported(_ db: Database, _ rows: [Row]) throws -> [ExportedIntake] {
        guard !rows.isEmpty else { return [] }
        let intakes = try rows.map { try StoredIntake(row: $0) }
        let ids = intakes.map(\.id)
        let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ",")
        var decisions: [Int64: [ExportedDecision]] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT decision.*, staff_user.name AS practitioner_name FROM decision
            JOIN staff_user ON staff_user.id = decision.user_id
            WHERE decision.intake_id IN (\(placeholders)) ORDER BY decision.id
            """, arguments: StatementArguments(ids)) {
            let record = try DecisionRecord(row: row)
            decisions[record.intakeID, default: []].append(
                ExportedDecision(decision: record.value, practitioner: row["practitioner_name"]))
        }
        var reassessments: [Int64: Reassessment] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT * FROM reassessment WHERE intake_id IN (\(placeholders)) ORDER BY id
            """, arguments: StatementArguments(ids)) {
            let again = try reassessment(row)
            reassessments[again.intakeID] = again
        }
        return try zip(intakes, rows).map { intake, row in
            ExportedIntake(intake: intake, reviewState: try StoredIntake.word(row, "review_state", rowID: String(intake.id)),
                           decisions: decisions[intake.id] ?? [], reassessment: reassessments[intake.id])
        }
    }

    /// Stores a response filled elsewhere (a web form, another kiosk) as a submitted intake in
    /// one transaction, so it joins the review queue; `source` is kept in the `kiosk` column.
    public func importSubmission(_ s: Submission, language: String, source: String) throws(StorageError) -> StoredIntake {
        try withFreshCode { db, code, now in
            var intake = try NewDraftRecord(code: code, language: language, kiosk: source,
                                            startedAt: now, updatedAt: now)
                .insertAndFetch(db, as: StoredIntake.self)
            intake.status = .submitted
            intake.submittedAt = now
            intake.patientName = s.patientName
            intake.patientDOB = s.patientDOB
            intake.procedures = s.procedures
            // The response names its own intake code, as the kiosk's do.
            intake.responseJSON = s.responseJSON.replacingOccurrences(of: Self.importCodePlaceholder, with: code)
            intake.assessmentJSON = s.assessmentJSON
            intake.verdicts = s.verdicts
            intake.questionnaireVersion = s.questionnaireVersion
            intake.rulesetVersion = s.rulesetVersion
            try intake.update(db)
            // An intake that did not come from a kiosk here is in the log with where it came from.
            try Integrity.audit(db, Integrity.intake, key: intake.id, at: now, user: source,
                                action: .intakeImported, intakeCode: code, detail: "imported from \(source)")
            return try StoredIntake.fetchOne(db, id: intake.id) ?? intake
        }
    }

    /// Written where the new intake's code belongs in an imported response; replaced on storing.
    public static let importCodePlaceholder = "@@INTAKE-CODE@@"

    /// SHA-256 of `bytes`, for content hashes in exported signatures.
    public static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: bytes))
    }
}
