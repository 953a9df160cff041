import Foundation

/// `.env` files: `KEY=VALUE` lines, `#` comments, an optional `export ` prefix, values optionally in
/// single or double quotes (double quotes understand \n, \t, \" and \\), and ` #` comments after
/// an unquoted value.
public enum DotEnv {
    public struct Parsed: Sendable {
        /// In file order; a repeated key keeps its last value.
        public var values: [(key: String, value: String)]
        public var warnings: [String]

        public var dictionary: [String: String] {
            var out: [String: String] = [:]
            for (k, v) in values { out[k] = v }
            return out
        }
    }

    public static func load(_ url: URL, display: String) -> Parsed? {
        guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
            return nil
        }
        return parse(text, display: display)
    }

    public static func parse(_ text: String, display: String) -> Parsed {
        var values: [(key: String, value: String)] = []
        var warnings: [String] = []
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var index = 0
        while index < lines.count {
            let lineNumber = index + 1
            var line = String(lines[index])
            index += 1
            if line.hasSuffix("\r") { line.removeLast() }
            var rest = Substring(line).drop(while: { $0 == " " || $0 == "\t" })
            if rest.isEmpty || rest.hasPrefix("#") { continue }
            if rest.hasPrefix("export ") || rest.hasPrefix("export\t") {
                rest = rest.dropFirst("export".count).drop(while: { $0 == " " || $0 == "\t" })
            }
            guard let eq = rest.firstIndex(of: "=") else {
                warnings.append("\(display) line \(lineNumber): ignored (expected KEY=VALUE)")
                continue
            }
            let key = rest[..<eq].trimmingCharacters(in: .whitespaces)
            guard isValidKey(key) else {
                warnings.append("\(display) line \(lineNumber): ignored ('\(key)' is not a valid variable name)")
                continue
            }
            var raw = rest[rest.index(after: eq)...].drop(while: { $0 == " " || $0 == "\t" })
            var value: String
            if let quote = raw.first, quote == "\"" || quote == "'" {
                raw = raw.dropFirst()
                // A quoted value may continue over several lines until its closing quote.
                var collected = String(raw)
                var closing = closingQuote(in: collected, quote: quote)
                while closing == nil, index < lines.count {
                    var next = String(lines[index])
                    if next.hasSuffix("\r") { next.removeLast() }
                    collected += "\n" + next
                    index += 1
                    closing = closingQuote(in: collected, quote: quote)
                }
                if let closing {
                    value = String(collected[..<closing])
                } else {
                    warnings.append("\(display) line \(lineNumber): missing closing \(quote) for \(key); using the rest of the file")
                    value = collected
                }
                if quote == "\"" { value = unescape(value) }
            } else {
                value = String(raw)
                if let hash = value.range(of: " #") ?? value.range(of: "\t#") { value = String(value[..<hash.lowerBound]) }
                value = value.trimmingCharacters(in: .whitespaces)
            }
            if let i = values.firstIndex(where: { $0.key == key }) { values.remove(at: i) }
            values.append((key, value))
        }
        return Parsed(values: values, warnings: warnings)
    }

    static func isValidKey(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first, first == "_" || CharacterSet.letters.contains(first) else { return false }
        return key.unicodeScalars.allSatisfy { $0 == "_" || $0 == "." || $0 == "-" || CharacterSet.alphanumerics.contains($0) }
    }

    static func closingQuote(in text: String, quote: Character) -> String.Index? {
        var escaped = false
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            if quote == "\"", c == "\\", !escaped { escaped = true; i = text.index(after: i); continue }
            if c == quote, !escaped { return i }
            escaped = false
            i = text.index(after: i)
        }
        return nil
    }

    static func unescape(_ s: String) -> String {
        var out = ""
        var escaped = false
        for c in s {
            if escaped {
                switch c {
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "r": out.append("\r")
                case "\"": out.append("\"")
                case "\\": out.append("\\")
                default: out.append("\\"); out.append(c)
                }
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else {
                out.append(c)
            }
        }
        if escaped { out.append("\\") }
        return out
    }
}
