import Foundation
import PackagePlugin

/// Embeds the files a target needs at run time, so a copied `fluxloop` binary is self-contained:
/// `Store` gets `migrations/*.sql`, `PostgresStore` gets `migrations/postgresql/*.sql`, `Runner` gets its
/// `Python/` helper package.
@main
struct EmbedFiles: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let root: URL
        let enumName: String
        // The SQLite migrations are the top level of migrations/ only: the other dialects live in subfolders.
        var recursive = true
        switch target.name {
        case "Store":
            root = context.package.directoryURL.appending(path: "migrations")
            enumName = "EmbeddedMigrations"
            recursive = false
        case "PostgresStore":
            root = context.package.directoryURL.appending(path: "migrations/postgresql")
            enumName = "EmbeddedPostgresMigrations"
        case "Runner":
            root = target.directoryURL.appending(path: "Python")
            enumName = "EmbeddedPython"
        default:
            return []
        }
        let files = try listFiles(under: root, recursive: recursive)
        let output = context.pluginWorkDirectoryURL.appending(path: "\(enumName).swift")
        var arguments = [output.path(percentEncoded: false), enumName]
        for file in files {
            let relative = String(file.path(percentEncoded: false).dropFirst(root.path(percentEncoded: false).count))
                .trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            arguments.append("\(relative)=\(file.path(percentEncoded: false))")
        }
        return [
            .buildCommand(
                displayName: "Embedding \(files.count) files into \(target.name)",
                executable: try context.tool(named: "embed-files").url,
                arguments: arguments,
                inputFiles: files,
                outputFiles: [output]
            ),
        ]
    }

    private func listFiles(under root: URL, recursive: Bool) throws -> [URL] {
        let keep: Set<String> = ["sql", "py"]
        guard let walker = FileManager.default.enumerator(
            at: root, includingPropertiesForKeys: nil, options: recursive ? [] : [.skipsSubdirectoryDescendants]
        ) else { return [] }
        return walker.compactMap { $0 as? URL }
            .filter { keep.contains($0.pathExtension) && !$0.path.contains("__pycache__") }
            .sorted { $0.path < $1.path }
    }
}
