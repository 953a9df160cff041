import Core

/// The comparison view: cards side by side, verdict, changed inputs, side-by-side runs, config diff.
enum CompareView {
    static func write(_ m: Markup, _ c: ComparisonModel, options: ReportOptions) {
        let toc = [("overview", "Overview"), ("verdict", "Verdict"), ("changes", "Changes"), ("pairs", "Side by side"), ("config", "Configuration")]
        Page.write(m, title: "Comparison \(c.base.info.name) → \(c.head.info.name)",
                   subtitle: "base \(c.base.info.id) · head \(c.head.info.id) · fluxloop report",
                   toc: toc.map { (anchor: $0.0, label: $0.1) }) {
            m.el(.section, .id("overview")) {
                m.el(.h2, text: "Overview")
                m.el(.div, .cls("side")) {
                    m.el(.div) { m.el(.h3, text: "Base: \(c.base.info.name)"); ExperimentView.cards(m, c.base) }
                    m.el(.div) { m.el(.h3, text: "Head: \(c.head.info.name)"); ExperimentView.cards(m, c.head, other: c.base) }
                }
            }
            verdict(m, c)
            changes(m, c, limit: options.inputRowLimit)
            pairs(m, c)
            config(m, c.configDiff)
        }
    }

    static func verdict(_ m: Markup, _ c: ComparisonModel) {
        m.el(.section, .id("verdict")) {
            m.el(.h2, text: "Verdict")
            m.el(.div, .cls("verdict")) {
                if let v = c.verdict {
                    m.el(.strong, text: v.verdict)
                    m.el(.div, .cls("mono"), text: "Δ \(v.metric) = \(signed(v.delta)) · \(Int((v.level * 100).rounded()))% CI [\(signed(v.ciLow)), \(signed(v.ciHigh))] · sign test p = \(pValue(v.signTestP))")
                } else {
                    m.el(.div, .cls("note"), text: "No statistical verdict in this report; the per-input changes follow.")
                }
                let counts = c.counts
                m.el(.div) {
                    for k in [ChangeKind.regression, .improvement, .flipped, .slower, .added, .removed, .unchanged] {
                        m.el(.span, .cls("badge b-\(k.label)"), text: "\(counts[k] ?? 0) \(k.label)")
                        m.text(" ")
                    }
                }
            }
        }
    }

    static func changes(_ m: Markup, _ c: ComparisonModel, limit: Int) {
        let rows = c.deltas.prefix(limit)
        let note = c.deltas.count > rows.count
            ? "The first \(rows.count) inputs (regressions first); \(NumberText.grouped(c.deltas.count - rows.count)) more are left out."
            : nil
        Page.section(m, id: "changes", title: "Changes per input", note: note) {
            let columns: [SortableTable.Column] = [.sortedAsNumber("Change"), .text("Input"), .text("Persona")]
                + ["Base pass", "Head pass", "Base median", "Head median"].map(SortableTable.Column.number)
            SortableTable.write(m, id: "change-table", placeholder: "Filter inputs…", columns: columns) {
                for d in rows {
                    m.el(.tr) {
                        m.el(.td, .data(.value, String(d.kind.rawValue))) { m.el(.span, .cls("badge b-\(d.kind.label)"), text: d.kind.label) }
                        m.el(.td) { m.el(.a, .href(anchor: pairAnchor(d.key)), text: Charts.truncate(RunDetailView.oneLine(d.key.input), 110)) }
                        m.el(.td, text: d.key.persona)
                        for s in [d.base, d.head] {
                            m.el(.td, .cls("num"), .data(.value, NumberText.trimmed(s?.passRate ?? -1)), text: s.map { "\(NumberText.wholePercent($0.passRate)) (\($0.passes)/\($0.runs))" } ?? "—")
                        }
                        for s in [d.base, d.head] {
                            m.el(.td, .cls("num"), .data(.value, NumberText.trimmed(s?.medianLatencyMs ?? -1)), text: s.map { ChartFrame.ms($0.medianLatencyMs) } ?? "—")
                        }
                    }
                }
            }
        }
    }

    static func pairs(_ m: Markup, _ c: ComparisonModel) {
        let note = c.pairsLeftOut > 0
            ? "\(c.pairs.count) matched runs shown, regressions first; \(NumberText.grouped(c.pairsLeftOut)) left out."
            : "\(c.pairs.count) matched runs (same input, persona and iteration)."
        Page.section(m, id: "pairs", title: "Side by side", note: note) {
            let kinds = Dictionary(c.deltas.map { ($0.key, $0.kind) }, uniquingKeysWith: { a, _ in a })
            var anchored = Set<InputKey>()
            for pair in c.pairs {
                guard let any = pair.head ?? pair.base else { continue }
                let key = InputKey(input: any.input, persona: any.persona)
                let kind = kinds[key] ?? .unchanged
                let first = anchored.insert(key).inserted
                let attrs: [Attr] = [.cls("run")] + (first ? [.id(pairAnchor(key))] : []) + (kind.rawValue <= ChangeKind.flipped.rawValue && PairView.differs(pair) ? [.open] : [])
                m.elements(.details, attrs) {
                    m.el(.summary) {
                        m.el(.span, .cls("badge b-\(kind.label)"), text: kind.label)
                        m.el(.strong, text: Charts.truncate(RunDetailView.oneLine(any.input), 90))
                        m.el(.span, .cls("muted"), text: "\(any.persona) · iteration \(any.iteration)")
                    }
                    m.el(.div, .cls("body")) { PairView.write(m, pair) }
                }
            }
        }
    }

    static func config(_ m: Markup, _ diff: [ConfigChange]) {
        m.el(.section, .id("config")) {
            m.el(.h2, text: "Configuration")
            guard !diff.isEmpty else { m.el(.p, .cls("note"), text: "Same configuration."); return }
            m.el(.table) {
                m.el(.thead) { m.el(.tr) { for h in ["Key", "Base", "Head"] { m.el(.th, text: h) } } }
                m.el(.tbody) {
                    for d in diff {
                        m.el(.tr) {
                            m.el(.td, .cls("mono"), text: d.key)
                            m.el(.td) { if let o = d.old { m.el(.del, text: o) } else { m.el(.span, .cls("muted"), text: "(unset)") } }
                            m.el(.td) { if let n = d.new { m.el(.ins, text: n) } else { m.el(.span, .cls("muted"), text: "(unset)") } }
                        }
                    }
                }
            }
        }
    }

    static func pairAnchor(_ key: InputKey) -> String { "input-\(String(FNV1a.hash((key.input + "\u{0}" + key.persona).utf8), radix: 16))" }

    static func signed(_ v: Double) -> String { (v > 0 ? "+" : v < 0 ? "−" : "") + NumberText.trimmed(abs(v)) }

    static func pValue(_ p: Double) -> String { p < 0.001 ? "< 0.001" : NumberText.trimmed((p * 1000).rounded() / 1000) }
}
