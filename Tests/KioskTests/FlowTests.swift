import Bidi
import Foundation
import GRDB
import Testing
import IntakeModel
import IntakeRules
import IntakeStorage
@testable import Kiosk
import TerminalUI

/// A whole intake driven key by key through the kiosk, checked on screen and in the database.
struct FlowTests {
    @Test func aWholeIntakeIsStoredWithItsVerdicts() throws {
        let h = try Harness()
        #expect(h.screen.contains("Welcome"))
        h.type(Harness.wholeIntake)
        #expect(h.screen.contains("Thank you"))
        let stored = try #require(try h.store.recentIntakes(limit: 5, status: "submitted").first)
        #expect(h.screen.contains(stored.code.map(String.init).joined(separator: " ")), "the code, spaced out large")
        #expect(stored.patientName == "Layla Haddad")
        #expect(stored.patientDOB == "1990-04-12")
        #expect(stored.verdicts == [.microneedling: .defer, .microBotox: .defer])
        #expect(stored.questionnaireVersion == Harness.questionnaire.version)
        #expect(stored.rulesetVersion == RuleTable.version)
        let assessment = try #require(stored.assessmentJSON)
        #expect(assessment.contains("\"until\" : \"2026-11-26\"") && assessment.contains("\"until\" : \"2027-02-10\""))
        // The stored response reads back as a valid FHIR QuestionnaireResponse with the same verdicts.
        let response = try ResponseReader(questionnaire: Harness.questionnaire, asOf: Harness.visit)
            .read(Data(try #require(stored.responseJSON).utf8))
        let again = Assessor(questionnaire: Harness.questionnaire).assess(response.answers, asOf: Harness.visit)
        #expect(again.procedures.map(\.until) == [Day(iso: "2026-11-26"), Day(iso: "2027-02-10")])
        #expect(response.answers.bool("attest") == true)
    }

    @Test func afterSubmitNothingOfThePatientRemains() throws {
        let h = try Harness()
        h.type(Harness.wholeIntake)
        h.clock.now += 21
        h.type([.enter])
        #expect(h.screen.contains("Welcome"))
        #expect(h.app.state.answers.values.isEmpty)
        #expect(!h.screen.contains("Layla"))
    }

    /// Issue 8, finding 4: a stray Enter (or several) must not hide the intake code.
    @Test func theCodeStaysThroughRepeatedEnter() throws {
        let h = try Harness()
        h.type(Harness.wholeIntake)
        guard case .thanks(let code, _) = h.app.state.screen else { Issue.record("no thank-you screen"); return }
        h.type([.enter, .enter, .enter, .character("1"), .escape])   // at once: all ignored
        #expect(h.screen.contains(code.map(String.init).joined(separator: " ")), "the code, large")
        h.clock.now += 10
        h.type([.enter, .enter])                                      // 10 s on: a patient still cannot clear it
        #expect(h.screen.contains("Thank you"))
        h.clock.now += 11
        h.type([.enter])                                              // after 20 s Enter starts the next intake
        #expect(h.screen.contains("Welcome"))
    }

    @Test func staffDismissTheThankYouScreen() throws {
        let h = try Harness()
        h.type(Harness.wholeIntake)
        h.type([.control("x"), .control("n")])                       // within 3 s: ignored too
        #expect(h.screen.contains("Thank you"))
        h.clock.now += 4
        h.type([.control("x"), .control("n")])
        #expect(h.screen.contains("Welcome"))
    }

    @Test func theThankYouScreenClearsItself() throws {
        let h = try Harness()
        h.type(Harness.wholeIntake)
        h.wait(31)
        #expect(h.screen.contains("Welcome"))
    }

    @Test func eachAnswerIsSavedTheMomentItIsGiven() throws {
        let h = try Harness()
        h.type([.enter])
        h.type("Sam"); h.type([.enter])
        let draft = try #require(try h.store.openDrafts().first)
        #expect(try h.store.answers(draftID: draft.id) == ["patient-name": #"[{"valueString":"Sam"}]"#])
        h.type("1990-04-12"); h.type([.enter, .enter, .character("1")])
        // A tick in a multiple choice is saved before Enter, as a FHIR coding with its system.
        #expect(try h.store.answers(draftID: draft.id)["procedures"]
                == #"[{"valueCoding":{"code":"microneedling","display":"Microneedling (collagen induction)","system":"https://intake.example/fhir/CodeSystem/intake-screening"}}]"#)
    }

    @Test func aFailedWriteIsRetriedWithTheNextAnswer() throws {
        let h = try Harness()
        h.type([.enter]); h.type("Sam"); h.type([.enter])
        // Another connection makes every answer write fail for a moment, as a full disk would.
        let saboteur = try DatabaseQueue(path: h.dbPath)
        try saboteur.write { try $0.execute(sql: "CREATE TRIGGER fail BEFORE INSERT ON answer BEGIN SELECT RAISE(ABORT, 'disk trouble'); END") }
        h.type("1990-04-12"); h.type([.enter])
        #expect(h.screen.contains("could not be saved"))
        let draft = try #require(try h.store.openDrafts().first)
        #expect(try h.store.answers(draftID: draft.id)["patient-dob"] == nil)
        try saboteur.write { try $0.execute(sql: "DROP TRIGGER fail") }
        h.type([.enter])                                   // the next answer (phone, left empty)
        #expect(try h.store.answers(draftID: draft.id)["patient-dob"] == #"[{"valueDate":"1990-04-12"}]"#)
        #expect(!h.screen.contains("could not be saved"))
    }

    @Test func requiredQuestionsCannotBeSkipped() throws {
        let h = try Harness()
        h.type([.enter, .enter])
        #expect(h.screen.contains("Please answer this question to continue."))
        #expect(h.screen.contains("Your full name"))
        h.type("Sam"); h.type([.enter, .enter])
        #expect(h.screen.contains("Your date of birth"))
        #expect(h.screen.contains("Please answer this question"))
    }

    @Test func badDatesGetAClearMessage() throws {
        let h = try Harness()
        h.type([.enter]); h.type("Sam"); h.type([.enter])
        h.type("1990-02-30"); h.type([.enter])
        #expect(h.screen.contains("That is not a date we can read"))
        h.type([.control("u")]); h.type("2027-01-01"); h.type([.enter])
        #expect(h.screen.contains("That date is in the future"))
        h.type([.control("u")]); h.type("1990-04"); h.type([.enter])
        #expect(h.screen.contains("Please give the full date"))
        h.type([.control("u")]); h.type("1880-01-01"); h.type([.enter])
        #expect(h.screen.contains("this date gives an age of 146"))
        h.type([.control("u")]); h.type("١٩٩٠-٠٤-١٢"); h.type([.enter])
        #expect(h.screen.contains("Your phone number"))
        #expect(h.app.state.answers.date("patient-dob") == PartialDate("1990-04-12"))
    }

    @Test func anUntouchedListNeedsADeliberateChoice() throws {
        let h = try Harness()
        h.type([.enter]); h.type("Sam"); h.type([.enter]); h.type("1990-04-12"); h.type([.enter, .enter])
        h.type([.character("1"), .enter])             // procedures
        h.type([.character("1"), .enter, .enter])     // area: face; skip goals
        h.type([.enter])                              // skin type: first Enter only explains
        #expect(h.screen.contains("Please answer this question"))
        #expect(h.app.state.answers["skin-type"].isEmpty)
        h.type([.enter, .enter, .enter])              // Enter never picks, however often (issue 8)
        #expect(h.app.state.answers["skin-type"].isEmpty)
        #expect(h.screen.contains("Please answer this question"))
        h.type([.down, .up, .enter])                  // arrows move the radio mark; Enter confirms it
        #expect(h.app.state.answers.codes("skin-type") == ["I"])
    }

    /// A stray Home or End (an odd terminal's key) marks nothing, and Esc stores no unconfirmed mark.
    @Test func strayJumpsAndEscStoreNothing() throws {
        let h = try Harness()
        h.type([.enter]); h.type("Sam"); h.type([.enter]); h.type("1990-04-12"); h.type([.enter, .enter])
        h.type([.character("1"), .enter])             // procedures
        h.type([.character("1"), .enter, .enter])     // area: face; skip goals
        h.type([.home, .end, .pageDown])              // skin type, unanswered: no mark
        guard case .choice(let list)? = h.app.state.editor?.control else { Issue.record("no list"); return }
        #expect(list.selectedIndices.isEmpty)
        h.type([.down, .escape])                      // a mark, but not confirmed: going back stores nothing
        #expect(h.app.state.answers["skin-type"].isEmpty)
        #expect(try h.store.answers(draftID: try #require(try h.store.openDrafts().first).id)["skin-type"] == nil)
        h.type([.enter, .down, .enter])               // back on skin type: a step and Enter store it
        #expect(h.app.state.answers.codes("skin-type") == ["II"])
    }

    /// Issue 8, finding 1: a single choice is a radio group, so a corrected answer is the one stored.
    @Test func arrowsThenEnterCorrectASavedSingleChoice() throws {
        let h = try Harness()
        h.type([.enter]); h.type("Sam"); h.type([.enter]); h.type("1990-04-12"); h.type([.enter, .enter])
        h.type([.character("1"), .enter])             // procedures
        h.type([.character("1"), .enter, .enter])     // area: face; skip goals
        h.type([.character("2"), .enter])             // skin type II
        #expect(h.app.state.answers.codes("skin-type") == ["II"])
        h.type([.escape])                             // back to skin type
        h.type([.up, .enter])                         // the mark moves to I; Enter stores I
        #expect(h.app.state.answers.codes("skin-type") == ["I"])
        h.type([.escape, .escape])                    // back again, then further back: the mark is kept as stored
        #expect(h.app.state.answers.codes("skin-type") == ["I"])
    }

    @Test func goingBackAndChangingAnAnswerDropsAnswersItDisables() throws {
        let h = try Harness()
        h.type(Array(Harness.wholeIntake.dropLast(4)))     // up to the review page
        #expect(h.screen.contains("Please check your answers"))
        let draft = try #require(try h.store.openDrafts().first)
        #expect(try h.store.answers(draftID: draft.id)["botox-date"] != nil)
        let index = try #require(h.app.state.reviewEntries.firstIndex(of: "botox-history"))
        h.type([.home] + Array(repeating: .down, count: index) + [.enter])
        #expect(h.screen.contains("Have you ever had Botox"))
        h.type([.character("1"), .enter])                 // never
        #expect(h.screen.contains("Please check your answers"), "back on the review page")
        #expect(!h.app.state.reviewEntries.contains("botox-date"))
        #expect(try h.store.answers(draftID: draft.id)["botox-date"] == nil)
        h.type([.end, .enter, .character("1"), .enter])
        let stored = try #require(try h.store.recentIntakes(limit: 1, status: "submitted").first)
        #expect(stored.verdicts == [.microneedling: .eligible, .microBotox: .eligible])
    }

    @Test func backFromAQuestionKeepsItsAnswer() throws {
        let h = try Harness()
        h.type([.enter]); h.type("Sam"); h.type([.enter])
        h.type([.escape])
        #expect(h.screen.contains("Your full name"))
        #expect(h.screen.contains("Sam"))
    }

    @Test func enableWhenIsLive() throws {
        let h = try Harness()
        let before = h.app.state.mainQuestions
        #expect(!before.contains("chemotherapy-end-date"))
        var keys: [Key] = [.enter]
        keys += "Sam".map { .character($0) } + [.enter]
        keys += "1990-04-12".map { .character($0) } + [.enter, .enter, .character("1"), .enter]
        keys += [.character("1"), .enter, .enter]           // area: face; skip goals
        keys += [.character("2"), .enter, .enter, .enter]   // skin type II, skip oiliness (untouched, optional)
        for _ in 0..<4 { keys += [.character("2"), .enter] }
        for _ in 0..<3 { keys += [.character("1"), .enter] }
        for _ in 0..<4 { keys += [.character("2"), .enter] }
        keys += [.character("3"), .enter]                   // chemotherapy: past
        h.type(keys)
        #expect(h.screen.contains("When did it end?"))
        #expect(h.app.state.mainQuestions.contains("chemotherapy-end-date"))
    }

    @Test func switchingLanguageKeepsAnswers() throws {
        let h = try Harness()
        h.type([.enter]); h.type("Sam"); h.type([.enter])
        h.type([.function(2)])
        #expect(h.app.state.language == .ar)
        // Shaped and in visual order, as a terminal without BiDi must receive it.
        #expect(h.screen.contains(Bidi.terminalLine("تاريخ ميلادك", base: .rightToLeft)))
        #expect(!h.screen.contains("تاريخ ميلادك"), "not in logical order")
        h.type([.escape])
        #expect(h.screen.contains("Sam"))
        #expect(h.app.state.answers.string("patient-name") == "Sam")
    }
}

/// The kiosk cannot be left by a patient, closes abandoned drafts, and survives resizes.
struct KioskSafetyTests {
    @Test func ctrlCZBackslashAndEscNeverLeave() throws {
        let h = try Harness()
        h.type([.control("c"), .control("z"), .control("\\"), .escape, .control("d")])
        #expect(!h.app.finished)
        #expect(h.screen.contains("ask a member of staff if you need help"))
    }

    @Test func staffLeaveWithTheChordAndThePIN() throws {
        let h = try Harness(pin: "2468")
        h.type([.control("x"), .control("q")])
        #expect(h.screen.contains("Staff only"))
        h.type("1111"); h.type([.enter])
        #expect(!h.app.finished)
        #expect(h.screen.contains("That PIN was not accepted. Try again in 1 s."))
        Thread.sleep(forTimeInterval: 1.05)  // the lock's wait is wall-clock time, kept in the database
        h.type("2468")
        #expect(h.screen.contains("****"))
        #expect(!h.screen.contains("2468"))
        h.type([.enter])
        #expect(h.app.finished)
    }

    @Test func escCancelsTheStaffPrompt() throws {
        let h = try Harness(pin: "2468")
        h.type([.control("x"), .control("q"), .escape])
        #expect(!h.screen.contains("Staff only"))
        #expect(!h.app.finished)
    }

    @Test func idleAsksThenAbandonsTheDraft() throws {
        let h = try Harness()
        h.type([.enter]); h.type("Sam"); h.type([.enter])
        h.wait(119)
        #expect(!h.screen.contains("Are you still there?"))
        h.wait(2)
        #expect(h.screen.contains("Are you still there?"))
        #expect(h.screen.contains("30 seconds"))
        h.wait(10)
        #expect(h.screen.contains("20 seconds"))
        h.wait(21)
        #expect(h.screen.contains("Welcome"))
        #expect(h.app.state.answers.values.isEmpty)
        #expect(try h.store.openDrafts().isEmpty)
        let abandoned = try #require(try h.store.recentIntakes(limit: 1, status: "abandoned").first)
        #expect(abandoned.abandonReason == "idle")
    }

    @Test func aKeyDuringTheCountdownKeepsTheIntake() throws {
        let h = try Harness()
        h.type([.enter]); h.type("Sam"); h.type([.enter])
        h.wait(125)
        #expect(h.screen.contains("Are you still there?"))
        h.type([.character("x")])
        #expect(!h.screen.contains("Are you still there?"))
        #expect(h.screen.contains("Your date of birth"))
        h.wait(40)
        #expect(try h.store.openDrafts().count == 1)
    }

    @Test func theWelcomeScreenDoesNotTimeOut() throws {
        let h = try Harness()
        h.wait(1000)
        #expect(h.screen.contains("Welcome"))
        #expect(!h.screen.contains("Are you still there?"))
    }

    @Test func resizeBelowTheMinimumAsksForMoreRoomAndRecovers() throws {
        let h = try Harness()
        h.type([.enter]); h.type("Sam")
        h.backend.resize(to: Size(rows: 10, columns: 30))
        h.type([])
        #expect(h.screen.contains("Please make this window"))
        h.backend.resize(to: Size(rows: 12, columns: 40))
        h.type([])
        #expect(h.screen.contains("Your full name"))
        #expect(h.screen.contains("Sam"))
    }

    @Test func typingACharacterRedrawsOnlyAFewCells() throws {
        let h = try Harness()
        h.type([.enter]); h.type("Sa")
        h.type("m")
        let changed = try #require(h.backend.changedCellsPerPresent.last)
        #expect(changed <= 2)
    }

    @Test func aDraftCutOffMomentsAgoIsResumedAndAnOldOneAbandoned() throws {
        let first = try Harness()
        first.type([.enter]); first.type("Sam"); first.type([.enter])
        let again = try Harness(dbPath: first.dbPath)
        again.app.recoverDrafts()
        again.type([])
        #expect(again.screen.contains("Your date of birth"))
        #expect(again.app.state.answers.string("patient-name") == "Sam")

        let later = try Harness(dbPath: first.dbPath)
        later.app.recoverDrafts(now: Date().addingTimeInterval(3600))
        later.type([])
        #expect(later.screen.contains("Welcome"))
        #expect(try later.store.openDrafts().isEmpty)
    }
}

/// Typing Arabic: the cursor follows the text as an Arabic reader sees it.
struct ArabicTextEntryTests {
    /// Columns of the field row holding letters (not spaces), leftmost first.
    static func letterColumns(_ canvas: Canvas, row: Int) -> [Int] {
        (0..<canvas.size.columns).filter { canvas[row, $0].text != " " && !canvas[row, $0].text.isEmpty }
    }

    @Test func theCursorSitsAtTheLeftEndAndArrowsMoveAsAnArabicReaderExpects() throws {
        let h = try Harness()
        h.type([.function(2), .enter])
        h.type("ليلى")
        let canvas = try #require(h.backend.last)
        let cursor = try #require(canvas.cursor)
        let letters = Self.letterColumns(canvas, row: cursor.row)
        #expect(letters.count == 4)
        #expect(cursor.column == letters.first! - 1, "after the last letter typed, on its left")
        h.type([.right])                                   // back one letter: onto the leftmost (last typed)
        #expect(h.backend.last?.cursor?.column == letters.first!)
        h.type([.home])                                    // the start of the text is its rightmost letter
        #expect(h.backend.last?.cursor?.column == letters.last!)
        h.type([.left])                                    // on through the text: one letter to the left
        #expect(h.backend.last?.cursor?.column == letters.last! - 1)
        h.type([.end, .backspace])
        #expect(h.app.state.answers.string("patient-name") == nil)
        h.type([.enter])
        #expect(h.app.state.answers.string("patient-name") == "ليل")
    }
}
