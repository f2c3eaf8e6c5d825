import Foundation
import GRDB

/// Timestamps as stored: UTC text `yyyy-MM-dd HH:mm:ss.SSS`, the format GRDB and SQLite's date functions read.
///
/// Formatted here with `gmtime_r` rather than GRDB's default DateFormatter,
/// which loads ICU's data: about 5 MB of memory a kiosk otherwise never needs.
enum StorageTime {
    static func text(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        var whole = time_t(seconds.rounded(.down))
        let millis = min(999, Int(((seconds - seconds.rounded(.down)) * 1000).rounded()))
        var parts = tm()
        gmtime_r(&whole, &parts)
        func pad(_ n: Int32, _ width: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2)) "
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(millis), 3))"
    }

    static let encoding = DatabaseDateEncodingStrategy.custom { StorageTime.text($0) }

    /// Reads `yyyy-MM-dd HH:mm:ss[.SSS]` as UTC with `timegm`: GRDB's own decoding builds a
    /// Calendar, and on Linux that loads ICU too.
    static func date(_ text: String) -> Date? {
        let scalars = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int32? {
            guard range.upperBound <= scalars.count else { return nil }
            var n: Int32 = 0
            for byte in scalars[range] {
                guard (48...57).contains(byte) else { return nil }
                n = n * 10 + Int32(byte - 48)
            }
            return n
        }
        guard scalars.count >= 19, let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19) else { return nil }
        var parts = tm()
        parts.tm_year = year - 1900; parts.tm_mon = month - 1; parts.tm_mday = day
        parts.tm_hour = hour; parts.tm_min = minute; parts.tm_sec = second
        var seconds = Double(timegm(&parts))
        if scalars.count >= 21, scalars[19] == UInt8(ascii: "."), let fraction = number(20..<scalars.count) {
            seconds += Double(fraction) / pow(10, Double(scalars.count - 20))
        }
        return Date(timeIntervalSince1970: seconds)
    }

    static let decoding = DatabaseDateDecodingStrategy.custom { value in
        String.fromDatabaseValue(value).flatMap(StorageTime.date)
    }
}

extension StoredIntake {
    public static func databaseDateEncodingStrategy(for column: String) -> DatabaseDateEncodingStrategy { StorageTime.encoding }
    public static func databaseDateDecodingStrategy(for column: String) -> DatabaseDateDecodingStrategy { StorageTime.decoding }
}

extension NewDraftRecord {
    static func databaseDateEncodingStrategy(for column: String) -> DatabaseDateEncodingStrategy { StorageTime.encoding }
}

extension AnswerRecord {
    static func databaseDateEncodingStrategy(for column: String) -> DatabaseDateEncodingStrategy { StorageTime.encoding }
    static func databaseDateDecodingStrategy(for column: String) -> DatabaseDateDecodingStrategy { StorageTime.decoding }
}

extension StorageTime {
    /// The local midnight that starts the day containing `date`, in the process's time zone.
    ///
    /// Uses `localtime_r` and `mktime` (the TZ database) rather than Calendar, for the ICU reason above.
    static func localMidnight(of date: Date) -> Date {
        var whole = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        localtime_r(&whole, &parts)
        parts.tm_hour = 0
        parts.tm_min = 0
        parts.tm_sec = 0
        // Let mktime work out whether daylight saving applies at midnight, which may differ from now.
        parts.tm_isdst = -1
        return Date(timeIntervalSince1970: Double(mktime(&parts)))
    }

    /// The local time of day as `HH:MM`, for messages such as "locked until 14:05".
    static func localClock(_ date: Date) -> String {
        var whole = time_t(date.timeIntervalSince1970.rounded(.up))
        var parts = tm()
        localtime_r(&whole, &parts)
        let hour = parts.tm_hour < 10 ? "0\(parts.tm_hour)" : "\(parts.tm_hour)"
        let minute = parts.tm_min < 10 ? "0\(parts.tm_min)" : "\(parts.tm_min)"
        return "\(hour):\(minute)"
    }
}

extension StaffUserRecord {
    static func databaseDateEncodingStrategy(for column: String) -> DatabaseDateEncodingStrategy { StorageTime.encoding }
    static func databaseDateDecodingStrategy(for column: String) -> DatabaseDateDecodingStrategy { StorageTime.decoding }
}

extension DecisionRecord {
    static func databaseDateEncodingStrategy(for column: String) -> DatabaseDateEncodingStrategy { StorageTime.encoding }
    static func databaseDateDecodingStrategy(for column: String) -> DatabaseDateDecodingStrategy { StorageTime.decoding }
}
