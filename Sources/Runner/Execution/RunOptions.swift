import Core
import Foundation
import Store

/// The tool's version, recorded with every experiment.
public enum FluxloopVersion {
    public static let current = "0.1.0"
}

/// Everything `run experiment` was asked to do, beyond the project's configuration.
public struct RunOptions: Sendable {
    public var overrides: ConfigOverrides
    public var currentDirectory: URL
    /// `--db`; else `FLUXLOOP_DB`; else `<output_directory>/fluxloop.db`.
    public var databasePath: String?
    public var dryRun: Bool
    /// `--yes`: skip the confirmation prompt.
    public var assumeYes: Bool
    public var mode: Mode
    /// Called once the experiment's last write is done, while its folder is exported (on a thread of its own, so
    /// that the two overlap), and returns what to tell the user, which is printed after the export's lines,
    /// before the results table. The command line writes the HTML report here: building it needs Query, which
    /// Runner does not import. Nil writes nothing more.
    public var afterExport: (@Sendable (ExportedExperiment) -> AfterExportMessage)?

    /// Which runs to execute.
    public enum Mode: Sendable, Equatable {
        /// A new experiment with the whole plan.
        case new
        /// The planned runs of an interrupted (or crashed) experiment that have no result yet;
        /// nil means the latest resumable experiment.
        case resume(String?)
        /// A new experiment made of the runs that failed in another one.
        case rerunFailed(String)
        /// Take part in a running experiment on a PostgreSQL server (`--join`); nil means the latest running
        /// experiment with this configuration's name.
        case join(String?)
    }

    /// `--lease`: seconds a claimed run of an experiment on a server stays this process's before others may take
    /// it (renewed while the process lives). Nil: twice the run timeout.
    public var lease: Double?

    public init(overrides: ConfigOverrides, currentDirectory: URL, databasePath: String? = nil,
                dryRun: Bool = false, assumeYes: Bool = false, mode: Mode = .new) {
        self.overrides = overrides
        self.currentDirectory = currentDirectory
        self.databasePath = databasePath
        self.dryRun = dryRun
        self.assumeYes = assumeYes
        self.mode = mode
    }
}

/// What `RunOptions.afterExport` tells the user, printed in its turn.
public typealias AfterExportMessage = @Sendable (Console) -> Void

/// An experiment whose folder is exported (`RunOptions.afterExport`).
public struct ExportedExperiment: Sendable {
    public var experimentID: String
    public var folder: URL
    public var databasePath: String
}

/// Why `run experiment` stopped before or while running, with the exit code the user sees.
public enum RunError: Error, CustomStringConvertible, Sendable {
    case configuration(String)
    case declined
    case storage(String)

    public var description: String {
        switch self {
        case let .configuration(message): return message
        case .declined: return "Cancelled; nothing was run or written."
        case let .storage(message): return message
        }
    }

    /// 2 for anything the user must fix in the invocation or the project, 1 otherwise.
    public var exitCode: Int32 {
        switch self {
        case .configuration: return 2
        case .declined: return 1
        case .storage: return 1
        }
    }
}

extension RunError: UserFacingError {
    public var exitStatus: ExitStatusCode { ExitStatusCode(rawValue: exitCode) ?? .failure }
    public var userMessage: String { description }
}

/// How an experiment ended.
public struct RunOutcome: Sendable {
    public var experimentID: String
    public var folder: URL
    public var databasePath: String
    public var status: ExperimentStatus
    public var executed: Int
    public var planned: Int

    /// 0 when the experiment ran (failed runs included), 130 when it was interrupted.
    public var exitCode: Int32 { exitStatus.rawValue }
    public var exitStatus: ExitStatusCode { status == .interrupted ? .interrupted : .success }
}
