import Core

/// One run without its conversation and observations: what the HTML report aggregates over every run.
public struct RunSketch: Sendable, Equatable {
    public var traceID: String
    public var runIndex: Int
    public var iteration: Int
    public var persona: String?
    public var input: String
    /// The output's first `shownOutputCharacters` characters: the report shows no more, and reading a 20 MB
    /// output whole for every run cost the report several copies of it.
    public var output: String?
    /// The whole output's length in characters (more than `output` holds when it was cut).
    public var outputCharacters: Int
    public var success: Bool
    /// The evaluation's verdict; nil until the experiment is scored (see `scoreVerdictColumn`).
    public var scorePassed: Bool?
    public var durationMs: Double
    /// Seconds since 1970, parsed exactly from `started_at` (0 when unreadable).
    public var startedAt: Double
    public var endedAt: Double
    /// Sum of the observations' total tokens.
    public var tokens: Int
    public var errorType: String?
    public var errorMessage: String?
    /// Read only when asked for: most reports need one traceback per failure group.
    public var errorTraceback: String?
}

/// How much of each output a run sketch carries.
public enum RunSketchLimits {
    public static let shownOutputCharacters = 65_536
}

extension ExperimentReading {
    private static var shownOutputCharacters: Int { RunSketchLimits.shownOutputCharacters }
    /// The verdict column of the run stream: FluxLoop's `pass` in the experiment's latest scoring, NULL for a
    /// run that scoring did not cover (and for every run of an unscored experiment). Read through the
    /// `trace_results_by_trace` index, one probe per run.
    static var scoreVerdictColumn: String {
        """
        (SELECT r.pass FROM trace_results AS r WHERE r.trace_row = t.id AND r.evaluation_id =
            (SELECT max(e.id) FROM evaluations AS e WHERE e.experiment_id = t.experiment_id))
        """
    }

    private static func sketchSQL(where condition: String, tracebacks: Bool) -> String {
        """
        SELECT t.trace_id, t.run_index, t.iteration, t.persona, t.input, substr(t.output, 1, \(shownOutputCharacters)),
            t.success, t.duration_ms,
            t.started_at, t.ended_at, t.error_type, t.error_message, \(tracebacks ? "t.error_traceback" : "NULL"),
            (SELECT coalesce(sum(o.total_tokens), 0) FROM observations AS o WHERE o.trace_row = t.id),
            \(scoreVerdictColumn), coalesce(length(t.output), 0)
        FROM traces AS t WHERE \(condition) ORDER BY t.run_index
        """
    }

    private static func sketch(_ row: any ReadRow) -> RunSketch {
        RunSketch(
            traceID: row.text(0), runIndex: row.int(1), iteration: row.int(2), persona: row.optionalText(3),
            input: row.text(4), output: row.optionalText(5), outputCharacters: row.int(15), success: row.bool(6),
            scorePassed: row.isNull(14) ? nil : row.bool(14), durationMs: row.double(7),
            startedAt: Self.seconds(row.text(8)), endedAt: Self.seconds(row.text(9)), tokens: row.int(13),
            errorType: row.optionalText(10), errorMessage: row.optionalText(11), errorTraceback: row.optionalText(12))
    }

    private static func seconds(_ iso: String) -> Double {
        ISOTime.microseconds(iso).map { Double($0) / 1_000_000 } ?? 0
    }

    /// Calls `body` with every run of an experiment in plan order, one at a time; nothing is kept.
    /// Tracebacks are read for failed runs only when `tracebacks` is true.
    public func forEachRunSketch(experimentID: String, tracebacks: Bool = true, _ body: (RunSketch) throws -> Void) throws {
        try reader.readSnapshot {
            try reader.forEachRow(Self.sketchSQL(where: "t.experiment_id = ?", tracebacks: tracebacks), [.text(experimentID)]) {
                try body(Self.sketch($0))
            }
        }
    }

    /// The runs of one input and persona in an experiment, in plan order (through the `traces_by_input` index).
    public func runSketches(experimentID: String, input: String, persona: String?) throws -> [RunSketch] {
        let condition = "t.input = ? AND \(DialectSQL.isParameter(reader.dialect, "t.persona")) AND t.experiment_id = ?"
        return try reader.map(Self.sketchSQL(where: condition, tracebacks: true),
                              [.text(input), .text(persona), .text(experimentID)], Self.sketch)
    }
}

/// Stored ISO-8601 times as seconds, for readers outside Store.
public enum StoredTime {
    /// Seconds since 1970 of an ISO-8601 time as the Store writes them; nil when unreadable.
    public static func seconds(_ iso: String) -> Double? {
        ISOTime.microseconds(iso).map { Double($0) / 1_000_000 }
    }
}
