import Core
import Foundation

/// The one cap on run starts that every worker of an experiment shares (`runner.rate_limit`, `--rate-limit`),
/// and the brake a provider's HTTP 429 pulls.
///
/// Starts are spaced `1/rate` apart, with no burst after a pause: over any window the start rate is the
/// configured one. A 429 from the supervisor or the judge (`slowDown(retryAfter:)`) holds every start until its
/// Retry-After has passed (1 s when it gives none) and halves the rate; each start after that gives back a
/// fiftieth of the configured rate, so the limiter climbs back within about 50 starts when the provider stops
/// refusing. Without a configured rate, a 429 only pauses starts.
///
/// A lock rather than an actor: `acquire` is on every run's start path, and a reservation is a few arithmetic steps.
final class RateLimiter: Sendable {
    /// The experiment's limiter, for HTTP clients deep below the worker phase (the supervisor's, the judge's):
    /// bound around the workers and the store writer, so each 429 reaches the limiter of its own experiment.
    @TaskLocal static var current: RateLimiter?

    /// Configured starts per second, nil for no limit.
    let configured: Double?

    private struct State {
        var rate: Double?
        var last: ContinuousClock.Instant?
        var pausedUntil: ContinuousClock.Instant?
    }
    private let state: Locked<State>

    init(perSecond: Double?) {
        configured = perSecond
        state = Locked(State(rate: perSecond))
    }

    /// The current starts per second (lower than the configured rate after a 429), nil without a limit.
    var rate: Double? { state.withLock { $0.rate } }

    /// Waits for the next start slot; false when `stopped` turned true while waiting (the slot is given up).
    func acquire(stopped: @Sendable () -> Bool) async -> Bool {
        guard let slot = reserve() else { return true }
        while true {
            let now = ContinuousClock.now
            if now >= slot { return true }
            if stopped() { return false }
            // Short naps, so that Ctrl-C is not kept waiting behind a slow limit.
            try? await Task.sleep(until: min(slot, now.advanced(by: .milliseconds(200))), clock: .continuous)
        }
    }

    /// The moment the caller may start, or nil for at once.
    private func reserve() -> ContinuousClock.Instant? {
        state.withLock { state in
            let now = ContinuousClock.now
            var slot = now
            if let paused = state.pausedUntil {
                if paused > now { slot = paused } else { state.pausedUntil = nil }
            }
            if let rate = state.rate, let last = state.last {
                slot = max(slot, last.advanced(by: .seconds(1 / rate)))
            }
            if let configured, let rate = state.rate, rate < configured {
                state.rate = min(configured, rate + configured / 50)
            }
            state.last = slot
            return slot > now ? slot : nil
        }
    }

    /// A provider answered 429: hold starts for `retryAfter` seconds (1 when nil, at most 120) and halve the rate
    /// (down to a sixteenth of the configured one).
    func slowDown(retryAfter: Double?) {
        let pause = min(max(retryAfter ?? 1, 0), 120)
        state.withLock { state in
            let until = ContinuousClock.now.advanced(by: .milliseconds(Int64(pause * 1000)))
            state.pausedUntil = max(state.pausedUntil ?? until, until)
            if let configured, let rate = state.rate {
                state.rate = max(configured / 16, rate / 2)
            }
        }
    }
}
