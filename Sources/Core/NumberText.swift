import Foundation

/// The one way numbers become text for people and files: fixed and significant digits, trimmed decimals, whole
/// percents, thousands separators, hexadecimal and Python's float `repr`.
///
/// Never through a locale: a summary, a report or a golden file reads the same on every machine, with "." as the
/// decimal point and "," between thousands. Rounding is C's printf's (the exact binary value, half to even), which is
/// also what Python's `format()` does and what `String(format:)` did before; printf is called directly because
/// Foundation's `String(format:)` costs more than the rest of formatting a row.
public enum NumberText {
    /// printf's `%.Nf`: exactly `digits` decimals; `plus` writes a "+" before positive numbers and zero (`%+.Nf`).
    public static func fixed(_ value: Double, digits: Int, plus: Bool = false) -> String {
        printf(plus ? "%+.*f" : "%.*f", value, digits)
    }

    /// printf's `%.Ng`: `digits` significant digits, trailing zeros dropped, an exponent for very small or large values.
    public static func significant(_ value: Double, digits: Int) -> String {
        printf("%.*g", value, digits)
    }

    /// At most `digits` decimals, trailing zeros dropped and a whole number without a point (`0.5`, `12`, `3.14`);
    /// a value that is not finite is "0". The report's numbers, in its tables, charts and data attributes.
    public static func trimmed(_ value: Double, digits: Int = 2) -> String {
        guard value.isFinite else { return "0" }
        let scale = power(digits)
        let rounded = (value * scale).rounded() / scale
        if rounded == rounded.rounded() { return String(Int(rounded)) }
        // Below 10^15 units the double nearest to units / 10^digits is within far less than half a unit of it,
        // so printf would print exactly these digits: written from the integer, without printf's cost (a report
        // draws hundreds of thousands of these numbers).
        let units = (value * scale).rounded()
        if abs(units) < 1e15, digits <= 15 {
            let whole = Int(abs(units)), divisor = Int(scale)
            var text = (units < 0 ? "-" : "") + String(whole / divisor) + "." + zeroPadded(String(whole % divisor), digits)
            while text.last == "0" { text.removeLast() }
            return text
        }
        var text = fixed(rounded, digits: digits)
        while text.last == "0" { text.removeLast() }
        return text
    }

    /// A fraction as a whole percent: 0.425 is "43%".
    public static func wholePercent(_ fraction: Double) -> String {
        "\(Int((fraction * 100).rounded()))%"
    }

    /// An integer with "," between thousands: 1234567 is "1,234,567".
    public static func grouped(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, c) in digits.reversed().enumerated() {
            if i > 0 && i % 3 == 0 && c != "-" { out.append(",") }
            out.append(c)
        }
        return String(out.reversed())
    }

    /// `value` in hexadecimal, zero-padded to `width` digits (`%0Nx`, or `%0NX` when `uppercase`).
    public static func hex(_ value: UInt32, width: Int, uppercase: Bool = false) -> String {
        zeroPadded(String(value, radix: 16, uppercase: uppercase), width)
    }

    /// Bytes as lowercase hexadecimal, two digits each (`%02x` per byte): blobs shown as text.
    public static func hex(bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A non-negative `value` zero-padded to `width` digits (`%0Nd`): dates, times and folder stamps.
    public static func padded(_ value: Int, width: Int) -> String {
        zeroPadded(String(value), width)
    }

    /// Python's `repr(float)`: the shortest text that reads back, `1.0` for whole numbers, exponents as `1e-05`.
    /// NaN and the infinities are spelt as the caller's format wants them: `nan`/`inf` for `str()`,
    /// `NaN`/`Infinity` for Python's JSON.
    public static func pythonFloat(_ value: Double, nan: String, infinity: String) -> String {
        if value.isNaN { return nan }
        if value.isInfinite { return value < 0 ? "-" + infinity : infinity }
        if value == value.rounded(), abs(value) < 1e16 { return fixed(value, digits: 0) + ".0" }
        var text = "\(value)"
        if text.contains("e") {
            // Swift writes 1e-05 and 1e+16 as Python does; a mantissa written as "1.0" loses its ".0" there.
            if text.hasSuffix(".0") { text.removeLast(2) }
            text = text.replacingOccurrences(of: ".0e", with: "e")
        }
        return text
    }

    private static func zeroPadded(_ digits: String, _ width: Int) -> String {
        digits.count < width ? String(repeating: "0", count: width - digits.count) + digits : digits
    }

    private static func power(_ digits: Int) -> Double {
        var scale = 1.0
        for _ in 0..<max(0, digits) { scale *= 10 }
        return scale
    }

    /// One double through a printf format taking a precision (`*`) and the value.
    private static func printf(_ format: String, _ value: Double, _ precision: Int) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 400) { buffer in
            _ = withVaList([Int32(precision), value]) { vsnprintf(buffer.baseAddress!, 400, format, $0) }
            return String(cString: buffer.baseAddress!)
        }
    }
}
