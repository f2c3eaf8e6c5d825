import Bidi
import Foundation
import Testing
import IntakeModel
import IntakeStorage
import Kiosk
import TerminalUI

/// Questionnaire 2.0.0 in the kiosk: the off-label notice (a `display` item shown as a screen
/// that asks nothing) and the free-text questions `medicines` and `allergies-other`.
struct NoticeAndFreeTextTests {
    static let system = "https://intake.example/fhir/CodeSystem/intake-screening"
    static let notice = "off-label-notice"

    /// The answers saved in the open draft, by linkId.
    static func draftAnswers(_ h: Harness) throws -> [String: String] {
        let draft = try #require(try h.store.openDrafts().first)
        return try h.store.answers(draftID: draft.id)
    }

    // MARK: The off-label notice

    @Test(arguments: zip(["1", "2", "3", "12", "13", "23"], [false, true, true, true, true, true]))
    func theNoticeComesOnlyWithMicroBotoxOrUnsure(procedures: String, shown: Bool) throws {
        let h = try Harness()
        h.type(Harness.upToAllergies(procedures: procedures) + [.character("8"), .enter])   // allergies: none
        #expect(h.app.state.mainSteps.contains(Self.notice) == shown)
        #expect(!h.app.state.mainQuestions.contains(Self.notice))
        #expect(!h.app.state.reviewEntries.contains(Self.notice))
        if shown {
            #expect(h.app.state.screen == .notice(Self.notice))
            #expect(h.screen.contains("Please read"))
            #expect(h.screen.contains("so it is off-label"))
            #expect(h.screen.contains("Enter Continue"))
            #expect(h.screen.contains("Esc Back"))
            #expect(h.backend.last?.cursor == nil, "nothing to type on a notice")
        } else {
            #expect(h.screen.contains("before-and-after photographs"))
        }
        // It comes right before the consent group.
        let steps = h.app.state.mainSteps
        if shown {
            #expect(steps.firstIndex(of: Self.notice).map { steps[$0 + 1] } == "photo-consent")
            #expect(steps.firstIndex(of: Self.notice).map { steps[$0 - 1] } == "allergies")
        }
    }

    @Test func theNoticeAsksNothingStoresNothingAndEnterAndEscMove() throws {
        let h = try Harness()
        h.type(Harness.upToNotice)
        #expect(h.app.state.screen == .notice(Self.notice))
        let saved = try Self.draftAnswers(h)
        let answers = h.app.state.answers
        #expect(saved[Self.notice] == nil)
        // Keys that answer a question do nothing here.
        h.type([.character("1"), .character(" "), .down, .up, .character("y"), .backspace, .delete, .home, .end])
        #expect(h.app.state.screen == .notice(Self.notice))
        #expect(h.app.state.answers == answers)
        #expect(try Self.draftAnswers(h) == saved)
        // Progress counts it as a step.
        let steps = h.app.state.mainSteps
        let position = try #require(steps.firstIndex(of: Self.notice)) + 1
        #expect(h.app.state.progress.step == position)
        #expect(h.screen.contains("Question \(position) of \(h.app.state.progress.total)"))

        h.type([.escape])                                      // back: the allergies, answer kept
        #expect(h.app.state.screen == .question("allergies"))
        #expect(h.app.state.answers.codes("allergies") == ["none"])
        h.type([.enter])                                       // the same answer again: the notice again
        #expect(h.app.state.screen == .notice(Self.notice))
        h.type([.enter])
        #expect(h.app.state.screen == .question("photo-consent"))
        #expect(h.app.state.progress.step == position + 1)
        h.type([.escape])                                      // back from the next question: the notice
        #expect(h.app.state.screen == .notice(Self.notice))
        h.type([.pageUp])                                      // PgUp goes back too
        #expect(h.app.state.screen == .question("allergies"))
        h.type([.enter, .tab])                                 // Tab moves on, as Enter does
        #expect(h.app.state.screen == .question("photo-consent"))
        h.type([.enter])                                       // photographs: optional, left unanswered
        #expect(h.screen.contains("Please check your answers"))
        #expect(!h.screen.contains("Please read") && !h.screen.contains("off-label"))
        h.type([.escape])                                      // the review page goes back to the last question
        #expect(h.app.state.screen == .question("photo-consent"))
        h.type([.enter, .end, .enter, .character("1"), .enter])
        #expect(h.screen.contains("Thank you"))

        let stored = try #require(try h.store.recentIntakes(limit: 1, status: "submitted").first)
        let json = try #require(stored.responseJSON)
        #expect(!json.contains(Self.notice))
        #expect(!responseLinkIds(json).contains(Self.notice))
        #expect(responseAnswers(json, "photo-consent") == nil, "unanswered, not stored")
        // It reads back as a valid response.
        _ = try ResponseReader(questionnaire: Harness.questionnaire, asOf: Harness.visit).read(Data(json.utf8))
    }

