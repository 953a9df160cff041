import Core
import Foundation
import Store

/// Step 1 of loading a project: the FluxLoop root, the project folder and the configuration files to merge
/// (the rules are in `ConfigLoader`'s documentation).
extension ConfigLoader {
    /// Where a project's configuration was found.
    struct Located {
        var files: [URL]
        var configFile: URL
        var projectDirectory: URL
        var single: Bool
        /// The FluxLoop root (--root, default ./fluxloop), absolute.
        var root = URL(fileURLWithPath: "/")
    }

    /// The root, the project folder (`<root>/<--project>` or the current folder) and the files in merge order.
    static func locate(_ overrides: ConfigOverrides, cwd: URL) throws(ConfigError) -> Located {
        let root = Paths.resolve(overrides.root ?? defaultRoot, against: cwd)
        var projectDir = cwd
        if let project = overrides.project {
            projectDir = Paths.resolve(project, against: root)
            guard Paths.isDirectory(projectDir) else {
                throw ConfigError.projectNotFound(name: project, path: projectDir.path)
            }
        }
        var located = try locate(overrides.configPath, projectDir: projectDir, cwd: cwd)
        located.root = root
        return located
    }

    static func locate(_ configPath: String?, projectDir: URL, cwd: URL) throws(ConfigError) -> Located {
        guard let configPath else {
            let configsDir = projectDir.appending(path: "configs")
            let simulation = configsDir.appending(path: "simulation.yaml")
            if Paths.isFile(simulation) { return sections(configsDir, named: simulation) }
            if !Paths.isDirectory(configsDir) {
                for name in legacyFiles {
                    let file = projectDir.appending(path: name)
                    if Paths.isFile(file) { return Located(files: [file], configFile: file, projectDirectory: projectDir, single: true) }
                }
            }
            throw ConfigError.configNotFound(looked: defaultConfigPath, directory: projectDir.path, explicit: false)
        }

        var url = Paths.resolve(configPath, against: projectDir)
        if !Paths.exists(url), !Paths.isAbsolute(configPath), projectDir.path != cwd.path {
            let fromCwd = Paths.resolve(configPath, against: cwd)
            if Paths.exists(fromCwd) { url = fromCwd }
        }
        if Paths.isDirectory(url) {
            let configsDir = url.lastPathComponent == "configs" ? url : url.appending(path: "configs")
            let simulation = configsDir.appending(path: "simulation.yaml")
            if Paths.isFile(simulation) { return sections(configsDir, named: simulation) }
            if url.lastPathComponent != "configs" {
                for name in legacyFiles {
                    let file = url.appending(path: name)
                    if Paths.isFile(file) { return Located(files: [file], configFile: file, projectDirectory: url, single: true) }
                }
            }
            throw ConfigError.configNotFound(looked: url.lastPathComponent == "configs" ? "configs/simulation.yaml" : "configs/simulation.yaml (or setting.yaml)",
                                             directory: url.lastPathComponent == "configs" ? url.deletingLastPathComponent().path : url.path,
                                             explicit: true)
        }
        if !Paths.isFile(url) {
            if url.lastPathComponent == "setting.yaml" {
                let legacy = url.deletingLastPathComponent().appending(path: "fluxloop.yaml")
                if Paths.isFile(legacy) { return Located(files: [legacy], configFile: legacy, projectDirectory: legacy.deletingLastPathComponent(), single: true) }
            }
            throw ConfigError.configNotFound(looked: configPath, directory: projectDir.path, explicit: true)
        }
        let parent = url.deletingLastPathComponent()
        if parent.lastPathComponent == "configs" { return sections(parent, named: url) }
        if legacyFiles.contains(url.lastPathComponent) {
            return Located(files: [url], configFile: url, projectDirectory: parent, single: true)
        }
        return Located(files: [url], configFile: url, projectDirectory: projectDir, single: true)
    }

    /// The sections of a `configs/` folder in merge order (missing ones skipped); a named file that
    /// is not one of the four goes last, so it wins.
    static func sections(_ configsDir: URL, named: URL) -> Located {
        var files = sectionFiles.map { configsDir.appending(path: $0) }.filter { Paths.isFile($0) }
        if !files.contains(where: { $0.standardizedFileURL.path == named.standardizedFileURL.path }) { files.append(named) }
        return Located(files: files, configFile: named, projectDirectory: configsDir.deletingLastPathComponent(), single: false)
    }
}
