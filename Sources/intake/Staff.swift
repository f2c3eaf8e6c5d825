import ArgumentParser
import Foundation
import IntakeStorage

extension StaffRole: ExpressibleByArgument {}

/// `intake user …`: the staff accounts that sign in to the review station.
struct User: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage staff accounts for the review station.",
        discussion: "Passwords are read without echo, asked twice, and stored only as a salted scrypt hash.",
        subcommands: [Add.self, List.self, Disable.self, Passwd.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a staff account.")
        @Argument(help: "The name typed at sign-in.") var name: String
        @Option(help: "practitioner (signs decisions), reception or admin.") var role: StaffRole
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let store = try database.open()
            let password = try newPassword()
            _ = try staff { try store.addUser(name: name, role: role, password: password) }
            print("Account \(name) (\(role.rawValue)) created.")
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
                print("\(user.name.padding(toLength: max(user.name.count, 20), withPad: " ", startingAt: 0))  \(user.role.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0))  \(state)")
            }
        }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable an account: it can no longer sign in; its history is kept.")
        @Argument var name: String
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let store = try database.open()
            try staff { try store.disableUser(name: name) }
            print("Account \(name) disabled.")
        }
    }

    struct Passwd: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set a new password for an account (also lifts a lockout).")
        @Argument var name: String
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let store = try database.open()
            let password = try newPassword()
            try staff { try store.setPassword(name: name, password: password) }
            print("Password for \(name) changed.")
        }
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
    FileHandle.standardError.write(Data("intake: \(message)\n".utf8))
    return ExitCode(2)
}
