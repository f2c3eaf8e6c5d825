import Foundation
import GRDB
import Testing
@testable import IntakeStorage

@Suite("Audit log")
struct AuditTests {
    /// A store with five audit entries, ids 1 to 5.
    func storeWithEntries(_ temp: TemporaryFolder) throws -> IntakeStore {
        let store = try openStore(temp.file("intake.sqlite"))
        for index in 1...5 {
            try store.record(.print, user: "amal", intakeCode: "K7P-W3X", detail: "copy \(index)",
                             at: fixedNow.addingTimeInterval(Double(index)))
        }
        return store
    }

    /// Lifts the append-only triggers, as someone with the file and sqlite3 could.
    func tamper(_ store: IntakeStore, _ sql: String) throws {
        try store.pool.write { db in
            try db.execute(sql: """
                DROP TRIGGER IF EXISTS audit_is_append_only_update;
                DROP TRIGGER IF EXISTS audit_is_append_only_delete;
                """)
            try db.execute(sql: sql)
        }
    }

    @Test func entriesAreChainedFromSixtyFourZeros() throws {
        let temp = TemporaryFolder()
        let store = try storeWithEntries(temp)
        let entries = try store.auditEntries().reversed().map { $0 }
        #expect(entries.map(\.id) == [1, 2, 3, 4, 5])
        #expect(entries[0].previousHash == String(repeating: "0", count: 64))
        for (earlier, later) in zip(entries, entries.dropFirst()) {
            #expect(later.previousHash == earlier.hash)
        }
        #expect(entries.allSatisfy { $0.hash.count == 64 && $0.hash.allSatisfy(\.isHexDigit) })
        #expect(Set(entries.map(\.hash)).count == 5)
        #expect(try store.verifyAuditChain() == .ok(count: 5))
    }

    @Test func entriesCanBeReadSinceATimeNewestFirst() throws {
        let temp = TemporaryFolder()
        let store = try storeWithEntries(temp)
        let recent = try store.auditEntries(since: fixedNow.addingTimeInterval(4))
        #expect(recent.map(\.detail) == ["copy 5", "copy 4"])
        #expect(recent.first?.at == fixedNow.addingTimeInterval(5))
        #expect(recent.first?.intakeCode == "K7P-W3X")
        #expect(try store.auditEntries(limit: 2).map(\.id) == [5, 4])
    }

    @Test func triggersRefuseChangingOrDeletingEntries() throws {
        let temp = TemporaryFolder()
        let store = try storeWithEntries(temp)
        #expect(throws: DatabaseError.self) {
            try store.pool.write { db in try db.execute(sql: "UPDATE audit SET detail = 'x' WHERE id = 2") }
        }
        #expect(throws: DatabaseError.self) {
            try store.pool.write { db in try db.execute(sql: "DELETE FROM audit WHERE id = 2") }
        }
        #expect(throws: DatabaseError.self) {
            try store.pool.write { db in try db.execute(sql: "DELETE FROM audit") }
        }
        #expect(try store.verifyAuditChain() == .ok(count: 5))
    }

    @Test func aChangedFieldIsFound() throws {
        for column in ["at", "user", "action", "intake_code", "detail"] {
            let temp = TemporaryFolder()
            let store = try storeWithEntries(temp)
            let value = column == "intake_code" ? "NULL" : "'tampered'"
            try tamper(store, "UPDATE audit SET \(column) = \(value) WHERE id = 3")
            guard case .broken(at: 3, _) = try store.verifyAuditChain() else {
                Issue.record("a changed \(column) went unnoticed: \(try store.verifyAuditChain())")
                continue
            }
        }
    }

    @Test func aChangedEntryWithARecomputedHashIsFoundAtTheNextEntry() throws {
        let temp = TemporaryFolder()
        let store = try storeWithEntries(temp)
        let third = try #require(try store.auditEntries().first { $0.id == 3 })
        let forged = AuditChain.hash(previousHash: third.previousHash, id: 3, at: StorageTime.text(third.at),
                                     user: third.user, action: third.actionName, intakeCode: third.intakeCode,
                                     detail: "nothing printed")
        try tamper(store, "UPDATE audit SET detail = 'nothing printed', hash = '\(forged)' WHERE id = 3")
        guard case .broken(at: 4, _) = try store.verifyAuditChain() else {
            Issue.record("forgery went unnoticed")
            return
        }
    }

    @Test func aDeletedEntryIsFound() throws {
        let temp = TemporaryFolder()
        let store = try storeWithEntries(temp)
        try tamper(store, "DELETE FROM audit WHERE id = 2")
        #expect(try store.verifyAuditChain() == .broken(at: 3, reason: "entries 2 to 2 are missing"))

        // Renumbering to close the gap leaves the chain broken all the same.
        try tamper(store, "UPDATE audit SET id = id - 1 WHERE id > 2")
        guard case .broken(at: 2, _) = try store.verifyAuditChain() else {
            Issue.record("a deletion with renumbering went unnoticed")
            return
        }
    }

    @Test func deletingTheFirstEntryIsFound() throws {
        let temp = TemporaryFolder()
        let store = try storeWithEntries(temp)
        try tamper(store, "DELETE FROM audit WHERE id = 1")
        guard case .broken(at: 2, _) = try store.verifyAuditChain() else {
            Issue.record("a deleted first entry went unnoticed")
            return
        }
    }

    @Test func swappedEntriesAreFound() throws {
        let temp = TemporaryFolder()
        let store = try storeWithEntries(temp)
        try tamper(store, """
            UPDATE audit SET id = 100 WHERE id = 2;
            UPDATE audit SET id = 2 WHERE id = 3;
            UPDATE audit SET id = 3 WHERE id = 100;
            """)
        guard case .broken(at: 2, _) = try store.verifyAuditChain() else {
            Issue.record("swapped entries went unnoticed")
            return
        }
    }

    @Test func fieldsCannotBeShiftedIntoTheirNeighbours() {
        let one = AuditChain.hash(previousHash: "0", id: 1, at: "t", user: "ab", action: "c",
                                  intakeCode: nil, detail: "")
        let two = AuditChain.hash(previousHash: "0", id: 1, at: "t", user: "a", action: "bc",
                                  intakeCode: nil, detail: "")
        let three = AuditChain.hash(previousHash: "0", id: 1, at: "t", user: "ab", action: "c",
                                    intakeCode: "", detail: "")
        #expect(one != two)
        #expect(one != three)
    }
}
