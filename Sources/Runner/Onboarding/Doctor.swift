import Core
import Foundation
import Store

/// What `fluxloop doctor` looks at: the same project options as `run experiment`.
public struct DoctorOptions: Sendable {
    public var configPath: String?
    public var project: String?
    public var root: String?
    public var db: String?
    public var currentDirectory: URL
    public init(currentDirectory: URL) { self.currentDirectory = currentDirectory }
}

/// `fluxloop doctor`: checks what a run needs and prints one screen; each problem comes with its fix.
public enum Doctor {
    /// Prints the report; returns 1 when anything is wrong, else 0.
    public static func run(_ options: DoctorOptions, console: Console) -> Int32 {
        let checks = collect(options)
        console.line(DoctorReport.render(checks))
        return checks.contains { $0.status == .problem } ? 1 : 0
    }

    static func collect(_ options: DoctorOptions) -> [DoctorCheck] {
        let environment = ProcessInfo.processInfo.environment
        var checks: [DoctorCheck] = [.info("fluxloop", "version \(FluxloopVersion.current) (\(CommandLine.arguments.first ?? "fluxloop"))")]
        var overrides = ConfigOverrides()
        overrides.configPath = options.configPath
        overrides.project = options.project
        overrides.root = options.root
        var project: LoadedProject?
        do {
            let loaded = try ConfigLoader.load(overrides, currentDirectory: options.currentDirectory)
            project = loaded
            checks.append(.ok("project", "\(loaded.config.name) (\(loaded.config.configFileDisplay) in \(loaded.projectDirectory.path))"))
        } catch {
            checks.append(.problem("project", "\(error)",
                                   fix: "run it inside a project folder, pass --project NAME (under --root, default ./fluxloop), "
                                       + "or create one with `fluxloop init project --name NAME`"))
        }
        checks += AgentChecks.check(project)
        checks.append(DatabaseCheck.check(options, project: project, environment: environment))
        if let project {
            checks += keyChecks(project, environment: environment)
            if let chromium = chromiumCheck(project, environment: environment) { checks.append(chromium) }
        }
        return checks
    }

    /// The supervisor's key (a problem only when multi-turn runs need it) and the input generator's (a note).
    static func keyChecks(_ project: LoadedProject, environment: [String: String]) -> [DoctorCheck] {
        let config = project.config
        func present(_ name: String) -> Bool { !(config.environment[name] ?? environment[name] ?? "").isEmpty }
        var checks: [DoctorCheck] = []
        let supervisor = config.multiTurn.supervisor
        let provider = supervisor.provider.lowercased()
        if provider == "mock" {
            checks.append(.ok("supervisor", "mock (scripted; needs no key)"))
        } else {
            let variable = provider == "anthropic" ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY"
            let found = (supervisor.apiKey ?? "").isEmpty == false || present("FLUXLOOP_SUPERVISOR_API_KEY") || present(variable)
            let detail = "\(provider) \(supervisor.model): \(variable) / FLUXLOOP_SUPERVISOR_API_KEY \(found ? "present" : "absent")"
            if found {
                checks.append(.ok("supervisor", detail))
            } else if config.multiTurn.enabled {
                checks.append(.problem("supervisor", detail + " (multi_turn is enabled)",
                                       fix: "add \(variable)=... to the project's .env, or set supervisor.provider: mock"))
            } else {
                checks.append(.info("supervisor", detail + "; needed only with --multi-turn"))
            }
        }
        let generation = config.snapshot["input_generation"]?["llm"]
        let genProvider = (generation?["provider"]?.stringValue ?? "openai").lowercased()
        if genProvider != "mock" {
            let variable = genProvider == "anthropic" ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY"
            let found = present("FLUXLOOP_LLM_API_KEY") || present(variable)
            checks.append(.info("generation key", "\(genProvider): FLUXLOOP_LLM_API_KEY / \(variable) \(found ? "present" : "absent")"
                + (found ? "" : "; `generate inputs --mode deterministic` needs none")))
        }
        return checks
    }

    /// Chromium, only when the configuration asks for a PDF report.
    static func chromiumCheck(_ project: LoadedProject, environment: [String: String]) -> DoctorCheck? {
        var wantsPDF = false
        for file in project.configFiles {
            guard let tree = try? YAMLFile.read(file, display: file.lastPathComponent), let report = tree["report"] else { continue }
            for key in ["output", "format"] {
                let text = (report[key]?.stringValue ?? report[key]?.sequenceItems?.compactMap(\.stringValue).joined(separator: ",") ?? "")
                if text.lowercased().contains("pdf") { wantsPDF = true }
            }
        }
        guard wantsPDF else { return nil }
        let candidates = [environment["CHROME_PATH"], "chromium", "chromium-browser", "google-chrome", "headless_shell"].compactMap { $0 }
        if let found = candidates.lazy.compactMap({ ProcessProbe.which($0, environment: environment) }).first {
            return .ok("chromium", found + " (for the PDF report)")
        }
        return .problem("chromium", "not found; the configuration asks for a PDF report",
                        fix: "apt-get install chromium (or set CHROME_PATH to a Chrome/Chromium binary)")
    }
}
