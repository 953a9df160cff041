/// HTML escaping for the two contexts the report writes agent text into.
public enum Escape {
    /// Escapes `&`, `<` and `>` so the text shows as text between tags.
    public static func text(_ s: String) -> String { escape(s, quotes: false) }

    /// Escapes `&`, `<`, `>`, `"` and `'` so the value stays inside a quoted attribute.
    public static func attribute(_ s: String) -> String { escape(s, quotes: true) }

    private static func escape(_ s: String, quotes: Bool) -> String {
        // Most text needs nothing: check the bytes first and return the string unchanged.
        var needs = false
        for b in s.utf8 where b == 0x26 || b == 0x3C || b == 0x3E || (quotes && (b == 0x22 || b == 0x27)) {
            needs = true
            break
        }
        guard needs else { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 16)
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where quotes: out += "&quot;"
            case "'" where quotes: out += "&#39;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }
}
