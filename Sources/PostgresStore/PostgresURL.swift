/// Recognising and redacting PostgreSQL connection URLs (`postgresql://user:password@host:port/db?sslmode=…`).
public enum PostgresURL {
    private static let schemes = ["postgresql://", "postgres://"]

    /// True for a `postgresql://` or `postgres://` URL; anything else (a path, `sqlite:`) is not PostgreSQL.
    public static func isPostgres(_ text: String) -> Bool {
        let lower = text.lowercased()
        return schemes.contains { lower.hasPrefix($0) }
    }

    /// The URL without its password, for any message: `postgresql://ann@db:5432/runs?sslmode=require`.
    /// Removes the password of the user-info part and any `password=` parameter; other text is kept as given.
    public static func redacted(_ url: String) -> String {
        // Any URL, not only PostgreSQL's: a mistyped scheme must not put its password in the error either.
        guard let separator = url.range(of: "://") else { return redactedKeywords(url) }
        let scheme = url[..<separator.upperBound]
        var rest = Substring(url.dropFirst(scheme.count))
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[mark...]
            rest = rest[..<mark]
        }
        // The last "@" ends the user info, so a password holding "/" or "@" (which libpq reads up to
        // the "/") is removed whole; a stray "@" in the path removes a little too much, never too little.
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            if let colon = userInfo.firstIndex(of: ":") {
                rest = userInfo[..<colon] + rest[at...]
            }
        }
        return String(url.prefix(scheme.count)) + rest + redactedQuery(query)
    }

    /// Drops `password=…` from a URL's `?a=b&c=d` part.
    private static func redactedQuery(_ query: Substring) -> String {
        guard query.count > 1 else { return String(query) }
        let kept = query.dropFirst().split(separator: "&", omittingEmptySubsequences: false).filter {
            !$0.lowercased().hasPrefix("password=")
        }
        return kept.isEmpty ? "" : "?" + kept.joined(separator: "&")
    }

    /// Masks `password=…` in a keyword/value connection string (`host=db password=secret`).
    private static func redactedKeywords(_ text: String) -> String {
        var result = ""
        var remaining = Substring(text)
        while let range = remaining.range(of: "password", options: .caseInsensitive) {
            result += remaining[..<range.upperBound]
            var after = remaining[range.upperBound...]
            let spaces = after.prefix(while: { $0 == " " })
            after = after.dropFirst(spaces.count)
            guard after.first == "=" else { remaining = after; result += spaces; continue }
            after = after.dropFirst().drop(while: { $0 == " " })
            if after.first == "'" {
                // A quoted value ends at the next unescaped quote.
                var index = after.index(after: after.startIndex)
                while index < after.endIndex, after[index] != "'" {
                    if after[index] == "\\" { index = after.index(after: index) }
                    if index < after.endIndex { index = after.index(after: index) }
                }
                after = index < after.endIndex ? after[after.index(after: index)...] : ""
            } else {
                after = after.drop(while: { $0 != " " })
            }
            result += "=***"
            remaining = after
        }
        return result + remaining
    }

    /// `text` with every occurrence of each non-empty secret replaced by `***`.
    static func scrub(_ text: String, secrets: [String]) -> String {
        secrets.filter { !$0.isEmpty }.reduce(text) { $0.replacingOccurrences(of: $1, with: "***") }
    }
}
