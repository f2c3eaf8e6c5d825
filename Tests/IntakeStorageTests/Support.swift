import Foundation
@testable import IntakeStorage
@_exported import TestSupport

/// A hasher cheap enough for tests; the real cost is checked separately.
let cheapHasher = SecretHasher(rounds: 16, blockSize: 1, parallelism: 1)

func openStore(_ path: String) throws -> IntakeStore {
    try IntakeStore(path: path, pinHasher: cheapHasher)
}

func permissions(_ path: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
}

func sampleSubmission(name: String = "Ada Lovelace") -> Submission {
    Submission(
        patientName: name,
        patientDOB: "1984-03-07",
        procedures: [.microneedling, .microBotox],
        responseJSON: #"{"resourceType":"QuestionnaireResponse","status":"completed"}"#,
        assessmentJSON: assessmentJSON([.microneedling: .defer, .microBotox: .eligible]),
        verdicts: [.microneedling: .defer, .microBotox: .eligible],
        questionnaireVersion: "2025.1",
        rulesetVersion: "7"
    )
}

/// A fixed instant on whole seconds, so that times read back from the database compare equal.
let fixedNow = Date(timeIntervalSince1970: 1_800_000_000)

/// An assessment JSON (spec section 3) with these verdicts and no findings.
func assessmentJSON(_ verdicts: [Procedure: Verdict]) -> String {
    let procedures = verdicts.sorted { $0.key.rawValue > $1.key.rawValue }
        .map { #"{"procedure":"\#($0.key.rawValue)","verdict":"\#($0.value.rawValue)","findings":[]}"# }
    return #"{"asOf":"2026-11-24","procedures":["# + procedures.joined(separator: ",") + "]}"
}

/// Starts and submits an intake for the review station.
func submitIntake(_ store: IntakeStore, name: String = "Ada Lovelace", dob: String = "1984-03-07",
                  verdicts: [Procedure: Verdict] = [.microneedling: .defer, .microBotox: .eligible]) throws -> StoredIntake {
    let draft = try store.startDraft(language: "en", kiosk: nil)
    var submission = sampleSubmission(name: name)
    submission.patientDOB = dob
    submission.procedures = Procedure.allCases.filter { verdicts[$0] != nil }
    submission.verdicts = verdicts
    submission.assessmentJSON = assessmentJSON(verdicts)
    return try store.submit(draftID: draft.id, submission)
}

/// A store with one practitioner, `dr.haddad`, whose password is `correct horse`.
func storeWithPractitioner(_ temp: TemporaryFolder) throws -> (IntakeStore, StaffUser) {
    let store = try openStore(temp.file("intake.sqlite"))
    let user = try store.addUser(name: "dr.haddad", role: .practitioner, password: "correct horse", now: fixedNow)
    return (store, user)
}
