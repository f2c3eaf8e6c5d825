import Foundation
import GRDB

extension IntakeStore {
    /// Adds a staff account with a hashed password, and audits it.
    ///
    /// `actor` is the admin who adds it; nil while setting up the first account.
    ///
    /// - Throws: `StaffError.duplicateName` if the name is taken in any case,
    ///   `.passwordTooShort` under `SignInPolicy.minimumPasswordLength` characters, `.emptyName`.
    @discardableResult
    public func addUser(name: String, role: StaffRole, password: String, by actor: String? = nil,
                        now: Date = Date()) throws(StaffError) -> StaffUser {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw .emptyName }
        try Self.checkPassword(password)
        // Hash before the transaction: scrypt's tens of milliseconds must not hold the write lock.
        let hash = pinHasher.hash(password)
        return try write(StaffError.storage) { db in
            if try StaffUserRecord.filter(StaffUserRecord.Columns.name == name).fetchOne(db) != nil {
                throw StaffError.duplicateName(name)
            }
            var record = StaffUserRecord(id: nil, name: name, role: role, passwordHash: hash, disabled: false,
                                         failedAttempts: 0, lockedUntil: nil, createdAt: now,
                                         fullName: nil, credential: nil)
            try record.insert(db)
            try Integrity.audit(db, Integrity.staff, key: record.id!, at: now, user: actor ?? "setup", action: .userAdded,
                                intakeCode: nil, detail: "\(name) (\(role.rawValue))")
            return record.user
        }
    }

    /// Every staff account, disabled ones included, by name.
    public func users() throws(StaffError) -> [StaffUser] {
        try read(StaffError.storage) { db in
            try StaffUserRecord.order(StaffUserRecord.Columns.name.collating(.nocase)).fetchAll(db).map(\.user)
        }
    }

    /// Whether any staff account exists, disabled or not.
    ///
    /// If the database cannot be read this answers true, so that a station goes on to sign-in,
    /// which reports the error, rather than offering anyone to create the first account.
    public var hasUsers: Bool {
        do {
            return try read(StaffError.storage) { db in try StaffUserRecord.fetchCount(db) > 0 }
        } catch {
            return true
        }
    }

    /// Disables an account: it can no longer sign in or sign, and stays in the audit trail.
    public func disableUser(name: String, by actor: String? = nil, now: Date = Date()) throws(StaffError) {
        try write(StaffError.storage) { db in
            guard var record = try Self.staffRecord(db, name: name) else { throw StaffError.unknownUser(name) }
            try Integrity.noteIfChangedOutside(db, Integrity.staff, key: record.id!, at: now, user: actor ?? record.name)
            guard !record.disabled else { return }
            record.disabled = true
            try record.update(db)
            try Integrity.audit(db, Integrity.staff, key: record.id!, at: now, user: actor ?? record.name,
                                action: .userDisabled, intakeCode: nil, detail: record.name)
        }
    }

    /// Replaces an account's password; this also lifts a lockout.
    public func setPassword(name: String, password: String, by actor: String? = nil,
                            now: Date = Date()) throws(StaffError) {
        try Self.checkPassword(password)
        let hash = pinHasher.hash(password)
        try write(StaffError.storage) { db in
            guard var record = try Self.staffRecord(db, name: name) else { throw StaffError.unknownUser(name) }
            try Integrity.noteIfChangedOutside(db, Integrity.staff, key: record.id!, at: now, user: actor ?? record.name)
            record.passwordHash = hash
            record.failedAttempts = 0
            record.lockedUntil = nil
            try record.update(db)
            try Integrity.audit(db, Integrity.staff, key: record.id!, at: now, user: actor ?? record.name,
                                action: .passwordChanged, intakeCode: nil, detail: record.name)
        }
    }

    /// Enables a disabled account again.
    public func enableUser(name: String, by actor: String? = nil, now: Date = Date()) throws(StaffError) {
        try write(StaffError.storage) { db in
            guard var record = try Self.staffRecord(db, name: name) else { throw StaffError.unknownUser(name) }
            try Integrity.noteIfChangedOutside(db, Integrity.staff, key: record.id!, at: now, user: actor ?? record.name)
            guard record.disabled else { return }
            record.disabled = false
            record.failedAttempts = 0
            record.lockedUntil = nil
            try record.update(db)
            try Integrity.audit(db, Integrity.staff, key: record.id!, at: now, user: actor ?? record.name,
                                action: .userEnabled, intakeCode: nil, detail: record.name)
        }
    }

    /// Gives an account another role.
    public func setRole(name: String, role: StaffRole, by actor: String? = nil, now: Date = Date()) throws(StaffError) {
        try write(StaffError.storage) { db in
            guard var record = try Self.staffRecord(db, name: name) else { throw StaffError.unknownUser(name) }
            try Integrity.noteIfChangedOutside(db, Integrity.staff, key: record.id!, at: now, user: actor ?? record.name)
            guard record.role != role else { return }
            let before = record.role
            record.role = role
            try record.update(db)
            try Integrity.audit(db, Integrity.staff, key: record.id!, at: now, user: actor ?? record.name,
                                action: .roleChanged, intakeCode: nil,
                                detail: "\(record.name): \(before.rawValue) → \(role.rawValue)")
        }
    }

    /// Sets the full name and credential printed under a practitioner's signature, such as
    /// "Dr Rana Haddad" and "MBBS, dermatologist"; an empty text clears it.
    public func setProfile(name: String, fullName: String?, credential: String?, by actor: String? = nil,
                           now: Date = Date()) throws(StaffError) {
        func tidy(_ text: String?) -> String? {
            let trimmed = text?.trimmingCharacters(in: .whitespacesAndNewlines)
            return trimmed?.isEmpty == false ? trimmed : nil
        }
        try write(StaffError.storage) { db in
            guard var record = try Self.staffRecord(db, name: name) else { throw StaffError.unknownUser(name) }
            try Integrity.noteIfChangedOutside(db, Integrity.staff, key: record.id!, at: now, user: actor ?? record.name)
            if let fullName { record.fullName = tidy(fullName) }
            if let credential { record.credential = tidy(credential) }
            try record.update(db)
            try Integrity.audit(db, Integrity.staff, key: record.id!, at: now, user: actor ?? record.name,
                                action: .profileChanged, intakeCode: nil,
                                detail: "\(record.name): \(record.fullName ?? "-"), \(record.credential ?? "-")")
        }
    }

    /// Checks a name and password at `now`, and audits the try whatever its outcome.
    ///
    /// - Throws: `SignInError.wrongNameOrPassword(retryAfter:)` for an unknown name or a wrong
    ///   password (the same for both), `.locked(until:)` on the fifth wrong password in a row and
    ///   while locked. A disabled account is refused like a wrong password (never `.disabled`),
    ///   and every path costs one scrypt, so neither the answer nor its time tells names apart.
    public func signIn(name: String, password: String, now: Date = Date()) throws(SignInError) -> StaffUser {
        let checked = try checkPassword(name: name, password: password, now: now)
        // The failure is thrown only after the transaction commits its count and audit entry.
        let outcome = try write(SignInError.storage) { db in
            let outcome = try Self.settle(db, checked, now: now, purpose: "sign-in")
            if case let .success(record) = outcome {
                try AuditChain.append(db, at: now, user: record.name, action: .signIn, intakeCode: nil, detail: "")
            }
            return outcome
        }
        return try outcome.get().user
    }

    /// The account as it stands now, if it may still act: nil when it is disabled, locked or gone.
    ///
    /// The review station asks this before every action that reads or writes patient data, so
    /// disabling or locking an account ends a session that is already open at its next action.
    public func activeAccount(_ user: StaffUser, now: Date = Date()) throws(StorageError) -> StaffUser? {
        try read { db in
            guard let record = try StaffUserRecord.fetchOne(db, key: user.id) else { return nil }
            let account = record.user
            return account.disabled || account.isLocked(at: now) ? nil : account
        }
    }

    // MARK: - Internals

    static func checkPassword(_ password: String) throws(StaffError) {
        guard password.count >= SignInPolicy.minimumPasswordLength else {
            throw .passwordTooShort(minimum: SignInPolicy.minimumPasswordLength)
        }
    }

    /// The account named `name` in any case; nil if none.
    static func staffRecord(_ db: Database, name: String) throws -> StaffUserRecord? {
        // The column is NOCASE, so = compares regardless of case and uses the unique index.
        try StaffUserRecord
            .filter(StaffUserRecord.Columns.name == name.trimmingCharacters(in: .whitespacesAndNewlines))
            .fetchOne(db)
    }

    /// A password checked against the account as read before the write transaction.
    struct CheckedPassword {
        var typedName: String
        /// The account as read; nil for an unknown name.
        var account: StaffUserRecord?
        /// Whether the password matched `account.passwordHash`.
        var matched: Bool
    }

    /// Reads the account and runs scrypt outside any transaction, so that the write lock is
    /// held only for the bookkeeping that follows.
    func checkPassword(name: String, password: String, now: Date) throws(SignInError) -> CheckedPassword {
        let account = try read(SignInError.storage) { db in try Self.staffRecord(db, name: name) }
        // Exactly one scrypt on every path (unknown name, locked, disabled, wrong or right password),
        // so that the time taken tells nothing about which names exist or what state they are in.
        let hash = account.map(\.passwordHash).flatMap { SecretHasher.canVerify($0) ? $0 : nil } ?? decoyHash
        let matched = pinHasher.verify(password, against: hash)
        guard let account else {
            return CheckedPassword(typedName: name, account: nil, matched: false)
        }
        return CheckedPassword(typedName: name, account: account,
                               matched: matched && !account.user.isLocked(at: now) && hash == account.passwordHash)
    }

    /// A well-formed hash at this store's cost that no password matches: checking against it
    /// costs what checking a real account costs.
    var decoyHash: String {
        let zeros = Data(repeating: 0, count: SecretHasher.hashByteCount).base64EncodedString()
        let salt = Data(repeating: 0x5A, count: SecretHasher.saltByteCount).base64EncodedString()
        return ["scrypt", String(pinHasher.rounds), String(pinHasher.blockSize), String(pinHasher.parallelism),
                salt, zeros].joined(separator: "$")
    }

    /// Applies a checked password in the caller's write transaction: updates the counters,
    /// audits failures, and returns the account on success.
    ///
    /// Failures are returned, not thrown, so that the caller's transaction commits the count
    /// and the audit entry before it reports the failure.
    static func settle(_ db: Database, _ checked: CheckedPassword, now: Date,
                       purpose: String) throws -> Result<StaffUserRecord, SignInError> {
        func fail(_ error: SignInError, _ detail: String) throws -> Result<StaffUserRecord, SignInError> {
            try AuditChain.append(db, at: now, user: checked.typedName, action: .signInFailed, intakeCode: nil,
                                  detail: "\(purpose): \(detail)")
            return .failure(error)
        }

        guard let read = checked.account, var account = try StaffUserRecord.fetchOne(db, key: read.id) else {
            return try fail(unknownNameFailure(db, name: checked.typedName, now: now), "no account has this name")
        }
        if let until = account.lockedUntil, until > now {
            return try fail(.locked(until: until), "locked until \(StorageTime.text(until)) UTC")
        }
        // A disabled account is refused like a wrong password, whatever was typed: a distinct
        // answer would confirm the password (the audit entry says why, for the admin).
        if account.disabled {
            let (throttle, error) = Throttle(failedAttempts: account.failedAttempts,
                                             lockedUntil: account.lockedUntil).failing(at: now)
            account.failedAttempts = throttle.failedAttempts
            account.lockedUntil = throttle.lockedUntil
            try account.update(db)
            return try fail(error, "account disabled")
        }
        // A password changed between the check and now invalidates the check.
        guard checked.matched, account.passwordHash == read.passwordHash else {
            let (throttle, error) = Throttle(failedAttempts: account.failedAttempts,
                                             lockedUntil: account.lockedUntil).failing(at: now)
            account.failedAttempts = throttle.failedAttempts
            account.lockedUntil = throttle.lockedUntil
            try account.update(db)
            let locked = throttle.lockedUntil.map { "; locked until \(StorageTime.text($0)) UTC" } ?? ""
            return try fail(error, "wrong password\(locked)")
        }
        if account.failedAttempts != 0 || account.lockedUntil != nil {
            account.failedAttempts = 0
            account.lockedUntil = nil
            try account.update(db)
        }
        return .success(account)
    }

    /// Counts a failure for a name with no account, exactly as for an account, and returns
    /// the error an account would give.
    static func unknownNameFailure(_ db: Database, name: String, now: Date) throws -> SignInError {
        // Old entries are forgotten so that typos do not pile up.
        try db.execute(sql: "DELETE FROM sign_in_throttle WHERE last_failed_at < ?",
                       arguments: [StorageTime.text(now.addingTimeInterval(-24 * 60 * 60))])
        let row = try Row.fetchOne(db, sql: "SELECT failed_attempts, locked_until FROM sign_in_throttle WHERE name = ?",
                                   arguments: [name])
        let current = Throttle(failedAttempts: row?["failed_attempts"] ?? 0,
                               lockedUntil: (row?["locked_until"] as String?).flatMap(StorageTime.date))
        if let until = current.lockedUntil, until > now {
            return .locked(until: until)
        }
        let (next, error) = current.failing(at: now)
        try db.execute(sql: """
            INSERT INTO sign_in_throttle (name, failed_attempts, locked_until, last_failed_at) VALUES (?, ?, ?, ?)
            ON CONFLICT(name) DO UPDATE SET failed_attempts = excluded.failed_attempts,
                locked_until = excluded.locked_until, last_failed_at = excluded.last_failed_at
            """, arguments: [name, next.failedAttempts, next.lockedUntil.map(StorageTime.text), StorageTime.text(now)])
        return error
    }
}
