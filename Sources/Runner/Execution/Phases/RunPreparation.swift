import Core
import Foundation
import Store

/// Phase 1 of `run experiment`: the validated project, the runs this command executes (the whole plan, the
/// runs an earlier experiment has not finished, or the ones it failed) and the decision whether to run them.
struct RunPreparation {
    let options: RunOptions
    let prepared: Preparation
    let target: Continuation.Target

    /// What happens after the plan is shown.
    enum Decision {
        /// `--dry-run`: nothing is executed or written.
        case dryRun
        /// A resume of an experiment that has a result for every planned run.
        case nothingToResume(RunOutcome)
        /// Confirmed (or `--yes`): run the target.
        case run
    }

    /// Loads the project, picks the runs and prints the plan.
    static func prepare(_ options: RunOptions, console: Console) throws -> RunPreparation {
        let prepared = try Preparation.prepare(options)
        let project = prepared.project
        console.line("📋 Loading configuration from: \(project.configFile.path(percentEncoded: false))")
        for warning in project.warnings { console.warn(warning) }

        let target: Continuation.Target
        switch options.mode {
        case .new:
            target = .new(runs: prepared.plan.runs)
        case let .resume(reference) where prepared.onServer:
            // On a server a resume is a join of an interrupted experiment: others may be running it again too.
            target = try JoinPreparation.join(reference, prepared: prepared, resuming: true)
        case let .resume(reference):
            target = try Continuation.resume(reference, prepared: prepared)
        case let .join(reference):
            target = try JoinPreparation.join(reference, prepared: prepared, resuming: false)
        case let .rerunFailed(reference):
            target = try Continuation.rerunFailed(reference, prepared: prepared)
        }
        let joining = if case .join = options.mode { true } else { false }
        prepared.printPlan(console, runs: target.runs.count, resuming: target.experiment, joining: joining)
        return RunPreparation(options: options, prepared: prepared, target: target)
    }

    /// Stops at a dry run or an empty resume, else asks for confirmation unless `--yes` was given.
    func decide(console: Console) throws -> Decision {
        if options.dryRun {
            console.line("Dry run: nothing was executed or written.")
            return .dryRun
        }
        if target.runs.isEmpty, let experiment = target.experiment, options.mode.continuesExperiment {
            console.line("Experiment \(experiment.id) has a result for every planned run; nothing to resume.")
            return .nothingToResume(RunOutcome(
                experimentID: experiment.id, folder: URL(fileURLWithPath: experiment.outputDirectory ?? "."),
                databasePath: prepared.databasePath, status: experiment.status,
                executed: experiment.executedRuns, planned: experiment.plannedRuns))
        }
        if !options.assumeYes {
            guard console.canAsk else {
                throw RunError.configuration(
                    "This will execute \(target.runs.count) runs. Standard input is not a terminal, so the confirmation "
                    + "cannot be asked: pass --yes (-y) to run without it.")
            }
            guard console.confirm("This will execute \(target.runs.count) runs. Continue?") else { throw RunError.declined }
        }
        return .run
    }
}
