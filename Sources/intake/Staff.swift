import ArgumentParser
import Foundation
import IntakeModel
import IntakeStorage

extension StaffRole: ExpressibleByArgument {}

/// `intake user …`: the staff accounts that sign in to the review station.
struct User: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage staff accounts for the review station.",
        discussion: "Passwords are read without echo, asked twice, and stored only as a salted scrypt hash.",
        subcommands: [Add.self, List.self, Disable.self, Enable.self, Role.self, Profile.self, Passwd.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a staff account.")
        @Argument(help: "The name typed at sign-in.") var name: String
        @Option(help: "practitioner (signs decisions), reception or admin.") var role: StaffRole
        @OptionGroup var profile: ProfileOptions
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var actor: ActorOptions

        func run() throws {
            // A name is shown on terminals and in the audit log: only visible characters.
            guard PatientText.clean(name) == name else {
                throw failure("a staff name can only hold visible characters (no control, escape or invisible characters): \(PatientText.clean(name))")
            }
            let store = try database.open()
            let by = try actor.actor(store)
            let password = try newPassword()
            _ = try staff { try store.addUser(name: name, role: role, password: password, by: by) }
            if profile.fullName != nil || profile.credential != nil {
                try staff { try store.setProfile(name: name, fullName: profile.fullName, credential: profile.credential, by: by) }
            }
            print("Account \(PatientText.clean(name)) (\(role.rawValue)) created.")
        }
    }

    struct Enable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled account again (also lifts a lockout).")
        @OptionGroup var account: AccountChange

        func run() throws {
            try account.change("enabled") { store, name, by in try store.enableUser(name: name, by: by) }
        }
    }

    struct Role: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give an account another role.")
        @OptionGroup var account: AccountChange
        @Argument(help: "practitioner, reception or admin.") var role: StaffRole

        func run() throws {
            try account.change("is now \(role.rawValue)") { store, name, by in try store.setRole(name: name, role: role, by: by) }
        }
    }

    struct Profile: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set the full name and credential printed under the account's signature.",
            discussion: "An empty value clears it, such as --credential \"\"."
        )
        @Argument var name: String
        @OptionGroup var profile: ProfileOptions
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var actor: ActorOptions

        func run() throws {
            guard profile.fullName != nil || profile.credential != nil else {
                throw failure("give --full-name, --credential or both; nothing changed")
            }
            let store = try database.open()
            let by = try actor.actor(store)
            try staff { try store.setProfile(name: name, fullName: profile.fullName, credential: profile.credential, by: by) }
            print("Signature details for \(PatientText.clean(name)) saved.")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List staff accounts.")
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let store = try database.open()
            let users = try staff { try store.users() }
            if users.isEmpty { print("No staff accounts yet. Create one with: intake user add NAME --role practitioner") }
            let now = Date()
            for user in users {
                var state = user.disabled ? "disabled" : "active"
                if user.isLocked(at: now) { state += ", locked" }
                let name = PatientText.clean(user.name)
                let signature = [user.fullName, user.credential].compactMap { $0 }.map(PatientText.clean).joined(separator: ", ")
                print("\(name.padding(toLength: max(name.count, 20), withPad: " ", startingAt: 0))  \(user.role.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0))  \(state)"
                      + (signature.isEmpty ? "" : "  \(signature)"))
            }
        }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable an account: it can no longer sign in; its history is kept.")
        @OptionGroup var account: AccountChange

        func run() throws {
            try account.change("disabled") { store, name, by in try store.disableUser(name: name, by: by) }
        }
    }

    struct Passwd: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set a new password for an account (also lifts a lockout).")
        @Argument var name: String
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var actor: ActorOptions

        func run() throws {
            let store = try database.open()
            let by = try actor.actor(store)
            let password = try newPassword()
            try staff { try store.setPassword(name: name, password: password, by: by) }
            print("Password for \(PatientText.clean(name)) changed.")
        }
    }
}

/// An existing account, the database and who changes it: what every account change is given.
struct AccountChange: ParsableArguments {
    @Argument(help: "The account's sign-in name.") var name: String
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var actor: ActorOptions

    /// Opens the store, signs in the admin if `--staff` names one, makes the change and says "Account NAME <done>."
    func change(_ done: String, _ body: (IntakeStore, String, String) throws -> Void) throws {
        let store = try database.open()
        let by = try actor.actor(store)
        try staff { try body(store, name, by) }
        print("Account \(PatientText.clean(name)) \(done).")
    }
}

/// The name and qualification printed under a signature.
struct ProfileOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The name printed under a signature, such as \"Dr Rana Haddad\".", valueName: "TEXT"))
    var fullName: String?
    @Option(help: ArgumentHelp("The qualification printed after it, such as \"MBBS, dermatologist\".", valueName: "TEXT"))
    var credential: String?

    /// Printed on paper and shown on terminals: visible characters only, and a line's length.
    func validate() throws {
        for (option, value) in [("--full-name", fullName), ("--credential", credential)] {
            guard let value else { continue }
            guard PatientText.clean(value) == value else {
                throw failure("\(option) can only hold visible characters (no control, escape or invisible characters): \(PatientText.clean(value))")
            }
            guard value.count <= 80 else { throw failure("\(option) is \(value.count) characters long; keep it to 80") }
        }
    }
}

/// Who does an admin action, for the audit log: the operating-system user, and the staff account
/// that signs in for it when `--staff` names one.
struct ActorOptions: ParsableArguments {
    @Option(help: ArgumentHelp("An admin staff account to record with the action (its password is asked first).", valueName: "NAME"))
    var staff: String?

    /// "os:USER", or "os:USER, staff NAME" once NAME has signed in with its password and is an admin.
    func actor(_ store: IntakeStore) throws -> String {
        let system = operatingSystemUser()
        guard let staff else { return system }
        let password = readSecret("Password for \(PatientText.clean(staff)): ") ?? ""
        let user: StaffUser
        do { user = try store.signIn(name: staff, password: password) } catch { throw failure(error.description) }
        guard user.role == .admin else {
            throw failure("\(PatientText.clean(user.name)) is not an admin account; give an admin's name with --staff, or leave it out")
        }
        return "\(system), staff \(user.name)"
    }
}

/// Reads a new password twice without echo; a mismatch or nothing typed is an error that changes nothing.
func newPassword() throws -> String {
    let first = readSecret("Password: ")
    let second = readSecret("Type it again: ")
    guard let first, let second, !first.isEmpty else { throw failure("no password given; nothing changed") }
    guard first == second else { throw failure("the two passwords differ; nothing changed") }
    return first
}

/// Runs a staff-account call, turning its typed error into one line and exit status 2.
func staff<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as StaffError { throw failure(error.description) }
}

/// One line on standard error, then exit status 2.
func failure(_ message: String) -> ExitCode {
    // Messages quote names and values from outside: cleaned like everything that reaches a terminal.
    FileHandle.standardError.write(Data("intake: \(PatientText.clean(message))\n".utf8))
    return ExitCode(2)
}
