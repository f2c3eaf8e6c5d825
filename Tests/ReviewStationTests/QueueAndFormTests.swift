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
            patientName: "Nadia Contra", patientDOB: "1980-01-01", procedures: ["microneedling", "micro-botox"],
            responseJSON: "{}", assessmentJSON: "{}",
            verdicts: ["microneedling": "contraindicated", "micro-botox": "contraindicated"],
            questionnaireVersion: "2.0.0", rulesetVersion: "2.0.0"))
        let user = try h.store.signIn(name: "drsara", password: Harness.password, now: Date())
        try h.store.sign(intakeID: stored.id, decisions: [ProcedureDecision(procedure: "microneedling", decision: .decline),
                                                          ProcedureDecision(procedure: "micro-botox", decision: .decline)],
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
}
