import Core
import Foundation
import Store

/// The results table printed at the end.
enum Report {
    static func results(_ summary: JSON, console: Console) {
        func ms(_ key: String) -> String {
            guard let value = summary[key]?.doubleValue else { return "-" }
            return value >= 1000 ? NumberText.fixed(value / 1000, digits: 2) + "s" : NumberText.fixed(value, digits: 0) + "ms"
        }
        let rate = (summary["success_rate"]?.doubleValue ?? 0) * 100
        console.line("")
        console.line(String(repeating: "=", count: 50))
        console.line("Experiment Complete!")
        console.line(String(repeating: "=", count: 50))
        console.line("")
        console.table("Results Summary", [
            ("Total Runs", "\(summary["total_traces"]?.intValue ?? 0)"),
            ("Successful", "\(summary["successful"]?.intValue ?? 0)"),
            ("Failed", "\(summary["failed"]?.intValue ?? 0)"),
            ("Success Rate", NumberText.fixed(rate, digits: 1) + "%"),
            ("Avg Duration", ms("avg_duration_ms")),
            ("P95 Duration", ms("p95_duration_ms")),
        ])
        console.line("")
    }
}
