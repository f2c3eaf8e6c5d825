import ArgumentParser
import Foundation
import IntakeModel
import IntakeStorage

/// `intake audit`: who did what and when, from the append-only, hash-chained log.
struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the audit log (sign-ins, intakes opened, decisions, signatures, prints), or verify it.",
        subcommands: [List.self, Verify.self, Head.self],
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
                let fields = [ClockText.utcMinute(entry.at), entry.user, entry.actionName, entry.intakeCode ?? "-", entry.detail]
                print(fields.map(PatientText.clean).joined(separator: "  "))
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the log and the records against it; anything wrong is named (exit 1).",
            discussion: """
                Checks the hash chain (a changed, deleted or reordered entry), and that every submitted \
                intake, signed decision, re-assessment, staff account and the staff PIN is exactly as its \
                last audit entry recorded it. A decision whose answers changed after signing is named. \
                With --head, also checks that the log still extends a head noted earlier with `intake audit head`.
                """
        )
        @Option(help: ArgumentHelp("A head noted earlier with `intake audit head`.", valueName: "COUNT:HASH"))
        var head: String?
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            var noted: AuditHead?
            if let head {
                guard let parsed = AuditHead(head) else {
                    throw failure("--head \"\(PatientText.clean(head))\" is not COUNT:HASH; copy it as `intake audit head` printed it, such as 1042:9f86d081884c7d65")
                }
                noted = parsed
            }
            let store = try database.openExisting()
            let report: IntegrityReport
            do { report = try store.verifyIntegrity(head: noted) } catch { throw failure(error.description) }
            if report.isIntact {
                let extends = noted.map { ", extending the head \($0) noted earlier" } ?? ""
                print("Audit log intact: \(report.entries) entries\(extends); every record matches its last entry.")
                return
            }
            for problem in report.problems {
                FileHandle.standardError.write(Data("intake: \(PatientText.clean(problem.description))\n".utf8))
            }
            let count = report.problems.count
            FileHandle.standardError.write(Data("intake: audit verify found \(count) problem\(count == 1 ? "" : "s") in \(report.entries) entries\n".utf8))
            throw ExitCode(1)
        }
    }

    struct Head: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the log's entry count and head hash, to write down or send elsewhere.",
            discussion: """
                The line COUNT:HASH names the log as it is now. Kept where the database cannot reach \
                (a paper log, an e-mail), it lets `intake audit verify --head COUNT:HASH` prove later \
                that nobody rewrote the log up to that point, even by recomputing every hash.
                """
        )
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let store = try database.openExisting()
            do { print(try store.auditHead().description) } catch { throw failure(error.description) }
        }
    }
}
