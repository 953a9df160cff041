import Core
import Foundation
import Store

/// Why argument replay cannot start. `Preparation` turns it into a configuration error: exit 2 before
/// any run, nothing written.
struct ReplayError: Error, CustomStringConvertible, Sendable {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Argument replay (`replay_args`): a production handler such as
/// `handle_message(data, send_message_callback, send_error_callback)` is called with the arguments of a
/// recorded call, the simulated user input put in place of one field.
///
/// This is the Swift half: it reads and checks the recording before any run, and gives the Python worker
/// the `replay` object of `FLUXLOOP_WORKER_CONFIG` (see docs/protocol.md). The worker
/// (`ReplayPlan` in fluxloop_worker/replay.py) binds each run and collects what the callbacks send.
///
/// - The recorded call is the last non-empty line of `recording_file` (JSON lines, FluxLoop's format
///   `{"_version", "iteration", "target", "kwargs", "timestamp"}`; `fluxloop.record_call_args` writes it).
/// - Configuration errors: no `recording_file`, a missing or empty file, a last line that is not JSON (its
///   line number is given) or not a recorded call, a callable marker (`<builtin:…>`, `<callable:…>`) in
///   the kwargs without a provider in `callable_providers` (or with a provider the worker does not have),
///   a malformed `override_param_path`, and `runner.command` agents (they cannot receive Python callables).
/// - Warnings: a recording made for another target, an `override_param_path` that is not in the
///   recording (runs then use normal input binding), earlier lines that are not valid JSON.
struct ReplaySetup: Sendable {
    /// FluxLoop's default `override_param_path`.
    static let defaultOverridePath = "data.content"
    /// The callable providers the worker implements.
    static let supportedProviders = ["builtin:collector.send", "builtin:collector.error"]
    /// Larger kwargs are not put into the environment variable (Linux limits one to 128 KiB): the worker
    /// then reads them from `recording_file` line `line` itself.
    static let inlineLimit = 60_000

    /// Absolute.
    let recordingFile: URL
    /// The file as messages show it (relative to the project folder when inside it).
    let shownFile: String
    /// 1-based number of the replayed line.
    let line: Int
    /// The recording's `target`, if it has one.
    let target: String?
    /// The recorded kwargs (an object).
    let kwargs: JSON
    /// nil: keep the recorded values and only fill in the parameters the recording lacks.
    let overrideParamPath: String?
    /// `callable_providers`, parameter name → provider.
    let callableProviders: JSON
    /// True when `overrideParamPath` is nil or names a value of the recording.
    let pathFound: Bool
    /// Things to print as `[WARN]` lines before the run.
    let warnings: [String]

    /// The project's replay setup, checked; nil when `replay_args.enabled` is not true.
    static func load(_ project: LoadedProject) throws(ReplayError) -> ReplaySetup? {
        let config = project.config
        guard let replay = config.replayArgs, replay["enabled"]?.boolValue == true else { return nil }
        if config.runner.command != nil {
            throw ReplayError("replay_args replays a recorded call into a Python runner.target, so it cannot be used "
                + "with runner.command; set replay_args.enabled: false or use runner.target.")
        }
        guard let file = replay["recording_file"]?.stringValue,
              !file.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ReplayError("replay_args.recording_file is not set: point it at the JSONL recording to replay "
                + "(e.g. recording_file: recordings/args.jsonl), or set replay_args.enabled: false.")
        }
        let url = Paths.resolve(file, against: project.projectDirectory)
        let shown = PathDisplay.relative(url, to: [project.projectDirectory, config.currentDirectory])
        let overridePath = try overridePath(project)
        let providers = replay["callable_providers"] ?? .object([])
        let (line, record, earlier) = try lastRecord(url, shown: shown)

        guard case .object = record else {
            throw ReplayError("replay_args.recording_file \(shown) line \(line) is \(kind(record)), not a recorded call "
                + "({\"target\": …, \"kwargs\": {…}}); record one with fluxloop.record_call_args(…).")
        }
        guard let kwargs = record["kwargs"], kwargs.objectValue != nil else {
            let what = record["kwargs"].map { "its \"kwargs\" is \(kind($0))" } ?? "it has no \"kwargs\""
            throw ReplayError("replay_args.recording_file \(shown) line \(line) is not a recorded call: \(what), "
                + "where a mapping of the call's keyword arguments belongs.")
        }
        for (name, value) in kwargs.objectValue ?? [] {
            guard let marker = value.stringValue, isCallableMarker(marker) else { continue }
            guard let provider = providers[name]?.stringValue else {
                // Listing callable_providers replaces FluxLoop's defaults, so the example keeps what is there.
                let listed = (providers.objectValue ?? []).map { "      \($0.key): \($0.value.stringValue ?? $0.value.text)\n" }
                throw ReplayError("replay_args: the recorded parameter '\(name)' is the callable \(marker) (\(shown) line "
                    + "\(line)), but replay_args.callable_providers has no provider for it; add one, e.g.\n"
                    + "  replay_args:\n    callable_providers:\n" + listed.joined()
                    + "      \(name): builtin:collector.send   # or builtin:collector.error")
            }
            guard supportedProviders.contains(provider) else {
                throw ReplayError("replay_args.callable_providers.\(name) is '\(provider)'; the providers are "
                    + supportedProviders.joined(separator: " and ") + ".")
            }
        }

