/// Random (version 4) UUIDs as lowercase text, the form of every id fluxloop makes up (runs, experiments).
public enum RandomUUID {
    /// A new id such as `1b4e28ba-2fa1-4d2e-883f-0016d3cca427`: the text of `UUID().uuidString.lowercased()`.
    /// Built from two words of the system's random source: Foundation's `UUID()` reads /dev/urandom through a
    /// file it opens and closes on every call, a measurable share of a trivial run's cost.
    public static func lowercased() -> String {
        var random = SystemRandomNumberGenerator()
        // Version 4 in the high nibble of byte 6, the RFC 4122 variant (binary 10) in the top bits of byte 8.
        let high = (random.next() as UInt64) & ~0xF000 | 0x4000
        let low = (random.next() as UInt64) & ~(0xC000 << 48) | (0x8000 << 48)
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(36)
        for (word, from, to) in [(high, 0, 8), (low, 8, 16)] {
            for index in from..<to {
                if index == 4 || index == 6 || index == 8 || index == 10 { text.append(0x2D) }
                let byte = UInt8(truncatingIfNeeded: word >> UInt64(8 * (7 - index % 8)))
                text.append(digits[Int(byte >> 4)])
                text.append(digits[Int(byte & 0xF)])
            }
        }
        return String(decoding: text, as: UTF8.self)
    }
}
