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

    @Test func longTextScrollsInsideTheFieldAtFortyColumns() throws {
        let h = try Harness(size: Size(rows: 12, columns: 40))
        h.type(Harness.upToAllergies() + [.character("7"), .enter])
        let words = "Penicillin: hives and a swollen face within an hour, in 2019"
        h.type(words)
        let canvas = try #require(h.backend.last)
        let cursor = try #require(canvas.cursor)
        let row = canvas.line(cursor.row)
        #expect(row.contains("in 2019"), "the end being typed is in view: \(row)")
        #expect(cursor.column < 40)
        h.type([.enter])
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
