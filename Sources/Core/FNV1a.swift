/// 64-bit FNV-1a: a hash that is stable across processes and builds, unlike `Hasher`. Inlinable, because the
/// statistics of a large comparison hash every output they group.
public struct FNV1a: Sendable {
    /// FNV-1a's standard offset basis.
    public static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325

    public var value: UInt64

    /// Starts from the standard offset basis, or from another seed for a second, independent hash.
    @inlinable
    public init(seed: UInt64 = FNV1a.offsetBasis) { value = seed }

    @inlinable
    public mutating func combine(byte: UInt8) {
        value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
    }

    @inlinable
    public mutating func combine<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        for byte in bytes { combine(byte: byte) }
    }

    @inlinable
    public mutating func combine(_ text: String) { combine(text.utf8) }

    /// The hash of one byte sequence.
    @inlinable
    public static func hash<Bytes: Sequence>(_ bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
        var hasher = FNV1a()
        hasher.combine(bytes)
        return hasher.value
    }
}
