import Core
import Foundation
import Store

/// `doctor`'s agent lines: the interpreter, and whether `runner.target` imports the way the worker imports it.
enum AgentChecks {
    static func check(_ project: LoadedProject?) -> [DoctorCheck] {
        guard let project else { return [python("python3", environment: nil)] }
        if let argv = project.config.runner.command {
            guard let launch = try? WorkerLaunch.agent(for: project) else {
                return [.problem("runner.command", "is empty", fix: "give the program and its arguments, e.g. [\"node\", \"agent.js\"]")]
            }
            if ProcessProbe.which(launch.executable, environment: launch.environment) != nil {
                return [.ok("runner.command", argv.joined(separator: " "))]
            }
            return [.problem("runner.command", "\(argv.first ?? "") is not found or not executable",
                             fix: "install it, put it on PATH, or give its path relative to runner.working_directory")]
        }
        let launch: WorkerLaunch
        do {
            launch = try WorkerLaunch.python(for: project)
        } catch {
            return [python("python3", environment: nil),
                    .problem("runner.target", "\(error)", fix: "set runner.target in configs/simulation.yaml to module:function, e.g. examples.simple_agent:run")]
        }
        var checks = [python(launch.executable, environment: launch.environment)]
        guard checks[0].status != .problem else { return checks }
        checks.append(targetImport(project, launch: launch))
        return checks
    }

    /// The interpreter's version; Python 3.8 or later.
    static func python(_ executable: String, environment: [String: String]?) -> DoctorCheck {
        guard let path = ProcessProbe.which(executable, environment: environment),
              let outcome = ProcessProbe.run(path, ["-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"], environment: environment),
              outcome.status == 0 else {
            return .problem("python3", "\(executable) not found or not working",
                            fix: "install Python 3.8+ (apt-get install python3), or set runner.python to the interpreter of your virtualenv")
        }
        let version = outcome.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = version.split(separator: ".").compactMap { Int($0) }
        if parts.count >= 2, parts[0] < 3 || (parts[0] == 3 && parts[1] < 8) {
            return .problem("python3", "\(version) at \(path) is too old", fix: "use Python 3.8 or later (runner.python)")
        }
        return .ok("python3", "\(version) (\(path))")
    }

    /// Imports the target with the bundled SDK first on sys.path, as the worker does.
    static func targetImport(_ project: LoadedProject, launch: WorkerLaunch) -> DoctorCheck {
        let target = project.config.runner.callableTarget ?? "?"
        guard let script = launch.arguments.last.map({ URL(fileURLWithPath: $0).deletingLastPathComponent().appending(path: "fluxloop_doctor.py").path }),
              let outcome = ProcessProbe.run(launch.executable, ["-u", script], environment: launch.environment, directory: launch.directory) else {
            return .problem("runner.target", "\(target): the import check could not start", fix: "check that python3 runs")
        }
        if outcome.timedOut {
            return .problem("runner.target", "\(target): importing took over 30 s", fix: "move slow work out of the module's import (into the function)")
        }
        let result = outcome.stdout.split(separator: "\n").last.flatMap { try? JSON.parse(String($0)) }
        if result?["ok"]?.boolValue == true { return .ok("runner.target", "\(target) imports") }
        let message = result?["message"]?.stringValue ?? outcome.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        let where_ = project.config.runner.workingDirectory.path
        switch result?["error"]?.stringValue {
        case "ModuleNotFoundError":
            let missing = result?["missing_module"]?.stringValue ?? "?"
            let own = result?["target_module"]?.stringValue ?? ""
            if own == missing || own.hasPrefix(missing + ".") {
                return .problem("runner.target", "\(target) does not import: \(message)",
                                fix: "check runner.target: module '\(own)' must be a .py file or package under \(where_) "
                                    + "(runner.working_directory) or runner.python_path")
            }
            let top = missing.split(separator: ".").first.map(String.init) ?? missing
            return .problem("runner.target", "\(target) does not import: \(message)",
                            fix: "install it for \(launch.executable): `\(launch.executable) -m pip install \(top)` "
                                + "(or set runner.python to the virtualenv that has it)")
        case "AttributeError":
            return .problem("runner.target", "\(target): \(message)", fix: "check the part after ':' in runner.target names a function in the module")
        default:
            let at = result?["where"]?.stringValue.map { " at \($0)" } ?? ""
            return .problem("runner.target", "\(target) fails on import: \(result?["error"]?.stringValue ?? "error"): \(message)\(at)",
                            fix: "run `\(launch.executable) -c \"import \(target.split(separator: ":").first ?? "")\"` in \(where_) to see the full error")
        }
    }
}
