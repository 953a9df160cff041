import Core
import Foundation

/// Why a project's configuration or inputs cannot be used. Every message names the file (and the
/// YAML line where known), the key, and what to do about it.
public enum ConfigError: Error, CustomStringConvertible, Sendable, Equatable {
    /// No config file where we looked. `looked` is what was tried, `directory` where.
    case configNotFound(looked: String, directory: String, explicit: Bool)
    /// `--project NAME` names a folder that does not exist.
    case projectNotFound(name: String, path: String)
    case unreadableFile(path: String, reason: String)
    /// The file is not valid YAML; `message` is the parser's problem.
    case invalidYAML(SourceLocation, message: String)
    /// A config file's top level is not a mapping.
    case notAMapping(SourceLocation, found: String)
    /// A key holds a value of the wrong type or out of range. `expected` reads like
    /// "a whole number ≥ 1"; `got` is the value as written.
    case invalidValue(SourceLocation, key: String, expected: String, got: String, hint: String?)
    /// A CLI option holds a value out of range (`-i 0`).
    case invalidOption(option: String, expected: String, got: String)
    /// A required key is absent. `fix` says what to add.
    case missingKey(file: String, key: String, fix: String)
    /// `runner.target` is not `module:function`.
    case invalidTarget(SourceLocation, got: String)
    /// `input_template` uses a placeholder other than {input} and {persona}.
    case invalidTemplate(SourceLocation, placeholder: String)
    /// The inputs file does not exist; `namedBy` says which key or flag named it.
    case inputsFileNotFound(path: String, namedBy: String)
    /// The inputs file is readable YAML but not in one of the accepted shapes.
    case invalidInputs(SourceLocation, message: String)
    /// The inputs list (or base_inputs) holds no entries.
    case emptyInputs(SourceLocation, key: String)
    /// An inputs entry has no usable `input`.
    case invalidInputEntry(SourceLocation, index: Int, problem: String)
    /// Neither an inputs file nor base_inputs.
    case noInputs(configFile: String)
    /// `--personas` names a persona the config does not declare.
    case unknownPersona(names: [String], declared: [String])
    /// After `--personas` no run is left.
    case emptyPlan(personas: [String])

    public var description: String {
        switch self {
        case let .configNotFound(looked, directory, explicit):
            if explicit {
                return "no configuration found: \(looked) does not exist in \(directory) (check the --config path; a relative path is resolved against the project folder)"
            }
            return "no configuration found: \(looked) does not exist in \(directory) (pass --config FILE or run from a FluxLoop project folder)"
        case let .projectNotFound(name, path):
            return "project '\(name)' not found: \(path) does not exist (check --project, and --root, which defaults to ./fluxloop)"
        case let .unreadableFile(path, reason):
            return "\(path): cannot be read: \(reason)"
        case let .invalidYAML(location, message):
            return "\(location): \(message)"
        case let .notAMapping(location, found):
            return "\(location): expected a mapping of keys (key: value) at the top level, found \(found)"
        case let .invalidValue(location, key, expected, got, hint):
            var text = "\(location): '\(key)' must be \(expected) (got \(got))"
            if let hint { text += " — \(hint)" }
            return text
        case let .invalidOption(option, expected, got):
            return "\(option) must be \(expected) (got \(got))"
        case let .missingKey(file, key, fix):
            return "\(file): '\(key)' is required — \(fix)"
        case let .invalidTarget(location, got):
            return "\(location): 'runner.target' must have the form module:function, e.g. \"my_agent:run\" or \"package.module:Class.method\" (got \(got))"
        case let .invalidTemplate(location, placeholder):
            return "\(location): 'input_template' uses the placeholder {\(placeholder)}; only {input} and {persona} are available (write {{ and }} for literal braces)"
        case let .inputsFileNotFound(path, namedBy):
            return "inputs file not found: \(path) (named by \(namedBy)); fix the path or generate the inputs first"
        case let .invalidInputs(location, message):
            return "\(location): \(message)"
        case let .emptyInputs(location, key):
            return "\(location): the \(key) list is empty — add at least one entry like `- input: \"How do I start?\"`"
        case let .invalidInputEntry(location, index, problem):
            return "\(location): entry \(index + 1) (index \(index)) \(problem)"
        case let .noInputs(configFile):
            return "\(configFile): no inputs — set 'inputs_file' (e.g. inputs/generated.yaml) or list 'base_inputs' (each with an 'input'), or pass --inputs FILE"
        case let .unknownPersona(names, declared):
            let list = names.map { "'\($0)'" }.joined(separator: ", ")
            let declaredText = declared.isEmpty ? "the config declares no personas" : "declared personas: " + declared.joined(separator: ", ")
            return "--personas: unknown persona \(list) (\(declaredText))"
        case let .emptyPlan(personas):
            return "--personas \(personas.joined(separator: ",")): no input runs with \(personas.count == 1 ? "this persona" : "these personas") — check the persona names in the inputs file (an entry's persona is metadata.persona, or its top-level persona when it has no metadata mapping)"
        }
    }
}

extension ConfigError: UserFacingError {
    /// A project or option the user must fix: nothing was run or written.
    public var exitStatus: ExitStatusCode { .usage }
    public var userMessage: String { description }
}
