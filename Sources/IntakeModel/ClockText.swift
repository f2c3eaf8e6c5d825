#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Dates and times as text with `strftime`, in UTC or the clinic's local time.
///
/// Foundation's DateFormatter and ISO8601DateFormatter load ICU's data on Linux,
/// megabytes a kiosk and a review station have no other use for.
public enum ClockText {
    /// `date` in UTC, as `format` (strftime) says.
    public static func utc(_ date: Date, _ format: String) -> String {
        var whole = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&whole, &parts)
        return text(&parts, format)
    }

    /// `date` in the machine's local time zone, as `format` (strftime) says.
    public static func local(_ date: Date, _ format: String) -> String {
        var parts = localParts(date)
        return text(&parts, format)
    }

    /// The local calendar day of a moment: a clinic's visit date.
    public static func localDay(_ date: Date) -> Day {
        let p = localParts(date)
        // localtime_r always gives a real day; the UTC day is only a fallback the type system asks for.
        return Day(year: Int(p.tm_year) + 1900, month: Int(p.tm_mon) + 1, day: Int(p.tm_mday))
            ?? Day(daysSinceEpoch: Int((date.timeIntervalSince1970 / 86_400).rounded(.down)))
    }

    private static func localParts(_ date: Date) -> tm {
        var whole = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        localtime_r(&whole, &parts)
        return parts
    }

    private static func text(_ parts: inout tm, _ format: String) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        strftime(&buffer, buffer.count, format, &parts)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
