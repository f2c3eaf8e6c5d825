import Foundation
@_exported import enum Platform.ClockText

extension ClockText {
    /// The local calendar day of a moment: a clinic's visit date.
    public static func localDay(_ date: Date) -> Day {
        let p = localYearMonthDay(date)
        // localtime_r always gives a real day; the UTC day is only a fallback the type system asks for.
        return Day(year: p.year, month: p.month, day: p.day)
            ?? Day(daysSinceEpoch: Int((date.timeIntervalSince1970 / 86_400).rounded(.down)))
    }
}