    @Test func theNoticeInArabicAndAfterALanguageSwitch() throws {
        let h = try Harness()
        h.type([.function(2)] + Harness.upToNotice)
        #expect(h.app.state.language == .ar)
        #expect(h.screen.contains(Bidi.terminalLine("يرجى القراءة", base: .rightToLeft)))
        h.type([.function(2)])
        #expect(h.app.state.screen == .notice(Self.notice))
        #expect(h.screen.contains("Please read"))
        #expect(try Self.draftAnswers(h)[Self.notice] == nil)
    }

    @Test func aChangeOnTheReviewPageThatBringsInTheNoticeShowsItFirst() throws {
        let h = try Harness()
        h.type(Harness.upToAllergies(procedures: "1") + [.character("8"), .enter, .enter])   // no allergies, no photos
        #expect(h.screen.contains("Please check your answers"))
        #expect(!h.app.state.mainSteps.contains(Self.notice))
        let procedures = try #require(h.app.state.reviewEntries.firstIndex(of: "procedures"))
        h.type([.home] + Array(repeating: .down, count: procedures) + [.enter])
        #expect(h.app.state.screen == .question("procedures"))
        h.type([.character("2"), .enter])                      // add micro-Botox
        #expect(h.app.state.screen == .notice(Self.notice), "the notice it brings in, before the review page")
        h.type([.enter])
        #expect(h.app.state.screen == .review(cursor: procedures))

        // Esc on a notice reached from the review page goes back to the review page.
        h.type([.enter, .character("2"), .enter])              // untick micro-Botox: the notice goes
        #expect(h.app.state.screen == .review(cursor: procedures))
        h.type([.enter, .character("3"), .enter])              // tick "not sure": the notice comes again
        #expect(h.app.state.screen == .notice(Self.notice))
        h.type([.escape])
        #expect(h.app.state.screen == .review(cursor: procedures))
    }

    @Test func aNoticeNotYetReadIsShownBeforeTheConfirmation() throws {
        let h = try Harness()
        h.type(Harness.upToAllergies(procedures: "1") + [.character("8"), .enter, .enter])
        let procedures = try #require(h.app.state.reviewEntries.firstIndex(of: "procedures"))
        h.type([.home] + Array(repeating: .down, count: procedures) + [.enter, .character("2"), .escape])
        #expect(h.app.state.screen == .review(cursor: procedures), "Esc keeps the tick and goes back")
        #expect(h.app.state.answers.codes("procedures") == ["microneedling", "micro-botox"])
        h.type([.end, .enter])                                 // Continue: the notice first
        #expect(h.app.state.screen == .notice(Self.notice))
        h.type([.enter])                                       // back on Continue
        #expect(h.app.state.screen == .review(cursor: h.app.state.reviewEntries.count))
        h.type([.enter])
        #expect(h.app.state.screen == .question("attest"))
        h.type([.escape, .enter])                              // read once is enough
        #expect(h.app.state.screen == .question("attest"))
    }

