/// One schema step of a database dialect: `NNN_name.sql`, carried inside the binary. SQLite's (`Store.Migration`)
/// and PostgreSQL's (`PostgresStore.PostgresMigration`) steps are both this.
public struct MigrationStep: Sendable {
    public let version: Int
    public let name: String
    public let sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// The embedded files named `NNN_name.sql`, ordered by version; files not named so are left out.
    public static func ordered(_ files: [(name: String, contents: String)]) -> [MigrationStep] {
        files.compactMap { file -> MigrationStep? in
            let base = file.name.hasSuffix(".sql") ? String(file.name.dropLast(4)) : file.name
            guard let underscore = base.firstIndex(of: "_"), let version = Int(base[..<underscore]) else { return nil }
            return MigrationStep(version: version, name: String(base[base.index(after: underscore)...]), sql: file.contents)
        }.sorted { $0.version < $1.version }
    }
}
