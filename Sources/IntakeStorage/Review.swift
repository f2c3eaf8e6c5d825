import Foundation
import GRDB
@_exported import IntakeVocabulary


/// What the practitioner decides for one procedure when signing.
public struct ProcedureDecision: Sendable, Hashable {
    public var procedure: Procedure
    public var decision: ReviewDecision
    /// Why the decision departs from the rules' verdict; see `ReviewRules.needsReason`.
    public var reason: String?

    public init(procedure: Procedure, decision: ReviewDecision, reason: String? = nil) {
        self.procedure = procedure
        self.decision = decision
        self.reason = reason
    }
}

/// A signed decision as stored. Never changed: a later signature adds a row that `amends` it.
public struct Decision: Sendable, Hashable, Identifiable {
    public var id: Int64
    public var intakeID: Int64
    public var procedure: Procedure
    public var decision: ReviewDecision
    /// The rules' verdict for the procedure when it was signed; nil if none.
    public var ruleVerdict: Verdict?
    public var reason: String?
    public var note: String?
    /// The staff account that signed.
    public var userID: Int64
    public var signedAt: Date
    /// The earlier decision this one replaces; nil for a first signature.
    public var amends: Int64?
    /// SHA-256 of the response JSON as stored when this was signed; nil for decisions signed
    /// before version 3 of the database, which did not bind content.
    public var responseSHA256: String?
    /// SHA-256 of the assessment JSON the practitioner saw when signing; nil as above.
    public var assessmentSHA256: String?
    /// The re-assessment that stood when this was signed; nil when it was the assessment made at submit.
    public var reassessmentID: Int64?

    /// What the signature means, in the words of the record: "proceed", or "amendment of #3: defer".
    public var meaning: String {
        amends.map { "amendment of #\($0): \(decision.rawValue)" } ?? decision.rawValue
    }
}

/// A stored intake assessed again by the rules of a later day, at a practitioner's request.
///
/// The assessment made at submit stays as it was; the newest re-assessment is the one that stands.
public struct Reassessment: Sendable, Hashable, Identifiable {
    public var id: Int64
    public var intakeID: Int64
    public var assessedAt: Date
    /// The practitioner who asked for it.
    public var userID: Int64
    public var questionnaireVersion: String
    public var rulesetVersion: String
    /// The `intake assess` JSON of the new assessment.
    public var assessmentJSON: String
    public var verdicts: [Procedure: Verdict]
}

/// When a decision must come with a reason.
///
/// A reason is required when the practitioner goes against the rules in either direction:
/// `proceed` when the rules said `defer` or `contraindicated`, and `defer` or `decline` when
/// they said `eligible`. A `review` verdict asks for the practitioner's judgement, so any
/// decision stands without one; so does a verdict this version does not know.
public enum ReviewRules {
    /// Whether `decision` needs a reason given the rules' `verdict`.
    public static func needsReason(_ decision: ReviewDecision, verdict: Verdict?) -> Bool {
        switch (decision, verdict) {
        case (.proceed, .defer?), (.proceed, .contraindicated?):
            true
        case (.defer, .eligible?), (.decline, .eligible?):
            true
        default:
            false
        }
    }
}

/// Which submitted intakes the queue shows.
public enum QueueFilter: Sendable, Hashable {
    /// Submitted since the local midnight that started the day containing `now`.
    case today(now: Date)
    /// Not yet signed: new or in review.
    case unsigned
    /// Every submitted intake.
    case all
}

/// How a search term is matched against patient names.
public enum NameMatch: Sendable, Hashable {
    /// Names starting with the term; served from an index.
    case prefix
    /// Names containing the term anywhere; scans the queue's index, newest first, a page at a time.
    case contains
}

/// The position after which the next queue page starts: the last row of the previous page.
public struct QueueCursor: Sendable, Hashable {
    public var submittedAt: Date
    public var id: Int64

    public init(submittedAt: Date, id: Int64) {
        self.submittedAt = submittedAt
        self.id = id
    }
}

/// One line of the review queue.
public struct QueueRow: Sendable, Hashable, Identifiable {
    public var id: Int64
    public var code: String
    public var submittedAt: Date
    public var patientName: String?
    public var patientDOB: String?
    public var procedures: [Procedure]
    /// Procedure → the verdict that stands.
    public var verdicts: [Procedure: Verdict]
    public var reviewState: ReviewState

    /// The cursor to pass as `after` for the page that follows this row.
    public var cursor: QueueCursor { QueueCursor(submittedAt: submittedAt, id: id) }
}

