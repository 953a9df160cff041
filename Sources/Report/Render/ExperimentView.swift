import Core
/// The experiment view: cards, charts, input table, failure groups, run details.
enum ExperimentView {
    static func write(_ m: Markup, _ s: ExperimentSummary, options: ReportOptions) {
        let toc = [("overview", "Overview"), ("charts", "Charts"), ("inputs", "Inputs"), ("failures", "Failures"), ("runs", "Runs")]
        Page.write(m, title: "Experiment \(s.info.name)", subtitle: "\(s.info.id) · started \(Page.date(s.info.startedAt)) · fluxloop report",
                   toc: toc.map { (anchor: $0.0, label: $0.1) }) {
            m.el(.section, .id("overview")) {
                m.el(.h2, text: "Overview")
                cards(m, s)
                chips(m, s.info.configuration)
            }
            charts(m, s)
            inputs(m, s, limit: options.inputRowLimit)
            failures(m, s)
            runs(m, s)
        }
    }

    static func cards(_ m: Markup, _ s: ExperimentSummary, other: ExperimentSummary? = nil) {
        m.el(.div, .cls("cards")) {
            for c in cardValues(s, other: other) { Page.card(m, c.key, c.value, detail: c.detail) }
        }
    }

    /// The header cards' values; with `other` (the base of a comparison), a delta line each.
    static func cardValues(_ s: ExperimentSummary, other o: ExperimentSummary?) -> [(key: String, value: String, detail: String?)] {
        func delta(_ a: Double, _ b: Double?, _ fmt: (Double) -> String, unit: String = "") -> String? {
            guard let b else { return nil }
            let d = a - b
            return d == 0 ? "no change" : (d > 0 ? "+" : "−") + fmt(abs(d)) + unit + " vs base"
        }
        let basis = s.info.scored ? "scores" : "success"
        return [
            ("Runs", NumberText.grouped(s.runs), delta(Double(s.runs), o.map { Double($0.runs) }, { NumberText.grouped(Int($0)) })),
            ("Pass rate", NumberText.wholePercent(s.passRate), delta(s.passRate * 100, o.map { $0.passRate * 100 }, { NumberText.trimmed(($0 * 10).rounded() / 10) }, unit: " pt")
                ?? "\(NumberText.grouped(s.passes)) of \(NumberText.grouped(s.runs)) · \(basis)"),
            ("Failures", NumberText.grouped(s.failures), delta(Double(s.failures), o.map { Double($0.failures) }, { NumberText.grouped(Int($0)) })),
            ("Latency p50", ChartFrame.ms(s.latencyP50), delta(s.latencyP50, o?.latencyP50, ChartFrame.ms)),
            ("Latency p95", ChartFrame.ms(s.latencyP95), delta(s.latencyP95, o?.latencyP95, ChartFrame.ms)),
            ("Tokens", NumberText.grouped(s.tokens), delta(Double(s.tokens), o.map { Double($0.tokens) }, { NumberText.grouped(Int($0)) })),
            ("Started", String(Page.date(s.firstStart).split(separator: " ")[1]), String(Page.date(s.firstStart).split(separator: " ")[0]) + " UTC"),
            ("Duration", Page.duration(s.durationSeconds), delta(s.durationSeconds, o?.durationSeconds, Page.duration)),
        ]
    }

    static func chips(_ m: Markup, _ config: [(key: String, value: String)]) {
        guard !config.isEmpty else { return }
        m.el(.div, .cls("chips")) {
            for c in config { m.el(.span, .cls("chip")) { m.text(c.key + ": "); m.el(.b, text: c.value) } }
        }
    }

    static func charts(_ m: Markup, _ s: ExperimentSummary) {
        m.el(.section, .id("charts")) {
            m.el(.h2, text: "Charts")
            m.el(.div, .cls("charts")) {
                Page.figure(m, "Latency histogram", svg: Charts.latencyHistogram(s.latencies))
                Page.figure(m, "Pass rate per persona", svg: Charts.personaPassRate(s.personas))
                Page.figure(m, "Pass rate per input across iterations", svg: Charts.inputConsistency(s.inputs))
                if (s.inputs.map(\.runs).min() ?? 0) > 1 {
                    Page.figure(m, "pass@k and pass^k") { Charts.passAtK(s.inputs, into: m) }
                }
                if s.workers > 1 {
                    Page.figure(m, "Timeline (\(s.workers) workers)", svg: Charts.timeline(s.timeline))
                }
            }
        }
    }

