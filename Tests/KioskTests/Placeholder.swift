import Testing

@Test func placeholder_KioskTests() { #expect(Bool(true)) }
