import Testing
import IntakeModel
import Kiosk
import TerminalUI

/// The kiosk's footer is its key table (issue 13): every hint shown names a key that does something
/// there, F2 relabels it, and at 40x12 question text, help and long answers wrap before anything is cut.
struct BindingsAndLayoutTests {
    static let sizes = [Size(rows: 24, columns: 80), Size(rows: 12, columns: 40)]

    /// Every state a whole intake passes through, key by key, with the time it is at.
    static func walk(size: Size, _ visit: (Harness) throws -> Void) throws {
        let h = try Harness(size: size, pin: "2468")
        try visit(h)
        for key in Harness.wholeIntake {
            h.type([key])
            try visit(h)
        }
    }

    /// Whether one of a binding's keys changes the screen or asks for something to be done.
    static func doesSomething(_ binding: KeyBinding<KioskAction>, in state: KioskState, now: Double, size: Size) -> Bool {
        let view = KioskView(symbols: .unicode)
        let before = view.render(state, size: size, now: now)
        let candidates: [Key] = [.enter, .tab, .escape, .pageUp, .backTab, .up, .down, .home, .end, .pageDown,
                                 .character(" "), .function(2)]
        for key in candidates where binding.matches(key) {
            var copy = state
            let effects = copy.handle(key, now: now)
            if !effects.isEmpty || view.render(copy, size: size, now: now) != before { return true }
        }
        return false
    }

    @Test(arguments: sizes)
    func everyHintShownNamesAKeyThatActs(size: Size) throws {
        try Self.walk(size: size) { h in
            let state = h.app.state
            // On the thank-you screen keys count only after 3 s; the hints are judged as a patient meets them then.
            let now = h.clock.now + 5
            for binding in state.bindings.bindings where binding.isShown {
                #expect(Self.doesSomething(binding, in: state, now: now, size: size),
                        "\(binding) promised on \(state.screen) at \(size.columns)x\(size.rows):\n\(h.screen)")
            }
        }
    }

    @Test func theFirstQuestionDoesNotOfferBack() throws {
        let h = try Harness()
        h.type([.enter])
        #expect(h.screen.contains("Your full name"))
        #expect(!h.screen.contains("Esc Back"))
        h.type("Sam"); h.type([.enter])
        #expect(h.screen.contains("Esc Back"))
    }

    @Test func theIdleAndStaffPromptsShowOnlyTheirOwnKeys() throws {
        let h = try Harness(pin: "2468")
        h.type([.enter])
        h.wait(125)
        #expect(h.screen.contains("Are you still there?"))
        #expect(!h.screen.contains("Enter Next") && !h.screen.contains("F2"))
        h.type([.character("x")])
        h.type([.control("x"), .control("q")])
        #expect(h.screen.contains("Esc Back"))
        #expect(!h.screen.contains("Enter Next"), "Enter checks the PIN here, it does not answer the question")
    }

    @Test func f2RelabelsTheFooterWithEverythingElse() throws {
        let h = try Harness()
        h.type([.enter]); h.type("Sam"); h.type([.enter])
        #expect(h.screen.contains("Enter Next"))
        h.type([.function(2)])
        #expect(!h.screen.contains("Next") && !h.screen.contains("Back"))
        #expect(h.app.state.bindings.hints.hints.map(\.label) == [Phrase.kioskHintNext(.ar), Phrase.kioskHintBack(.ar), Phrase.kioskHintLanguage(.ar)])
    }

    @Test func theCheckPageSaysWhatEnterDoesOnContinue() throws {
        let h = try Harness()
        h.type(Array(Harness.wholeIntake.dropLast(4)))
        #expect(h.screen.contains("Enter Change"))
        h.type([.end])
        #expect(h.screen.contains("Enter Continue"))
    }

    /// At 40x12 no question is cut while rows stay empty: every question of a whole intake is shown whole.
    @Test func questionsAreShownWholeAt40x12() throws {
        let size = Size(rows: 12, columns: 40)
        try Self.walk(size: size) { h in
            guard case .question(let linkId) = h.app.state.screen,
                  let item = Harness.questionnaire.item(linkId) else { return }
            let lines = wrap(PatientText.clean(item.text(.en)), width: 38)
            for line in lines {
                #expect(h.screen.contains(line), "\(linkId): \(line)\n\(h.screen)")
            }
        }
    }

    @Test func helpIsKeptAt40x12WhenThereIsRoom() throws {
        let h = try Harness(size: Size(rows: 12, columns: 40))
        h.type([.enter])
        #expect(h.screen.contains("As it appears on your ID."))
        // The blood-thinner question's help: "Do not stop any medicine…" must not disappear.
        let keys = Harness.upToAllergies()
        var seen = false
        let g = try Harness(size: Size(rows: 12, columns: 40))
        for key in keys {
            g.type([key])
            if case .question("anticoagulants") = g.app.state.screen { seen = true; #expect(g.screen.contains("unless your doctor tells you to."), "\(g.screen)") }
        }
        #expect(seen)
    }

    @Test func theCheckPageShowsThatItScrollsAndWrapsLongAnswers() throws {
        for size in Self.sizes {
            let h = try Harness(size: size)
            h.type(Array(Harness.wholeIntake.dropLast(4)))
            #expect(!h.screen.contains("Continue «"), "Continue is out of sight at \(size.columns)x\(size.rows)")
            #expect(h.screen.contains("↓"), "and the page says there is more below:\n\(h.screen)")
            // The treatments answer wraps whole instead of ending in "…".
            #expect(h.screen.contains("botulinum") && h.screen.contains("toxin)"), "\(h.screen)")
            h.type([.end])
            #expect(h.screen.contains("» Continue «"))
            #expect(h.screen.contains("↑"))
        }
    }
}