    /// The figure in issue 14's closing note: the keys a typical patient presses from the welcome screen
    /// to the intake code on questionnaire 2.0.0. English; name, date of birth and phone typed; microneedling
    /// and micro-Botox; face; one goal; a skin type; oiliness skipped; "No" (or None/Never) to every other
    /// question; medicines left empty; no allergies; the off-label notice; "No" to photographs; End and
    /// Enter on the review page; the attestation.
    @Test func aBriskWalkToTheCode() throws {
        var keys: [Key] = [.enter]
        func text(_ s: String) { keys += s.map { .character($0) } + [.enter] }
        func pick(_ n: Int) { keys += [.character(Character(String(n))), .enter] }
        text("Layla Haddad"); text("1990-04-12"); text("0795550142")
        keys += [.character("1"), .character("2"), .enter]      // both procedures
        pick(1); pick(2); pick(3)                               // face; one goal; skin type III
        keys += [.enter]                                        // oiliness: skipped
        for n in [2, 2, 2, 2, 1, 1, 1, 2, 2, 2, 2] { pick(n) }  // conditions: No / None
        for n in [1, 2, 1, 1, 1, 2, 2, 2, 2] { pick(n) }        // treatments: None / No / Never
        for n in [1, 2, 2, 2, 1, 2, 2, 2, 2] { pick(n) }        // health: No / None
        keys += [.enter]                                        // medicines: none
        pick(8)                                                 // allergies: none
        keys += [.enter]                                        // the off-label notice
        pick(2)                                                 // photographs: no
        keys += [.end, .enter]                                  // review: Continue
        pick(1)                                                 // attest
        let h = try Harness()
        h.type(keys)
        #expect(h.screen.contains("Thank you"))
        let stored = try #require(try h.store.recentIntakes(limit: 1, status: "submitted").first)
        #expect(stored.verdicts == [.microneedling: .eligible, .microBotox: .eligible])
        #expect(keys.count == 114, "update the figure in the issue note: \(keys.count) keys")
    }

    // MARK: Free text

    @Test func otherAllergyPlusAnotherThenTheirOwnWordsAreAllStored() throws {
        let h = try Harness()
        h.type(Harness.upToAllergies())
        h.type([.character("5"), .character("7"), .enter])    // nickel and other
        #expect(h.app.state.screen == .question("allergies-other"))
        #expect(h.screen.contains("What else are you allergic to"))
        #expect(h.app.state.mainQuestions.contains("allergies-other"))
        h.type([.enter])                                       // empty: required
        #expect(h.screen.contains("Please answer this question to continue."))
        #expect(h.app.state.screen == .question("allergies-other"))
        h.type("   "); h.type([.enter])                        // spaces alone are no answer
        #expect(h.screen.contains("Please answer this question to continue."))
        h.type([.control("u")])
        h.type("Latex glovez"); h.type([.backspace]); h.type("s: itchy rash")
        #expect(h.screen.contains("Latex gloves: itchy rash"))
        h.type([.enter])
        #expect(h.app.state.screen == .notice(Self.notice))
        #expect(h.app.state.answers.string("allergies-other") == "Latex gloves: itchy rash")
        let saved = try Self.draftAnswers(h)
        #expect(saved["allergies-other"] == #"[{"valueString":"Latex gloves: itchy rash"}]"#)
        #expect(saved["allergies"]?.contains(Self.system) == true, "draft codings carry their system")

        h.type([.enter, .character("1"), .enter, .end, .enter, .character("1"), .enter])
        #expect(h.screen.contains("Thank you"))
        let stored = try #require(try h.store.recentIntakes(limit: 1, status: "submitted").first)
        let json = try #require(stored.responseJSON)
        let codings = responseCodings(json, "allergies")
        #expect(codings.map(\.code) == ["nickel", "other"])
        #expect(codings.allSatisfy { $0.system == Self.system })
        #expect(responseAnswers(json, "allergies-other")?.first?["valueString"] as? String == "Latex gloves: itchy rash")
        #expect(responseAnswers(json, "medicines") == nil, "left empty: no answer")
        let assessment = try #require(stored.assessmentJSON)
        #expect(assessment.contains("GEN-OTHER-ALLERGY") && assessment.contains("MN-NICKEL-ALLERGY"))
    }

