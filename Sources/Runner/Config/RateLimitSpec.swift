import Foundation

/// A cap on run starts, as `runner.rate_limit` and `--rate-limit` write it: `20/s` or `600/min`
/// (also `/sec`, `/second`, `/m`, `/minute`; a fraction such as `0.5/s` is allowed).
public struct RateLimitSpec: Sendable, Equatable, CustomStringConvertible {
    /// Run starts per second.
    public let perSecond: Double
    /// As written, for messages.
    public let text: String

    /// What a valid value looks like, for error messages.
    public static let expected = "a rate such as 20/s or 600/min"

    /// Nil when `text` is not `N/s` or `N/min` with N > 0.
    public init?(_ text: String) {
        let parts = text.replacingOccurrences(of: " ", with: "").lowercased().split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let count = Double(parts[0]), count > 0, count.isFinite else { return nil }
        switch parts[1] {
        case "s", "sec", "second": perSecond = count
        case "m", "min", "minute": perSecond = count / 60
        default: return nil
        }
        self.text = text
    }

    public var description: String { text }
}
