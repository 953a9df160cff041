import Core
import Foundation
import PostgresStore
import XCTest

/// A private PostgreSQL server for the tests: `initdb` into a temporary folder as an unprivileged user (`nobody`
/// when the tests run as root, as in CI), listening on a free loopback port only, with a password-authenticated
/// user. It never touches a system cluster. One server serves the whole test process and is stopped at exit;
/// a watchdog stops it too if the test process dies first.
final class PostgresTestServer: @unchecked Sendable {
    let folder: URL
    let port: Int
    let binaries: URL
    /// The test user and its password; the user owns every database that `makeDatabase` creates.
    let user = "fluxloop_test"
    let password = "pw-" + UUID().uuidString.lowercased()
    private let superPassword = UUID().uuidString.lowercased()
    private let runAs: String?
    private let databaseCounter = Locked(0)

    /// Why a server cannot be had here, when it cannot.
    struct Unavailable: Error, CustomStringConvertible { let description: String }

    private static let shared = Locked<Result<PostgresTestServer, Unavailable>?>(nil)

    /// The process-wide server, started on first use.
    static func start() -> Result<PostgresTestServer, Unavailable> {
        shared.withLock { state in
            if let state { return state }
            let result: Result<PostgresTestServer, Unavailable>
            do {
                result = .success(try PostgresTestServer())
                atexit { PostgresTestServer.stopShared() }
            } catch let error as Unavailable {
                result = .failure(error)
            } catch {
                result = .failure(Unavailable(description: "\(error)"))
            }
            state = result
            return result
        }
    }

    private static func stopShared() {
        if case let .success(server)? = shared.value { server.stop() }
    }

