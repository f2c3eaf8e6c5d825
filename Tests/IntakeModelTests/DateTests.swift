import Testing
import IntakeModel

struct DateTests {
    @Test(arguments: [("2026-11-22", 2026, 11, 22), ("2024-02-29", 2024, 2, 29), ("1970-01-01", 1970, 1, 1), ("2000-12-31", 2000, 12, 31)])
    func dayRoundTrips(_ text: String, _ y: Int, _ m: Int, _ d: Int) throws {
        let day = try #require(Day(iso: text))
        #expect(day.components == (y, m, d))
        #expect(day.description == text)
        #expect(day == Day(year: y, month: m, day: d))
    }

    @Test func daysCountAcrossMonthsAndLeapYears() {
        let d = Day(iso: "2026-11-22")!
        #expect(d.adding(days: 90).description == "2027-02-20")
        #expect(Day(iso: "2024-03-01")!.days(since: Day(iso: "2024-02-28")!) == 2)
        #expect(Day(iso: "1970-01-01")!.daysSinceEpoch == 0)
    }

    @Test(arguments: ["2026-02-30", "2026-13-01", "2026-00", "26-01-01", "2026/01/01", "2026-1-1", "", "2026-01-01T10:00", "abcd", "2026-", "0000"])
    func malformedDatesAreRejected(_ text: String) {
        #expect(PartialDate(text) == nil)
    }

    @Test func partialDatesMeanTheirLatestDay() throws {
        #expect(try #require(PartialDate("2026-09")).latestDay.description == "2026-09-30")
        #expect(try #require(PartialDate("2026")).latestDay.description == "2026-12-31")
        #expect(try #require(PartialDate("2024-02")).latestDay.description == "2024-02-29")
        #expect(try #require(PartialDate("2026-09")).earliestDay.description == "2026-09-01")
        #expect(PartialDate("2026-09")?.isComplete == false)
    }

    @Test func arabicIndicDigitsAreAccepted() {
        #expect(PartialDate("١٩٩٠-٠٤-١٢")?.description == "1990-04-12")
        #expect(PartialDate("۱۹۹۰-۰۴")?.description == "1990-04")
    }
}

struct PatientTextTests {
    @Test(arguments: [
        ("Layla\u{1B}[2J\u{1B}[31mHaddad", "LaylaHaddad"),
        ("A\u{1B}]0;pwned\u{07}B", "AB"),
        ("A\u{1B}]8;;http://x\u{1B}\\B", "AB"),
        ("Tab\there\nnew", "Tab here new"),
        ("bell\u{07}\u{08}\u{7F}", "bell"),
        ("c1\u{9B}31mred", "c1red"),
        ("\u{202E}evil", "evil"),
        ("ليلى حداد", "ليلى حداد"),
        ("Zoë 李", "Zoë 李"),
        ("\u{1B}Pq#0;2;0;0;0\u{1B}\\x", "x"),
        ("\u{1B}c\u{1B}7reset", "reset"),
    ])
    func cleansControlsAndEscapes(_ input: String, _ expected: String) {
        #expect(PatientText.clean(input) == expected)
    }

    @Test func cleanedTextHasNoControlCharacters() {
        var all = ""
        for v in 0..<0x100 { all.unicodeScalars.append(Unicode.Scalar(v)!) }
        let cleaned = PatientText.clean(all + "[31m")
        #expect(!cleaned.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
    }
}

struct TextWidthTests {
    @Test func widths() {
        #expect(TextWidth.columns("abc") == 3)
        #expect(TextWidth.columns("李李") == 4)
        #expect(TextWidth.columns("e\u{301}") == 1)
        #expect(TextWidth.columns("مرحبًا") == 5, "the tanween is a combining mark")
    }

    @Test func wrapsBetweenWords() {
        #expect(TextWidth.wrap("one two three four", width: 9) == ["one two", "three", "four"])
        #expect(TextWidth.wrap("abcdefghij", width: 4) == ["abcd", "efgh", "ij"])
        #expect(TextWidth.wrap("keep  spacing", width: 80) == ["keep  spacing"])
        for line in TextWidth.wrap(String(repeating: "كلمة ", count: 40), width: 20) {
            #expect(TextWidth.columns(line) <= 20)
            #expect(!line.hasPrefix(" ") && !line.hasSuffix(" "))
        }
    }
}
