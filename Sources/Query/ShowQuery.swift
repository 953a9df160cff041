import Core
import Store

/// `query show EXP [--diff OTHER]`: one experiment's summary and configuration.
public enum ShowQuery {
    public static func run(reference: String, diffAgainst other: String?, context: QueryContext) throws(QueryError) {
        try context.perform {
            let store = try context.readOnlyStore()
            let record = try store.resolveExperiment(reference)
            guard let overview = try store.overview(experimentID: record.id) else {
                throw ReferenceError.experimentNotFound(reference)
            }
            var otherRecord: ExperimentRecord?
            if let other { otherRecord = try store.resolveExperiment(other) }
            let passRate = try store.passTally(experimentID: record.id, onlyIfScored: true)?.passRate
            context.emit(try report(record, overview, diffAgainst: otherRecord, passRate: passRate))
        }
    }

    static func report(_ record: ExperimentRecord, _ overview: ExperimentOverview, diffAgainst other: ExperimentRecord?,
                       passRate: Double? = nil) throws -> QueryReport {
        let config = (try? JSON.parse(record.configJSON)) ?? .object([])
        var members = HistoryQuery.entry(overview, passRate: passRate).objectValue ?? []
        members.insert(("description", Figures.text(record.description)), at: 2)
        members += [
            ("output_dir", Figures.text(record.outputDirectory)), ("tags", .array(record.tags.map(JSON.string))),
            ("tool_version", .string(record.toolVersion)), ("config", config),
        ]
        let fields = ReportTable(title: "Experiment", columns: [ReportColumn("field"), ReportColumn("value")],
                                 rows: members.filter { $0.key != "config" }.map { [.string($0.key), display($0.key, $0.value)] })
        var tables = [fields]
        if let other {
            let otherConfig = (try? JSON.parse(other.configJSON)) ?? .object([])
            let differences = ConfigDiff.differences(config, otherConfig)
            members.append(("config_diff", .object([
                ("other", .object([("id", .string(other.id)), ("name", .string(other.name))])),
                ("differences", .array(differences.map { d in
                    .object([("path", .string(d.path)), ("change", .string(d.change)),
                             ("value", d.value ?? .null), ("other_value", d.otherValue ?? .null)])
                })),
            ])))
            tables.append(ReportTable(
                title: "Configuration differences against \(other.id) (\(other.name))",
                columns: [ReportColumn("path"), ReportColumn("this"), ReportColumn("other")],
                rows: differences.map { [.string($0.path), leaf($0.value), leaf($0.otherValue)] }))
        } else {
            tables.append(ReportTable(title: "Configuration", columns: [ReportColumn("path"), ReportColumn("value")],
                                      rows: ConfigDiff.flatten(config).map { [.string($0.path), leaf($0.value)] }))
        }
        let shown = tables, object = JSON.object(members)
        return .object(object, tables: shown)
    }

    /// Figures shown with their units in the field/value table.
    private static func display(_ key: String, _ value: JSON) -> JSON {
        switch value {
        case .number where key.hasSuffix("_ms"): return .string(ReportRenderer.display(value, .milliseconds))
        case .number where key == "success_rate" || key == "pass_rate": return .string(ReportRenderer.display(value, .rate))
        case .array, .object: return .string(value.text)
        default: return value
        }
    }

    /// A configuration value as text; absent shows as "(absent)".
    private static func leaf(_ value: JSON?) -> JSON {
        guard let value else { return .string("(absent)") }
        if case let .string(text) = value { return .string(text) }
        return .string(value.text)
    }
}
