/// One result row, read by column name. Values arrive in PostgreSQL's text format and are converted on read.
public struct PGRow: Sendable {
    /// The result's column names, in order; shared by all rows of one result.
    public let columnNames: [String]
    private let index: [String: Int]
    /// The row's values as PostgreSQL's text, nil for NULL.
    public let values: [String?]

    init(columnNames: [String], index: [String: Int], values: [String?]) {
        self.columnNames = columnNames
        self.index = index
        self.values = values
    }

    /// The value's text, nil for NULL; throws for a column the result does not have.
    public func string(_ column: String) throws(PGError) -> String? {
        guard let position = index[column] else {
            throw PGError(message: "the result has no column '\(column)' (it has \(columnNames.joined(separator: ", ")))")
        }
        return values[position]
    }

    /// An integer column (smallint, integer, bigint); nil for NULL.
    public func int(_ column: String) throws(PGError) -> Int? {
        try convert(column, "an integer") { Int($0) }
    }

    /// A floating-point or numeric column, including `NaN` and `±Infinity`; nil for NULL.
    public func double(_ column: String) throws(PGError) -> Double? {
        try convert(column, "a number") { text in
            switch text {
            case "NaN": return .nan
            case "Infinity": return .infinity
            case "-Infinity": return -.infinity
            default: return Double(text)
            }
        }
    }

    /// A boolean column (`t`/`f`); nil for NULL.
    public func bool(_ column: String) throws(PGError) -> Bool? {
        try convert(column, "a boolean") { $0 == "t" ? true : ($0 == "f" ? false : nil) }
    }

    private func convert<T>(_ column: String, _ kind: String, _ parse: (String) -> T?) throws(PGError) -> T? {
        guard let text = try string(column) else { return nil }
        guard let value = parse(text) else {
            throw PGError(message: "column '\(column)' holds '\(text.prefix(50))', not \(kind)")
        }
        return value
    }
}
