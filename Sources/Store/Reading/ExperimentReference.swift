import Foundation

/// Why a reference did not name exactly one experiment or trace.
public enum ReferenceError: Error, CustomStringConvertible, Sendable, Equatable {
    case empty
    case noExperiments
    case experimentNotFound(String)
    /// `prefix` starts several experiment ids; `candidates` describes each one.
    case ambiguousExperiment(prefix: String, candidates: [String])
    /// `latest~N` reaches past the oldest experiment.
    case beyondHistory(String, available: Int)
    case traceNotFound(String)
    case ambiguousTrace(prefix: String, candidates: [String])

    /// What was not found, in the database's terms; `fluxloop query` and `run --resume` add what to type instead.
    public var description: String {
        switch self {
        case .empty: return "the experiment reference is empty"
        case .noExperiments: return "the database holds no experiments yet"
        case let .experimentNotFound(reference): return "no experiment matches '\(reference)'"
        case let .ambiguousExperiment(prefix, candidates):
            return "'\(prefix)' is the start of \(candidates.count) experiment ids:\n" + Self.lines(candidates)
        case let .beyondHistory(reference, available):
            return "'\(reference)' goes back further than the \(available) experiment\(available == 1 ? "" : "s") in the database "
                + "(latest is latest~0, the oldest is latest~\(max(available - 1, 0)))"
        case let .traceNotFound(reference): return "no trace id starts with '\(reference)'"
        case let .ambiguousTrace(prefix, candidates):
            return "'\(prefix)' is the start of several trace ids:\n" + Self.lines(candidates)
        }
    }

    /// Candidates one per line, indented.
    public static func lines(_ candidates: [String]) -> String {
        candidates.map { "  " + $0 }.joined(separator: "\n")
    }
}

extension ExperimentReading {
    /// The experiment a reference names, tried in this order: `latest` / `latest~N`, an exact id, a name
    /// (the latest experiment with it), then a unique id prefix.
    public func resolveExperiment(_ reference: String) throws -> ExperimentRecord {
        let text = reference.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { throw ReferenceError.empty }
        if let back = ExperimentStore.latestOffset(text) {
            let total = try reader.scalarInt("SELECT count(*) FROM experiments") ?? 0
            guard total > 0 else { throw ReferenceError.noExperiments }
            guard back < total, let id = try reader.scalarText(
                "SELECT id FROM experiments \(DialectSQL.newestFirst(reader.dialect)) LIMIT 1 OFFSET ?", [.int(back)])
            else { throw ReferenceError.beyondHistory(text, available: total) }
            return try require(id, text)
        }
        if let found = try experiment(id: text) { return found }
        if let id = try reader.scalarText(
            "SELECT id FROM experiments WHERE name = ? \(DialectSQL.newestFirst(reader.dialect)) LIMIT 1", [.text(text)]) {
            return try require(id, text)
        }
        let matches = try reader.map("""
            SELECT id, name, started_at FROM experiments WHERE \(DialectSQL.startsWith(reader.dialect, "id"))
            ORDER BY started_at DESC LIMIT 10
            """, [.text(text)]) { (id: $0.text(0), line: "\($0.text(0))  \($0.text(1))  started \($0.text(2))") }
        switch matches.count {
        case 0:
            if try reader.scalarInt("SELECT count(*) FROM experiments") == 0 { throw ReferenceError.noExperiments }
            throw ReferenceError.experimentNotFound(text)
        case 1: return try require(matches[0].id, text)
        default: throw ReferenceError.ambiguousExperiment(prefix: text, candidates: matches.map(\.line))
        }
    }

    /// The full trace id that `reference` (an id or a unique prefix of one) names.
    public func resolveTraceID(_ reference: String) throws -> String {
        let text = reference.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { throw ReferenceError.traceNotFound(text) }
        let matches = try reader.map("""
            SELECT t.trace_id, e.name, t.run_index FROM traces AS t JOIN experiments AS e ON e.id = t.experiment_id
            WHERE \(DialectSQL.startsWith(reader.dialect, "t.trace_id"))
            ORDER BY t.trace_id LIMIT 10
            """, [.text(text)]) { (id: $0.text(0), line: "\($0.text(0))  (\($0.text(1)), run \($0.int(2)))") }
        if let exact = matches.first(where: { $0.id == text }) { return exact.id }
        switch matches.count {
        case 0: throw ReferenceError.traceNotFound(text)
        case 1: return matches[0].id
        default: throw ReferenceError.ambiguousTrace(prefix: text, candidates: matches.map(\.line))
        }
    }

    private func require(_ id: String, _ reference: String) throws -> ExperimentRecord {
        guard let record = try experiment(id: id) else { throw ReferenceError.experimentNotFound(reference) }
        return record
    }
}

extension ExperimentStore {
    /// N for `latest` (0) and `latest~N`; nil for anything else.
    static func latestOffset(_ text: String) -> Int? {
        if text == "latest" { return 0 }
        guard text.hasPrefix("latest~") else { return nil }
        let digits = text.dropFirst("latest~".count)
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let n = Int(digits), n >= 0 else { return nil }
        return n
    }
}
