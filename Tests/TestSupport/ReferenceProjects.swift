import Foundation

/// FluxLoop's reference projects (`shared/reference`: the projects with FluxLoop 0.2.30's own outputs), found in
/// one place for every test target: beside the repository's folder, as the machines that run the tests lay them out.
public enum ReferenceProjects {
    /// The repository's root folder.
    public static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// `shared/reference`, next to the repository.
    public static let folder = repository.deletingLastPathComponent().appending(path: "shared/reference")

    /// One reference project's folder.
    public static func project(_ name: String) -> URL { folder.appending(path: name) }

    /// Whether the reference projects are on this machine. A test may skip without them, except under CI=true,
    /// where their absence is an error: CI must not pass by running nothing.
    public static func available() throws -> Bool {
        if FileManager.default.fileExists(atPath: folder.path) { return true }
        if ProcessInfo.processInfo.environment["CI"] == "true" { throw Missing(path: folder.path) }
        return false
    }

    /// The reference folder is missing on a CI run.
    public struct Missing: Error, CustomStringConvertible {
        public let path: String
        public var description: String { "the reference projects are missing: \(path) (CI=true: these tests must run)" }
    }
}
