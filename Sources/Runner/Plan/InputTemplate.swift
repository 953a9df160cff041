import Foundation

/// `input_template` as FluxLoop applies it (Python `str.format(input=..., persona=...)`): `{input}`
/// and `{persona}` are replaced, `{{` and `}}` are literal braces. A lone brace is kept as written.
enum InputTemplate {
    enum Piece: Equatable {
        case text(String)
        case field(String)
    }

    static func pieces(_ template: String) -> [Piece] {
        var pieces: [Piece] = []
        var text = ""
        let chars = Array(template)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "{" {
                if i + 1 < chars.count, chars[i + 1] == "{" { text.append("{"); i += 2; continue }
                if let close = chars[(i + 1)...].firstIndex(of: "}") {
                    let name = String(chars[(i + 1)..<close])
                    if !name.contains("{") {
                        if !text.isEmpty { pieces.append(.text(text)); text = "" }
                        pieces.append(.field(name))
                        i = close + 1
                        continue
                    }
                }
                text.append(c)
                i += 1
            } else if c == "}" {
                if i + 1 < chars.count, chars[i + 1] == "}" { text.append("}"); i += 2; continue }
                text.append(c)
                i += 1
            } else {
                text.append(c)
                i += 1
            }
        }
        if !text.isEmpty { pieces.append(.text(text)) }
        return pieces
    }

    /// The first placeholder other than {input} and {persona}, if any.
    static func unknownPlaceholder(in template: String) -> String? {
        for piece in pieces(template) {
            if case let .field(name) = piece, name != "input", name != "persona" { return name }
        }
        return nil
    }

    static func apply(_ template: String, input: String, persona: String) -> String {
        var out = ""
        for piece in pieces(template) {
            switch piece {
            case let .text(t): out += t
            case .field("input"): out += input
            case .field("persona"): out += persona
            case let .field(other): out += "{\(other)}"
            }
        }
        return out
    }
}
