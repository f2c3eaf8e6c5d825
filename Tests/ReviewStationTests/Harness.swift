import Foundation
import GRDB
import IntakeModel
import IntakeRules
import IntakeStorage
import Printing
import ReviewStation
import TerminalUI
import TestSupport

/// A review station on an in-memory terminal, a temporary database, a fake lp and a clock the test moves.
final class Harness {
    final class Clock: @unchecked Sendable { var now = 1000.0 }

    static let questionnaire = try! Questionnaire.bundled()
    static let password = "correct horse"
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    let clock = Clock()
    let backend: MemoryBackend
    let store: IntakeStore
    let app: StationApp
    let folder: URL
    var records: String { folder.appendingPathComponent("lp").path }
    var printouts: String { folder.appendingPathComponent("printouts").path }

    /// - Parameter prepare: writes a database at the path it is given before the station opens it,
    ///   as an older version of the program left it.
    init(size: Size = Size(rows: 24, columns: 80), language: Language = .en, idle: Double = 300,
         lpEnvironment: [String: String] = [:], rules: RuleSet = RuleSet(), prepare: ((String) throws -> Void)? = nil) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("intake-station-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("lp"), withIntermediateDirectories: true)
        try prepare?(folder.appendingPathComponent("intake.sqlite").path)
        store = try IntakeStore(path: folder.appendingPathComponent("intake.sqlite").path,
                                pinHasher: SecretHasher(rounds: 16, blockSize: 1, parallelism: 1))
        try store.addUser(name: "drsara", role: .practitioner, password: Self.password)
        backend = MemoryBackend(size: size)
        let printer = Printer(lpPath: Self.repository.appendingPathComponent("Scripts/fake-lp").path, fallbackFolder: folder.appendingPathComponent("printouts").path,
                              environment: ["PATH": "/usr/bin:/bin", "FAKE_LP_DIR": folder.appendingPathComponent("lp").path]
                                .merging(lpEnvironment) { _, given in given })
        let clock = self.clock
        let view = StationView(symbols: .unicode, timeText: { _ in "09:40" }, today: { Day(iso: "2026-11-22")! })
        app = StationApp(questionnaire: Self.questionnaire, store: store, backend: backend, view: view, printer: printer,
                         language: language, idle: idle, clock: { clock.now }, rules: rules)
        app.step()
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// Whether `type` waits for background prints to finish before drawing once more (as a
    /// person would wait for the outcome); off to see the station while lp hangs.
    var waitsForPrints = true

    /// Feeds keys and handles them all, then draws once more.
    func type(_ keys: [Key]) {
        backend.feed(keys)
        while !backend.pendingKeys.isEmpty && !app.finished { app.step() }
        if waitsForPrints { app.waitForPrints(timeout: 30) }
        if !app.finished { app.step() }
    }

    func type(_ text: String) { type(text.map { Key.character($0) }) }

    /// Lets `seconds` pass with no key.
    func wait(_ seconds: Double) {
        clock.now += seconds
        app.step()
        app.step()
    }

    var screen: String { backend.last?.plainText ?? "" }

    /// What the fake lp was last given on standard input, as text: a PDF (what the station prints)
    /// read back with `pdftotext -layout`, pages separated by form feeds.
    var printed: String { Harness.text(ofPrintout: records + "/stdin") }

    static func text(ofPrintout path: String) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { return "" }
        guard data.starts(with: Array("%PDF".utf8)) else { return String(decoding: data, as: UTF8.self) }
        return pdfText(path)
    }

    func signIn(name: String = "drsara", password: String = Harness.password) {
        type(name); type([.tab]); type(password); type([.enter])
    }

    /// Case 01 of the rules tests: every question answered, nothing found.
    static func clearAnswers() throws -> Answers {
        let file = repository.appendingPathComponent("Tests/IntakeRulesTests/Cases/01-clear-candidate.json")
        return try ResponseReader(questionnaire: questionnaire, asOf: Day.today()).read(Data(contentsOf: file)).answers
    }

    /// Case 01 with Botox ten days before today: both procedures deferred.
    static func deferredAnswers() throws -> Answers {
        var answers = try clearAnswers()
        answers["botox-history"] = [.coding("yes")]
        answers["botox-date"] = [.date(PartialDate(Day.today().adding(days: -10)))]
        return answers
    }

    /// Stores a submitted intake as the kiosk does and returns it.
    @discardableResult
    func submit(name: String = "Layla Haddad", dob: String = "1990-04-12", answers given: Answers? = nil,
                code: String? = nil) throws -> StoredIntake {
        var answers = try given ?? Self.clearAnswers()
        answers["patient-name"] = [.string(name)]
        answers["patient-dob"] = [.date(PartialDate(dob)!)]
        var draft = try store.startDraft(language: "en", kiosk: "test")
        if let code {
            // A fixed code for snapshots, given while the intake is still a draft: a submitted
            // intake changed with SQL would be (rightly) reported as changed outside intake.
            try DatabaseQueue(path: store.path).write { try $0.execute(sql: "UPDATE intake SET code = ? WHERE id = ?", arguments: [code, draft.id]) }
            draft.code = code
        }
        let assessment = Assessor(questionnaire: Self.questionnaire).assess(answers, asOf: Day.today())
        let response = Self.questionnaire.response(for: answers, id: draft.code, authored: "2026-11-22T09:40:00Z", language: .en)
        return try store.submit(draftID: draft.id, Submission(
            patientName: name, patientDOB: dob,
            procedures: assessment.procedures.map(\.procedure),
            responseJSON: response.serialized(),
            assessmentJSON: AssessmentJSON(assessment).encoded(),
            verdicts: assessment.verdicts,
            questionnaireVersion: Self.questionnaire.version, rulesetVersion: assessment.rulesetVersion))
    }
}
