import Foundation
import Synchronization
import Testing
@testable import IntakeStorage

@Suite("Several kiosks on one file")
struct ConcurrencyTests {
    @Test func separateStoresWritingAtOnceLoseNothing() throws {
        let temp = TemporaryFolder()
        let path = temp.file("shared/intake.sqlite")
        // Separate stores have separate pools and connections, as separate kiosk processes do.
        let stores = try (0..<2).map { _ in try openStore(path) }
        let writersPerStore = 3
        let answersPerWriter = 150
        let failures = Mutex<[String]>([])
        let drafts = Mutex<[Int64]>([])

        let group = DispatchGroup()
        for (storeIndex, store) in stores.enumerated() {
            for writer in 0..<writersPerStore {
                DispatchQueue.global().async(group: group) {
                    do {
                        let draft = try store.startDraft(language: "en", kiosk: "k\(storeIndex)-\(writer)")
                        drafts.withLock { $0.append(draft.id) }
                        for answer in 0..<answersPerWriter {
                            try store.saveAnswer(draftID: draft.id, linkId: "q\(answer)", valueJSON: "\(answer)")
                            if answer % 50 == 49 {
                                // Reads interleaved with other kiosks' writes.
                                _ = try store.answers(draftID: draft.id)
                            }
                        }
                    } catch {
                        failures.withLock { $0.append(String(describing: error)) }
                    }
                }
            }
        }
        #expect(group.wait(timeout: .now() + 120) == .success)

        #expect(failures.withLock { $0 } == [])
        let ids = drafts.withLock { $0 }
        #expect(ids.count == stores.count * writersPerStore)
        let reader = try openStore(path)
        for id in ids {
            let answers = try reader.answers(draftID: id)
            #expect(answers.count == answersPerWriter)
            #expect(answers["q149"] == "149")
        }
        #expect(Set(try reader.openDrafts().map(\.code)).count == ids.count)
    }

    /// A smoke test: the race it guards against (two processes both applying "v1") has a narrow
    /// window, so passing here does not prove the retry in `IntakeStore.migrate` ran.
    @Test func storesOpeningANewFileAtOnceAllMigrateIt() throws {
        let temp = TemporaryFolder()
        let path = temp.file("fresh/intake.sqlite")
        let failures = Mutex<[String]>([])
        let opened = Mutex<[IntakeStore]>([])
        let group = DispatchGroup()
        for _ in 0..<4 {
            DispatchQueue.global().async(group: group) {
                do {
                    let store = try openStore(path)
                    _ = try store.startDraft(language: "en", kiosk: nil)
                    opened.withLock { $0.append(store) }
                } catch {
                    failures.withLock { $0.append(String(describing: error)) }
                }
            }
        }
        #expect(group.wait(timeout: .now() + 60) == .success)
        #expect(failures.withLock { $0 } == [])
        #expect(try openStore(path).openDrafts().count == 4)
    }
}
