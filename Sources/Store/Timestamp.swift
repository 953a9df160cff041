import Foundation

/// ISO-8601 UTC timestamps with microseconds, the one time format the store writes.
public enum Timestamp {
    /// Now, as `2026-11-27T02:23:33.123456Z`.
    public static func now() -> String { string(from: Date()) }

    public static func string(from date: Date) -> String {
        var seconds = date.timeIntervalSince1970
        var micros = Int(((seconds - seconds.rounded(.down)) * 1_000_000).rounded())
        if micros >= 1_000_000 { micros -= 1_000_000; seconds += 1 }
        var t = time_t(seconds.rounded(.down))
        var parts = tm()
        gmtime_r(&t, &parts)
        // Built by hand: String(format:) costs more than the rest of recording a run.
        var text = ""
        text.reserveCapacity(27)
        pad(Int(parts.tm_year) + 1900, 4, &text); text += "-"
        pad(Int(parts.tm_mon) + 1, 2, &text); text += "-"
        pad(Int(parts.tm_mday), 2, &text); text += "T"
        pad(Int(parts.tm_hour), 2, &text); text += ":"
        pad(Int(parts.tm_min), 2, &text); text += ":"
        pad(Int(parts.tm_sec), 2, &text); text += "."
        pad(micros, 6, &text); text += "Z"
        return text
    }

    private static func pad(_ value: Int, _ width: Int, _ text: inout String) {
        let digits = String(value)
        if digits.count < width { text += String(repeating: "0", count: width - digits.count) }
        text += digits
    }

    /// `YYYYMMDD_HHMMSS` in local time, as FluxLoop names experiment folders.
    public static func folderStamp(from date: Date) -> String {
        var t = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        localtime_r(&t, &parts)
        return String(format: "%04d%02d%02d_%02d%02d%02d",
                      Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                      Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }
}
