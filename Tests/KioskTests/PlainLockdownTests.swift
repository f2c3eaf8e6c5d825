import Foundation
import Testing
import IntakeModel
import IntakeStorage
import Kiosk

/// The line-by-line kiosk locked like the full-screen one (issue 8, finding 5), in-process: Ctrl-D,
/// the staff command and PIN, idling, the screen cleared between patients, contradictions asked again.
struct PlainLockdownTests {
    /// What the patient (or staff) does next, read by the kiosk one at a time.
    enum Step {
        case line(String)
        /// Ctrl-D at a terminal.
        case end
        /// Nothing for the whole wait.
        case timeout
        /// Real time passing before the next step (the PIN throttle is on the wall clock).
        case pause(Double)
    }

    /// A scripted keyboard and screen. Once the script runs out, every read times out, so the
    /// kiosk idles and abandons the patient: a test can never hang.
    final class Script: @unchecked Sendable {
        var steps: [Step]
        var output = ""
        /// A clock the kiosk reads: one second passes with each read.
        var now = 0.0
        var reads = 0
        init(_ steps: [Step]) { self.steps = steps }

        func read(_ timeout: Double?) -> PlainInput {
            reads += 1
            now += 1
            while let step = steps.first {
                steps.removeFirst()
                switch step {
                case .line(let text): return .line(text)
                case .end: return .end
                case .timeout: return .timeout
                case .pause(let seconds): usleep(UInt32(seconds * 1_000_000))
                }
            }
            return .timeout
        }
    }

    static let clear = "\u{1B}[H\u{1B}[2J\u{1B}[3J"

    func store(pin: String? = nil) throws -> IntakeStore {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("intake-plain-lock-\(UUID().uuidString)/i.sqlite").path
        let store = try IntakeStore(path: path, pinHasher: SecretHasher(rounds: 16, blockSize: 1, parallelism: 1))
        if let pin { try store.setStaffPIN(pin) }
        return store
    }

    func kiosk(_ script: Script, store: IntakeStore, inputIsTerminal: Bool = true, outputIsTerminal: Bool = false) throws -> PlainKiosk {
        PlainKiosk(questionnaire: try Questionnaire.bundled(), store: store, kioskID: "plain",
                   timings: KioskTimings(idle: 120, countdown: 30), inputIsTerminal: inputIsTerminal,
                   outputIsTerminal: outputIsTerminal,
                   read: { script.read($0) }, output: { script.output += $0 },
                   today: { Day(iso: "2026-11-22")! }, clock: { script.now })
    }

    static var wholeIntake: [Step] { PlainKioskTests.wholeIntake.map(Step.line) }

    @Test func ctrlDAtATerminalIsIgnoredAndTheIntakeGoesOn() throws {
        let store = try store(pin: "2468")
        var steps = Self.wholeIntake
        steps.insert(.end, at: 0)                      // on the language question
        steps.insert(.end, at: 3)                      // on the date of birth
        steps.insert(.end, at: steps.count - 1)        // on the attestation
        let script = Script(steps)
        let outcome = try kiosk(script, store: store).serve()
        guard case .submitted(let code) = outcome else { Issue.record("\(outcome)\n\(script.output)"); return }
        #expect(script.output.components(separatedBy: Phrase.kioskNoExit(.en)).count - 1 == 3)
        let intake = try #require(try store.intake(code: code))
        #expect(intake.patientName == "Rami Aziz")
        #expect(intake.patientDOB == "1985-07-30")
        #expect(intake.verdicts == [.microneedling: .review, .microBotox: .defer])
    }

    @Test func endOfPipedInputStopsServingButKeepsTheDraft() throws {
        let store = try store(pin: "2468")
        let script = Script([.line("1"), .line("Piped Patient"), .end])
        #expect(try kiosk(script, store: store, inputIsTerminal: false).serve() == .inputEnded)
        let draft = try #require(try store.openDrafts().first)
        #expect(try store.answers(draftID: draft.id)["patient-name"] == #"[{"valueString":"Piped Patient"}]"#)
    }

    @Test func staffLeaveOnlyWithTheRightPIN() throws {
        let store = try store(pin: "2468")
        let script = Script([
            .line("1"), .line("Sami Odeh"),
            .line(":staff"), .line("0000"),           // wrong: the intake goes on
            .line("1979-02-14"),                       // the date of birth, asked again
            .line(":staff"), .line("2468"),           // right, but within the 1 s wait: refused unchecked
            .pause(1.2),
            .line(":staff"), .line("2468"),
            .line("this line is never read"),
        ])
        let outcome = try kiosk(script, store: store).serve()
        #expect(outcome == .staffExit, "\(script.output)")
        #expect(script.output.contains("That PIN was not accepted. Try again in 1 s."))
        #expect(script.steps.count == 1, "the kiosk read on after the right PIN")
        // The date given after the wrong PIN was stored before staff closed the kiosk, then the draft was
        // closed as abandoned, its answers deleted.
        #expect(try store.openDrafts().isEmpty)
        let abandoned = try #require(try store.recentIntakes(limit: 1, status: "abandoned").first)
        #expect(abandoned.abandonReason == "kiosk closed by staff")
        #expect(try store.answers(draftID: abandoned.id).isEmpty)
        let actions = try store.auditEntries(limit: 10).map(\.actionName)
        #expect(actions.prefix(4) == ["kioskExit", "pinAccepted", "pinRefused", "pinRefused"], "\(actions)")
        #expect(try store.verifyAuditChain() == .ok(count: actions.count))
    }

