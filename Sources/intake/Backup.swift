import ArgumentParser
import Foundation
import IntakeStorage

/// `intake backup FILE`: a consistent copy of the database, safe to take while kiosks write.
struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the database to a new private file (0600), consistent even while kiosks and the station write.",
        discussion: """
        Uses SQLite's online backup API, then checks the copy with PRAGMA quick_check. FILE must
        not exist yet: put the date in its name, as in the nightly cron line in the README:
          intake backup /var/backups/intake/intake-$(date +%F).sqlite
        """
    )

    @Argument(help: ArgumentHelp("The new backup file.", valueName: "FILE"))
    var file: String

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let store = try database.open()
        do {
            let report = try store.backup(to: file)
            print("Backed up \(database.path) to \(report.path): \(report.intakes) intakes, schema \(report.schema), \(report.bytes) bytes, checked with quick_check.")
        } catch {
            FileHandle.standardError.write(Data("intake: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}

/// `intake restore FILE`: put a backup in place of the database, keeping the current file aside.
struct Restore: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replace the database with a backup written by `intake backup`; the current file is kept aside.",
        discussion: """
        Close every kiosk and the review station first. A damaged backup, or one written by a
        newer version of intake, is refused. The current database (with its -wal) is renamed to
        PATH.before-restore-<UTC time>, and the backup is checked before it takes its place.
        """
    )

    @Argument(help: ArgumentHelp("The backup file to restore.", valueName: "FILE"))
    var file: String

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        do {
            let report = try IntakeStore.restore(from: file, to: database.path, allowSymlink: database.db != nil)
            var lines = ["Restored \(report.path) from \(report.backup): \(report.intakes) intakes, schema \(report.schema)."]
            if let aside = report.keptAside {
                lines.append("The database as it was is kept at \(aside); remove it once the restored one is checked.")
            } else {
                lines.append("There was no database at \(report.path) before.")
            }
            print(lines.joined(separator: "\n"))
        } catch {
            FileHandle.standardError.write(Data("intake: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
