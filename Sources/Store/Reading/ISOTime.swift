/// Exact differences between ISO-8601 timestamps (SQLite's julianday() loses tens of microseconds).
enum ISOTime {
    /// `end - start` in milliseconds, nil when either is missing or not `YYYY-MM-DDTHH:MM:SS[.f…][Z|±HH:MM]`.
    static func millisecondsBetween(_ start: String?, _ end: String?) -> Double? {
        guard let start, let end, let a = microseconds(start), let b = microseconds(end) else { return nil }
        return Double(b - a) / 1000
    }

    /// Microseconds since 1970-01-01T00:00:00Z; a time without a zone is taken as UTC.
    static func microseconds(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int64? {
            guard from + count <= b.count else { return nil }
            var value: Int64 = 0
            for i in from..<(from + count) {
                guard b[i] >= 0x30, b[i] <= 0x39 else { return nil }
                value = value * 10 + Int64(b[i] - 0x30)
            }
            return value
        }
        guard b.count >= 19, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54 || b[10] == 0x20, b[13] == 0x3A, b[16] == 0x3A,
              let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
              let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2) else { return nil }
        var index = 19
        var micros: Int64 = 0
        if index < b.count, b[index] == 0x2E {
            index += 1
            var digits = 0
            while index < b.count, b[index] >= 0x30, b[index] <= 0x39 {
                if digits < 6 { micros = micros * 10 + Int64(b[index] - 0x30) }
                digits += 1
                index += 1
            }
            if digits < 6 { for _ in digits..<6 { micros *= 10 } }
        }
        var offsetSeconds: Int64 = 0
        if index < b.count {
            if b[index] == 0x5A {
                index += 1
            } else if b[index] == 0x2B || b[index] == 0x2D, let h = number(index + 1, 2), index + 3 < b.count,
                      b[index + 3] == 0x3A, let m = number(index + 4, 2) {
                offsetSeconds = (h * 3600 + m * 60) * (b[index] == 0x2B ? 1 : -1)
                index += 6
            } else {
                return nil
            }
        }
        guard index == b.count else { return nil }
        let seconds = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return seconds * 1_000_000 + micros
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    private static func daysFromCivil(_ year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
