import IntakeModel
import TerminalUI

/// What a key does on a kiosk screen; the screen's ``KioskState/bindings`` map keys to these.
public enum KioskAction: Equatable, Sendable {
    /// Ctrl-C, Ctrl-Z, Ctrl-\ and Ctrl-D: keys that end programs, which the kiosk refuses with a word.
    case refuseExit
    /// F2: English ↔ Arabic, on every screen.
    case switchLanguage
    /// Enter on the welcome screen: start an intake in the chosen language.
    case begin
    /// A key for the focused widget (a list's arrows and Space, a field's typing).
    case edit
    /// A number key on a choice: pick that option.
    case pickNumber
    /// Enter or Tab: confirm this screen and go on.
    case next
    /// Esc, PgUp or Shift-Tab: the screen before.
    case back
    /// A key this screen takes and drops (a paste on a choice: never a pick).
    case ignore
    /// A move on the check page (arrows, Home, End, PgUp, PgDn).
    case reviewMove
    /// Enter on the check page: change the chosen answer, or Continue.
    case reviewOpen
    /// Esc or Shift-Tab on the check page: the last question.
    case reviewBack
    /// Enter on the thank-you screen, which clears it once the code has been up long enough.
    case clearThanks
    /// Any key while "Are you still there?" is up.
    case dismissIdle
    /// Enter at the staff PIN prompt.
    case checkPIN
    /// Esc at the staff PIN prompt.
    case closeStaffPrompt
    /// A key typed into the staff PIN field.
    case typePIN
}

extension KioskState {
    /// Whether Esc on the question or notice shown leads anywhere (the first one has nothing before it).
    var canGoBack: Bool {
        switch screen {
        case .question(let linkId), .notice(let linkId):
            if returnToReview || closingQuestions.contains(linkId) { return true }
            return (mainSteps.firstIndex(of: linkId) ?? 0) > 0
        default: return false
        }
    }

    /// The keys of the screen shown now, with their footer hints in the patient's language.
    ///
    /// The one table for both: ``handle(_:now:)`` dispatches through it and ``KioskView`` draws
    /// its shown entries as the footer, so a hint cannot promise a key that does nothing, and a
    /// language switch relabels the footer with everything else.
    public var bindings: KeyBindings<KioskAction> {
        let lang = language
        typealias B = KeyBinding<KioskAction>
        let anyKey = B(matching: { _ in true }, .edit)
        switch overlay {
        case .idle?:
            // Any key means "I am here"; the dialog's button says so, and no other key means more.
            return KeyBindings([B(matching: { _ in true }, .dismissIdle)])
        case .staff?:
            return KeyBindings([
                B([.enter], .checkPIN, label: "Enter", hint: Phrase.kioskHintContinue(lang)),
                B([.escape], .closeStaffPrompt, label: "Esc", hint: Phrase.kioskHintBack(lang)),
                B(matching: { _ in true }, .typePIN),
            ])
        case nil: break
        }
        let refuse = B([.control("c"), .control("z"), .control("\\"), .control("d")], .refuseExit)
        let language = B([.function(2)], .switchLanguage, label: "F2", hint: Phrase.kioskHintLanguage(lang))
        // On the first question there is nothing to go back to: Esc does nothing there, and says nothing.
        let back = canGoBack ? B([.escape, .pageUp, .backTab], .back, label: "Esc", hint: Phrase.kioskHintBack(lang))
                             : B([.escape, .pageUp, .backTab], .back)
        var screenBindings: [B]
        var fallback: [B] = []
        switch screen {
        case .welcome:
            screenBindings = [B([.up, .down], .edit, label: "↑↓", hint: Phrase.kioskHintChoose(lang)),
                              B([.enter], .begin, label: "Enter", hint: Phrase.kioskHintBegin(lang))]
            fallback = [anyKey]
        case .question:
            let next = B([.enter, .tab], .next, label: "Enter", hint: Phrase.kioskHintNext(lang))
            switch editor?.control {
            case .choice(let list)?:
                screenBindings = [next, B([.up, .down], .edit, label: "↑↓", hint: Phrase.kioskHintChoose(lang))]
                // Space marks a radio option too, but only a tick list is worth a hint.
                screenBindings.append(list.mode == .multiple ? B([.character(" ")], .edit, label: "Space", hint: Phrase.kioskHintTick(lang))
                                                             : B([.character(" ")], .edit))
                screenBindings.append(back)
                fallback = [B(matching: { if case .paste = $0 { true } else { false } }, .ignore),
                            B(matching: { if case .character(let c) = $0 { c.isNumber } else { false } }, .pickNumber),
                            anyKey]
            case .text?:
                screenBindings = [next, back]
                fallback = [anyKey]
            case nil:
                screenBindings = []
            }
        case .notice:
            screenBindings = [B([.enter, .tab], .next, label: "Enter", hint: Phrase.kioskHintContinue(lang)), back]
        case .review(let cursor):
            // Enter says what it will do on the entry chosen: change that answer, or go on.
            let onContinue = cursor >= reviewEntries.count
            screenBindings = [B([.up, .down], .reviewMove, label: "↑↓", hint: Phrase.kioskHintChoose(lang)),
                              B([.enter], .reviewOpen, label: "Enter", hint: onContinue ? Phrase.kioskHintContinue(lang) : Phrase.kioskHintEdit(lang)),
                              B([.home, .end, .pageUp, .pageDown], .reviewMove),
                              B([.escape, .backTab], .reviewBack)]
        case .thanks:
            // No hint for Enter: a patient's Enter does nothing for the first 20 s, and the hint must not promise it.
            screenBindings = [B([.enter], .clearThanks)]
        }
        return KeyBindings([refuse] + screenBindings + [language] + fallback)
    }
}
