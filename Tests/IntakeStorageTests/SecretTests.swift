import Foundation
import GRDB
import Testing
@testable import IntakeStorage

@Suite("Staff PIN and secret hashing")
struct SecretTests {
    @Test func hashRoundTripsAndRejectsOtherSecrets() {
        let encoded = cheapHasher.hash("2468")
        #expect(cheapHasher.verify("2468", against: encoded))
        #expect(!cheapHasher.verify("2469", against: encoded))
        #expect(!cheapHasher.verify("", against: encoded))
        #expect(!cheapHasher.verify("24680", against: encoded))
    }

    @Test func hashIsSelfDescribingAndSalted() throws {
        let one = cheapHasher.hash("2468")
        let two = cheapHasher.hash("2468")
        #expect(one != two)
        let fields = one.split(separator: "$").map(String.init)
        #expect(fields.count == 6)
        #expect(Array(fields.prefix(4)) == ["scrypt", "16", "1", "1"])
        #expect(Data(base64Encoded: fields[4])?.count == 16)
        #expect(Data(base64Encoded: fields[5])?.count == 32)
        #expect(!one.contains("2468"))
    }

    @Test func verificationUsesTheCostWrittenInTheHash() {
        let older = SecretHasher(rounds: 32, blockSize: 2, parallelism: 1).hash("1357")
        #expect(cheapHasher.verify("1357", against: older))
    }

    @Test func malformedOrTamperedHashesVerifyNothing() {
        let encoded = cheapHasher.hash("2468")
        var fields = encoded.split(separator: "$").map(String.init)
        fields[5] = Data(repeating: 0, count: 32).base64EncodedString()
        for bad in ["", "2468", "scrypt$16$1$1$$", "bcrypt$16$1$1$AAAA$AAAA",
                    "scrypt$15$1$1$AAAA$AAAA",           // N not a power of two
                    "scrypt$1073741824$8$1$AAAA$AAAA",   // far beyond the memory limit
                    fields.joined(separator: "$")] {
            #expect(!cheapHasher.verify("2468", against: bad), "\(bad)")
        }
    }

    @Test func emptySecretsHashWithoutCrashing() {
        let encoded = cheapHasher.hash("")
        #expect(cheapHasher.verify("", against: encoded))
        #expect(!cheapHasher.verify("0", against: encoded))
    }

    @Test func defaultCostIsScryptN16384() {
        let hasher = SecretHasher()
        let start = ContinuousClock.now
        let encoded = hasher.hash("2468")
        let elapsed = ContinuousClock.now - start
        #expect(encoded.hasPrefix("scrypt$16384$8$1$"))
        #expect(hasher.verify("2468", against: encoded))
        // Loose bounds: a loaded CI machine is slower, but seconds would mean a wrong cost.
        #expect(elapsed < .seconds(3))
    }

    @Test func staffPINIsStoredHashedAndVerified() throws {
        let temp = TemporaryFolder()
        let path = temp.file("intake.sqlite")
        let store = try openStore(path)
        #expect(!store.hasStaffPIN)
        #expect(try !store.verifyStaffPIN("2468"))

        try store.setStaffPIN("2468")
        #expect(store.hasStaffPIN)
        #expect(try store.verifyStaffPIN("2468"))
        #expect(try !store.verifyStaffPIN("8642"))

        let stored = try store.pool.read { db in
            try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'staff_pin'")
        }
        let value = try #require(stored)
        #expect(value != "2468")
        #expect(!value.contains("2468"))
        #expect(value.hasPrefix("scrypt$"))

        try store.setStaffPIN("2468")
        let again = try store.pool.read { db in
            try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'staff_pin'")
        }
        #expect(again != value)

        // Another kiosk on the same file accepts the same PIN.
        #expect(try openStore(path).verifyStaffPIN("2468"))
    }

    @Test func shortPINsAreRefused() throws {
        let temp = TemporaryFolder()
        let store = try openStore(temp.file("intake.sqlite"))
        #expect(throws: StorageError.pinTooShort(minimum: 4)) { try store.setStaffPIN("123") }
        #expect(!store.hasStaffPIN)
    }

    @Test func anUnreadableStoredPINIsReportedNotAccepted() throws {
        let temp = TemporaryFolder()
        let store = try openStore(temp.file("intake.sqlite"))
        try store.pool.write { db in
            try db.execute(sql: "INSERT INTO setting (key, value) VALUES ('staff_pin', '2468')")
        }
        #expect(store.hasStaffPIN)
        #expect(throws: StorageError.unreadableStaffPIN) { try store.verifyStaffPIN("2468") }
    }
}
