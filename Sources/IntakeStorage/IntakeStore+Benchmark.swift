import Foundation
import GRDB

extension IntakeStore {
    /// Inserts `count` made-up submitted intakes in one transaction, for benchmarks and tests.
    /// Never run it on a clinic's database.
    ///
    /// The newest is submitted at `now`, and each three share a submission time a minute before
    /// the next three, so that paging must break ties by id. One in ten is new, one in ten in
    /// review, the rest signed (without decision rows). Names cycle through 20 first names and
    /// 25 surnames; every intake has about 400 bytes of response JSON, as a short real one has.
    public func seedForBenchmark(count: Int, now: Date = Date()) throws(StorageError) {
        guard count > 0 else { return }
        let first = ["Ada", "Layla", "Omar", "Noor", "Grace", "Yusuf", "Mariam", "Hannah", "Karim", "Sara",
                     "Lina", "Zaid", "Emma", "Rami", "Huda", "Tariq", "Alan", "Dina", "Samir", "Ruth"]
        let last = ["Lovelace", "Haddad", "Khoury", "Hopper", "Nasser", "Saleh", "Turing", "Aziz", "Mansour",
                    "Farah", "Bishara", "Qasem", "Darwish", "Hamdan", "Said", "Najjar", "Yassin", "Jaber",
                    "Shami", "Karam", "Taha", "Issa", "Sabbagh", "Atallah", "Hakim"]
        let response = #"{"resourceType":"QuestionnaireResponse","status":"completed","item":["#
            + (1...8).map { #"{"linkId":"question-\#($0)","answer":[{"valueBoolean":false}]}"# }
                .joined(separator: ",") + "]}"
        let states = ["new", "in_review"] + Array(repeating: "signed", count: 8)
        let alphabet = IntakeCode.alphabet
        let codeSpace = Int(pow(Double(alphabet.count), Double(IntakeCode.length)))
        // A step coprime with 31⁶ visits every code once, so codes within a seed never clash.
        let step = 7919
        let start = Int.random(in: 0..<codeSpace)

        try write { db in
            let statement = try db.makeStatement(sql: """
                INSERT INTO intake (code, status, language, started_at, updated_at, submitted_at,
                    patient_name, patient_dob, procedures, response_json, assessment_json,
                    questionnaire_version, ruleset_version, verdicts, review_state)
                VALUES (?, 'submitted', 'en', ?, ?, ?, ?, ?, ?, ?, ?, '2025.1', '7', ?, ?)
                """)
            for index in 0..<count {
                var number = (start + index * step) % codeSpace
                var characters: [Character] = []
                for _ in 0..<IntakeCode.length {
                    characters.append(alphabet[number % alphabet.count])
                    number /= alphabet.count
                }
                let code = String(characters[..<3]) + "-" + String(characters[3...])
                let age = index / 3 * 60
                let submitted = StorageTime.text(now.addingTimeInterval(-Double(age)))
                let started = StorageTime.text(now.addingTimeInterval(-Double(age) - 600))
                let name = first[index % first.count] + " " + last[(index / first.count) % last.count]
                let dob = "19\(50 + index % 50)-\(index % 12 < 9 ? "0" : "")\(index % 12 + 1)-\(index % 28 < 9 ? "0" : "")\(index % 28 + 1)"
                let both = index % 2 == 0
                let procedures = both ? #"["microneedling","micro-botox"]"# : #"["microneedling"]"#
                let verdicts = both ? #"{"micro-botox":"eligible","microneedling":"defer"}"# : #"{"microneedling":"eligible"}"#
                let assessment = both
                    ? #"{"procedures":[{"procedure":"microneedling","verdict":"defer","findings":[]},{"procedure":"micro-botox","verdict":"eligible","findings":[]}]}"#
                    : #"{"procedures":[{"procedure":"microneedling","verdict":"eligible","findings":[]}]}"#
                try statement.execute(arguments: [code, started, submitted, submitted, name, dob, procedures,
                                                  response, assessment, verdicts, states[index % states.count]])
                // Audited as the kiosk audits a submission, so that a seeded database verifies.
                try Integrity.audit(db, Integrity.intake, key: db.lastInsertedRowID, at: now, user: "intake-bench",
                                    action: .intakeSubmitted, intakeCode: code, detail: "seeded")
            }
        }
    }
}
