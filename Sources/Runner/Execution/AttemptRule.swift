import Foundation

/// How long one attempt at a run may take, and when a failed attempt is tried again (`runner.timeout_seconds`,
/// `max_retries`, `retry_delay`): one rule for `WorkerLoop` and `InflightLoop`.
struct AttemptRule: Sendable {
    /// Seconds one attempt may take before its worker is killed.
    let timeout: Double
    /// Extra attempts for a run whose agent raised or timed out.
    let retries: Int
    /// Seconds before the first retry; doubled for each further one.
    let firstDelay: Double

    init(_ runner: RunnerConfig) {
        timeout = runner.timeoutSeconds ?? 300
        retries = runner.retriesRequested ? max(0, runner.maxRetries) : 0
        firstDelay = max(0, runner.retryDelay)
    }

    /// Seconds to wait before trying again after failed attempt `number` (1-based); nil when no retry is left.
    func retryDelay(afterAttempt number: Int) -> Double? {
        number <= retries ? firstDelay * pow(2, Double(number - 1)) : nil
    }
}
