import Testing
@testable import Printing

@Test func placeholder() { #expect(PrintRequest(text: "a", title: "b").printer == nil) }
