import CLibPQ

/// The data format of a `COPY … FROM STDIN`.
public enum PGCopyFormat: String, Sendable {
    /// Tab-separated, `\N` for NULL, backslash escapes: the fastest for the server to read.
    case text
    /// Comma-separated with double quotes; an unquoted empty field is NULL.
    case csv
}

/// Writes the rows of one COPY. Rows are buffered and sent in large chunks.
public final class PGCopyWriter {
    private let format: PGCopyFormat
    private let send: ([UInt8]) throws(PGError) -> Void
    private var buffer: [UInt8] = []
    private static let chunk = 1 << 18
    /// Rows written so far.
    public private(set) var rows = 0

    init(format: PGCopyFormat, send: @escaping ([UInt8]) throws(PGError) -> Void) {
        self.format = format
        self.send = send
        buffer.reserveCapacity(PGCopyWriter.chunk + 4096)
    }

    /// Appends one row; its values in the order of the COPY's columns.
    public func row(_ values: [PGValue]) throws(PGError) {
        for (position, value) in values.enumerated() {
            if position > 0 { buffer.append(format == .text ? 0x09 : 0x2C) }
            append(value)
        }
        buffer.append(0x0A)
        rows += 1
        if buffer.count >= PGCopyWriter.chunk { try flush() }
    }

    private func append(_ value: PGValue) {
        guard let text = value.textForm else {
            if format == .text { buffer.append(contentsOf: [0x5C, 0x4E]) }  // \N; CSV: an empty unquoted field
            return
        }
        switch (format, value) {
        case (.text, _):
            for byte in text.utf8 {
                switch byte {
                case 0x5C: buffer.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: buffer.append(contentsOf: [0x5C, 0x6E])
                case 0x0D: buffer.append(contentsOf: [0x5C, 0x72])
                case 0x09: buffer.append(contentsOf: [0x5C, 0x74])
                default: buffer.append(byte)
                }
            }
        case (.csv, .text):
            // Always quoted, so an empty string stays distinct from NULL.
            buffer.append(0x22)
            for byte in text.utf8 {
                if byte == 0x22 { buffer.append(0x22) }
                buffer.append(byte)
            }
            buffer.append(0x22)
        case (.csv, _):
            buffer.append(contentsOf: text.utf8)
        }
    }

    func flush() throws(PGError) {
        guard !buffer.isEmpty else { return }
        try send(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}

extension PGConnection {
    /// Bulk-writes rows with `COPY table (columns) FROM STDIN`: `body` writes them through the writer.
    /// Returns the number of rows the server stored. When `body` throws, the COPY is abandoned and no row of it
    /// is stored. Inside a transaction, it is part of that transaction.
    @discardableResult
    public func copy(
        into table: String, columns: [String], format: PGCopyFormat = .text, _ body: (PGCopyWriter) throws -> Void
    ) throws -> Int {
        let sql = "COPY \(quoteIdentifier(table)) (\(columns.map(quoteIdentifier).joined(separator: ", "))) "
            + "FROM STDIN WITH (FORMAT \(format.rawValue))"
        let start = PQexec(handle, sql)
        defer { PQclear(start) }
        guard PQresultStatus(start) == PGRES_COPY_IN else {
            try check(start, sql: sql)
            throw PGError(message: "the server did not start the COPY", sql: sql)
        }
        let handle = self.handle
        let writer = PGCopyWriter(format: format) { [unowned self] (bytes: [UInt8]) throws(PGError) in
            let sent = bytes.withUnsafeBufferPointer { pointer in
                pointer.withMemoryRebound(to: CChar.self) { PQputCopyData(handle, $0.baseAddress, Int32($0.count)) }
            }
            if sent != 1 { throw self.error(from: nil, sql: sql) }
        }
        do {
            try body(writer)
            try writer.flush()
        } catch {
            _ = PQputCopyEnd(handle, "abandoned by fluxloop")
            drainResults()
            throw error
        }
        guard PQputCopyEnd(handle, nil) == 1 else { throw self.error(from: nil, sql: sql) }
        var stored = 0
        var failure: PGError?
        while let result = PQgetResult(handle) {
            defer { PQclear(result) }
            if PQresultStatus(result) == PGRES_COMMAND_OK {
                stored = Int(String(cString: PQcmdTuples(result))) ?? writer.rows
            } else if failure == nil {
                failure = self.error(from: result, sql: sql)
            }
        }
        if let failure { throw failure }
        return stored
    }

    private func drainResults() {
        while let result = PQgetResult(handle) { PQclear(result) }
    }
}

/// A name as a double-quoted SQL identifier; `schema.table` keeps its dot.
func quoteIdentifier(_ name: String) -> String {
    name.split(separator: ".", omittingEmptySubsequences: false)
        .map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        .joined(separator: ".")
}
