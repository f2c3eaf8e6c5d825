import Foundation
import GRDB
import Testing
@testable import IntakeStorage

@Suite("Staff accounts and sign-in")
struct StaffTests {
    @Test func addedUsersAreListedWithAHashedPassword() throws {
        let temp = TemporaryFolder()
        let store = try openStore(temp.file("intake.sqlite"))
        #expect(!store.hasUsers)

        let added = try store.addUser(name: "  Dr Haddad ", role: .practitioner, password: "correct horse")
        try store.addUser(name: "amal", role: .reception, password: "battery staple", by: "Dr Haddad")

        #expect(store.hasUsers)
        #expect(added.name == "Dr Haddad")
        #expect(try store.users().map(\.name) == ["amal", "Dr Haddad"])
        #expect(try store.users().map(\.role) == [.reception, .practitioner])
        let stored = try store.pool.read { db in
            try String.fetchAll(db, sql: "SELECT password_hash FROM staff_user ORDER BY id")
        }
        #expect(stored.count == 2)
        #expect(stored.allSatisfy { $0.hasPrefix("scrypt$") })
        #expect(!stored[0].contains("correct horse"))
        #expect(cheapHasher.verify("correct horse", against: stored[0]))
        let audit = try store.auditEntries()
        #expect(audit.map(\.action) == [.userAdded, .userAdded])
        #expect(audit.map(\.user) == ["Dr Haddad", "setup"])
    }

