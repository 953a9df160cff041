import Core
/// One run, expandable: transcript, observation waterfall, scores, error.
enum RunDetailView {
    static func write(_ m: Markup, _ run: ReportRun, open: Bool = false) {
        let attrs: [Attr] = [.cls("run"), .id(Page.runAnchor(run.id))] + (open ? [.open] : [])
        m.elements(.details, attrs) {
            m.el(.summary) {
                badge(m, run.passed)
                m.el(.strong, text: Charts.truncate(oneLine(run.input), 90))
                m.el(.span, .cls("muted"), text: "\(run.persona) · iteration \(run.iteration) · \(ChartFrame.ms(run.durationMs)) · \(NumberText.grouped(run.tokens)) tokens")
                if let t = run.errorType { m.el(.code, .cls("delta-down"), text: t) }
            }
            m.el(.div, .cls("body")) { body(m, run) }
        }
    }

    static func body(_ m: Markup, _ run: ReportRun) {
        m.el(.div, .cls("note mono"), text: "run \(run.id) · worker \(run.worker) · started \(Page.date(run.startedAt))")
        if let message = run.errorMessage ?? run.errorType {
            m.el(.h4, text: "Error")
            m.el(.pre, .cls("delta-down"), text: [run.errorType, message == run.errorType ? nil : message].compactMap { $0 }.joined(separator: ": "))
            if let tb = run.traceback, !tb.isEmpty { m.el(.pre, text: tb) }
        }
        if run.turns.isEmpty {
            m.el(.h4, text: "Input")
            m.el(.pre, text: run.input)
            m.el(.h4, text: "Output")
            m.el(.pre, text: run.output)
        } else {
            m.el(.h4, text: "Conversation (\(run.turns.count) turns)")
            for turn in run.turns { self.turn(m, turn) }
        }
        if !run.observations.isEmpty { waterfall(m, run.observations) }
        if !run.scores.isEmpty { scores(m, run.scores) }
    }

    /// One turn, with its role marked and the closing turn flagged.
    static func turn(_ m: Markup, _ turn: ReportTurn, extraClass: String = "") {
        m.el(.div, .cls("turn \(turn.role.rawValue)\(turn.closing ? " closing" : "") \(extraClass)")) {
            m.el(.div, .cls("role")) {
                m.text(turn.role.rawValue)
                if turn.closing { m.el(.span, .cls("closing-tag"), text: " · closing turn") }
            }
            m.el(.div, .cls("t"), text: turn.text)
        }
    }

    /// Observations as a waterfall: depth-indented names, bars placed on the run's time axis.
    static func waterfall(_ m: Markup, _ observations: [ReportObservation]) {
        m.el(.h4, text: "Observations")
        let end = max(observations.map { $0.startOffsetMs + $0.durationMs }.max() ?? 1, 1)
        m.el(.div, .cls("wf")) {
            for (obs, depth) in ordered(observations) {
                m.el(.div, .cls("mono"), .style("padding-left:\(depth * 14)px"), .title(obs.type), text: obs.name)
                m.el(.div, .cls(obs.error == nil ? "bar" : "bar err")) {
                    let left = NumberText.trimmed(100 * obs.startOffsetMs / end), width = NumberText.trimmed(100 * obs.durationMs / end)
                    m.el(.span, .style("left:\(left)%;width:\(width)%"))
                }
                m.el(.div, .cls("muted"), text: "\(ChartFrame.ms(obs.durationMs))\(obs.tokens > 0 ? " · \(obs.tokens) tok" : "")")
                if let e = obs.error { m.el(.div, .cls("errtext"), text: e) }
            }
        }
    }

    /// Depth-first order of the tree, children by start time; orphans become roots.
    static func ordered(_ observations: [ReportObservation]) -> [(ReportObservation, Int)] {
        let ids = Set(observations.map(\.id))
        var children: [String: [ReportObservation]] = [:]
        var roots: [ReportObservation] = []
        for o in observations {
            if let p = o.parentId, ids.contains(p), p != o.id { children[p, default: []].append(o) } else { roots.append(o) }
        }
        var out: [(ReportObservation, Int)] = []
        var seen = Set<String>()
        func visit(_ o: ReportObservation, _ depth: Int) {
            guard seen.insert(o.id).inserted else { return }
            out.append((o, depth))
            for c in (children[o.id] ?? []).sorted(by: { $0.startOffsetMs < $1.startOffsetMs }) { visit(c, depth + 1) }
        }
        for r in roots.sorted(by: { $0.startOffsetMs < $1.startOffsetMs }) { visit(r, 0) }
        return out
    }

    static func scores(_ m: Markup, _ scores: [ReportScore]) {
        m.el(.h4, text: "Scores")
        m.el(.table) {
            m.el(.thead) { m.el(.tr) { for h in ["Evaluator", "Score", "Result", "Reason"] { m.el(.th, text: h) } } }
            m.el(.tbody) {
                for s in scores {
                    m.el(.tr) {
                        m.el(.td, text: s.name)
                        m.el(.td, .cls("num"), text: NumberText.trimmed(s.value))
                        m.el(.td) { badge(m, s.passed) }
                        m.el(.td, text: s.reason)
                    }
                }
            }
        }
    }

    static func badge(_ m: Markup, _ passed: Bool) {
        m.el(.span, .cls(passed ? "badge b-pass" : "badge b-fail"), text: passed ? "pass" : "fail")
    }

    static func oneLine(_ s: String) -> String {
        s.split(whereSeparator: { $0.isNewline }).joined(separator: " ")
    }
}
