#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Dates and times as text with `strftime`, in UTC or the clinic's local time: the one time formatter.
///
/// Foundation's DateFormatter and ISO8601DateFormatter load ICU's data on Linux,
/// megabytes a kiosk and a review station have no other use for. Every time a person or a file
/// reads is written by one of the named forms below.
public enum ClockText {
    /// "2026-11-22T14:05:09Z": a FHIR instant, for responses and exports.
    public static func instant(_ date: Date) -> String { utc(date, "%Y-%m-%dT%H:%M:%SZ") }
    /// "2026-11-22 14:05 UTC": the audit list, which staff in any time zone read.
    public static func utcMinute(_ date: Date) -> String { utc(date, "%Y-%m-%d %H:%M UTC") }
    /// "2026-11-22 14:05" in the clinic's local time: signatures, re-assessments, lockouts.
    public static func localMinute(_ date: Date) -> String { local(date, "%Y-%m-%d %H:%M") }
    /// "14:05" in local time: the station's queue.
    public static func localTime(_ date: Date) -> String { local(date, "%H:%M") }
    /// "20261122-140509" in local time: file names that sort by time.
    public static func fileStamp(_ date: Date) -> String { fileStamp(seconds: Int(date.timeIntervalSince1970.rounded(.down))) }
    /// The same, from seconds since 1970, for code that keeps clear of Foundation.
    public static func fileStamp(seconds: Int) -> String {
        var whole = time_t(seconds)
        var parts = tm()
        localtime_r(&whole, &parts)
        return text(&parts, "%Y%m%d-%H%M%S")
    }

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

    /// The local year, month and day of a moment.
    public static func localYearMonthDay(_ date: Date) -> (year: Int, month: Int, day: Int) {
        let p = localParts(date)
        return (Int(p.tm_year) + 1900, Int(p.tm_mon) + 1, Int(p.tm_mday))
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
