import Core

/// Replaces secrets in a config snapshot with "***".
enum Redactor {
    /// api_key, *_api_key, apikey, *_key, token, *_token, password, secret (any spelling case), authorization.
    static func isSecretKey(_ key: String) -> Bool {
        let k = key.lowercased().replacingOccurrences(of: "-", with: "_")
        if k == "token" || k.hasSuffix("_token") || k == "authorization" || k.hasSuffix("_key") { return true }
        for word in ["api_key", "apikey", "secret", "password", "passwd"] where k.contains(word) { return true }
        return false
    }

    static func redact(_ json: JSON, underSecret: Bool = false) -> JSON {
        switch json {
        case let .object(members):
            var out: [(key: String, value: JSON)] = []
            for member in members {
                out.append((member.key, redact(member.value, underSecret: underSecret || isSecretKey(member.key))))
            }
            return .object(out)
        case let .array(items):
            var out: [JSON] = []
            for item in items { out.append(redact(item, underSecret: underSecret)) }
            return .array(out)
        case .null:
            return json
        default:
            return underSecret ? .string("***") : json
        }
    }
}
