import Foundation
import Testing
import IntakeModel
import IntakeStorage
import Printing
@testable import ReviewStation
import TerminalUI

/// An open session ends when its account is disabled or locked, a stopped station records the
/// sign-out, a hung lp does not freeze the station, and a search finds what the queue shows.
@Suite(.serialized)
struct SessionHardeningTests {
    @Test func aDisabledAccountsOpenSessionEndsAtItsNextAction() throws {
        let h = try Harness()
        try h.submit()
        h.signIn()
        #expect(h.screen.contains("Layla Haddad"))
        try h.store.disableUser(name: "drsara", by: "os:admin")
        h.type([.enter])                                        // open the intake
        #expect(h.app.state.user == nil)
        #expect(h.app.state.detail == nil)
        #expect(!h.screen.contains("Layla Haddad"))
        #expect(h.screen.contains("Signed out: this account is disabled or locked"))
        let actions = try h.store.auditEntries(limit: 100).map(\.action)
        #expect(!actions.contains(.intakeOpened))
        #expect(actions.contains(.signOut))
    }

    @Test func anAccountLockedMeanwhileEndsItsSessionToo() throws {
        let h = try Harness()
        try h.submit()
        h.signIn()
        for _ in 0..<SignInPolicy.attemptsBeforeLockout { _ = try? h.store.signIn(name: "drsara", password: "wrong-password") }
        h.type([.character("3")])                               // another tab: reads the queue
        #expect(h.app.state.user == nil)
        #expect(h.app.state.rows.isEmpty)
        #expect(!h.screen.contains("Layla Haddad"))
    }

    @Test(arguments: ["TERM", "HUP"])
    func aStationStoppedBySignalRecordsTheSignOut(_ signal: String) throws {
        // The app's shouldStop is what SIGTERM and SIGHUP set (NcursesBackend.terminationRequested).
        let h = try Harness()
        final class Flag: @unchecked Sendable { var stop = false }
        let flag = Flag()
        let app = StationApp(questionnaire: Harness.questionnaire, store: h.store, backend: h.backend,
                             printer: Printer(fallbackFolder: h.printouts), clock: { h.clock.now },
                             shouldStop: { flag.stop })
        app.step()
        h.backend.feed(Array("drsara").map { Key.character($0) } + [.tab] + Array(Harness.password).map { Key.character($0) } + [.enter])
        while !h.backend.pendingKeys.isEmpty { app.step() }
        #expect(app.state.user != nil)
        flag.stop = true
        app.step()
        #expect(app.finished)
        let last = try #require(try h.store.auditEntries(limit: 100).first)
        #expect(last.action == .signOut && last.user == "drsara", "SIG\(signal): \(last)")
    }

    @Test func aHungLPDoesNotFreezeTheStation() throws {
        let h = try Harness(lpEnvironment: ["FAKE_LP_HANG": "8"])
        try h.submit()
        h.waitsForPrints = false
        h.signIn()
        h.type([.enter])
        let clock = ContinuousClock()
        let took = clock.measure { h.type([.character("p")]) }
        #expect(took < .seconds(4), "the key loop waited \(took) for lp (which hangs 8 s)")
        #expect(h.screen.contains("Printing"), "\(h.screen)")
        h.type([.escape])                                       // the practitioner moves on
        #expect(h.app.state.screen == .queue)
        #expect(h.screen.contains("Printing"), "still shown while lp works")
        #expect(h.app.waitForPrints(timeout: 20))
        h.app.step()
        #expect(h.screen.contains("Print: Sent to the default printer (job fake-1)."), "\(h.screen)")
        #expect(try h.store.auditEntries(limit: 100).contains { $0.action == .print })
    }

    @Test func aSearchIsCleanedAndComposedLikeTheStoredName() throws {
        let h = try Harness()
        try h.submit(name: "Zoë Haddad")                        // stored composed (NFC), as the kiosk stores it
        h.signIn()
        h.type([.character("/")])
        h.type([.character("Z"), .character("o"), .character("e"), .character("\u{308}"), .character("\u{200B}")])
        h.type([.enter])
        #expect(h.app.state.rows.count == 1, "\(h.screen)")
    }
}
