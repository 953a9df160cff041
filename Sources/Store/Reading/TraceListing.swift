import Core

/// One run as `query traces` lists it.
public struct TraceOverview: Sendable, Equatable {
    public var traceID: String
    public var experimentID: String
    public var runIndex: Int
    public var iteration: Int
    public var persona: String?
    public var input: String
    public var output: String?
    public var success: Bool
    public var durationMs: Double
    public var errorType: String?
    public var errorMessage: String?
    /// What the agent set through the SDK's context: the user, the tags, the metadata as JSON object text.
    public var userID: String? = nil
    public var tags: [String] = []
    public var traceMetadata: String? = nil

    /// The `tags` column's JSON list (NULL when the agent added none).
    static func tags(_ column: String?) -> [String] {
        guard let column, let list = try? JSON.parse(column).arrayValue else { return [] }
        return list.compactMap(\.stringValue)
    }
}

/// Which runs of an experiment `query traces` lists.
public struct TraceFilter: Sendable, Equatable {
    public var failedOnly: Bool
    public var persona: String?
    public var iteration: Int?
    /// Text looked for in the input and the output, ignoring ASCII case.
    public var grep: String?
    public var limit: Int?

    public init(failedOnly: Bool = false, persona: String? = nil, iteration: Int? = nil, grep: String? = nil, limit: Int? = nil) {
        self.failedOnly = failedOnly; self.persona = persona; self.iteration = iteration; self.grep = grep; self.limit = limit
    }
}

extension ExperimentReading {
    /// The runs of an experiment that pass `filter`, in plan order.
    public func traceOverviews(experimentID: String, _ filter: TraceFilter = TraceFilter()) throws -> [TraceOverview] {
        var sql = """
            SELECT trace_id, experiment_id, run_index, iteration, persona, input, output, success, duration_ms,
                error_type, error_message, user_id, tags, trace_metadata
            FROM traces WHERE experiment_id = ?
            """
        var values: [DatabaseValue] = [.text(experimentID)]
        if filter.failedOnly { sql += " AND success = 0" }
        if let persona = filter.persona { sql += " AND persona = ?"; values.append(.text(persona)) }
        if let iteration = filter.iteration { sql += " AND iteration = ?"; values.append(.int(iteration)) }
        if let grep = filter.grep {
            // One numbered parameter serves both columns; a later plain `?` takes the number after it.
            let number = values.count + 1
            let like = DialectSQL.caseInsensitiveLike(reader.dialect)
            sql += " AND (input \(like) ?\(number) ESCAPE '\\' OR output \(like) ?\(number) ESCAPE '\\')"
            values.append(.text("%" + ExperimentStore.likeEscaped(grep) + "%"))
        }
        sql += " ORDER BY run_index"
        if let limit = filter.limit { sql += " LIMIT ?"; values.append(.int(limit)) }
        return try reader.map(sql, values) { row in
            TraceOverview(
                traceID: row.text(0), experimentID: row.text(1), runIndex: row.int(2), iteration: row.int(3),
                persona: row.optionalText(4), input: row.text(5), output: row.optionalText(6), success: row.bool(7),
                durationMs: row.double(8), errorType: row.optionalText(9), errorMessage: row.optionalText(10),
                userID: row.optionalText(11), tags: TraceOverview.tags(row.optionalText(12)), traceMetadata: row.optionalText(13))
        }
    }

}

extension ExperimentStore {
    /// `text` with LIKE's wildcards taken literally.
    static func likeEscaped(_ text: String) -> String {
        var out = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { out.append("\\") }
            out.append(character)
        }
        return out
    }
}
