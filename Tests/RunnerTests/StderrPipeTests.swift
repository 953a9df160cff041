import Foundation
import Testing
@testable import Runner
#if canImport(Glibc)
import Glibc
#endif

/// The pipe that keeps a worker's standard error with the run that printed it.
@Suite struct StderrPipeTests {
    @Test func takeReturnsWhatWasWrittenThenNothing() throws {
        let pipe = try StderrPipe()
        defer { pipe.close() }
        let text = "line one\nline two\n"
        _ = text.withCString { write(pipe.writeEnd, $0, strlen($0)) }
        #expect(pipe.take() == text)
        #expect(pipe.take() == "")
        _ = Glibc.close(pipe.writeEnd)
    }

    @Test func keepsOnlyTheLastBytesPastItsLimit() throws {
        let pipe = try StderrPipe(limit: 10)
        defer { pipe.close() }
        _ = "0123456789abcdef".withCString { write(pipe.writeEnd, $0, strlen($0)) }
        _ = Glibc.close(pipe.writeEnd)
        // The draining thread may already have read it: either way only the last 10 bytes remain.
        #expect(pipe.take() == "[… 6 earlier bytes dropped]\n6789abcdef")
    }

    /// Many workers restarting at once open and close their pipes from many threads. With a dispatch read source
    /// per pipe this crashed fluxloop in libdispatch's event loop (SIGSEGV) under load; at this size it crashed
    /// the test process in one run of three, and the poll thread in none of six.
    @Test func manyPipesOpenedAndClosedAtOnceFromManyThreads() async throws {
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<16 {
                group.addTask {
                    var seen = 0
                    for round in 0..<3000 {
                        let pipe = try StderrPipe()
                        let text = "round \(round)\n"
                        _ = text.withCString { write(pipe.writeEnd, $0, strlen($0)) }
                        _ = Glibc.close(pipe.writeEnd)
                        if round % 2 == 0 { try await Task.sleep(for: .microseconds(50)) }
                        if pipe.take() == text { seen += 1 }
                        pipe.close()
                    }
                    return seen
                }
            }
            var total = 0
            for try await seen in group { total += seen }
            #expect(total == 48_000)
        }
        // Every descriptor is closed again: the draining threads have all finished.
        let open = { (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0 }
        let deadline = Date().addingTimeInterval(5)
        var count = open()
        while count > 64 && Date() < deadline { try await Task.sleep(for: .milliseconds(20)); count = open() }
        #expect(count <= 64)
    }
}
