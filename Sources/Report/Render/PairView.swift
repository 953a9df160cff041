/// One matched pair of runs: outputs with a word diff, or the two conversations aligned by turn.
enum PairView {
    static func write(_ m: Markup, _ pair: RunPair) {
        let turns = !(pair.base?.turns.isEmpty ?? true) || !(pair.head?.turns.isEmpty ?? true)
        m.el(.div, .cls("side")) {
            for (label, run) in [("Base", pair.base), ("Head", pair.head)] {
                m.el(.div) {
                    m.el(.h4) {
                        m.text(label + " ")
                        if let run { RunDetailView.badge(m, run.passed); m.el(.span, .cls("muted"), text: " \(ChartFrame.ms(run.durationMs)) · run \(run.id)") }
                    }
                    if let run {
                        if let e = run.errorType { m.el(.pre, .cls("delta-down"), text: e + ": " + (run.errorMessage ?? "")) }
                        if !turns { m.el(.pre, text: run.output) }
                    } else {
                        m.el(.div, .cls("empty note"), text: "no matching run")
                    }
                }
            }
        }
        if turns {
            conversation(m, pair.base?.turns ?? [], pair.head?.turns ?? [])
        } else if let b = pair.base, let h = pair.head {
            m.el(.h4, text: "Word diff")
            m.el(.pre) { diff(m, b.output, h.output) }
        }
    }

    /// Whether the two runs differ in result, output or conversation (such pairs open by default).
    static func differs(_ pair: RunPair) -> Bool {
        guard let b = pair.base, let h = pair.head else { return true }
        return b.passed != h.passed || b.output != h.output || b.turns != h.turns
    }

    /// Writes a word diff: removed words in `<del>`, added in `<ins>`.
    static func diff(_ m: Markup, _ old: String, _ new: String) {
        for (i, piece) in WordDiff.diff(old, new).enumerated() {
            if i > 0 { m.text(" ") }
            switch piece {
            case .same(let s): m.text(s)
            case .removed(let s): m.el(.del, text: s)
            case .added(let s): m.el(.ins, text: s)
            }
        }
    }

    /// Both conversations aligned by content; the first divergent row is marked.
    static func conversation(_ m: Markup, _ base: [ReportTurn], _ head: [ReportTurn]) {
        let rows = TurnAlignment.align(base, head)
        let first = TurnAlignment.firstDivergence(rows)
        guard let first else {
            // Identical conversations stay folded: nothing to compare.
            m.el(.details) {
                m.el(.summary, .cls("note"), text: "Conversations identical (\(rows.count) turns)")
                m.el(.div, .cls("align")) { for t in head { m.el(.div, .cls("row")) { RunDetailView.turn(m, t); RunDetailView.turn(m, t) } } }
            }
            return
        }
        m.el(.h4, text: "Conversations aligned by turn")
        m.el(.div, .cls("align")) {
            for (i, row) in rows.enumerated() {
                m.el(.div, .cls(i == first ? "row diverge" : "row")) {
                    if i == first { m.el(.div, .cls("delta-down"), .style("grid-column:1/-1;font-size:12px;font-weight:600"), text: "▼ first divergence (turn \(i + 1))") }
                    side(m, row.base.map { base[$0] }, missing: "not in base: inserted in head")
                    if row.kind == .changed, let b = row.base, let h = row.head {
                        m.el(.div, .cls("turn \(head[h].role.rawValue)\(head[h].closing ? " closing" : "")")) {
                            m.el(.div, .cls("role"), text: head[h].role.rawValue + " · changed" + (head[h].closing ? " · closing turn" : ""))
                            m.el(.div, .cls("t")) { diff(m, base[b].text, head[h].text) }
                        }
                    } else {
                        side(m, row.head.map { head[$0] }, missing: "dropped in head")
                    }
                }
            }
        }
    }

    static func side(_ m: Markup, _ turn: ReportTurn?, missing: String) {
        if let turn { RunDetailView.turn(m, turn) } else { m.el(.div, .cls("empty"), text: missing) }
    }
}
