import Foundation
import GRDB

/// An in-progress intake as the kiosk sees it.
public struct Draft: Equatable, Hashable, Sendable, Identifiable {
    /// The row id, used for every later call on this draft.
    public var id: Int64
    /// The short code shown to the patient and reception, such as `K7P-W3X`.
    public var code: String
    /// The questionnaire language the patient chose, such as `en`.
    public var language: String
    /// The kiosk that started the draft, if it named itself.
    public var kiosk: String?
    /// When the patient started.
    public var startedAt: Date
    /// When an answer, the language or the status last changed.
    public var updatedAt: Date
}

/// Everything the kiosk hands over when a patient submits.
///
/// The store keeps the JSON texts as given: it does not know the questionnaire or the rules.
public struct Submission: Sendable, Equatable {
    /// The patient's name as typed, if the questionnaire asked for it.
    public var patientName: String?
    /// The patient's date of birth as an ISO 8601 date (`1984-03-07`), if asked.
    public var patientDOB: String?
    /// The procedures the patient came for.
    public var procedures: [Procedure]
    /// The FHIR QuestionnaireResponse, as JSON text.
    public var responseJSON: String
    /// The rules' assessment, as JSON text.
    public var assessmentJSON: String
    /// The verdict per procedure.
    public var verdicts: [Procedure: Verdict]
    /// The version of the questionnaire that was shown.
    public var questionnaireVersion: String
    /// The version of the rule table that assessed it.
    public var rulesetVersion: String

    public init(
        patientName: String?,
        patientDOB: String?,
        procedures: [Procedure],
        responseJSON: String,
        assessmentJSON: String,
        verdicts: [Procedure: Verdict],
        questionnaireVersion: String,
        rulesetVersion: String
    ) {
        self.patientName = patientName
        self.patientDOB = patientDOB
        self.procedures = procedures
        self.responseJSON = responseJSON
        self.assessmentJSON = assessmentJSON
        self.verdicts = verdicts
        self.questionnaireVersion = questionnaireVersion
        self.rulesetVersion = rulesetVersion
    }
}

/// One row of the `intake` table: a draft, a submitted or an abandoned intake.
///
/// Fields that only a submission fills (`procedures`, `responseJSON`, `verdicts` …) are nil for
/// drafts and abandoned intakes.
public struct StoredIntake: Codable, Sendable, Equatable, Hashable, Identifiable {
    public var id: Int64
    public var code: String
    public var status: IntakeStatus
    public var language: String?
    public var kiosk: String?
    public var startedAt: Date
    public var updatedAt: Date
    public var submittedAt: Date?
    public var abandonedAt: Date?
    public var abandonReason: String?
    public var patientName: String?
    public var patientDOB: String?
    public var procedures: [Procedure]?
    public var responseJSON: String?
    public var assessmentJSON: String?
    public var questionnaireVersion: String?
    public var rulesetVersion: String?
    /// Procedure → verdict: the assessment that stands (at submit, or the newest re-assessment).
    public var verdicts: [Procedure: Verdict]?

    public enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, code, status, language, kiosk
        case startedAt = "started_at"
        case updatedAt = "updated_at"
        case submittedAt = "submitted_at"
        case abandonedAt = "abandoned_at"
        case abandonReason = "abandon_reason"
        case patientName = "patient_name"
        case patientDOB = "patient_dob"
        case procedures
        case responseJSON = "response_json"
        case assessmentJSON = "assessment_json"
        case questionnaireVersion = "questionnaire_version"
        case rulesetVersion = "ruleset_version"
        case verdicts
    }

    var draft: Draft {
        Draft(id: id, code: code, language: language ?? "", kiosk: kiosk,
              startedAt: startedAt, updatedAt: updatedAt)
    }
}