    private init() throws {
        guard let binaries = PostgresTestServer.findBinaries() else {
            throw Unavailable(description: "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin "
                + "(apt-get install postgresql, or set FLUXLOOP_PG_BIN)")
        }
        self.binaries = binaries
        runAs = getuid() == 0 ? "nobody" : nil
        var template = Array("/tmp/fluxloop-pg.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw Unavailable(description: "cannot create a temporary folder") }
        folder = URL(fileURLWithPath: String(cString: made))
        port = try PostgresTestServer.freePort()
        do {
            try setUp()
        } catch {
            // Nothing is left behind by a server that could not be set up.
            stop()
            throw error
        }
    }

    private func setUp() throws {
        let passwordFile = folder.appending(path: "superuser-password")
        try superPassword.write(to: passwordFile, atomically: false, encoding: .utf8)
        if let runAs {
            try run("/bin/chown", ["-R", "\(runAs):", folder.path], as: nil)
        }
        let data = folder.appending(path: "data").path
        try run(binaries.appending(path: "initdb").path, [
            "-D", data, "-U", "postgres", "--pwfile=\(passwordFile.path)", "-A", "scram-sha-256",
            "-E", "UTF8", "--no-locale", "--no-sync",
        ], as: runAs)
        try run(binaries.appending(path: "pg_ctl").path, [
            "-D", data, "-l", folder.appending(path: "server.log").path, "-w", "-t", "60",
            "-o", "-c listen_addresses=127.0.0.1 -p \(port) -c unix_socket_directories=\(folder.path)", "start",
        ], as: runAs)
        startWatchdog(data: data)
        let admin = try PGConnection(url: "postgresql://postgres:\(superPassword)@127.0.0.1:\(port)/postgres")
        try admin.execute("CREATE ROLE \(user) LOGIN PASSWORD '\(password)'")
    }

    /// A URL for a new, empty database owned by the test user.
    func makeDatabase() throws -> String {
        let name = "test_\(databaseCounter.withLock { $0 += 1; return $0 })"
        let admin = try PGConnection(url: "postgresql://postgres:\(superPassword)@127.0.0.1:\(port)/postgres")
        try admin.execute("CREATE DATABASE \(name) OWNER \(user)")
        return url(database: name)
    }

    /// The test user's URL for `database`, with the password in it.
    func url(database: String, password: String? = nil) -> String {
        "postgresql://\(user):\(password ?? self.password)@127.0.0.1:\(port)/\(database)"
    }

    func stop() {
        guard FileManager.default.fileExists(atPath: folder.appending(path: "data/postmaster.pid").path) else {
            try? FileManager.default.removeItem(at: folder)
            return
        }
        try? run(binaries.appending(path: "pg_ctl").path,
                 ["-D", folder.appending(path: "data").path, "-m", "fast", "-w", "stop"], as: runAs)
        try? FileManager.default.removeItem(at: folder)
    }

    /// Stops the server when this test process ends without running its exit handlers (a crash, a SIGKILL).
    private func startWatchdog(data: String) {
        let stop = (runAs.map { ["/usr/sbin/runuser", "-u", $0, "--"] } ?? [])
            + [binaries.appending(path: "pg_ctl").path, "-D", data, "-m", "immediate", "stop"]
        let script = "while kill -0 \(getpid()) 2>/dev/null; do sleep 2; done; "
            + "[ -d \(quoted(data)) ] && \(stop.map(quoted).joined(separator: " ")) >/dev/null 2>&1; "
            + "rm -rf \(quoted(folder.path))"
        PostgresTestServer.shell("(\(script)) </dev/null >/dev/null 2>&1 &", wait: true)
    }

    private func run(_ executable: String, _ arguments: [String], as user: String?) throws {
        let command = (user.map { ["/usr/sbin/runuser", "-u", $0, "--"] } ?? []) + [executable] + arguments
        let outputFile = folder.appending(path: "command-output-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: outputFile) }
        // The server's tools complain when they cannot read the current folder, which `nobody` may not. Output goes
        // to a file: the server that pg_ctl starts could inherit a pipe and keep it open.
        let status = PostgresTestServer.shell(
            "cd \(quoted(folder.path)) && exec \(command.map(quoted).joined(separator: " ")) >\(quoted(outputFile.path)) 2>&1")
        guard status == 0 else {
            let text = (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
            let log = (try? String(contentsOf: folder.appending(path: "server.log"), encoding: .utf8)) ?? ""
            throw Unavailable(description: "\(URL(fileURLWithPath: executable).lastPathComponent) failed "
                + "(\(status)): \(text)\(log.isEmpty ? "" : "\nserver log:\n" + log)")
        }
    }

    /// Runs `/bin/sh -c script` and returns its exit status; with `wait` false, returns at once.
    /// posix_spawn and waitpid rather than Foundation's Process, whose wait can miss the exit of a child
    /// that leaves a daemon behind.
    @discardableResult
    static func shell(_ script: String, wait: Bool = true) -> Int32 {
        var pid: pid_t = 0
        let arguments: [UnsafeMutablePointer<CChar>?] = ["/bin/sh", "-c", script].map { (word: String) in strdup(word) } + [nil]
        defer { arguments.forEach { free($0) } }
        guard posix_spawn(&pid, "/bin/sh", nil, nil, arguments, environ) == 0 else { return -1 }
        guard wait else { return 0 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        // WIFEXITED / WEXITSTATUS
        return (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }

    /// The newest installed server's bin folder, or FLUXLOOP_PG_BIN.
    private static func findBinaries() -> URL? {
        if let explicit = ProcessInfo.processInfo.environment["FLUXLOOP_PG_BIN"] {
            return URL(fileURLWithPath: explicit)
        }
        let root = URL(fileURLWithPath: "/usr/lib/postgresql")
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return versions.compactMap(Int.init).sorted().reversed()
            .map { root.appending(path: "\($0)/bin") }
            .first { FileManager.default.isExecutableFile(atPath: $0.appending(path: "initdb").path) }
    }

    /// A loopback port nothing listens on now (the kernel picks it).
    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Unavailable(description: "cannot open a socket") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(fd, socketAddress, length) == 0 && getsockname(fd, socketAddress, &length) == 0
            }
        }
        guard bound else { throw Unavailable(description: "cannot find a free loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// A shell word: the text in single quotes.
private func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

extension XCTestCase {
    /// The private server, or a skip with the reason; with CI=true a missing server fails the test instead.
    func requirePostgres(file: StaticString = #filePath, line: UInt = #line) throws -> PostgresTestServer {
        switch PostgresTestServer.start() {
        case let .success(server):
            return server
        case let .failure(reason):
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                XCTFail("PostgreSQL is required in CI: \(reason)", file: file, line: line)
                throw reason
            }
            throw XCTSkip("PostgreSQL tests skipped: \(reason)")
        }
    }

    /// A connection to a new, migrated database on the private server.
    func migratedDatabase() throws -> PGConnection {
        let server = try requirePostgres()
        let connection = try PGConnection(url: try server.makeDatabase())
        try PostgresMigrator.migrate(connection)
        return connection
    }
}
