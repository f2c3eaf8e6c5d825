import Foundation
import GRDB
import Testing
@testable import IntakeStorage

@Suite("Drafts and answers")
struct DraftTests {
    @Test func answersUpsertAndSurviveReopening() throws {
        let temp = TemporaryFolder()
        let path = temp.file("intake.sqlite")
        let draftID: Int64
        do {
            let store = try openStore(path)
            let draft = try store.startDraft(language: "en", kiosk: "front-desk")
            draftID = draft.id
            try store.saveAnswer(draftID: draft.id, linkId: "pregnant", valueJSON: "false")
            try store.saveAnswer(draftID: draft.id, linkId: "skin-type", valueJSON: #""III""#)
            try store.saveAnswer(draftID: draft.id, linkId: "pregnant", valueJSON: "true")
        }
        let reopened = try openStore(path)
        #expect(try reopened.answers(draftID: draftID) == ["pregnant": "true", "skin-type": #""III""#])
    }

    @Test func answersAreOnDiskBeforeTheStoreCloses() throws {
        // What a kill -9 leaves behind is the files as they are while the store is open: copy
        // them without closing anything, and open the copy.
        let temp = TemporaryFolder()
        let path = temp.file("live/intake.sqlite")
        let store = try openStore(path)
        let draft = try store.startDraft(language: "fr", kiosk: nil)
        try store.saveAnswer(draftID: draft.id, linkId: "name", valueJSON: #""Zoé""#)
        try store.saveAnswer(draftID: draft.id, linkId: "age", valueJSON: "41")

        let copy = temp.file("copy/intake.sqlite")
        try FileManager.default.createDirectory(atPath: temp.file("copy"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        try FileManager.default.copyItem(atPath: path + "-wal", toPath: copy + "-wal")

        let survivor = try openStore(copy)
        #expect(try survivor.answers(draftID: draft.id) == ["name": #""Zoé""#, "age": "41"])
        #expect(try survivor.openDrafts().map(\.code) == [draft.code])
        withExtendedLifetime(store) {}
    }

    @Test func savingAnAnswerBumpsUpdatedAt() throws {
        let temp = TemporaryFolder()
        let store = try openStore(temp.file("intake.sqlite"))
        let draft = try store.startDraft(language: "en", kiosk: nil)
        Thread.sleep(forTimeInterval: 0.01)
        try store.saveAnswer(draftID: draft.id, linkId: "q1", valueJSON: "1")
        let stored = try #require(try store.intake(id: draft.id))
        #expect(stored.updatedAt > draft.startedAt)
        #expect(stored.startedAt == draft.startedAt)
    }

    @Test func removeAnswerForgetsOnlyThatAnswer() throws {
        let temp = TemporaryFolder()
        let store = try openStore(temp.file("intake.sqlite"))
        let draft = try store.startDraft(language: "en", kiosk: nil)
        try store.saveAnswer(draftID: draft.id, linkId: "a", valueJSON: "1")
        try store.saveAnswer(draftID: draft.id, linkId: "b", valueJSON: "2")
        try store.removeAnswer(draftID: draft.id, linkId: "a")
        try store.removeAnswer(draftID: draft.id, linkId: "never-answered")
        #expect(try store.answers(draftID: draft.id) == ["b": "2"])
    }

    @Test func answersOfOneDraftDoNotLeakIntoAnother() throws {
        let temp = TemporaryFolder()
        let store = try openStore(temp.file("intake.sqlite"))
        let one = try store.startDraft(language: "en", kiosk: nil)
        let two = try store.startDraft(language: "en", kiosk: nil)
        try store.saveAnswer(draftID: one.id, linkId: "a", valueJSON: "1")
        #expect(try store.answers(draftID: two.id).isEmpty)
    }

    @Test func setLanguageIsStored() throws {
        let temp = TemporaryFolder()
        let store = try openStore(temp.file("intake.sqlite"))
        let draft = try store.startDraft(language: "en", kiosk: "k2")
        try store.setLanguage(draftID: draft.id, language: "es")
        #expect(try store.intake(id: draft.id)?.language == "es")
        #expect(try store.openDrafts().first?.language == "es")
        #expect(try store.openDrafts().first?.kiosk == "k2")
    }

    @Test func abandonDeletesTheAnswersAndClosesTheDraft() throws {
        let temp = TemporaryFolder()
        let store = try openStore(temp.file("intake.sqlite"))
        let draft = try store.startDraft(language: "en", kiosk: nil)
        let kept = try store.startDraft(language: "en", kiosk: nil)
        try store.saveAnswer(draftID: draft.id, linkId: "pregnant", valueJSON: "true")
        try store.saveAnswer(draftID: draft.id, linkId: "medications", valueJSON: #"["isotretinoin"]"#)
        try store.saveAnswer(draftID: kept.id, linkId: "pregnant", valueJSON: "false")

        try store.abandon(draftID: draft.id, reason: "idle timeout")

        let stored = try #require(try store.intake(id: draft.id))
        #expect(stored.status == .abandoned)
        #expect(stored.abandonReason == "idle timeout")
        #expect(stored.abandonedAt != nil)
        #expect(try store.answers(draftID: draft.id).isEmpty)
        let rowsLeft = try store.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM answer WHERE intake_id = ?", arguments: [draft.id])
        }
        #expect(rowsLeft == 0)
        #expect(try store.answers(draftID: kept.id) == ["pregnant": "false"])
        #expect(try store.openDrafts().map(\.id) == [kept.id])

        // An abandoned intake takes no new answers, and abandoning it again changes nothing.
        #expect(throws: StorageError.notADraft(code: draft.code, status: "abandoned")) {
            try store.saveAnswer(draftID: draft.id, linkId: "pregnant", valueJSON: "true")
        }
        try store.abandon(draftID: draft.id, reason: "again")
        #expect(try store.intake(id: draft.id)?.abandonReason == "idle timeout")
    }

    @Test func unknownDraftsAreReportedAsNotFound() throws {
        let temp = TemporaryFolder()
        let store = try openStore(temp.file("intake.sqlite"))
        #expect(throws: StorageError.notFound(id: 42)) {
            try store.saveAnswer(draftID: 42, linkId: "a", valueJSON: "1")
        }
        #expect(throws: StorageError.notFound(id: 42)) { try store.answers(draftID: 42) }
        #expect(throws: StorageError.notFound(id: 42)) { try store.abandon(draftID: 42, reason: "x") }
        #expect(try store.intake(id: 42) == nil)
    }

    @Test func codesAreUniqueAndWellFormedAcrossAThousandDrafts() throws {
        let temp = TemporaryFolder()
        let store = try openStore(temp.file("intake.sqlite"))
        let allowed = Set("ABCDEFGHJKMNPQRSTUVWXYZ23456789")
        var codes = Set<String>()
        for _ in 0..<1_000 {
            let code = try store.startDraft(language: "en", kiosk: nil).code
            let characters = Array(code)
            #expect(characters.count == 7 && characters[3] == "-", "\(code)")
            #expect(characters.enumerated().allSatisfy { $0.offset == 3 || allowed.contains($0.element) },
                    "\(code)")
            codes.insert(code)
        }
        #expect(codes.count == 1_000)
        #expect(try store.openDrafts().count == 1_000)
    }

    @Test func typedCodesAreForgivenCaseSpacesAndDashes() {
        #expect(IntakeCode.normalized("k7p-w3x") == "K7P-W3X")
        #expect(IntakeCode.normalized(" K7P W3X ") == "K7P-W3X")
        #expect(IntakeCode.normalized("K7PW3X") == "K7P-W3X")
        #expect(IntakeCode.normalized("K7P-W3") == nil)
        #expect(IntakeCode.normalized("O7P-W3X") == nil)  // O is never in a code
        #expect(IntakeCode.normalized("") == nil)
    }
}