        var warnings: [String] = []
        if let number = earlier {
            warnings.append("replay_args.recording_file \(shown) line \(number) is not valid JSON; only the last line "
                + "(line \(line)) is replayed.")
        }
        let target = record["target"]?.stringValue
        if let target, let configured = config.runner.callableTarget,
           target.trimmingCharacters(in: .whitespaces) != configured.trimmingCharacters(in: .whitespaces) {
            warnings.append("replay_args: \(shown) was recorded for '\(target)', but runner.target is '\(configured)'; "
                + "replaying its arguments anyway.")
        }
        var found = true
        if let overridePath, steps(of: overridePath, in: kwargs) == nil {
            found = false
            warnings.append("replay_args.override_param_path '\(overridePath)' is not in the recording (\(shown) line "
                + "\(line)); the input is bound as without replay (recorded arguments and callbacks are not used).")
        }
        return ReplaySetup(recordingFile: url, shownFile: shown, line: line, target: target, kwargs: kwargs,
                           overrideParamPath: overridePath, callableProviders: providers, pathFound: found,
                           warnings: warnings)
    }

    /// The `replay` object of FLUXLOOP_WORKER_CONFIG.
    var workerConfig: JSON {
        var members: [(key: String, value: JSON)] = [
            ("recording_file", .string(recordingFile.path(percentEncoded: false))),
            ("line", .int(line)),
            ("target", target.map(JSON.string) ?? .null),
            ("override_param_path", overrideParamPath.map(JSON.string) ?? .null),
            ("callable_providers", callableProviders),
        ]
        if kwargs.text.utf8.count <= Self.inlineLimit { members.append(("kwargs", kwargs)) }
        return .object(members)
    }

    // MARK: - Pieces

    /// `override_param_path`: nil when set to null (or ""), FluxLoop's default when not given.
    /// (The normalized config keeps an explicit null; see `FieldSpec.keepsNull`.)
    static func overridePath(_ project: LoadedProject) throws(ReplayError) -> String? {
        let value = project.config.replayArgs?["override_param_path"]
        if value == .null { return nil }
        let path = value?.stringValue ?? defaultOverridePath
        if path.isEmpty { return nil }
        if path.split(separator: ".", omittingEmptySubsequences: false).contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw ReplayError("replay_args.override_param_path '\(path)' has an empty segment; write a dot path such "
                + "as data.content or messages.0.content (or null to keep the recorded values).")
        }
        return path
    }

    /// A recorded callable: `<builtin:…>` or `<callable:…>`.
    static func isCallableMarker(_ text: String) -> Bool {
        (text.hasPrefix("<builtin:") || text.hasPrefix("<callable:")) && text.hasSuffix(">")
    }

    /// Where `path` leads in the kwargs: keys of mappings and, for all-digit segments, indexes of lists;
    /// nil when the recording has no value there. (The worker walks it the same way.)
    static func steps(of path: String, in kwargs: JSON) -> [String]? {
        var node = kwargs
        var steps: [String] = []
        for segment in path.split(separator: ".", omittingEmptySubsequences: false).map(String.init) {
            switch node {
            case .object:
                guard let next = node[segment] else { return nil }
                node = next
            case let .array(items):
                guard !segment.isEmpty, segment.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                      let index = Int(segment), index < items.count else { return nil }
                node = items[index]
            default:
                return nil
            }
            steps.append(segment)
        }
        return steps
    }

    /// The last non-empty line of the recording, parsed; also the number of an earlier line that is not
    /// valid JSON, if any.
    static func lastRecord(_ url: URL, shown: String) throws(ReplayError) -> (line: Int, record: JSON, badEarlier: Int?) {
        guard Paths.exists(url) else {
            throw ReplayError("replay_args.recording_file \(shown) does not exist (looked for "
                + "\(url.path(percentEncoded: false))); record a call with fluxloop.record_call_args(…) or fix the path.")
        }
        guard Paths.isFile(url) else {
            throw ReplayError("replay_args.recording_file \(shown) is a folder; point it at the JSONL recording file.")
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ReplayError("replay_args.recording_file \(shown) cannot be read: \((error as NSError).localizedDescription)")
        }
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        func isBlank(_ line: ArraySlice<UInt8>) -> Bool {
            line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0B || $0 == 0x0C }
        }
        guard let last = lines.lastIndex(where: { !isBlank($0) }) else {
            throw ReplayError("replay_args.recording_file \(shown) is empty; it needs at least one recorded call "
                + "(one JSON line, as fluxloop.record_call_args(…) writes).")
        }
        let number = last + 1
        let record: JSON
        do {
            record = try JSON.parse(bytes: Array(lines[last]))
        } catch let error as JSONParseError {
            throw ReplayError("replay_args.recording_file \(shown) line \(number) is not valid JSON "
                + "(column \(error.offset + 1): \(error.reason)).")
        } catch {
            throw ReplayError("replay_args.recording_file \(shown) line \(number) is not valid JSON (\(error)).")
        }
        var badEarlier: Int?
        for index in 0..<last where !isBlank(lines[index]) {
            if (try? JSON.parse(bytes: Array(lines[index]))) == nil { badEarlier = index + 1; break }
        }
        return (number, record, badEarlier)
    }

    static func kind(_ value: JSON) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "a list"
        case .object: return "a mapping"
        }
    }
}
