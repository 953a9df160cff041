import Core
import Foundation

/// FluxLoop's judge prompt: `str.format_map` over the trace's fields, unknown placeholders left as written.
public enum PromptTemplate {
    /// The placeholders FluxLoop fills.
    public static let placeholders = ["input", "output", "persona", "iteration", "trace_id", "metadata", "history",
                                      "guidelines", "policy_context", "requirements", "supporting_data", "knowledge_base"]

    /// Why Python's `format` would reject `template` (a lone brace), or nil when it is fine.
    public static func problem(in template: String) -> String? {
        var chars = Array(template)[...]
        while let c = chars.popFirst() {
            if c == "{" {
                if chars.first == "{" { chars.removeFirst(); continue }
                guard let close = chars.firstIndex(of: "}") else { return "has a '{' that is never closed" }
                if chars[..<close].contains("{") { return "has a '{' inside a placeholder" }
                chars = chars[(close + 1)...]
            } else if c == "}" {
                if chars.first == "}" { chars.removeFirst(); continue }
                return "has a single '}' outside a placeholder"
            }
        }
        return nil
    }

    /// The prompt for `trace`, placeholders replaced as FluxLoop does (JSON for structured values).
    public static func render(_ template: String, trace: EvaluationTrace) -> String {
        let metadata = trace.summaryRaw["metadata"]
        func fromMetadata(_ key: String) -> EvalValue? {
            if let v = trace.summaryRaw[key], v.pythonTruthy { return v }
            if let metadata, metadata.isObject, let v = metadata[key] { return v }
            return trace.summaryRaw[key]
        }
        var values: [String: String] = [
            "input": trace.input,
            "output": trace.output.pythonTruthy ? trace.output.pythonText : "",
            "persona": trace.persona ?? "",
            "iteration": String(trace.iteration),
            "trace_id": trace.traceID,
            "metadata": stringify(metadata),
            "history": stringify(trace.summaryRaw["history"]),
        ]
        for key in ["guidelines", "policy_context", "requirements", "supporting_data", "knowledge_base"] {
            values[key] = stringify(fromMetadata(key))
        }
        var out = ""
        var chars = Array(template)[...]
        while let c = chars.popFirst() {
            if c == "{", chars.first == "{" { chars.removeFirst(); out.append("{"); continue }
            if c == "}", chars.first == "}" { chars.removeFirst(); out.append("}"); continue }
            guard c == "{", let close = chars.firstIndex(of: "}") else { out.append(c); continue }
            let field = String(chars[..<close])
            chars = chars[(close + 1)...]
            let name = String(field.prefix { $0 != ":" && $0 != "!" && $0 != "." && $0 != "[" })
            if let value = values[name], name == field { out += value } else { out += "{" + name + "}" }
        }
        return out
    }

    /// FluxLoop's `_stringify`: text as it is, other values as JSON (non-ASCII kept), nothing as "".
    static func stringify(_ value: EvalValue?) -> String {
        guard let value, value != .null else { return "" }
        if case let .string(s) = value { return s }
        return PythonJSON.dumps(value)
    }
}

/// Python's `json.dumps(value, ensure_ascii=False)` with its default separators.
enum PythonJSON {
    static func dumps(_ value: EvalValue) -> String {
        switch value {
        case .null: return "null"
        case let .bool(b): return b ? "true" : "false"
        case let .int(i): return String(i)
        case let .double(d):
            if d.isNaN { return "NaN" }
            if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
            return PythonFormat.repr(d)
        case let .string(s): return quote(s)
        case let .array(items): return "[" + items.map(dumps).joined(separator: ", ") + "]"
        case let .object(members): return "{" + members.map { quote($0.0) + ": " + dumps($0.1) }.joined(separator: ", ") + "}"
        }
    }

    /// Python's `json.dumps(ensure_ascii=False)` string literal.
    static func quote(_ s: String) -> String { jsonString.quoted(s) }

    private static let jsonString = QuotedText(
        quote: "\"", escapes: ["\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\u{08}": "\\b", "\u{0C}": "\\f"],
        control: { $0 < 0x20 ? "\\u" + NumberText.hex($0, width: 4) : nil })
}