    @Test func duplicateNamesInAnyCaseShortPasswordsAndEmptyNamesAreRefused() throws {
        let temp = TemporaryFolder()
        let store = try openStore(temp.file("intake.sqlite"))
        try store.addUser(name: "Amal", role: .reception, password: "12345678")
        #expect(throws: StaffError.duplicateName("AMAL")) {
            try store.addUser(name: "AMAL", role: .admin, password: "abcdefgh")
        }
        #expect(throws: StaffError.passwordTooShort(minimum: 8)) {
            try store.addUser(name: "Omar", role: .admin, password: "1234567")
        }
        #expect(throws: StaffError.emptyName) {
            try store.addUser(name: "   ", role: .admin, password: "abcdefgh")
        }
        #expect(try store.users().map(\.name) == ["Amal"])
        #expect(StaffError.duplicateName("AMAL").description.contains("AMAL"))
        #expect(StaffError.passwordTooShort(minimum: 8).description.contains("8 characters"))
    }

    @Test func aDisabledUserCannotSignInEvenWithTheRightPassword() throws {
        let temp = TemporaryFolder()
        let (store, _) = try storeWithPractitioner(temp)
        try store.disableUser(name: "DR.HADDAD", by: "admin")
        #expect(try store.users().first?.disabled == true)
        // Refused like a wrong password, so the answer does not confirm the password.
        #expect(throws: SignInError.wrongNameOrPassword(retryAfter: 1)) {
            try store.signIn(name: "dr.haddad", password: "correct horse", now: fixedNow)
        }
        // A wrong password still gets the answer any wrong password gets.
        #expect(throws: SignInError.wrongNameOrPassword(retryAfter: 2)) {
            try store.signIn(name: "dr.haddad", password: "wrong horse", now: fixedNow)
        }
        #expect(throws: StaffError.unknownUser("nobody")) { try store.disableUser(name: "nobody") }
        #expect(try store.auditEntries(limit: 3).map(\.action) == [.signInFailed, .signInFailed, .userDisabled])
    }

    @Test func setPasswordReplacesTheOldOneAndLiftsALockout() throws {
        let temp = TemporaryFolder()
        let (store, _) = try storeWithPractitioner(temp)
        for _ in 1...5 { _ = try? store.signIn(name: "dr.haddad", password: "guess guess", now: fixedNow) }
        #expect(try store.users().first?.isLocked(at: fixedNow) == true)

        #expect(throws: StaffError.passwordTooShort(minimum: 8)) {
            try store.setPassword(name: "dr.haddad", password: "short")
        }
        try store.setPassword(name: "dr.haddad", password: "new long password", by: "admin", now: fixedNow)
        #expect(throws: SignInError.wrongNameOrPassword(retryAfter: 1)) {
            try store.signIn(name: "dr.haddad", password: "correct horse", now: fixedNow)
        }
        let user = try store.signIn(name: "dr.haddad", password: "new long password", now: fixedNow)
        #expect(user.failedAttempts == 0 && user.lockedUntil == nil)
        #expect(throws: StaffError.unknownUser("nobody")) {
            try store.setPassword(name: "nobody", password: "long enough")
        }
        #expect(try store.auditEntries().contains { $0.action == .passwordChanged && $0.user == "admin" })
    }

    @Test func wrongPasswordsSlowDownThenLockForFiveMinutes() throws {
        let temp = TemporaryFolder()
        let (store, _) = try storeWithPractitioner(temp)
        let errors = (0..<4).map { signInError(store, "dr.haddad", "wrong \($0)") }
        #expect(errors == [1, 2, 4, 8].map { .wrongNameOrPassword(retryAfter: $0) })

        let until = fixedNow.addingTimeInterval(300)
        #expect(throws: SignInError.locked(until: until)) {
            try store.signIn(name: "dr.haddad", password: "wrong 5", now: fixedNow)
        }
        // While locked even the right password is refused, and the refusal is not counted.
        #expect(throws: SignInError.locked(until: until)) {
            try store.signIn(name: "dr.haddad", password: "correct horse", now: fixedNow.addingTimeInterval(299))
        }
        let user = try store.signIn(name: "dr.haddad", password: "correct horse", now: until.addingTimeInterval(1))
        #expect(user.name == "dr.haddad")
        #expect(user.failedAttempts == 0)
        #expect(user.lockedUntil == nil)
        #expect(SignInError.locked(until: until).description.contains("ask an admin"))
    }

    @Test func successResetsTheCountOfWrongPasswords() throws {
        let temp = TemporaryFolder()
        let (store, _) = try storeWithPractitioner(temp)
        for _ in 1...3 { _ = try? store.signIn(name: "dr.haddad", password: "nope nope", now: fixedNow) }
        #expect(try store.users().first?.failedAttempts == 3)
        _ = try store.signIn(name: "Dr.Haddad", password: "correct horse", now: fixedNow)
        #expect(throws: SignInError.wrongNameOrPassword(retryAfter: 1)) {
            try store.signIn(name: "dr.haddad", password: "nope nope", now: fixedNow)
        }
    }

    @Test func unknownNamesAnswerExactlyLikeWrongPasswordsButAreAudited() throws {
        let temp = TemporaryFolder()
        let (store, _) = try storeWithPractitioner(temp)
        func outcomes(_ name: String) -> [SignInError?] {
            (0..<6).map { _ in signInError(store, name, "not the one") }
        }
        let unknown = outcomes("mallory")
        let known = outcomes("dr.haddad")
        #expect(unknown == known)
        #expect(unknown.map { $0?.description } == known.map { $0?.description })
        #expect(unknown.first == .wrongNameOrPassword(retryAfter: 1))
        #expect(unknown.last == .locked(until: fixedNow.addingTimeInterval(300)))

        let failures = try store.auditEntries().filter { $0.action == .signInFailed }
        #expect(failures.count == 12)
        #expect(failures.filter { $0.user == "mallory" }.count == 6)
        #expect(failures.contains { $0.user == "mallory" && $0.detail.contains("no account") })
    }

    @Test func everySignInIsAudited() throws {
        let temp = TemporaryFolder()
        let (store, _) = try storeWithPractitioner(temp)
        _ = try? store.signIn(name: "dr.haddad", password: "wrong wrong", now: fixedNow)
        _ = try store.signIn(name: "dr.haddad", password: "correct horse", now: fixedNow)
        try store.record(.signOut, user: "dr.haddad", at: fixedNow)
        let entries = try store.auditEntries(limit: 3)
        #expect(entries.map(\.action) == [.signOut, .signIn, .signInFailed])
        #expect(entries.allSatisfy { $0.user == "dr.haddad" && $0.at == fixedNow })
    }
}

/// The error signing in gives; nil if it succeeds.
func signInError(_ store: IntakeStore, _ name: String, _ password: String, now: Date = fixedNow) -> SignInError? {
    do {
        _ = try store.signIn(name: name, password: password, now: now)
        return nil
    } catch {
        return error
    }
}
