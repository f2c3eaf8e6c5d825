import Foundation
import Testing
import IntakeModel
import IntakeStorage
import ReviewStation
import TerminalUI

/// The pure state on its own: which effects keys ask for, with no store or terminal.
struct StateTests {

    @Test func theQueueFetchesOnePageAndPagesWithCursors() throws {
        let h = try Harness()
        try h.store.seedForBenchmark(count: 4)
        let rows = try h.store.queue(limit: 4)
        let user = try #require(try h.store.users().first)
        var state = StationState(now: 0)
        state.pageSize = 3
        let first = state.signedIn(user, now: 0)
        #expect(first == [.loadQueue(tab: .today, search: nil, after: nil, limit: 4)])
        state.queueLoaded(rows)
        #expect(state.rows.count == 3 && state.hasMore)
        let next = state.handle(.pageDown, now: 1)
        #expect(next == [.loadQueue(tab: .today, search: nil, after: rows[2].cursor, limit: 4)])
        state.queueLoaded([rows[3]])
        #expect(!state.hasMore)
        #expect(state.handle(.pageDown, now: 2) == [])
        #expect(state.handle(.pageUp, now: 3) == [.loadQueue(tab: .today, search: nil, after: nil, limit: 4)])
        #expect(state.handle(.character("2"), now: 4) == [.loadQueue(tab: .unsigned, search: nil, after: nil, limit: 4)])
    }

    @Test func idleSignsOutOnlyWhenSignedIn() throws {
        let h = try Harness()
        let user = try #require(try h.store.users().first)
        var state = StationState(idle: 60, now: 0)
        #expect(state.tick(now: 1000) == [])
        _ = state.signedIn(user, now: 1000)
        #expect(state.tick(now: 1059) == [])
        #expect(state.tick(now: 1060) == [.signOut(user: "drsara", reason: "idle")])
        #expect(state.user == nil && state.screen == .signIn)
    }
}
