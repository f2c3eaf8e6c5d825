import Testing

@Test func placeholder_IntakeStorageTests() { #expect(Bool(true)) }
