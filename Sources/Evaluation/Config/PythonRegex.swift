import Foundation

/// A `re.search` pattern compiled for ICU: Python's named-group syntax is translated, and the flags FluxLoop
/// knows (IGNORECASE, MULTILINE, DOTALL) map to their ICU options.
public final class PythonRegex: @unchecked Sendable {
    // NSRegularExpression is immutable once built and documented as safe to share between threads.
    private let regex: NSRegularExpression
    public let pattern: String

    /// The flag names FluxLoop maps to `re` flags.
    public static let flagNames = ["IGNORECASE", "MULTILINE", "DOTALL"]

    /// Fails with ICU's reason when the pattern does not compile.
    public init(pattern: String, flags: [String]) throws {
        self.pattern = pattern
        var options: NSRegularExpression.Options = []
        for flag in flags {
            switch flag.uppercased() {
            case "IGNORECASE": options.insert(.caseInsensitive)
            case "MULTILINE": options.insert(.anchorsMatchLines)
            case "DOTALL": options.insert(.dotMatchesLineSeparators)
            default: break
            }
        }
        regex = try NSRegularExpression(pattern: PythonRegex.translate(pattern), options: options)
    }

    /// `(?P<name>` → `(?<name>`, `(?P=name)` → `\k<name>`; the rest of Python's syntax ICU reads the same way.
    static func translate(_ pattern: String) -> String {
        var out = pattern.replacingOccurrences(of: "(?P<", with: "(?<")
        while let range = out.range(of: "(?P=") {
            guard let close = out[range.upperBound...].firstIndex(of: ")") else { break }
            out.replaceSubrange(range.lowerBound...close, with: "\\k<" + out[range.upperBound..<close] + ">")
        }
        return out
    }

    /// Whether the pattern matches anywhere in `text`.
    public func search(_ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}