    static func inputs(_ m: Markup, _ s: ExperimentSummary, limit: Int) {
        let rows = s.inputs.sorted { ($0.passRate, $0.key) < ($1.passRate, $1.key) }.prefix(limit)
        let note = s.inputs.count > rows.count
            ? "The \(rows.count) inputs with the lowest pass rate; \(NumberText.grouped(s.inputs.count - rows.count)) more are left out."
            : nil
        Page.section(m, id: "inputs", title: "Inputs", note: note) {
            let columns: [SortableTable.Column] = [.text("Input"), .text("Persona"), .text("Class"), .number("Pass rate"),
                                                   .number("Median latency"), .number("Distinct outputs")]
            SortableTable.write(m, id: "input-table", placeholder: "Filter inputs…", columns: columns) {
                for i in rows {
                    m.el(.tr) {
                        m.el(.td) { m.el(.a, .href(anchor: Page.runAnchor(i.firstRunId)), text: Charts.truncate(RunDetailView.oneLine(i.key.input), 120)) }
                        m.el(.td, text: i.key.persona)
                        m.el(.td) { m.el(.span, .cls("badge b-\(i.consistency.rawValue)"), text: i.consistency.rawValue) }
                        m.el(.td, .cls("num"), .data(.value, NumberText.trimmed(i.passRate)), text: "\(NumberText.wholePercent(i.passRate)) (\(i.passes)/\(i.runs))")
                        m.el(.td, .cls("num"), .data(.value, NumberText.trimmed(i.medianLatencyMs)), text: ChartFrame.ms(i.medianLatencyMs))
                        m.el(.td, .cls("num"), text: String(i.distinctOutputs))
                    }
                }
            }
        }
    }

    static func failures(_ m: Markup, _ s: ExperimentSummary) {
        m.el(.section, .id("failures")) {
            m.el(.h2, text: "Failures")
            guard !s.failureGroups.isEmpty else { m.el(.p, .cls("note"), text: "No run failed."); return }
            let kept = Set(s.details.map(\.id))
            for g in s.failureGroups.prefix(50) {
                m.el(.details, .cls("run")) {
                    m.el(.summary) {
                        m.el(.span, .cls("badge b-fail"), text: NumberText.grouped(g.count))
                        m.el(.code, text: g.errorType)
                        m.el(.span, text: Charts.truncate(RunDetailView.oneLine(g.message), 140))
                    }
                    m.el(.div, .cls("body")) {
                        if !g.traceback.isEmpty { m.el(.pre, text: g.traceback) }
                        m.el(.div, .cls("note")) {
                            m.text("Runs: ")
                            for id in g.runIds {
                                if kept.contains(id) { m.el(.a, .href(anchor: Page.runAnchor(id)), text: id) } else { m.el(.code, text: id) }
                                m.text(" ")
                            }
                            if g.count > g.runIds.count { m.text("and \(NumberText.grouped(g.count - g.runIds.count)) more") }
                        }
                    }
                }
            }
            if s.failureGroups.count > 50 { m.el(.p, .cls("note"), text: "\(s.failureGroups.count - 50) more error groups are left out.") }
        }
    }

    static func runs(_ m: Markup, _ s: ExperimentSummary) {
        let note = s.detailsLeftOut > 0
            ? "\(NumberText.grouped(s.details.count)) of \(NumberText.grouped(s.runs)) runs shown, failures first; \(NumberText.grouped(s.detailsLeftOut)) left out."
            : "All \(NumberText.grouped(s.runs)) runs, failures first."
        Page.section(m, id: "runs", title: "Runs", note: note) {
            for run in s.details { RunDetailView.write(m, run) }
        }
    }
}
