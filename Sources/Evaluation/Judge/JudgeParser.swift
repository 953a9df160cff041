import Foundation

/// How a judge's reply becomes a score: the parsers FluxLoop 0.2.30 has.
public enum JudgeParser: String, Sendable, CaseIterable {
    /// The first number in the reply, which must lie in 0…10; the reason is the text after "reason:" (or the
    /// whole reply).
    case firstNumber1to10 = "first_number_1_10"

    /// The raw score and reason, or nil and why the reply could not be read.
    public func parse(_ reply: String) -> (score: Double?, reason: String) {
        switch self {
        case .firstNumber1to10:
            guard let match = Self.number.firstMatch(in: reply, range: NSRange(reply.startIndex..., in: reply)),
                  let range = Range(match.range(at: 1), in: reply) else {
                return (nil, "No numeric score found in response")
            }
            let digits = String(reply[range].unicodeScalars.map { $0 == "." ? "." : Character(Unicode.Scalar(0x30 + UInt32(Self.digitValue($0)))!) })
            let value = Double(digits) ?? 0
            guard value >= 0, value <= 10 else { return (nil, "Score \(PythonFormat.repr(value)) outside expected range 0-10") }
            var reason = reply.trimmingPythonWhitespace()
            if let m = Self.reason.firstMatch(in: reply, range: NSRange(reply.startIndex..., in: reply)),
               let r = Range(m.range(at: 1), in: reply) {
                reason = String(reply[r]).trimmingPythonWhitespace()
            }
            return (value, reason)
        }
    }

    /// A judge's outcome: the raw score over `maxScore`, clamped to [0, 1].
    public static func normalize(_ raw: Double, maxScore: Double) -> Double {
        max(0, min(1, raw / (maxScore <= 0 ? 1 : maxScore)))
    }

    // Both patterns are literals that compile; `try!` cannot fail.
    private static let number = try! NSRegularExpression(pattern: #"(\d+(?:\.\d+)?)"#)
    private static let reason = try! NSRegularExpression(pattern: #"reason[:\-]\s*(.*)"#, options: [.caseInsensitive])

    /// A decimal digit's value (`\d` also matches other scripts' digits, which Python's float() accepts).
    private static func digitValue(_ s: Unicode.Scalar) -> Int {
        return s.properties.numericType == .decimal ? Int(s.properties.numericValue ?? 0) : 0
    }
}