    @Test func droppingOtherRemovesTheirWords() throws {
        let h = try Harness()
        h.type(Harness.upToAllergies())
        h.type([.character("5"), .character("7"), .enter] + "Latex".map { .character($0) } + [.enter, .enter, .enter])
        #expect(h.screen.contains("Please check your answers"))
        #expect(try Self.draftAnswers(h)["allergies-other"] != nil)
        let allergies = try #require(h.app.state.reviewEntries.firstIndex(of: "allergies"))
        h.type([.home] + Array(repeating: .down, count: allergies) + [.enter])
        h.type([.character("7")])                              // untick other: saved at once, the words go
        #expect(h.app.state.answers.string("allergies-other") == nil)
        #expect(try Self.draftAnswers(h)["allergies-other"] == nil)
        #expect(try Self.draftAnswers(h)["allergies"]?.contains("nickel") == true)
        h.type([.enter])
        #expect(h.app.state.screen == .review(cursor: allergies))
        #expect(!h.app.state.reviewEntries.contains("allergies-other"))

        // Ticking it again from the review page asks for the words before going back.
        h.type([.enter, .character("7"), .enter])
        #expect(h.app.state.screen == .question("allergies-other"))
        #expect(!h.screen.contains("Latex"), "the dropped words are not kept")
        h.type("Chlorhexidine"); h.type([.enter])
        #expect(h.app.state.screen == .review(cursor: allergies))
        // "None" clears the others and the words with them.
        h.type([.enter, .character("8"), .enter])
        #expect(h.app.state.answers.codes("allergies") == ["none"])
        #expect(h.app.state.answers.string("allergies-other") == nil)
        #expect(try Self.draftAnswers(h)["allergies-other"] == nil)
    }

    @Test func medicinesMayBeLeftEmptyAndTakeArabicText() throws {
        let h = try Harness()
        h.type(Array(Harness.upToAllergies().dropLast()))      // on the medicines question
        #expect(h.app.state.screen == .question("medicines"))
        #expect(h.screen.contains("Leave empty if none."))
        h.type([.enter])                                       // optional: empty is fine
        #expect(h.app.state.screen == .question("allergies"))
        #expect(h.app.state.answers.string("medicines") == nil)
        #expect(try Self.draftAnswers(h)["medicines"] == nil)

        h.type([.escape, .function(2)])
        #expect(h.app.state.screen == .question("medicines"))
        h.type("ميتفورمينن"); h.type([.backspace]); h.type(" وفيتامين د")
        h.type([.enter])
        #expect(h.app.state.answers.string("medicines") == "ميتفورمين وفيتامين د")
        #expect(try Self.draftAnswers(h)["medicines"] == #"[{"valueString":"ميتفورمين وفيتامين د"}]"#)

        h.type([.escape, .control("u"), .enter])               // emptied again: the answer is removed
        #expect(h.app.state.answers.string("medicines") == nil)
        #expect(try Self.draftAnswers(h)["medicines"] == nil)
    }

    @Test func longTextWrapsInTheFieldAtFortyColumns() throws {
        let h = try Harness(size: Size(rows: 12, columns: 40))
        h.type(Harness.upToAllergies() + [.character("7"), .enter])
        let words = "Penicillin: hives and a swollen face within an hour, in 2019"
        h.type(words)
        var canvas = try #require(h.backend.last)
        var cursor = try #require(canvas.cursor)
        #expect(h.screen.contains(" Penicillin: hives and a swollen face"), "the start stays in view:\n\(h.screen)")
        #expect(canvas.line(cursor.row) == " within an hour, in 2019", "wrapped at a space")
        #expect(cursor.column == canvas.line(cursor.row).count, "after the last letter")
        let lastRow = cursor.row
        h.type([.home])                                        // the start of the text is on the first row
        canvas = try #require(h.backend.last)
        cursor = try #require(canvas.cursor)
        #expect(cursor == Point(row: lastRow - 1, column: 1))
        h.type([.end, .backspace, .backspace, .backspace, .backspace]); h.type("2020")
        h.type([.enter])
        #expect(h.app.state.answers.string("allergies-other") == "Penicillin: hives and a swollen face within an hour, in 2020")
    }

