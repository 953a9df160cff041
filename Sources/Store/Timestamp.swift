import Core
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
        append(parts, date: "-", middle: "T", time: ":", to: &text)
        text += "."
        text += NumberText.padded(micros, width: 6)
        text += "Z"
        return text
    }

    /// Year, month, day, hour, minute and second, zero-padded, with the separators between them.
    private static func append(_ parts: tm, date: String, middle: String, time: String, to text: inout String) {
        text += NumberText.padded(Int(parts.tm_year) + 1900, width: 4); text += date
        text += NumberText.padded(Int(parts.tm_mon) + 1, width: 2); text += date
        text += NumberText.padded(Int(parts.tm_mday), width: 2); text += middle
        text += NumberText.padded(Int(parts.tm_hour), width: 2); text += time
        text += NumberText.padded(Int(parts.tm_min), width: 2); text += time
        text += NumberText.padded(Int(parts.tm_sec), width: 2)
    }

    /// `YYYYMMDD_HHMMSS` in local time, as FluxLoop names experiment folders.
    public static func folderStamp(from date: Date) -> String {
        var t = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        localtime_r(&t, &parts)
        var text = ""
        append(parts, date: "", middle: "_", time: "", to: &text)
        return text
    }
}
