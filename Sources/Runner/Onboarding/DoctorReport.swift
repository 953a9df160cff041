/// One line of `fluxloop doctor`: what was checked, what was found, and the fix when it is a problem.
struct DoctorCheck: Sendable {
    enum Status: Sendable { case ok, info, warning, problem }
    var name: String
    var status: Status
    var detail: String
    var fix: String?

    static func ok(_ name: String, _ detail: String) -> DoctorCheck { DoctorCheck(name: name, status: .ok, detail: detail) }
    static func info(_ name: String, _ detail: String) -> DoctorCheck { DoctorCheck(name: name, status: .info, detail: detail) }
    static func warning(_ name: String, _ detail: String, fix: String) -> DoctorCheck {
        DoctorCheck(name: name, status: .warning, detail: detail, fix: fix)
    }
    static func problem(_ name: String, _ detail: String, fix: String) -> DoctorCheck {
        DoctorCheck(name: name, status: .problem, detail: detail, fix: fix)
    }
}

enum DoctorReport {
    /// One screen: a mark, the name padded to a column, the finding, and an indented fix.
    static func render(_ checks: [DoctorCheck]) -> String {
        let width = min(max(checks.map(\.name.count).max() ?? 0, 8), 20)
        var lines: [String] = []
        for check in checks {
            let mark = switch check.status {
            case .ok: "[ok]  "
            case .info: "[--]  "
            case .warning: "[warn]"
            case .problem: "[FAIL]"
            }
            let padded = check.name.count < width ? check.name + String(repeating: " ", count: width - check.name.count) : check.name
            lines.append("\(mark) \(padded)  \(check.detail)")
            if let fix = check.fix { lines.append(String(repeating: " ", count: width + 9) + "fix: " + fix) }
        }
        let problems = checks.filter { $0.status == .problem }.count
        lines.append("")
        lines.append(problems == 0 ? "No problems found." : "\(problems) problem\(problems == 1 ? "" : "s") found.")
        return lines.joined(separator: "\n")
    }
}
