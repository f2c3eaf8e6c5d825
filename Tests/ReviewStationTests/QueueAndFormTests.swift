import Foundation
import Testing
import IntakeModel
import IntakeStorage
import ReviewStation
import TerminalUI

/// Station drifts of issue 13: badges never cover Status, MN/MB are explained, the decision form
/// follows F2, and the detail pages by its own height.
struct QueueAndFormTests {
    /// An intake both of whose procedures the rules rule out, signed: the longest badges beside "signed".
    static func signedContraindicated(_ h: Harness) throws {
        let draft = try h.store.startDraft(language: "en", kiosk: "test")
        let stored = try h.store.submit(draftID: draft.id, Submission(
            patientName: "Nadia Contra", patientDOB: "1980-01-01", procedures: [.microneedling, .microBotox],
            responseJSON: "{}", assessmentJSON: "{}",
            verdicts: [.microneedling: .contraindicated, .microBotox: .contraindicated],
            questionnaireVersion: "2.0.0", rulesetVersion: "2.0.0"))
        let user = try h.store.signIn(name: "drsara", password: Harness.password, now: Date())
        try h.store.sign(intakeID: stored.id, decisions: [ProcedureDecision(procedure: .microneedling, decision: .decline),
                                                          ProcedureDecision(procedure: .microBotox, decision: .decline)],
                         user: user, password: Harness.password, now: Date())
    }

    @Test(arguments: [80, 100, 132])
    func statusStaysInItsColumn(columns: Int) throws {
        let h = try Harness(size: Size(rows: 24, columns: columns))
        try Self.signedContraindicated(h)
        h.signIn()
        h.type([.character("3")])                                   // All
        let lines = h.screen.split(separator: "\n").map(String.init)
        let header = try #require(lines.first { $0.contains("Status") })
        let row = try #require(lines.first { $0.contains("Nadia") }, "\(h.screen)")
        let status = try #require(header.range(of: "Status")).lowerBound.utf16Offset(in: header)
        #expect(row.contains("signed"), "\(h.screen)")
        // "signed" starts where the Status heading does: nothing before it spilled over.
        #expect(row.range(of: "signed").map { displayWidth(String(row[..<$0.lowerBound])) } == status, "\(row)")
    }

    @Test(arguments: [Size(rows: 24, columns: 80), Size(rows: 12, columns: 40)])
    func theAbbreviationsAreExplained(size: Size) throws {
        let h = try Harness(size: size)
        _ = try h.submit()
        h.signIn()
        #expect(h.screen.contains("MN Microneedling") && h.screen.contains("MB Micro-Botox"), "\(h.screen)")
    }

    @Test func f2RelabelsTheDecisionForm() throws {
        let h = try Harness()
        _ = try h.submit()
        h.signIn()
        h.type([.enter])
        h.type([.character("d")])
        #expect(h.app.state.form?.items.first?.choice.options.map(\.label) == [Phrase.proceed(.en), Phrase.deferChoice(.en), Phrase.decline(.en)])
        h.type([.function(2)])
        #expect(h.app.state.form?.items.first?.choice.options.map(\.label) == [Phrase.proceed(.ar), Phrase.deferChoice(.ar), Phrase.decline(.ar)])
        #expect(!h.screen.contains(Phrase.proceed(.en)))
    }

    @Test func detailPagesByItsOwnHeight() throws {
        let h = try Harness(size: Size(rows: 24, columns: 80))
        _ = try h.submit()
        h.signIn()
        h.type([.enter])
        #expect(h.app.state.screen == .detail)
        h.type([.pageDown])
        // 18 detail lines show at 80x24 (the queue shows 16 rows): PageDown moves by what the detail shows.
        #expect(h.app.state.scroll == StationView.detailRows(for: Size(rows: 24, columns: 80)))
        #expect(StationView.detailRows(for: Size(rows: 24, columns: 80)) != StationView.queueRows(for: Size(rows: 24, columns: 80)))
    }

    /// Every hint shown on every screen names a key that changes something there.
    @Test func everyHintShownNamesAKeyThatActs() throws {
        let h = try Harness()
        _ = try h.submit()
        let view = StationView(symbols: .unicode, timeText: { _ in "09:40" }, today: { Day(iso: "2026-11-22")! })
        let size = Size(rows: 24, columns: 80)
        func check() {
            let state = h.app.state
            let before = view.render(state, size: size, now: h.clock.now)
            let keys: [Key] = [.tab, .enter, .escape, .up, .down, .pageDown, .control("q"), .function(10), .function(2),
                               .character("1"), .character("2"), .character("/"), .character("d"), .character("p")]
            for binding in state.bindings.bindings where binding.isShown {
                let acts = keys.contains { key in
                    guard binding.matches(key) else { return false }
                    var copy = state
                    return !copy.handle(key, now: h.clock.now).isEmpty || view.render(copy, size: size, now: h.clock.now) != before
                }
                #expect(acts, "\(binding) on \(state.screen)")
            }
        }
        check()                                                     // sign-in
        h.signIn(); check()                                         // queue
        h.type([.character("/")]); check(); h.type([.escape])       // search
        h.type([.enter]); check()                                   // detail
        h.type([.character("d")]); check()                          // decision
    }

    @Test func anEmptyQueueDoesNotOfferEnter() throws {
        let h = try Harness()
        h.signIn()
        #expect(!h.screen.contains("Enter Open") && !h.screen.contains("↑↓ Move") && !h.screen.contains("PgDn"))
        #expect(h.screen.contains("1-3 Filter"))
    }
}
