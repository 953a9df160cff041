import Core
import Store

/// `query trace ID`: one run's conversation, turn by turn, and its observation tree.
public enum TraceQuery {
    public static func run(reference: String, context: QueryContext) throws(QueryError) {
        try context.perform {
            let store = try context.readOnlyStore()
            let id = try store.resolveTraceID(reference)
            guard let transcript = try store.transcript(traceID: id) else { throw ReferenceError.traceNotFound(reference) }
            context.emit(report(transcript))
        }
    }

    static func report(_ t: TraceTranscript) -> QueryReport {
        let trace = t.trace
        let tree = ObservationTree(t.observations)
        let error: JSON = trace.success && trace.errorType == nil && trace.errorMessage == nil ? .null : .object([
            ("type", Figures.text(trace.errorType)), ("message", Figures.text(trace.errorMessage)),
            ("traceback", Figures.text(t.errorTraceback)),
        ])
        let object = JSON.object([
            ("trace_id", .string(trace.traceID)), ("experiment_id", .string(trace.experimentID)),
            ("experiment_name", .string(t.experimentName)), ("run_index", .int(trace.runIndex)),
            ("iteration", .int(trace.iteration)), ("persona", Figures.text(trace.persona)), ("input", .string(trace.input)),
            ("output", Figures.text(trace.output)), ("success", .bool(trace.success)),
            ("duration_ms", Figures.ms(trace.durationMs)), ("started_at", .string(t.startedAt)), ("ended_at", .string(t.endedAt)),
            ("attempts", .int(t.attempts)), ("error", error), ("termination_reason", Figures.text(t.terminationReason)),
            ("turn_count", Figures.int(t.turnCount)),
        ] + TracesQuery.traceFields(trace) + [
            ("conversation", .array(t.turns.map { turn in
                .object([("turn_index", .int(turn.turnIndex)), ("role", .string(turn.role)),
                         ("content", .string(turn.content)), ("source", .string(turn.source))])
            })),
            ("observations", .array(tree.roots.map(tree.json))),
        ])
        let head = ReportTable(title: "Trace \(trace.traceID)", columns: [ReportColumn("field"), ReportColumn("value")], rows: [
            [.string("experiment"), .string("\(t.experimentName) (\(trace.experimentID))")],
            [.string("run"), .string("\(trace.runIndex) (iteration \(trace.iteration))")],
            [.string("persona"), Figures.text(trace.persona)],
            [.string("result"), .string(trace.success ? "success" : "failed")],
            [.string("duration"), .string(ReportRenderer.display(Figures.ms(trace.durationMs), .milliseconds))],
        ] + (trace.success ? [] : [[.string("error"), .string([trace.errorType, trace.errorMessage].compactMap { $0 }.joined(separator: ": "))]])
            + fieldRows(trace))
        let conversation = ReportTable(
            title: "Conversation", columns: [ReportColumn("turn", .int), ReportColumn("role"), ReportColumn("source"), ReportColumn("content")],
            rows: t.turns.map { [.int($0.turnIndex), .string($0.role), .string($0.source), .string($0.content)] })
        let observations = ReportTable(
            title: "Observations",
            columns: [ReportColumn("observation"), ReportColumn("type"), ReportColumn("duration", .milliseconds), ReportColumn("error")],
            rows: tree.flattened().map { node, depth in
                [.string(String(repeating: "  ", count: depth) + node.record.name), .string(node.record.type),
                 Figures.ms(node.durationMs), Figures.text(node.record.error)]
            })
        return .object(object, tables: [head, conversation, observations])
    }
}

/// The head table's rows for what the agent set through the SDK's context; none when it set nothing.
private func fieldRows(_ trace: TraceOverview) -> [[JSON]] {
    var rows: [[JSON]] = []
    if let user = trace.userID { rows.append([.string("user"), .string(user)]) }
    if !trace.tags.isEmpty { rows.append([.string("tags"), .string(trace.tags.joined(separator: ", "))]) }
    if let metadata = trace.traceMetadata.flatMap({ try? JSON.parse($0) })?.objectValue {
        for (key, value) in metadata {
            rows.append([.string("metadata." + key), .string(value.stringValue ?? value.text)])
        }
    }
    return rows
}

/// Observations arranged under their parents, each level in start order.
struct ObservationTree {
    let nodes: [ObservationTiming]
    /// Indexes into `nodes`.
    let roots: [Int]
    let children: [Int: [Int]]

    init(_ observations: [ObservationTiming]) {
        nodes = observations
        let known = Set(observations.map(\.record.id))
        var children: [Int: [Int]] = [:]
        var roots: [Int] = []
        let index = Dictionary(observations.enumerated().map { ($0.element.record.id, $0.offset) }, uniquingKeysWith: { a, _ in a })
        for (offset, node) in observations.enumerated() {
            // An observation whose parent was not recorded is shown at the top rather than lost.
            if let parent = node.record.parentID, known.contains(parent), let parentIndex = index[parent], parentIndex != offset {
                children[parentIndex, default: []].append(offset)
            } else {
                roots.append(offset)
            }
        }
        let byStart: (Int, Int) -> Bool = { a, b in
            (observations[a].record.startTime ?? "", a) < (observations[b].record.startTime ?? "", b)
        }
        self.roots = roots.sorted(by: byStart)
        self.children = children.mapValues { $0.sorted(by: byStart) }
    }

    /// Depth-first, parents before children, with each node's depth.
    func flattened() -> [(node: ObservationTiming, depth: Int)] {
        var result: [(node: ObservationTiming, depth: Int)] = []
        var visited = Set<Int>()
        func visit(_ index: Int, _ depth: Int) {
            guard visited.insert(index).inserted else { return }
            result.append((nodes[index], depth))
            for child in children[index] ?? [] { visit(child, depth + 1) }
        }
        for root in roots { visit(root, 0) }
        return result
    }

    func json(_ index: Int) -> JSON {
        var seen = Set<Int>()
        return json(index, &seen)
    }

    private func json(_ index: Int, _ seen: inout Set<Int>) -> JSON {
        seen.insert(index)
        let o = nodes[index].record
        func parsed(_ text: String?) -> JSON { text.map { (try? JSON.parse($0)) ?? .string($0) } ?? .null }
        var members: [(key: String, value: JSON)] = [
            ("id", .string(o.id)), ("type", .string(o.type)), ("name", .string(o.name)),
            ("start_time", Figures.text(o.startTime)), ("end_time", Figures.text(o.endTime)),
            ("duration_ms", Figures.ms(nodes[index].durationMs)), ("level", .string(o.level)), ("error", Figures.text(o.error)),
            ("model", Figures.text(o.model)), ("input", parsed(o.input)), ("output", parsed(o.output)),
        ]
        var kids: [JSON] = []
        for child in children[index] ?? [] where !seen.contains(child) { kids.append(json(child, &seen)) }
        members.append(("children", .array(kids)))
        return .object(members)
    }
}