    @Test func aWordThatJustFitsStaysOnItsLine() throws {
        let h = try Harness(size: Size(rows: 12, columns: 40))
        h.type(Array(Harness.upToAllergies().dropLast()))      // on the medicines question
        h.type("Metformin 500 mg twice a day; vitamin")         // 37 characters: the whole line but the cursor's cell
        var canvas = try #require(h.backend.last)
        var cursor = try #require(canvas.cursor)
        #expect(canvas.line(cursor.row) == " Metformin 500 mg twice a day; vitamin")
        #expect(cursor.column == 38)
        h.type(" ")                                            // the space hangs; typing goes on below
        canvas = try #require(h.backend.last)
        cursor = try #require(canvas.cursor)
        #expect(canvas.line(cursor.row - 1) == " Metformin 500 mg twice a day; vitamin")
        #expect(cursor.column == 1)
        h.type("D 1000 units")
        canvas = try #require(h.backend.last)
        #expect(canvas.line(cursor.row) == " D 1000 units")
        h.type([.left, .left, .left, .left, .left, .left, .left, .left, .left, .left, .left, .left, .left])
        cursor = try #require(h.backend.last?.cursor)          // back before the hanging space: end of the first row
        #expect(cursor == Point(row: canvas.cursor!.row - 1, column: 38))
    }

    @Test func threeHundredCharactersFollowTheCursorAndNoMore() throws {
        let h = try Harness(size: Size(rows: 12, columns: 40))
        h.type(Array(Harness.upToAllergies().dropLast()))      // on the medicines question (300 at most)
        let sentence = "Metformin 500 mg twice a day, vitamin D. "
        let text = String(String(repeating: sentence, count: 8).prefix(300))
        h.type(text + "MORE")
        #expect(h.app.state.screen == .question("medicines"))
        let canvas = try #require(h.backend.last)
        let cursor = try #require(canvas.cursor)
        #expect(cursor.row <= 10, "the cursor stays on the screen, above the key hints")
        #expect(!h.screen.contains("MORE"), "typing stops at 300 characters")
        h.type([.enter])
        #expect(h.app.state.answers.string("medicines") == text.trimmingCharacters(in: .whitespaces))
    }

    @Test func longArabicTextWrapsAndTheCursorFollowsItsEnd() throws {
        let h = try Harness(size: Size(rows: 12, columns: 40))
        h.type([.function(2)] + Harness.upToAllergies() + [.character("7"), .enter])
        let words = "حساسية من البنسلين: شرى وتورم في الوجه خلال ساعة سنة ٢٠١٩"
        h.type(words)
        let canvas = try #require(h.backend.last)
        let cursor = try #require(canvas.cursor)
        // The last row holds the end of the text, right-aligned. It ends in a number, which reads left to
        // right at the row's left end (٢٠١٩): the cursor sits just right of its last digit.
        let letters = ArabicTextEntryTests.letterColumns(canvas, row: cursor.row)
        #expect(letters.count > 4)
        #expect(letters.last == 38, "right-aligned")
        #expect(canvas[cursor.row, letters[0]].text == "٢" && canvas[cursor.row, letters[3]].text == "٩")
        #expect(cursor.column == letters[3] + 1)
        h.type(" م")                                          // a letter after it: the cursor goes to its left
        let after = try #require(h.backend.last)
        let moved = try #require(after.cursor)
        #expect(moved.column == ArabicTextEntryTests.letterColumns(after, row: moved.row).first! - 1)
        h.type([.backspace, .backspace])
        #expect(h.screen.contains(Bidi.terminalLine("حساسية من البنسلين:", base: .rightToLeft)), "the start is in view")
        h.type([.enter])
        // The patient's own words are stored as typed, Arabic-Indic digits included.
        #expect(h.app.state.answers.string("allergies-other") == words)
    }

