import Foundation
import GRDB
import Testing
import IntakeModel
import IntakeStorage
@testable import Kiosk
import TerminalUI

/// What an attack on the kiosk found, each fixed and kept fixed.
struct AttackFindingsTests {
    /// Staff closing the kiosk mid-intake: the patient's answers go at once, not at the next start.
    @Test func staffClosingMidIntakeAbandonsTheDraft() throws {
        let h = try Harness(pin: "2468")
        h.type([.enter]); h.type("Dora Private"); h.type([.enter])
        #expect(try h.store.openDrafts().count == 1)
        h.type([.control("x"), .control("q")]); h.type("2468"); h.type([.enter])
        #expect(h.app.finished)
        #expect(try h.store.openDrafts().isEmpty)
        let names = try DatabaseQueue(path: h.dbPath).read { db in
            try String.fetchAll(db, sql: "SELECT value_json FROM answer")
        }
        #expect(!names.contains { $0.contains("Dora") }, "the answers are deleted with the draft")
    }

    /// A draft left by a kiosk that never came back is closed by the next kiosk to start.
    @Test func anotherKiosksStaleDraftIsClosed() throws {
        let h = try Harness()
        let draft = try h.store.startDraft(language: "en", kiosk: "gone-kiosk")
        try h.store.saveAnswer(draftID: draft.id, linkId: "patient-name", valueJSON: #"[{"valueString":"Stale Name"}]"#)
        let fresh = try h.store.startDraft(language: "en", kiosk: "busy-kiosk")
        h.app.recoverDrafts(now: Date().addingTimeInterval(3 * 3600))
        // Both are older than two hours at that moment: both closed. A live one (now) is left alone.
        #expect(try h.store.openDrafts().isEmpty)
        let live = try h.store.startDraft(language: "en", kiosk: "busy-kiosk")
        h.app.recoverDrafts(now: Date())
        #expect(try h.store.openDrafts().map(\.id) == [live.id])
        _ = fresh
    }

    /// A kiosk running past midnight checks dates against the new day.
    @Test func theVisitDateMovesOnAtMidnight() throws {
        final class Today: @unchecked Sendable { var day = Day(iso: "2026-11-24")! }
        let today = Today()
        let store = try IntakeStore(path: FileManager.default.temporaryDirectory
            .appendingPathComponent("intake-midnight-\(UUID().uuidString)/i.sqlite").path,
            pinHasher: SecretHasher(rounds: 16, blockSize: 1, parallelism: 1))
        let backend = MemoryBackend(size: Size(rows: 24, columns: 80))
        let app = KioskApp(questionnaire: Harness.questionnaire, store: store, backend: backend, symbols: .unicode,
                           kioskID: "midnight", clock: { 0 }, today: { today.day })
        #expect(app.state.today == Day(iso: "2026-11-24"))
        today.day = Day(iso: "2026-11-25")!
        backend.feed([.enter])
        app.step()
        #expect(app.state.today == Day(iso: "2026-11-25"), "renewed with the next key")
    }
}

/// Plain-mode and free-text findings of the same attack.
struct AttackFindingsPlainTests {

    @Test func aNumberGivenTwiceIsOneChoiceNotATickAndUntick() throws {
        var lines = PlainKioskTests.wholeIntake
        let allergies = try #require(lines.lastIndex(of: "8"))
        lines[allergies] = "1 1"
        let (_, store) = try PlainKioskTests().run(lines)
        let intake = try #require(try store.recentIntakes(limit: 1, status: "submitted").first)
        let answers = try ResponseReader(questionnaire: try Questionnaire.bundled(), asOf: Day(iso: "2026-11-22")!)
            .read(Data(try #require(intake.responseJSON).utf8)).answers
        #expect(answers.codes("allergies") == ["botulinum-toxin"])
    }

    @Test func anInvisibleAnswerIsNoAnswer() throws {
        let h = try Harness()
        h.type([.enter])
        h.type([.character("\u{301}"), .enter])        // a lone combining accent as the name
        #expect(h.app.state.screen == .question("patient-name"))
        #expect(h.screen.contains("Please answer this question"))
        #expect(h.app.state.answers["patient-name"].isEmpty)
    }
}