/// A failure to open, decide on or sign an intake.
public enum ReviewError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No intake has this id.
    case intakeNotFound(id: Int64)
    /// The intake is a draft or was abandoned: there is nothing to review.
    case notSubmitted(code: String, status: String)
    /// Signing with no decision at all.
    case noDecisions
    /// A first signature must decide every procedure the patient came for.
    case missingDecision(procedure: Procedure)
    /// The decision names a procedure the intake does not have.
    case unknownProcedure(Procedure, code: String)
    /// Two decisions for the same procedure in one signature.
    case duplicateDecision(procedure: Procedure)
    /// The decision goes against the rules' verdict and needs a reason (see `ReviewRules`).
    case reasonRequired(procedure: Procedure, decision: ReviewDecision, verdict: Verdict)
    /// Only practitioners sign decisions.
    case notAPractitioner(name: String)
    /// The intake differs from what the audit log recorded when it was submitted: it was changed
    /// outside intake, and must not be signed or re-assessed as if it were the patient's answers.
    case recordChanged(code: String)
    /// The password check that makes the signature failed.
    case signatureRefused(SignInError)
    /// The database could not be read or written.
    case storage(StorageError)

    public var description: String {
        switch self {
        case let .intakeNotFound(id):
            "there is no intake with id \(id); reload the queue and choose it again"
        case let .notSubmitted(code, status):
            "intake \(code) is \(status), not submitted, so there is nothing to review; choose a submitted intake"
        case .noDecisions:
            "no decision was given; choose proceed, defer or decline for each procedure before signing"
        case let .missingDecision(procedure):
            "no decision for \(procedure.rawValue); choose proceed, defer or decline for it before signing"
        case let .unknownProcedure(procedure, code):
            "intake \(code) does not include \(procedure.rawValue); decide only on the procedures listed for it"
        case let .duplicateDecision(procedure):
            "\(procedure.rawValue) has two decisions; keep one and sign again"
        case let .reasonRequired(procedure, decision, verdict):
            "\(procedure.rawValue): \(decision.rawValue) goes against the rules' verdict (\(verdict.rawValue)); write the reason and sign again"
        case let .notAPractitioner(name):
            "\(name) is not a practitioner, and only practitioners sign decisions; sign in as a practitioner"
        case let .recordChanged(code):
            "intake \(code) was changed outside intake after it was submitted, so it cannot be signed or re-assessed; run `intake audit verify` and have an administrator look into it"
        case let .signatureRefused(error):
            "the signature was refused: \(error.description)"
        case let .storage(error):
            error.description
        }
    }
}

/// One row of `decision`.
struct DecisionRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "decision"
    var id: Int64?
    var intakeID: Int64
    var procedure: Procedure
    var decision: ReviewDecision
    var ruleVerdict: Verdict?
    var reason: String?
    var note: String?
    var userID: Int64
    var signedAt: Date
    var amends: Int64?
    var responseSHA256: String?
    var assessmentSHA256: String?
    var reassessmentID: Int64?

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, procedure, decision, reason, note, amends
        case responseSHA256 = "response_sha256"
        case assessmentSHA256 = "assessment_sha256"
        case reassessmentID = "reassessment_id"
        case intakeID = "intake_id"
        case ruleVerdict = "rule_verdict"
        case userID = "user_id"
        case signedAt = "signed_at"
    }
    typealias Columns = CodingKeys

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    init(id: Int64?, intakeID: Int64, procedure: Procedure, decision: ReviewDecision, ruleVerdict: Verdict?,
         reason: String?, note: String?, userID: Int64, signedAt: Date, amends: Int64?,
         responseSHA256: String?, assessmentSHA256: String?, reassessmentID: Int64?) {
        self.id = id; self.intakeID = intakeID; self.procedure = procedure; self.decision = decision
        self.ruleVerdict = ruleVerdict; self.reason = reason; self.note = note; self.userID = userID
        self.signedAt = signedAt; self.amends = amends; self.responseSHA256 = responseSHA256
        self.assessmentSHA256 = assessmentSHA256; self.reassessmentID = reassessmentID
    }

    /// Reads a row, refusing a procedure, decision or verdict that is not one of the record's words.
    init(row: Row) throws {
        let id: Int64 = row["id"]
        let rowID = String(id)
        self.id = id
        intakeID = row["intake_id"]
        procedure = try StoredIntake.word(row, "procedure", table: "decision", rowID: rowID)
        decision = try StoredIntake.word(row, "decision", table: "decision", rowID: rowID)
        ruleVerdict = try (row["rule_verdict"] as String?).map {
            try StoredIntake.word($0, column: "rule_verdict", table: "decision", rowID: rowID)
        }
        reason = row["reason"]
        note = row["note"]
        userID = row["user_id"]
        signedAt = try StoredIntake.requiredDate(row, "signed_at", table: "decision", rowID: rowID)
        amends = row["amends"]
        responseSHA256 = row["response_sha256"]
        assessmentSHA256 = row["assessment_sha256"]
        reassessmentID = row["reassessment_id"]
    }

    var value: Decision {
        Decision(id: id ?? 0, intakeID: intakeID, procedure: procedure, decision: decision,
                 ruleVerdict: ruleVerdict, reason: reason, note: note, userID: userID,
                 signedAt: signedAt, amends: amends, responseSHA256: responseSHA256,
                 assessmentSHA256: assessmentSHA256, reassessmentID: reassessmentID)
    }
}