    @Test func anAnswerResumedAfterARestartKeepsItsCodingsAndWords() throws {
        let first = try Harness()
        first.type(Harness.upToAllergies())
        first.type([.character("5"), .character("7"), .enter] + "Latex".map { .character($0) } + [.enter])
        let again = try Harness(dbPath: first.dbPath)
        again.app.recoverDrafts()
        again.type([])
        #expect(again.app.state.answers.codes("allergies") == ["nickel", "other"])
        #expect(again.app.state.answers.string("allergies-other") == "Latex")
    }
}

/// The off-label notice and the free-text questions in `--plain` mode, for screen readers.
struct PlainNoticeAndFreeTextTests {
    static let notice = 42      // the notice's line in PlainKioskTests.wholeIntake (just after allergies, 41)

    /// The plain kiosk on these lines, as `PlainKioskTests` runs it.
    func run(_ lines: [String]) throws -> (PlainKioskTests.Lines, IntakeStore) { try PlainKioskTests().run(lines) }

    @Test func theNoticeIsPrintedThenEnterContinuesAndNothingIsStored() throws {
        #expect(PlainKioskTests.wholeIntake[Self.notice - 1] == "8" && PlainKioskTests.wholeIntake[Self.notice] == "")
        let (io, store) = try run(PlainKioskTests.wholeIntake)
        #expect(io.output.contains("Please read:\nMicro-Botox injects diluted botulinum toxin"))
        #expect(io.output.contains("so it is off-label: the prescriber explains this and obtains consent.\nEnter: continue\n> "))
        let intake = try #require(try store.recentIntakes(limit: 1, status: "submitted").first)
        #expect(!responseLinkIds(try #require(intake.responseJSON)).contains("off-label-notice"))
        // The review lists questions only, numbered as they were asked.
        let review = try #require(io.output.components(separatedBy: "Your answers:").last)
        #expect(!review.contains("off-label") && !review.contains("Please read"))
        let photo = try #require(Harness.questionnaire.item("photo-consent")?.text(.en))
        let asked = try #require(io.output.components(separatedBy: "\n").first { $0.hasSuffix(". " + photo) })
        #expect(review.contains(asked + ":"), "the photographs question has the same number in the review")
    }

    @Test func bGoesBackFromTheNotice() throws {
        var lines = PlainKioskTests.wholeIntake
        lines.replaceSubrange(Self.notice...Self.notice, with: ["b", "", ""])   // back to allergies, keep them, notice again
        let (io, store) = try run(lines)
        #expect(io.output.components(separatedBy: "Please read:").count == 3, "shown twice")
        #expect(try store.recentIntakes(limit: 1, status: "submitted").count == 1)
    }

    @Test func noNoticeForMicroneedlingAlone() throws {
        var lines = PlainKioskTests.wholeIntake
        lines[4] = "1"                                       // microneedling only
        lines.remove(at: Self.notice)                        // no Enter for a notice
        let (io, store) = try run(lines)
        #expect(!io.output.contains("Please read"))
        #expect(try store.recentIntakes(limit: 1, status: "submitted").first?.procedures == [.microneedling])
    }

    @Test func otherAllergyAndTheirWordsInArabic() throws {
        var lines = PlainKioskTests.wholeIntake
        lines[0] = "2"                                       // العربية
        lines.replaceSubrange((Self.notice - 1)...(Self.notice - 1), with: ["5 7", "", "قفازات اللاتكس: طفح جلدي"])
        let (io, store) = try run(lines)
        #expect(io.output.contains("يرجى الإجابة عن هذا السؤال للمتابعة."), "empty words refused")
        #expect(io.output.contains("يرجى القراءة:"))
        let intake = try #require(try store.recentIntakes(limit: 1, status: "submitted").first)
        let json = try #require(intake.responseJSON)
        #expect(responseCodings(json, "allergies").map(\.code) == ["nickel", "other"])
        #expect(responseAnswers(json, "allergies-other")?.first?["valueString"] as? String == "قفازات اللاتكس: طفح جلدي")
        #expect(responseAnswers(json, "medicines") == nil, "left empty")
    }
}
