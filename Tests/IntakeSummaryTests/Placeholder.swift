import Testing

@Test func placeholder_IntakeSummaryTests() { #expect(Bool(true)) }
