import Foundation
import IntakeModel
import IntakeStorage
import Kiosk
import TerminalUI

/// A kiosk on an in-memory terminal, a temporary database and a clock the test moves.
final class Harness {
    final class Clock: @unchecked Sendable { var now = 1000.0 }

    static let questionnaire = try! Questionnaire.bundled()
    static let visit = Day(iso: "2026-11-22")!

    let clock = Clock()
    let backend: MemoryBackend
    let store: IntakeStore
    let app: KioskApp
    let dbPath: String

    init(size: Size = Size(rows: 24, columns: 80), timings: KioskTimings = KioskTimings(idle: 120, countdown: 30, thanks: 30),
         pin: String? = nil, dbPath: String? = nil) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("intake-kiosk-\(UUID().uuidString)")
        self.dbPath = dbPath ?? folder.appendingPathComponent("intake.sqlite").path
        store = try IntakeStore(path: self.dbPath, pinHasher: SecretHasher(rounds: 16, blockSize: 1, parallelism: 1))
        if let pin { try store.setStaffPIN(pin) }
        backend = MemoryBackend(size: size)
        let clock = self.clock
        app = KioskApp(questionnaire: Self.questionnaire, store: store, backend: backend, symbols: .unicode,
                       timings: timings, kioskID: "test-kiosk", clock: { clock.now }, today: { Harness.visit })
        app.step()
    }

    /// Feeds keys and handles them all, then draws once more.
    func type(_ keys: [Key]) {
        backend.feed(keys)
        while !backend.pendingKeys.isEmpty && !app.finished { app.step() }
        if !app.finished { app.step() }
    }

    func type(_ text: String) { type(text.map { Key.character($0) }) }

    /// Lets `seconds` pass with no key.
    func wait(_ seconds: Double) {
        clock.now += seconds
        app.step()  // notices the time
        app.step()  // and draws what it changed
    }

    var screen: String { backend.last?.plainText ?? "" }

    /// Keys from the welcome screen to the allergies question, answering like case 01 with a Botox
    /// injection 10 days ago; `procedures` are the options' numbers ("12": both).
    static func upToAllergies(procedures: String = "12") -> [Key] {
        var keys: [Key] = [.enter]
        func text(_ s: String) { keys += s.map { .character($0) } + [.enter] }
        func pick(_ n: Int) { keys += [.character(Character(String(n))), .enter] }
        text("Layla Haddad"); text("1990-04-12"); text("+962 79 555 0142")
        keys += procedures.map { .character($0) } + [.enter]        // procedures
        pick(1)                                                      // treatment area: face
        keys += [.character("2"), .enter]                            // goals: large pores
        pick(2); pick(4)                                             // skin type II, oily
        for _ in 0..<4 { pick(2) }                                   // acne, herpes x2, infection: no
        pick(1); pick(1); pick(1)                                    // eczema, psoriasis, rosacea: none
        for _ in 0..<4 { pick(2) }                                   // vitiligo, keloid, cancer, sunburn: no
        pick(1); pick(2)                                             // chemo none, immuno no
        pick(2); keys += [.control("u")]; text("2026-11-12")         // botox yes, 10 days ago
        pick(1)                                                      // no problem after it
        pick(1); pick(1)                                             // filler never, iso never
        for _ in 0..<4 { pick(2) }                                   // retinoid, resurfacing, facial surgery, gold: no
        pick(1); for _ in 0..<3 { pick(2) }                          // pregnant no, breastfeeding, bleeding, anticoag: no
        pick(1); for _ in 0..<4 { pick(2) }                          // diabetes none, heart, neuro, swallow, amino: no
        keys += [.enter]                                             // other medicines: none (left empty)
        return keys
    }

    /// Keys that bring a fresh kiosk to the off-label notice: both procedures, no allergies.
    static let upToNotice: [Key] = upToAllergies() + [.character("8"), .enter]

    /// Keys that answer the whole questionnaire (version 2) like case 01, with a Botox injection 10 days ago.
    ///
    /// Both procedures, so the off-label notice comes before the consent group; it ends with the
    /// review page's Continue and the attestation, so `dropLast(4)` stops on the review page.
    static let wholeIntake: [Key] = upToNotice + [
        .enter,                                                      // the off-label notice: read
        .character("1"), .enter,                                     // photographs: yes
        .end, .enter,                                                // review: Continue
        .character("1"), .enter,                                     // attest: yes
    ]
}

/// The `answer` array of `linkId` in a stored FHIR QuestionnaireResponse, wherever it is nested; nil when absent.
func responseAnswers(_ responseJSON: String, _ linkId: String) -> [[String: Any]]? {
    guard let object = try? JSONSerialization.jsonObject(with: Data(responseJSON.utf8)) as? [String: Any] else { return nil }
    func find(_ items: [[String: Any]]) -> [[String: Any]]? {
        for item in items {
            if item["linkId"] as? String == linkId { return item["answer"] as? [[String: Any]] }
            if let found = find(item["item"] as? [[String: Any]] ?? []) { return found }
        }
        return nil
    }
    return find(object["item"] as? [[String: Any]] ?? [])
}

/// The codings (system, code) of a stored answer.
func responseCodings(_ responseJSON: String, _ linkId: String) -> [(system: String?, code: String?)] {
    (responseAnswers(responseJSON, linkId) ?? []).compactMap { $0["valueCoding"] as? [String: Any] }
        .map { ($0["system"] as? String, $0["code"] as? String) }
}

/// Every linkId in a stored FHIR QuestionnaireResponse, in document order.
func responseLinkIds(_ responseJSON: String) -> [String] {
    guard let object = try? JSONSerialization.jsonObject(with: Data(responseJSON.utf8)) as? [String: Any] else { return [] }
    func walk(_ items: [[String: Any]]) -> [String] {
        items.flatMap { [($0["linkId"] as? String) ?? "?"] + walk($0["item"] as? [[String: Any]] ?? []) }
    }
    return walk(object["item"] as? [[String: Any]] ?? [])
}
