import Foundation
import GRDB

extension IntakeStore {
    // MARK: - Queue

    /// A page of submitted intakes, newest first.
    ///
    /// Pages are keyset pages: pass the `cursor` of the last row of one page as `after` to get
    /// the next, which neither repeats nor skips rows while new intakes arrive.
    ///
    /// `search` is read as, in this order: a date of birth if it has the form `YYYY-MM-DD`; an
    /// intake code if it reads as one (any case, dash or not) and such an intake exists; else
    /// part of the patient's name, compared regardless of ASCII case as `nameMatch` says.
    public func queue(filter: QueueFilter = .all, search: String? = nil, nameMatch: NameMatch = .contains,
                      after: QueueCursor? = nil, limit: Int = 50) throws(StorageError) -> [QueueRow] {
        try read { db in
            let term = try Self.searchTerm(db, search, nameMatch: nameMatch)
            let (sql, arguments) = Self.queueQuery(filter: filter, search: term, after: after, limit: limit)
            let decoder = JSONDecoder()
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                try Self.queueRow(row, decoder: decoder)
            }
        }
    }

    /// A search term, once its kind is known.
    enum SearchTerm: Equatable {
        case code(String)
        case dateOfBirth(String)
        case name(String, NameMatch)
    }

    static func searchTerm(_ db: Database, _ text: String?, nameMatch: NameMatch) throws -> SearchTerm? {
        guard let text = text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        if isISODate(text) { return .dateOfBirth(text) }
        // A six-letter name such as "Hannah" also reads as a code; it is taken as one only if
        // that intake exists, which for a name typed as a search is vanishingly unlikely.
        if let code = IntakeCode.normalized(text),
           try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM intake WHERE code = ?)", arguments: [code]) == true {
            return .code(code)
        }
        return .name(text, nameMatch)
    }

    static func isISODate(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 10 else { return false }
        return bytes.indices.allSatisfy { index in
            index == 4 || index == 7 ? bytes[index] == UInt8(ascii: "-") : (48...57).contains(bytes[index])
        }
    }

    /// The queue's SQL. The filter conditions are written as literals, because SQLite can use the
    /// partial index of unsigned intakes only when the query repeats the index's WHERE.
    static func queueQuery(filter: QueueFilter, search: SearchTerm?, after: QueueCursor?,
                           limit: Int) -> (String, StatementArguments) {
        var conditions = ["status = 'submitted'"]
        var arguments: StatementArguments = []
        switch filter {
        case .all:
            break
        case .unsigned:
            conditions.append("review_state <> 'signed'")
        case let .today(now):
            conditions.append("submitted_at >= ?")
            arguments += [StorageTime.text(StorageTime.localMidnight(of: now))]
        }
        switch search {
        case nil:
            break
        case let .code(code)?:
            conditions.append("code = ?")
            arguments += [code]
        case let .dateOfBirth(date)?:
            conditions.append("patient_dob = ?")
            arguments += [date]
        case let .name(text, match)?:
            conditions.append(#"patient_name LIKE ? ESCAPE '\'"#)
            let escaped = escapeLike(text)
            arguments += [match == .prefix ? escaped + "%" : "%" + escaped + "%"]
        }
        if let after {
            // The first condition alone lets SQLite seek the index; the second breaks ties.
            let at = StorageTime.text(after.submittedAt)
            conditions.append("submitted_at <= ?")
            conditions.append("(submitted_at < ? OR id < ?)")
            arguments += [at, at, after.id]
        }
        // Without statistics SQLite prefers the queue index for its order even where another
        // index finds far fewer rows; INDEXED BY settles it (and fails loudly if it cannot apply).
        let index: String
        switch (filter, search) {
        case (_, .dateOfBirth?):
            index = " INDEXED BY intake_on_patient_dob"
        case (_, .name(_, .prefix)?):
            index = " INDEXED BY intake_on_patient_name_nocase"
        case (.unsigned, nil), (.unsigned, .name(_, .contains)?):
            index = " INDEXED BY intake_unsigned_queue"
        default:
            index = ""
        }
        let sql = """
            SELECT id, code, submitted_at, patient_name, patient_dob, procedures, verdicts, review_state
            FROM intake\(index) WHERE \(conditions.joined(separator: " AND "))
            ORDER BY submitted_at DESC, id DESC LIMIT ?
            """
        arguments += [max(limit, 0)]
        return (sql, arguments)
    }

    static func escapeLike(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "\\" || character == "%" || character == "_" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }

    static func queueRow(_ row: Row, decoder: JSONDecoder) throws -> QueueRow {
        let id: Int64 = row["id"]
        let rowID = String(id)
        let procedures: String? = row["procedures"]
        let verdicts: String? = row["verdicts"]
        let submittedAt: String? = row["submitted_at"]
        return QueueRow(
            id: id,
            code: row["code"],
            submittedAt: submittedAt.flatMap(StorageTime.date) ?? Date(timeIntervalSince1970: 0),
            patientName: row["patient_name"],
            patientDOB: row["patient_dob"],
            procedures: try procedures.map { try StoredIntake.procedures($0, rowID: rowID) } ?? [],
            verdicts: try verdicts.map { try StoredIntake.verdicts($0, table: "intake", rowID: rowID) } ?? [:],
            reviewState: try StoredIntake.word(row, "review_state", rowID: rowID))
    }

    // MARK: - Opening and reading

    /// Records that `user` opened the intake: audited every time, and a new intake becomes
    /// in review. Returns the state after.
    @discardableResult
    public func markOpened(intakeID: Int64, user: StaffUser, now: Date = Date()) throws(ReviewError) -> ReviewState {
        try write(ReviewError.storage) { db in
            let (code, state) = try Self.requireSubmitted(db, id: intakeID)
            try AuditChain.append(db, at: now, user: user.name, action: .intakeOpened, intakeCode: code, detail: "")
            guard state == .new else { return state }
            try db.execute(sql: "UPDATE intake SET review_state = 'in_review' WHERE id = ?", arguments: [intakeID])
            return .inReview
        }
    }

    /// The review state of an intake; nil if there is no such intake.
    public func reviewState(intakeID: Int64) throws(StorageError) -> ReviewState? {
        try read { db in
            try String.fetchOne(db, sql: "SELECT review_state FROM intake WHERE id = ?", arguments: [intakeID])
                .map { try StoredIntake.word($0, column: "review_state", table: "intake", rowID: String(intakeID)) }
        }
    }

    /// Every decision signed for the intake, amended ones and amendments included, oldest first.
    public func decisions(intakeID: Int64) throws(StorageError) -> [Decision] {
        try read { db in
            try DecisionRecord
                .filter(DecisionRecord.Columns.intakeID == intakeID)
                .order(DecisionRecord.Columns.id)
                .fetchAll(db)
                .map(\.value)
        }
    }

    /// The decisions that stand: those no later decision amends, oldest first.
    public func currentDecisions(intakeID: Int64) throws(StorageError) -> [Decision] {
        try read { db in try Self.currentDecisionRecords(db, intakeID: intakeID).map(\.value) }
    }

    // MARK: - Signing

    /// Signs decisions for an intake with `user`'s password, all in one transaction: the
    /// decision rows, the intake marked signed, and the audit entries.
    ///
    /// The first signature must decide every procedure of the intake. Signing again amends:
    /// each new row `amends` the decision it replaces, which stays as it was, and procedures
    /// left out keep their decision. A wrong password is counted and audited like a failed
    /// sign-in and can lock the account.
    ///
    /// - Throws: `ReviewError.reasonRequired` naming the procedure (see `ReviewRules`),
    ///   `.signatureRefused` for a wrong password, `.notAPractitioner`, and the other cases
    ///   for decisions that do not fit the intake.
    @discardableResult
    public func sign(intakeID: Int64, decisions: [ProcedureDecision], note: String? = nil, user: StaffUser,
                     password: String, now: Date = Date()) throws(ReviewError) -> [Decision] {
        guard !decisions.isEmpty else { throw .noDecisions }
        var seen = Set<Procedure>()
        for decision in decisions where !seen.insert(decision.procedure).inserted {
            throw .duplicateDecision(procedure: decision.procedure)
        }
        guard user.role == .practitioner else { throw .notAPractitioner(name: user.name) }

        let checked: CheckedPassword
        do {
            checked = try checkPassword(name: user.name, password: password, now: now)
        } catch let .storage(error) {
            throw .storage(error)
        } catch {
            throw .signatureRefused(error)
        }
        let note = note?.trimmingCharacters(in: .whitespacesAndNewlines)

        let outcome = try write(ReviewError.storage) { db -> Result<[Decision], SignInError> in
            let (code, _) = try Self.requireSubmitted(db, id: intakeID)
            try Self.requireAsSubmitted(db, id: intakeID, code: code)
            guard let intake = try StoredIntake.fetchOne(db, id: intakeID) else {
                throw ReviewError.intakeNotFound(id: intakeID)
            }
            let current = try Dictionary(
                Self.currentDecisionRecords(db, intakeID: intakeID).map { ($0.procedure, $0) },
                uniquingKeysWith: { _, last in last })
            try Self.validate(decisions, for: intake, amending: current)

            let account: StaffUserRecord
            switch try Self.settle(db, checked, now: now, purpose: "signature for \(code)") {
            case let .failure(error):
                return .failure(error)
            case let .success(record):
                account = record
            }
            guard account.id == user.id, account.role == .practitioner else {
                throw ReviewError.notAPractitioner(name: account.name)
            }

            // The signature binds the answers and the assessment on the practitioner's screen.
            let standing = try Self.standingAssessment(db, intake: intake)
            let responseHash = Integrity.sha256(intake.responseJSON ?? "")
            let assessmentHash = Integrity.sha256(standing.json)
            var written: [Decision] = []
            for decision in decisions {
                let reason = decision.reason?.trimmingCharacters(in: .whitespacesAndNewlines)
                let amended = current[decision.procedure]?.id
                var record = DecisionRecord(
                    id: nil, intakeID: intakeID, procedure: decision.procedure, decision: decision.decision,
                    ruleVerdict: intake.verdicts?[decision.procedure],
                    reason: reason?.isEmpty == false ? reason : nil,
                    note: note?.isEmpty == false ? note : nil,
                    userID: user.id, signedAt: now, amends: amended, responseSHA256: responseHash,
                    assessmentSHA256: assessmentHash, reassessmentID: standing.reassessmentID)
                try record.insert(db)
                written.append(record.value)

                var detail = "\(record.procedure.rawValue): \(record.decision.rawValue) (rules: \(record.ruleVerdict?.rawValue ?? "none"))"
                if let reason = record.reason { detail += "; reason: \(reason)" }
                if let amended { detail += "; amends decision \(amended)" }
                detail += "; meaning: \(record.value.meaning); signed on response \(responseHash.prefix(16))"
                try Integrity.audit(db, Integrity.decision, key: record.id!, at: now, user: account.name,
                                    action: amended == nil ? .decision : .amendment, intakeCode: code, detail: detail)
            }
            try db.execute(sql: "UPDATE intake SET review_state = 'signed' WHERE id = ?", arguments: [intakeID])
            let ids = written.map { String($0.id) }.joined(separator: ", ")
            var detail = "decisions \(ids)"
            if let note, !note.isEmpty { detail += "; note: \(note)" }
            try AuditChain.append(db, at: now, user: account.name, action: .signature, intakeCode: code, detail: detail)
            return .success(written)
        }
        switch outcome {
        case let .success(written): return written
        case let .failure(error): throw .signatureRefused(error)
        }
    }

    static func validate(_ decisions: [ProcedureDecision], for intake: StoredIntake,
                         amending current: [Procedure: DecisionRecord]) throws(ReviewError) {
        let procedures = intake.procedures ?? []
        for decision in decisions {
            guard procedures.contains(decision.procedure) else {
                throw .unknownProcedure(decision.procedure, code: intake.code)
            }
            let verdict = intake.verdicts?[decision.procedure]
            let reason = decision.reason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            if ReviewRules.needsReason(decision.decision, verdict: verdict), reason.isEmpty {
                throw .reasonRequired(procedure: decision.procedure, decision: decision.decision,
                                      verdict: verdict ?? .review)
            }
        }
        let decided = Set(decisions.map(\.procedure))
        for procedure in procedures where current[procedure] == nil && !decided.contains(procedure) {
            throw .missingDecision(procedure: procedure)
        }
    }

    /// The intake's code and review state; it must exist and be submitted.
    static func requireSubmitted(_ db: Database, id: Int64) throws -> (code: String, state: ReviewState) {
        guard let row = try Row.fetchOne(db, sql: "SELECT code, status, review_state FROM intake WHERE id = ?",
                                         arguments: [id]) else {
            throw ReviewError.intakeNotFound(id: id)
        }
        let code: String = row["code"]
        let status: IntakeStatus = try StoredIntake.word(row, "status", rowID: String(id))
        guard status == .submitted else { throw ReviewError.notSubmitted(code: code, status: status.rawValue) }
        return (code, try StoredIntake.word(row, "review_state", rowID: String(id)))
    }

    /// Whether the submitted intake is as its last audit entry recorded it (false: changed outside intake).
    public func isAsSubmitted(intakeID: Int64) throws(StorageError) -> Bool {
        try read { db in
            do {
                try Self.requireAsSubmitted(db, id: intakeID, code: "")
                return true
            } catch is ReviewError {
                return false
            }
        }
    }

    /// The intake must be as its last audit entry recorded it: answers changed with `sqlite3` are
    /// not the patient's, and a signature or re-assessment must not make them look as if they were.
    static func requireAsSubmitted(_ db: Database, id: Int64, code: String) throws {
        guard try Integrity.lastEntry(db, Integrity.intake, key: id)?.matches == true else {
            throw ReviewError.recordChanged(code: code)
        }
    }

    static func currentDecisionRecords(_ db: Database, intakeID: Int64) throws -> [DecisionRecord] {
        try DecisionRecord.fetchAll(db, sql: """
            SELECT * FROM decision
            WHERE intake_id = ? AND id NOT IN (SELECT amends FROM decision WHERE intake_id = ? AND amends IS NOT NULL)
            ORDER BY id
            """, arguments: [intakeID, intakeID])
    }

    /// The assessment that stands for an intake: its newest re-assessment, else the one made at submit.
    static func standingAssessment(_ db: Database, intake: StoredIntake) throws -> (json: String, reassessmentID: Int64?) {
        if let row = try Row.fetchOne(db, sql: "SELECT id, assessment_json FROM reassessment WHERE intake_id = ? ORDER BY id DESC LIMIT 1",
                                      arguments: [intake.id]) {
            return (row["assessment_json"], row["id"])
        }
        return (intake.assessmentJSON ?? "", nil)
    }

    // MARK: - Bound content

    /// The current decisions whose signed answers or assessment no longer match what is stored:
    /// the station and summary say "ANSWERS CHANGED AFTER SIGNING" for them.
    ///
    /// Decisions signed before signatures were bound to content (nil hashes) are not counted.
    public func decisionsSignedOnOtherContent(intakeID: Int64) throws(StorageError) -> [Decision] {
        try read { db in
            guard let intake = try StoredIntake.fetchOne(db, id: intakeID) else { return [] }
            let response = Integrity.sha256(intake.responseJSON ?? "")
            return try Self.currentDecisionRecords(db, intakeID: intakeID).filter { record in
                if let hash = record.responseSHA256, hash != response { return true }
                guard let hash = record.assessmentSHA256 else { return false }
                let json: String
                if let id = record.reassessmentID {
                    json = try String.fetchOne(db, sql: "SELECT assessment_json FROM reassessment WHERE id = ?", arguments: [id]) ?? ""
                } else {
                    json = intake.assessmentJSON ?? ""
                }
                return hash != Integrity.sha256(json)
            }.map(\.value)
        }
    }

    // MARK: - Re-assessment

    /// Records a new assessment of a submitted intake by the rules of today, at a practitioner's
    /// request: a new, dated, audited row. The assessment made at submit is never changed; the
    /// queue shows the new verdicts from now on, and later signatures bind the new assessment.
    @discardableResult
    public func reassess(intakeID: Int64, assessmentJSON: String, verdicts: [Procedure: Verdict],
                         questionnaireVersion: String, rulesetVersion: String, user: StaffUser,
                         now: Date = Date()) throws(ReviewError) -> Reassessment {
        guard user.role == .practitioner else { throw .notAPractitioner(name: user.name) }
        return try write(ReviewError.storage) { db in
            let (code, _) = try Self.requireSubmitted(db, id: intakeID)
            try Self.requireAsSubmitted(db, id: intakeID, code: code)
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            let verdictsJSON = String(decoding: try encoder.encode(verdicts), as: UTF8.self)
            try db.execute(sql: """
                INSERT INTO reassessment (intake_id, assessed_at, user_id, questionnaire_version, ruleset_version, assessment_json, verdicts)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [intakeID, now, user.id, questionnaireVersion, rulesetVersion, assessmentJSON, verdictsJSON])
            let id = db.lastInsertedRowID
            try db.execute(sql: "UPDATE intake SET verdicts = ? WHERE id = ?", arguments: [verdictsJSON, intakeID])
            let summary = verdicts.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue): \($0.value.rawValue)" }.joined(separator: ", ")
            try Integrity.audit(db, Integrity.reassessment, key: id, at: now, user: user.name, action: .reassessed,
                                intakeCode: code, detail: "rules \(rulesetVersion): \(summary)")
            return Reassessment(id: id, intakeID: intakeID, assessedAt: now, userID: user.id,
                                questionnaireVersion: questionnaireVersion, rulesetVersion: rulesetVersion,
                                assessmentJSON: assessmentJSON, verdicts: verdicts)
        }
    }

    /// Every re-assessment of the intake, oldest first.
    public func reassessments(intakeID: Int64) throws(StorageError) -> [Reassessment] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM reassessment WHERE intake_id = ? ORDER BY id", arguments: [intakeID])
                .map(Self.reassessment)
        }
    }

    static func reassessment(_ row: Row) throws -> Reassessment {
        let id: Int64 = row["id"]
        return Reassessment(
            id: id, intakeID: row["intake_id"], assessedAt: StoredIntake.date(row, "assessed_at") ?? Date(timeIntervalSince1970: 0),
            userID: row["user_id"], questionnaireVersion: row["questionnaire_version"], rulesetVersion: row["ruleset_version"],
            assessmentJSON: row["assessment_json"],
            verdicts: try StoredIntake.verdicts(row["verdicts"], table: "reassessment", rowID: String(id)))
    }
}
