import Core
import Foundation
@testable import Runner
import Store
import Testing

/// `--rate-limit` / `runner.rate_limit`: one cap on run starts shared by every worker, slowed by a provider's 429.
@Suite struct RateLimitTests {
    @Test func specsReadPerSecondAndPerMinute() {
        #expect(RateLimitSpec("20/s")?.perSecond == 20)
        #expect(RateLimitSpec("600/min")?.perSecond == 10)
        #expect(RateLimitSpec("0.5 / sec")?.perSecond == 0.5)
        for bad in ["20", "fast", "0/s", "-1/s", "20/h", "/s", "inf/s"] { #expect(RateLimitSpec(bad) == nil, "\(bad)") }
    }

    @Test func startsAcrossTwoWorkersKeepTheRateOverFiveSeconds() throws {
        let project = try TestProject(); defer { project.cleanup() }
        try project.addAgent("inflight_agent")
        try project.configure(simulation: """
            name: limited
            iterations: 1
            runner: {target: "inflight_agent:plain"}
            """, input: InflightTests.inputs(130))
        let result = try project.run(["run", "experiment", "--yes", "--no-report", "--parallel", "2", "--concurrency", "5",
                                      "--rate-limit", "20/s"], environment: ["INFLIGHT_DELAY": "0.05"])
        #expect(result.status == 0, "\(result.output)")
        // Starts in the 5 s after the first one, as recorded: 100 at 20/s.
        let started = try project.store().database.scalarInt("""
            SELECT count(*) FROM traces WHERE julianday(started_at) < (SELECT min(julianday(started_at)) FROM traces) + 5.0 / 86400
            """) ?? 0
        #expect(started >= 85 && started <= 115, "\(started) starts in 5 s")
        #expect(try project.store().database.scalarInt("SELECT count(*) FROM traces WHERE success = 1") == 130)
    }

    @Test func aBadRateIsAnInvalidOption() throws {
        let project = try TestProject(); defer { project.cleanup() }
        try project.addAgent("inflight_agent")
        try project.configure(simulation: """
            name: limited
            iterations: 1
            runner: {target: "inflight_agent:plain", rate_limit: 20 per second}
            base_inputs: [{input: a}]
            """)
        let fromConfig = try project.run(["run", "experiment", "--yes"])
        #expect(fromConfig.status == 2)
        #expect(fromConfig.stderr.contains("runner.rate_limit"), "\(fromConfig.stderr)")
        #expect(fromConfig.stderr.contains("20/s or 600/min"))
        let fromOption = try project.run(["run", "experiment", "--yes", "--rate-limit", "fast", "--concurrency", "0"])
        #expect(fromOption.status == 2)
        #expect(fromOption.stderr.contains("--"), "\(fromOption.stderr)")
        #expect(!FileManager.default.fileExists(atPath: project.database))
    }

    @Test func a429HoldsStartsForItsRetryAfterAndHalvesTheRate() async {
        let limiter = RateLimiter(perSecond: 20)
        #expect(await limiter.acquire(stopped: { false }))
        limiter.slowDown(retryAfter: 0.6)
        #expect(limiter.rate == 10)
        let clock = ContinuousClock()
        let waited = await clock.measure { _ = await limiter.acquire(stopped: { false }) }
        #expect(waited >= .milliseconds(550), "\(waited)")
        // Each start after that gives back a fiftieth of the configured rate.
        #expect(limiter.rate == 10.4)
        // Without a configured rate, a 429 only pauses starts.
        let unlimited = RateLimiter(perSecond: nil)
        unlimited.slowDown(retryAfter: 0.3)
        #expect(unlimited.rate == nil)
        let paused = await clock.measure { _ = await unlimited.acquire(stopped: { false }) }
        #expect(paused >= .milliseconds(250))
    }
}

extension RateLimitTests {
    /// A supervisor's 429 holds every new run start for its Retry-After, while the refused call waits it out too.
    @Test func aSupervisor429PausesNewRunStarts() throws {
        let project = try TestProject(); defer { project.cleanup() }
        try project.addAgent("inflight_agent")
        let limited = JSON.object([("status", .int(429)), ("headers", .object([("Retry-After", .string("2"))]))])
        let server = try MultiTurnTests.FakeProvider([limited, .object([("converse", .int(1)), ("delay", .double(0.05))])],
                                                     folder: project.folder.deletingLastPathComponent())
        try project.configure(simulation: """
            name: refused
            iterations: 1
            runner: {target: "inflight_agent:chat", concurrency: 2}
            multi_turn:
              enabled: true
              max_turns: 3
              supervisor: {provider: openai, model: m, api_key: k}
            """, input: InflightTests.inputs(6))
        let result = try project.run(["run", "experiment", "--yes", "--no-report", "--supervisor-base-url", server.baseURL],
                                     environment: ["INFLIGHT_DELAY": "0.1"])
        #expect(result.status == 0, "\(result.output)")
        let database = try project.store().database
        #expect(try database.scalarInt("SELECT count(*) FROM traces WHERE success = 1") == 6)
        // Two conversations start at once; the first supervisor call is refused for 2 s. Without the pause the
        // third run would start about 0.2 s in, when the other conversation ends.
        let third = try database.prepare("""
            SELECT (julianday(started_at) - (SELECT min(julianday(started_at)) FROM traces)) * 86400
            FROM traces ORDER BY started_at LIMIT 1 OFFSET 2
            """).first([]) { $0.double(0) } ?? 0
        #expect(third >= 1.7, "the third run started \(third) s after the first")
    }
}
