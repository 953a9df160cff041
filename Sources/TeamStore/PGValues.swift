import Core
import Foundation
import PostgresStore
import Store

extension PGValue {
    /// A Store value as a PostgreSQL parameter or COPY field.
    init(_ value: DatabaseValue) {
        switch value {
        case .null: self = .null
        case let .integer(v): self = .int(v)
        case let .double(v): self = .double(v)
        case let .text(v): self = .text(v)
        // No column that push or pull copies holds a blob; kept lossless as hex text should one appear.
        case let .blob(bytes): self = .text(NumberText.hex(bytes: bytes))
        }
    }
}

extension PGRow {
    /// The row's values as Store values (text; SQLite's column affinity turns numbers back into numbers).
    var storeValues: [DatabaseValue] { values.map { $0.map(DatabaseValue.text) ?? .null } }
}
