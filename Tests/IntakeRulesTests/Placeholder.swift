import Testing

@Test func placeholder_IntakeRulesTests() { #expect(Bool(true)) }
