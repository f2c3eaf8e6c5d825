import Foundation

/// A calendar day, with no time zone: the unit every rule counts in.
///
/// Stored as days since 1970-01-01 so differences and additions are integer
/// arithmetic; Foundation's Calendar is far slower and brings time zones in.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let daysSinceEpoch: Int

    public init(daysSinceEpoch: Int) { self.daysSinceEpoch = daysSinceEpoch }

    /// The day `year-month-day`, or nil when no such day exists (2026-02-30).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              (1...Day.daysIn(month: month, year: year)).contains(day) else { return nil }
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        self.daysSinceEpoch = era * 146_097 + doe - 719_468
    }

    /// Parses a full `YYYY-MM-DD` date.
    public init?(iso text: some StringProtocol) {
        guard let partial = PartialDate(text), let day = partial.exactDay else { return nil }
        self = day
    }

    /// Year, month and day of this date.
    public var components: (year: Int, month: Int, day: Int) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    public func adding(days: Int) -> Day { Day(daysSinceEpoch: daysSinceEpoch + days) }

    /// Whole days from `earlier` to this day.
    public func days(since earlier: Day) -> Int { daysSinceEpoch - earlier.daysSinceEpoch }

    /// Completed years of age on `date` for someone born on this day.
    public func age(on date: Day) -> Int {
        let born = components, now = date.components
        var years = now.year - born.year
        if (now.month, now.day) < (born.month, born.day) { years -= 1 }
        return years
    }

    /// The first day on which someone born on this day is `years` old: the same month and day,
    /// or 1 March when the birthday is 29 February and that year has none.
    public func birthday(turning years: Int) -> Day? {
        let born = components
        let year = born.year + years
        if let day = Day(year: year, month: born.month, day: born.day) { return day }
        return Day(year: year, month: 3, day: 1)
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        let c = components
        return "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))"
    }

    public static func < (a: Day, b: Day) -> Bool { a.daysSinceEpoch < b.daysSinceEpoch }

    /// Today in the machine's local time zone: a clinic's visit date is a local date.
    public static func today() -> Day { ClockText.localDay(Date()) }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}


private func pad(_ n: Int, _ width: Int) -> String {
    let s = String(n)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}

/// A FHIR date that may be partial: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
public struct PartialDate: Hashable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int?
    public let day: Int?

    /// Parses FHIR date text, accepting Arabic-Indic digits a patient may type; nil when malformed or impossible.
    public init?(_ text: some StringProtocol) {
        var digits: [[Int]] = [[]]
        for scalar in text.unicodeScalars {
            if scalar == "-" {
                digits.append([])
            } else if let value = PartialDate.digitValue(scalar) {
                digits[digits.count - 1].append(value)
            } else {
                return nil
            }
        }
        let widths = [4, 2, 2]
        guard digits.count <= 3 else { return nil }
        var numbers: [Int] = []
        for (index, group) in digits.enumerated() {
            guard group.count == widths[index] else { return nil }
            numbers.append(group.reduce(0) { $0 * 10 + $1 })
        }
        self.year = numbers[0]
        self.month = numbers.count > 1 ? numbers[1] : nil
        self.day = numbers.count > 2 ? numbers[2] : nil
        guard year >= 1 else { return nil }
        if let month, !(1...12).contains(month) { return nil }
        if let month, let day, Day(year: year, month: month, day: day) == nil { return nil }
    }

    public init(_ day: Day) {
        let c = day.components
        year = c.year; month = c.month; self.day = c.day
    }

    /// The day itself, when the date is complete.
    public var exactDay: Day? {
        guard let month, let day else { return nil }
        return Day(year: year, month: month, day: day)
    }

    public var isComplete: Bool { day != nil }

    /// The earliest day the date can mean.
    public var earliestDay: Day { Day(year: year, month: month ?? 1, day: day ?? 1)! }

    /// The latest day the date can mean (`2026-09` → 2026-09-30): the conservative reading for intervals.
    public var latestDay: Day {
        let m = month ?? 12
        return Day(year: year, month: m, day: day ?? Day.daysIn(month: m, year: year))!
    }

    public var description: String {
        var text = pad(year, 4)
        if let month { text += "-" + pad(month, 2) }
        if let day { text += "-" + pad(day, 2) }
        return text
    }

    /// `text` with Arabic-Indic digits turned into 0-9, or nil if it has anything but digits.
    public static func westernDigits(_ text: String) -> String? {
        var out = ""
        for scalar in text.unicodeScalars {
            guard let value = digitValue(scalar) else { return nil }
            out += String(value)
        }
        return out.isEmpty ? nil : out
    }

    private static func digitValue(_ scalar: Unicode.Scalar) -> Int? {
        switch scalar.value {
        case 0x30...0x39: return Int(scalar.value - 0x30)
        case 0x660...0x669: return Int(scalar.value - 0x660)   // Arabic-Indic
        case 0x6F0...0x6F9: return Int(scalar.value - 0x6F0)   // Extended Arabic-Indic (Persian, Urdu)
        default: return nil
        }
    }
}
