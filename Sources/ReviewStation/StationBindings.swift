import IntakeModel
import TerminalUI

/// What a key does on a station screen; ``StationState/bindings`` maps keys to these.
public enum StationAction: Equatable, Sendable {
    case switchLanguage, quitOrSignOut
    /// A key for the screen's own handling (a field's typing, a list's move): passed on as it is.
    case screenKey
}

extension StationState {
    /// The keys of the screen shown now, with their footer hints in the station's language.
    ///
    /// The one table for both: ``handle(_:now:)`` takes only keys it lists, and ``StationView`` draws its
    /// shown entries as the footer, so a hint cannot promise a key that does nothing there and F2
    /// relabels the footer with the rest of the screen.
    public var bindings: KeyBindings<StationAction> {
        let lang = language
        typealias B = KeyBinding<StationAction>
        let any = B(matching: { _ in true }, .screenKey)
        let f2 = B([.function(2)], .switchLanguage, label: "F2", hint: Phrase.kioskHintLanguage(lang))
        let quit = B([.control("q"), .function(10)], .quitOrSignOut)
        var table: [B]
        switch screen {
        case .signIn:
            table = [B([.tab, .backTab, .down, .up], .screenKey, label: "Tab", hint: Phrase.stationHintNextField(lang)),
                     B([.enter], .screenKey, label: "Enter", hint: Phrase.stationHintSignIn(lang)),
                     B([.control("q"), .function(10)], .quitOrSignOut, label: "^Q", hint: Phrase.stationHintQuit(lang)),
                     f2, any]
        case .queue where searchFocused:
            table = [B([.enter], .screenKey, label: "Enter", hint: Phrase.stationHintSearch(lang)),
                     B([.escape, .tab], .screenKey, label: "Esc", hint: Phrase.stationHintBack(lang)),
                     f2, quit, any]
        case .queue:
            // Enter opens the chosen intake: no hint for it on an empty queue.
            let open = rows.isEmpty ? B([.enter], .screenKey) : B([.enter], .screenKey, label: "Enter", hint: Phrase.stationHintOpen(lang))
            // Moves and paging only where there is somewhere to go.
            let canMove = rows.count > 1 || hasMore || !pageStack.isEmpty
            let move = canMove ? B([.up, .down], .screenKey, label: "↑↓", hint: Phrase.stationHintMove(lang)) : B([.up, .down], .screenKey)
            let page = hasMore || selected + 1 < rows.count ? B([.pageDown], .screenKey, label: "PgDn", hint: Phrase.stationHintPage(lang))
                                                           : B([.pageDown], .screenKey)
            table = [move,
                     open,
                     B(matching: { if case .character(let c) = $0 { ("1"..."3").contains(c) } else { false } }, .screenKey,
                       label: "1-3", hint: Phrase.stationHintFilter(lang)),
                     B([.character("/")], .screenKey, label: "/", hint: Phrase.stationHintSearch(lang)),
                     page,
                     B([.control("q"), .function(10)], .quitOrSignOut, label: "F10", hint: Phrase.stationHintSignOut(lang)),
                     f2,
                     B([.pageUp, .left, .right, .escape], .screenKey)]
        case .detail:
            // "d" only where there is something to decide (an intake that could not be read has nothing).
            let decide = (detail.map { $0.problem == nil || !$0.procedures.isEmpty } ?? false)
                ? B([.character("d"), .character("D")], .screenKey, label: "d", hint: Phrase.stationHintDecide(lang))
                : B([.character("d"), .character("D")], .screenKey)
            table = [B([.up, .down], .screenKey, label: "↑↓", hint: Phrase.stationHintScroll(lang)),
                     decide,
                     B([.character("p"), .character("P")], .screenKey, label: "p", hint: Phrase.stationHintPrint(lang))]
            // "a" re-assesses, and is offered, only where today's rules would decide otherwise.
            if detail?.rulesUpdatedSince == true {
                table.append(B([.character("a"), .character("A")], .screenKey, label: "a", hint: Phrase.stationHintReassess(lang)))
            }
            table += [B([.escape], .screenKey, label: "Esc", hint: Phrase.stationHintBack(lang)),
                      f2, quit,
                      B([.pageUp, .pageDown, .home], .screenKey)]
        case .decision:
            table = [B([.tab], .screenKey, label: "Tab", hint: Phrase.stationHintNextField(lang)),
                     B([.up, .down], .screenKey, label: "↑↓", hint: Phrase.stationHintMove(lang)),
                     B([.enter], .screenKey, label: "Enter", hint: Phrase.stationHintSign(lang)),
                     B([.escape], .screenKey, label: "Esc", hint: Phrase.stationHintBack(lang)),
                     f2, quit, any]
        }
        return KeyBindings(table)
    }
}
