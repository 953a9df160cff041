import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A minimal DevTools Protocol client: headless Chromium started with `--remote-debugging-pipe`,
/// commands on fd 3 and replies/events on fd 4, NUL-separated JSON. No network port is opened.
final class Chromium {
    struct Failure: Error, CustomStringConvertible { let description: String }

    /// The browser binary, or nil when none is installed.
    static var executable: String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The command line, without the binary (also quoted in the report).
    static func arguments(profile: String) -> [String] {
        ["--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe", "--no-first-run",
         "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--disable-extensions", "--hide-scrollbars", "--user-data-dir=" + profile, "about:blank"]
    }

    private let pid: pid_t
    private let toBrowser: Int32, fromBrowser: Int32
    private var buffer: [UInt8] = []
    private var nextId = 0
    private let profile: String
    /// Every event received so far (method, params, sessionId).
    private(set) var events: [(method: String, params: [String: Any], session: String?)] = []

    init(executable: String) throws {
        profile = FileManager.default.temporaryDirectory.appendingPathComponent("fluxloop-chromium-\(UUID().uuidString)").path
        var commands: [Int32] = [0, 0], replies: [Int32] = [0, 0]
        guard pipe(&commands) == 0, pipe(&replies) == 0 else { throw Failure(description: "pipe() failed") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, commands[0], 3)
        posix_spawn_file_actions_adddup2(&actions, replies[1], 4)
        let devnull = open("/dev/null", O_WRONLY)
        posix_spawn_file_actions_adddup2(&actions, devnull, 2)
        posix_spawn_file_actions_adddup2(&actions, devnull, 1)
        let argv = [executable] + Self.arguments(profile: profile)
        var cargs = argv.map { strdup($0) } + [nil]
        defer { cargs.forEach { free($0) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, executable, &actions, nil, &cargs, environ)
        close(commands[0]); close(replies[1]); close(devnull)
        guard rc == 0 else { throw Failure(description: "cannot start \(executable): \(rc)") }
        pid = child
        toBrowser = commands[1]
        fromBrowser = replies[0]
    }

    deinit {
        close(toBrowser); close(fromBrowser)
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        try? FileManager.default.removeItem(atPath: profile)
    }

    /// Sends a command and waits for its result (events that arrive meanwhile are recorded).
    @discardableResult
    func send(_ method: String, _ params: [String: Any] = [:], session: String? = nil, timeout: Double = 20) throws -> [String: Any] {
        nextId += 1
        let id = nextId
        var message: [String: Any] = ["id": id, "method": method, "params": params]
        if let session { message["sessionId"] = session }
        var data = try JSONSerialization.data(withJSONObject: message)
        data.append(0)
        try data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(toBrowser, raw.baseAddress! + offset, raw.count - offset)
                guard n > 0 else { throw Failure(description: "browser pipe closed") }
                offset += n
            }
        }
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let msg = try read(until: deadline, what: method)
            if let mid = msg["id"] as? Int, mid == id {
                if let error = msg["error"] { throw Failure(description: "\(method) failed: \(error)") }
                return msg["result"] as? [String: Any] ?? [:]
            }
            record(msg)
        }
    }

    /// Waits for an event by name.
    func wait(for method: String, after index: Int = 0, timeout: Double = 20) throws {
        if events[min(index, events.count)...].contains(where: { $0.method == method }) { return }
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let msg = try read(until: deadline, what: method)
            record(msg)
            if msg["method"] as? String == method { return }
        }
    }

    private func record(_ msg: [String: Any]) {
        guard let method = msg["method"] as? String else { return }
        events.append((method, msg["params"] as? [String: Any] ?? [:], msg["sessionId"] as? String))
    }

    private func read(until deadline: Date, what: String) throws -> [String: Any] {
        while true {
            if let end = buffer.firstIndex(of: 0) {
                let body = Data(buffer[..<end])
                buffer.removeSubrange(...end)
                return try JSONSerialization.jsonObject(with: body) as? [String: Any] ?? [:]
            }
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { throw Failure(description: "timed out waiting for \(what)") }
            var fds = pollfd(fd: fromBrowser, events: Int16(POLLIN), revents: 0)
            guard poll(&fds, 1, Int32(left * 1000)) > 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            let n = Glibc.read(fromBrowser, &chunk, chunk.count)
            guard n > 0 else { throw Failure(description: "browser exited while waiting for \(what)") }
            buffer.append(contentsOf: chunk[..<n])
        }
    }
}

/// A page opened in a fresh target, with console, log, network and page events enabled.
struct BrowserPage {
    let browser: Chromium
    let session: String

    init(_ browser: Chromium, width: Int = 1280, height: Int = 900) throws {
        self.browser = browser
        let target = try browser.send("Target.createTarget", ["url": "about:blank"])["targetId"] as! String
        session = try browser.send("Target.attachToTarget", ["targetId": target, "flatten": true])["sessionId"] as! String
        for domain in ["Page", "Runtime", "Log", "Network"] { try browser.send(domain + ".enable", session: session) }
        try browser.send("Emulation.setDeviceMetricsOverride", ["width": width, "height": height, "deviceScaleFactor": 1, "mobile": false], session: session)
    }

    func open(_ url: URL) throws {
        let mark = browser.events.count
        try browser.send("Page.navigate", ["url": url.absoluteString], session: session)
        try browser.wait(for: "Page.loadEventFired", after: mark)
    }

    /// Evaluates a JavaScript expression and returns its JSON-compatible value.
    func evaluate(_ expression: String) throws -> Any? {
        let r = try browser.send("Runtime.evaluate", ["expression": expression, "returnByValue": true], session: session)
        return (r["result"] as? [String: Any])?["value"]
    }

    /// A PNG screenshot; `fullPage` captures the whole document height.
    func screenshot(fullPage: Bool = false) throws -> Data {
        // A background tab renders no frames, and a capture of it never returns.
        try browser.send("Page.bringToFront", session: session)
        var params: [String: Any] = ["format": "png"]
        if fullPage, let h = try evaluate("document.documentElement.scrollHeight") as? Int {
            params["clip"] = ["x": 0, "y": 0, "width": 1280, "height": min(h, 2400), "scale": 1]
            params["captureBeyondViewport"] = true
        }
        let r = try browser.send("Page.captureScreenshot", params, session: session, timeout: 60)
        return Data(base64Encoded: r["data"] as? String ?? "") ?? Data()
    }

    /// A PNG of the element matched by a CSS selector (for looking at one part of the page).
    func screenshot(selector: String) throws -> Data {
        try browser.send("Page.bringToFront", session: session)
        let js = "(function(){var r=document.querySelector(\"\(selector)\").getBoundingClientRect();return [r.left+scrollX,r.top+scrollY,r.width,r.height]})()"
        guard let box = try evaluate(js) as? [Double] else { return Data() }
        let clip: [String: Any] = ["x": box[0], "y": box[1], "width": box[2], "height": min(box[3], 2400), "scale": 1]
        let r = try browser.send("Page.captureScreenshot", ["format": "png", "clip": clip, "captureBeyondViewport": true], session: session, timeout: 60)
        return Data(base64Encoded: r["data"] as? String ?? "") ?? Data()
    }

    /// Events of this page's session.
    var events: [(method: String, params: [String: Any])] {
        browser.events.filter { $0.session == session }.map { ($0.method, $0.params) }
    }
}
