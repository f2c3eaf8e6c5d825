import ArgumentParser
import Foundation
import IntakeModel
import IntakeStorage

/// `intake audit`: who did what and when, from the append-only, hash-chained log.
struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the audit log (sign-ins, intakes opened, decisions, signatures, prints), or verify it.",
        subcommands: [List.self, Verify.self],
        defaultSubcommand: List.self
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List audit entries, newest first.")
        @Option(help: ArgumentHelp("Only entries from this day on.", valueName: "YYYY-MM-DD")) var since: String?
        @Option(help: "At most this many entries.") var limit = 200
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            var from: Date? = nil
            if let since {
                guard let day = Day(iso: since) else { throw failure("--since \"\(PatientText.clean(since))\" is not a date; use YYYY-MM-DD") }
                from = Date(timeIntervalSince1970: Double(day.daysSinceEpoch) * 86_400)
            }
            let store = try database.open()
            let entries: [AuditEntry]
            do { entries = try store.auditEntries(since: from, limit: limit) } catch { throw failure(error.description) }
            for entry in entries {
                let fields = [UTCText.minute(entry.at), entry.user, entry.actionName, entry.intakeCode ?? "-", entry.detail]
                print(fields.map(PatientText.clean).joined(separator: "  "))
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the hash chain: a changed, deleted or reordered entry is reported (exit 1)."
        )
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let store = try database.open()
            let result: AuditVerification
            do { result = try store.verifyAuditChain() } catch { throw failure(error.description) }
            switch result {
            case .ok(let count): print("Audit log intact: \(count) entries.")
            case .broken(let id, let reason):
                FileHandle.standardError.write(Data("intake: audit log broken at entry \(id): \(reason)\n".utf8))
                throw ExitCode(1)
            }
        }
    }
}

/// UTC timestamps for people.
enum UTCText {
    static func minute(_ date: Date) -> String { ClockText.utc(date, "%Y-%m-%d %H:%M UTC") }
}
