/// Random (version 4) UUIDs as lowercase text, the form of every id fluxloop makes up (runs, experiments).
public enum RandomUUID {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// A new id such as `1b4e28ba-2fa1-4d2e-883f-0016d3cca427`: the text of `UUID().uuidString.lowercased()`.
    /// Built from two words of the system's random source: Foundation's `UUID()` reads /dev/urandom through a
    /// file it opens and closes on every call, a measurable share of a trivial run's cost.
    public static func lowercased() -> String {
        var random = SystemRandomNumberGenerator()
        // Version 4 in the high nibble of byte 6, the RFC 4122 variant (binary 10) in the top bits of byte 8.
        let high = (random.next() as UInt64) & ~0xF000 | 0x4000
        let low = (random.next() as UInt64) & ~(0xC000 << 48) | (0x8000 << 48)
        return String(unsafeUninitializedCapacity: 36) { text in
            var at = 0
            for index in 0..<16 {
                if index == 4 || index == 6 || index == 8 || index == 10 { text[at] = 0x2D; at += 1 }
                let word = index < 8 ? high : low
                let byte = UInt8(truncatingIfNeeded: word >> UInt64(8 * (7 - index % 8)))
                text[at] = digits[Int(byte >> 4)]
                text[at + 1] = digits[Int(byte & 0xF)]
                at += 2
            }
            return at
        }
    }
}
