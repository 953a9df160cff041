/// A string literal in a language that escapes with backslashes: Python's `repr` and `json.dumps`, YAML's
/// double-quoted scalar. One walk over the text serves them all; they differ only in the quote, the short escapes
/// (`\n`) and how another control character is spelled (`\u0001`, `\x01`).
///
/// JSON written into the store and the experiment folder goes through `JSONEscaping`, which writes bytes; this is
/// for the few literals built as strings (prompts, reasons, generated configuration files).
public struct QuotedText: Sendable {
    public let quote: Unicode.Scalar
    public let escapes: [Unicode.Scalar: String]
    /// The escape of a control character (below 0x20, and DEL) that has no short escape; nil writes it as itself.
    public let control: @Sendable (UInt32) -> String?

    public init(quote: Unicode.Scalar, escapes: [Unicode.Scalar: String], control: @escaping @Sendable (UInt32) -> String?) {
        self.quote = quote
        self.escapes = escapes
        self.control = control
    }

    /// `text` between quotes, escaped.
    public func quoted(_ text: String) -> String {
        var out = String(quote)
        for scalar in text.unicodeScalars {
            // Only the quote, the backslash and control characters are ever escaped: everything else as itself.
            guard scalar.value < 0x20 || scalar.value == 0x5C || scalar.value == 0x7F || scalar == quote else {
                out.unicodeScalars.append(scalar)
                continue
            }
            if scalar == quote {
                out += "\\" + String(quote)
            } else if let escape = escapes[scalar] ?? control(scalar.value) {
                out += escape
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        out.unicodeScalars.append(quote)
        return out
    }
}
