import Testing

@Test func placeholder_IntakeModelTests() { #expect(Bool(true)) }