    @Test func theDateAfterAWrongPINIsStored() throws {
        let store = try store(pin: "2468")
        let script = Script([.line("1"), .line("Sami Odeh"), .line(":staff"), .line("0000"), .line("1979-02-14"), .end])
        #expect(try kiosk(script, store: store, inputIsTerminal: false).serve() == .inputEnded)
        let draft = try #require(try store.openDrafts().first)
        #expect(try store.answers(draftID: draft.id)["patient-dob"] == #"[{"valueDate":"1979-02-14"}]"#)
        // The PIN typed is not written back.
        #expect(!script.output.contains("0000"))
    }

    @Test func theStaffCommandWithoutAPINDoesNotOpenIt() throws {
        let store = try store()
        let script = Script([.line(":staff"), .line(""), .line("1"), .line(":staff"), .line("1234")])
        let outcome = try kiosk(script, store: store).serve()
        #expect(outcome == .abandoned, "ran out of script and idled; never closed")
        #expect(script.output.contains("No staff PIN is set"))
    }

    @Test func idlingTwiceAbandonsTheDraftAndDeletesItsAnswers() throws {
        let store = try store(pin: "2468")
        let script = Script([.line("1"), .line("Idle Patient"), .line("1990-01-01"), .timeout, .timeout, .line("never read")])
        let outcome = try kiosk(script, store: store, outputIsTerminal: true).serve()
        #expect(outcome == .abandoned)
        #expect(script.output.contains("Are you still there?"))
        #expect(try store.openDrafts().isEmpty)
        let abandoned = try #require(try store.recentIntakes(limit: 1, status: "abandoned").first)
        #expect(abandoned.abandonReason == "idle")
        #expect(try store.answers(draftID: abandoned.id).isEmpty)
        #expect(script.output.hasSuffix(Self.clear), "the abandoned patient's answers are wiped from the screen")
        #expect(script.steps.count == 1)
    }

    @Test func idlingOnceThenALineCarriesOn() throws {
        let store = try store(pin: "2468")
        let script = Script([.line("1"), .timeout, .line(""), .line("Back Again"), .end])
        #expect(try kiosk(script, store: store, inputIsTerminal: false).serve() == .inputEnded)
        let draft = try #require(try store.openDrafts().first)
        #expect(try store.answers(draftID: draft.id)["patient-name"] == #"[{"valueString":"Back Again"}]"#)
        // After "Are you still there?" and a line, the same question is prompted for again.
        let idle = try #require(script.output.range(of: "Are you still there?"))
        #expect(script.output[idle.upperBound...].contains("> "))
    }

    @Test func theScreenIsClearedBetweenPatientsOnlyAtATerminal() throws {
        for outputIsTerminal in [true, false] {
            let store = try store(pin: "2468")
            let script = Script(Self.wholeIntake)
            let kiosk = try kiosk(script, store: store, inputIsTerminal: true, outputIsTerminal: outputIsTerminal)
            guard case .submitted(let code) = kiosk.serve() else { Issue.record("\(script.output)"); continue }
            let first = script.output
            script.steps = Self.wholeIntake
            script.output = ""
            guard case .submitted = kiosk.serve() else { Issue.record("\(script.output)"); continue }
            let second = script.output
            if outputIsTerminal {
                #expect(first.hasPrefix(Self.clear))
                #expect(first.hasSuffix(Self.clear), "the first patient's answers and code are wiped")
                #expect(first.components(separatedBy: Self.clear).count - 1 == 2)
                // Between the code and the next patient's first question, the clear.
                let afterCode = try #require(first.range(of: code)).upperBound
                #expect(first[afterCode...].contains(Self.clear))
                #expect(second.hasPrefix(Self.clear))
            } else {
                #expect(!first.contains("\u{1B}") && !second.contains("\u{1B}"), "no escape bytes into a file or pipe")
            }
        }
    }

    @Test func noneBesideAnotherAllergyIsAskedAgain() throws {
        let store = try store(pin: "2468")
        var steps = Self.wholeIntake
        // The allergies answer ("8", None) is the last "8" in the script; first "8 1", then "1 8", then "8".
        let allergies = try #require(PlainKioskTests.wholeIntake.lastIndex(of: "8"))
        steps.insert(contentsOf: [.line("8 1"), .line("1 8")], at: allergies)
        let script = Script(steps)
        guard case .submitted(let code) = try kiosk(script, store: store).serve() else { Issue.record("\(script.output)"); return }
        let message = Phrase.kioskPlainContradiction(.en, 8)
        #expect(message.contains("Option 8 means none of the others"))
        #expect(script.output.components(separatedBy: message).count - 1 == 2)
        #expect(script.output.components(separatedBy: "Are you allergic to any of these?").count - 1 >= 3)
        let json = try #require(try store.intake(code: code)?.responseJSON)
        #expect(responseCodings(json, "allergies").map(\.code) == ["none"])
    }
}

/// The full-screen kiosk's staff prompt is no way round the idle timeout.
struct StaffPromptIdleTests {
    @Test func aStaffPromptLeftOpenMidIntakeStillIdlesOut() throws {
        let h = try Harness(timings: KioskTimings(idle: 120, countdown: 30, thanks: 30), pin: "2468")
        h.type([.enter]); h.type("Secret Name"); h.type([.enter])
        h.type([.control("x"), .control("q")])
        #expect(h.screen.contains("Staff only"))
        h.wait(121)
        #expect(h.screen.contains("Are you still there?"), "\(h.screen)")
        #expect(!h.screen.contains("Staff only"))
        h.wait(31)
        #expect(h.screen.contains("Welcome"))
        #expect(!h.screen.contains("Secret Name"))
        #expect(try h.store.openDrafts().isEmpty)
        #expect(try h.store.recentIntakes(limit: 1, status: "abandoned").first?.abandonReason == "idle")
    }
}
