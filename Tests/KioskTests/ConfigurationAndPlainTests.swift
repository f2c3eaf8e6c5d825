import Foundation
import Testing
import IntakeModel
import IntakeStorage
import Kiosk

struct ConfigurationTests {
    @Test func readsEveryKey() {
        let (config, problems) = KioskConfiguration.parse("""
            # reception kiosk
            theme = high-contrast
            db = /srv/intake/intake.sqlite
            name = front-desk   # the one by the door
            idle-seconds = 90
            countdown-seconds = 20
            """, file: "intake.conf")
        #expect(problems.isEmpty)
        #expect(config.theme == "high-contrast")
        #expect(config.db == "/srv/intake/intake.sqlite")
        #expect(config.name == "front-desk")
        #expect(config.idleSeconds == 90)
        #expect(config.countdownSeconds == 20)
    }

    @Test func badLinesAreNamedAndSkipped() {
        let (config, problems) = KioskConfiguration.parse("theme = light\nidle-seconds = soon\ncolour = red\njust words\ntheme = dark\n", file: "k.conf")
        #expect(config.theme == "light")
        #expect(config.idleSeconds == nil)
        #expect(problems.map(\.description) == [
            "k.conf:2: key \"idle-seconds\": \"soon\" is not a number of seconds from 1 to 3600",
            "k.conf:3: key \"colour\": unknown key; use theme, db, name, idle-seconds or countdown-seconds",
            "k.conf:4: expected key = value",
            "k.conf:5: key \"theme\": given twice; keep one",
        ])
    }

    @Test func aMissingFileIsNoProblem() {
        let (config, problems) = KioskConfiguration.load(path: "/nonexistent/intake.conf")
        #expect(config == KioskConfiguration())
        #expect(problems.isEmpty)
    }
}

/// The line-by-line kiosk for screen readers: numbered prompts in, the same stored intake out.
struct PlainKioskTests {
    final class Lines: @unchecked Sendable {
        var input: [String]
        var output = ""
        init(_ input: [String]) { self.input = input }
        func next() -> String? { input.isEmpty ? nil : input.removeFirst() }
    }

    func run(_ lines: [String]) throws -> (Lines, IntakeStore) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("intake-plain-\(UUID().uuidString)/i.sqlite").path
        let store = try IntakeStore(path: path)
        let io = Lines(lines)
        let kiosk = PlainKiosk(questionnaire: try Questionnaire.bundled(), store: store, kioskID: "plain",
                               input: { io.next() }, output: { io.output += $0 }, today: { Day(iso: "2026-11-22")! })
        _ = kiosk.serveOnePatient()
        return (io, store)
    }

    /// Version 2, line by line: language, about you (with the treatment area), skin, conditions,
    /// treatments (Botox in October: when, and no problem after it), health (medicines left empty,
    /// no allergies), the off-label notice (Enter), photographs skipped, review, attestation.
    static let wholeIntake: [String] = [
        "1", "Rami Aziz", "1985-07-30", "", "1 2", "1", "", "3", "",
        "2", "2", "2", "2", "1", "1", "1", "2", "2", "2", "2",
        "1", "2", "2", "2026-10", "1", "1", "1", "2", "2", "2", "2",
        "1", "2", "2", "2", "1", "2", "2", "2", "2", "", "8",
        "", "",
        "", "1",
    ]

    @Test func aWholeIntakeByNumbers() throws {
        let (io, store) = try run(Self.wholeIntake)
        let intake = try #require(try store.recentIntakes(limit: 1, status: "submitted").first)
        #expect(intake.patientName == "Rami Aziz")
        #expect(intake.verdicts == [.microneedling: .review, .microBotox: .defer])
        #expect(io.output.contains("1. Your full name"))
        #expect(io.output.contains("  1) Microneedling (collagen induction)"))
        #expect(io.output.contains(intake.code))
        // No cursor addressing or colour: nothing but text and newlines.
        #expect(!io.output.unicodeScalars.contains { $0.value == 0x1B })
    }

    @Test func badInputIsExplainedAndAskedAgain() throws {
        var lines = Self.wholeIntake
        lines.insert("1880-01-01", at: 2)       // age 146
        lines.insert("9", at: 5)                // no option 9 for procedures
        let (io, store) = try run(lines)
        #expect(io.output.contains("this date gives an age of 146"))
        #expect(io.output.contains("Please type one of the numbers shown."))
        #expect(try store.recentIntakes(limit: 1, status: "submitted").count == 1)
    }

    @Test func endOfInputLeavesTheDraftSavedSoFar() throws {
        let (_, store) = try run(["2", "ريم"])
        let draft = try #require(try store.openDrafts().first)
        #expect(draft.language == "ar")
        #expect(try store.answers(draftID: draft.id)["patient-name"] == #"[{"valueString":"ريم"}]"#)
    }
}