extension StoredIntake: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "intake"

    public typealias Columns = CodingKeys

    /// Reads a row, refusing a status, procedure or verdict that is not one of the record's words.
    public init(row: Row) throws {
        id = row["id"]
        let rowID = String(id)
        code = row["code"]
        status = try Self.word(row, "status", rowID: rowID)
        language = row["language"]
        kiosk = row["kiosk"]
        startedAt = try Self.requiredDate(row, "started_at", table: "intake", rowID: rowID)
        updatedAt = try Self.requiredDate(row, "updated_at", table: "intake", rowID: rowID)
        submittedAt = Self.date(row, "submitted_at")
        abandonedAt = Self.date(row, "abandoned_at")
        abandonReason = row["abandon_reason"]
        patientName = row["patient_name"]
        patientDOB = row["patient_dob"]
        responseJSON = row["response_json"]
        assessmentJSON = row["assessment_json"]
        questionnaireVersion = row["questionnaire_version"]
        rulesetVersion = row["ruleset_version"]
        procedures = try (row["procedures"] as String?).map { try Self.procedures($0, rowID: rowID) }
        verdicts = try (row["verdicts"] as String?).map { try Self.verdicts($0, table: "intake", rowID: rowID) }
    }

    /// A stored time read the one way every query reads it, so that equal texts give equal dates.
    static func date(_ row: Row, _ column: String) -> Date? {
        let value: DatabaseValue = row[column] ?? .null
        if let text = String.fromDatabaseValue(value), let date = StorageTime.date(text) { return date }
        return Date.fromDatabaseValue(value)
    }

    /// A time that must be there and readable, or an error naming the row.
    static func requiredDate(_ row: Row, _ column: String, table: String, rowID: String) throws -> Date {
        guard let date = date(row, column) else {
            let value: DatabaseValue = row[column] ?? .null
            throw StorageError.unknownValue(table: table, column: column, rowID: rowID,
                                            value: String((String.fromDatabaseValue(value) ?? String(describing: value)).prefix(40)),
                                            known: ["a date and time"])
        }
        return date
    }

    /// The stored text of `column` as a value of `Word`, or an error naming the row.
    static func word<Word: RawRepresentable & CaseIterable>(_ row: Row, _ column: String, table: String = "intake",
                                                            rowID: String) throws -> Word where Word.RawValue == String {
        let text: String = row[column] ?? ""
        return try word(text, column: column, table: table, rowID: rowID)
    }

    static func word<Word: RawRepresentable & CaseIterable>(_ text: String, column: String, table: String,
                                                            rowID: String) throws -> Word where Word.RawValue == String {
        guard let word = Word(rawValue: text) else {
            throw StorageError.unknownValue(table: table, column: column, rowID: rowID, value: text,
                                            known: Word.allCases.map(\.rawValue))
        }
        return word
    }

    static func procedures(_ json: String, rowID: String) throws -> [Procedure] {
        let texts: [String]
        do { texts = try JSONDecoder().decode([String].self, from: Data(json.utf8)) } catch {
            throw StorageError.unknownValue(table: "intake", column: "procedures", rowID: rowID, value: String(json.prefix(60)),
                                            known: ["a JSON list of procedures"])
        }
        return try texts.map { try word($0, column: "procedures", table: "intake", rowID: rowID) }
    }

    static func verdicts(_ json: String, table: String, rowID: String) throws -> [Procedure: Verdict] {
        let texts: [String: String]
        do { texts = try JSONDecoder().decode([String: String].self, from: Data(json.utf8)) } catch {
            throw StorageError.unknownValue(table: table, column: "verdicts", rowID: rowID, value: String(json.prefix(60)),
                                            known: ["a JSON object of procedure to verdict"])
        }
        var verdicts: [Procedure: Verdict] = [:]
        for (procedure, verdict) in texts {
            let key: Procedure = try word(procedure, column: "verdicts", table: table, rowID: rowID)
            verdicts[key] = try word(verdict, column: "verdicts", table: table, rowID: rowID)
        }
        return verdicts
    }

    /// Sorted keys keep the stored `verdicts` and `procedures` text stable, so that equal
    /// submissions store equal bytes.
    public static func databaseJSONEncoder(for column: String) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }
}

/// The columns a new draft starts with; the rest stay NULL until submission.
struct NewDraftRecord: Encodable, PersistableRecord {
    static let databaseTableName = "intake"
    var code: String
    var status = IntakeStatus.draft
    var language: String
    var kiosk: String?
    var startedAt: Date
    var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case code, status, language, kiosk
        case startedAt = "started_at"
        case updatedAt = "updated_at"
    }
}

/// One answer as the patient gave it, kept so that a crashed kiosk can resume the draft.
struct AnswerRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "answer"
    var intakeID: Int64
    var linkID: String
    var valueJSON: String
    var savedAt: Date

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case intakeID = "intake_id"
        case linkID = "link_id"
        case valueJSON = "value_json"
        case savedAt = "saved_at"
    }
    typealias Columns = CodingKeys
}

/// A key/value setting, such as the hashed staff PIN.
struct SettingRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "setting"
    var key: String
    var value: String?
}
