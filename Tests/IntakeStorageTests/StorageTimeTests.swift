import Foundation
import Testing
@testable import IntakeStorage

struct StorageTimeTests {
    @Test func timestampsAreUTCTextThatReadsBack() throws {
        let date = Date(timeIntervalSince1970: 1_795_350_896.25)   // 2026-11-22 12:34:56.250 UTC
        #expect(StorageTime.text(date) == "2026-11-22 12:34:56.250")
        #expect(StorageTime.date("2026-11-22 12:34:56.250") == date)
        #expect(StorageTime.date("2026-11-22 12:34:56") == Date(timeIntervalSince1970: 1_795_350_896))
        #expect(StorageTime.date("yesterday") == nil)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("intake-time-\(UUID().uuidString)")
        let store = try IntakeStore(path: folder.appendingPathComponent("i.sqlite").path)
        let before = Date()
        let draft = try store.startDraft(language: "en", kiosk: nil)
        let read = try #require(try store.openDrafts().first)
        #expect(abs(read.startedAt.timeIntervalSince(before)) < 5)
        #expect(read.id == draft.id)
    }
}
