import Foundation
import PostgresStore
import XCTest

final class PGConnectionTests: XCTestCase {
    func testQueryBindsAndTypedReads() throws {
        let db = try PGConnection(url: try requirePostgres().makeDatabase())
        XCTAssertGreaterThanOrEqual(db.serverVersion, 120000)
        try db.execute("CREATE TABLE t (id bigint, name text, ms double precision, ok boolean, note text)")
        let text = "tab\there, newline\nthere, quote ' and \" and back\\slash, é 日本"
        try db.execute("INSERT INTO t VALUES ($1, $2, $3, $4, $5)", [.int(Int64.max), .text(text), 0.1, true, nil])
        try db.execute("INSERT INTO t VALUES ($1, $2, $3, $4, $5)", [-7, "", .double(.infinity), false, PGValue(nil as String?)])
        let rows = try db.query("SELECT id, name, ms, ok, note, id + 0 AS same FROM t WHERE id = ANY($1::bigint[]) ORDER BY id",
                                [.text("{-7,\(Int64.max)}")])
        XCTAssertEqual(rows.count, 2)
        XCTAssertEqual(try rows[1].int("id"), Int.max)
        XCTAssertEqual(try rows[1].string("name"), text)
        XCTAssertEqual(try rows[1].double("ms"), 0.1)
        XCTAssertEqual(try rows[1].bool("ok"), true)
        XCTAssertNil(try rows[1].string("note"))
        XCTAssertEqual(try rows[0].int("id"), -7)
        XCTAssertEqual(try rows[0].string("name"), "")
        XCTAssertEqual(try rows[0].double("ms"), Double.infinity)
        XCTAssertEqual(try rows[0].bool("ok"), false)
        XCTAssertEqual(rows[0].columnNames, ["id", "name", "ms", "ok", "note", "same"])
        XCTAssertThrowsError(try rows[0].string("missing"))
        XCTAssertThrowsError(try rows[0].int("name"))
        // A bind is never SQL: the classic injection text is stored as it is.
        let changed = try db.execute("UPDATE t SET note = $1 WHERE id = $2", ["x'); DROP TABLE t; --", -7])
        XCTAssertEqual(changed, 1)
        XCTAssertEqual(try db.scalar("SELECT note FROM t WHERE id = -7"), "x'); DROP TABLE t; --")
        XCTAssertEqual(try db.scalar("SELECT $1::double precision * 2", [.double(1e-300)]), "2e-300")
    }

    func testErrorsCarrySQLStateMessageAndSQL() throws {
        let db = try PGConnection(url: try requirePostgres().makeDatabase())
        try db.execute("CREATE TABLE u (k text PRIMARY KEY)")
        try db.execute("INSERT INTO u VALUES ($1)", ["a"])
        let sql = "INSERT INTO u VALUES ($1)"
        XCTAssertThrowsError(try db.execute(sql, ["a"])) { error in
            let error = error as! PGError
            XCTAssertEqual(error.sqlState, "23505")
            XCTAssertTrue(error.message.contains("duplicate key"), error.message)
            XCTAssertEqual(error.sql, sql)
            XCTAssertTrue(error.userMessage.contains("23505"))
        }
        XCTAssertThrowsError(try db.query("SELEC 1")) { XCTAssertEqual(($0 as! PGError).sqlState, "42601") }
        XCTAssertThrowsError(try db.query("SELECT * FROM nowhere")) { XCTAssertEqual(($0 as! PGError).sqlState, "42P01") }
        // One statement per parameterised call: a second one cannot ride along.
        XCTAssertThrowsError(try db.query("SELECT 1; DELETE FROM u", [])) { XCTAssertEqual(($0 as! PGError).sqlState, "42601") }
        XCTAssertEqual(try db.scalar("SELECT count(*) FROM u"), "1")
    }

    func testTransactionsCommitOrRollBack() throws {
        let db = try PGConnection(url: try requirePostgres().makeDatabase())
        try db.execute("CREATE TABLE v (n integer PRIMARY KEY)")
        try db.transaction { try db.execute("INSERT INTO v VALUES (1)") }
        struct Stop: Error {}
        XCTAssertThrowsError(try db.transaction { try db.execute("INSERT INTO v VALUES (2)"); throw Stop() })
        // An error that the body swallowed still aborts the transaction: nothing is committed, and it says so.
        XCTAssertThrowsError(try db.transaction {
            try db.execute("INSERT INTO v VALUES (3)")
            _ = try? db.execute("INSERT INTO v VALUES (1)")
        }) { XCTAssertEqual(($0 as! PGError).sqlState, "25P02") }
        XCTAssertFalse(db.isInTransaction)
        XCTAssertEqual(try db.query("SELECT n FROM v ORDER BY n").map { try $0.int("n") }, [1])
    }

    func testReadOnlyTransactionRefusesWritesAndTimesOut() throws {
        let db = try PGConnection(url: try requirePostgres().makeDatabase())
        try db.execute("CREATE TABLE w (n integer)")
        XCTAssertEqual(try db.readOnly(statementTimeout: .seconds(5)) { try db.scalar("SELECT count(*) FROM w") }, "0")
        XCTAssertThrowsError(try db.readOnly(statementTimeout: .seconds(5)) { try db.query("INSERT INTO w VALUES (1)") }) {
            XCTAssertEqual(($0 as! PGError).sqlState, "25006")
        }
        XCTAssertThrowsError(try db.readOnly(statementTimeout: .seconds(5)) {
            try db.query("WITH gone AS (DELETE FROM w RETURNING n) SELECT count(*) FROM gone")
        }) { XCTAssertEqual(($0 as! PGError).sqlState, "25006") }
        let started = Date()
        XCTAssertThrowsError(try db.readOnly(statementTimeout: .milliseconds(200)) { try db.query("SELECT pg_sleep(5)") }) {
            XCTAssertEqual(($0 as! PGError).sqlState, "57014")
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 3)
        // The timeout was local to that transaction.
        XCTAssertFalse(db.isInTransaction)
        XCTAssertEqual(try db.scalar("SHOW statement_timeout"), "0")
        try db.execute("INSERT INTO w VALUES (1)")
    }

    func testCopyOfTextAndCSVKeepsEveryValue() throws {
        let db = try PGConnection(url: try requirePostgres().makeDatabase())
        try db.execute("CREATE TABLE c (id integer, s text, d double precision, b boolean)")
        let awkward = ["", "a\tb", "line\nbreak\r\n", "back\\slash \\N", "quote \" and , comma", "é 日本 🎉"]
        for format in [PGCopyFormat.text, .csv] {
            try db.execute("TRUNCATE c")
            let stored = try db.copy(into: "c", columns: ["id", "s", "d", "b"], format: format) { writer in
                for (index, text) in awkward.enumerated() {
                    try writer.row([.int(Int64(index)), .text(text), .double(Double(index) / 3), .bool(index % 2 == 0)])
                }
                try writer.row([.int(99), .null, .null, .null])
            }
            XCTAssertEqual(stored, awkward.count + 1, "\(format)")
            let rows = try db.query("SELECT id, s, d, b FROM c ORDER BY id")
            XCTAssertEqual(try rows.prefix(awkward.count).map { try $0.string("s") }, awkward, "\(format)")
            XCTAssertEqual(try rows[1].double("d"), 1.0 / 3, "\(format)")
            XCTAssertNil(try rows.last!.string("s"), "\(format)")
        }
        // A COPY whose body fails stores nothing, and the connection stays usable.
        struct Stop: Error {}
        try db.execute("TRUNCATE c")
        XCTAssertThrowsError(try db.copy(into: "c", columns: ["id"]) { writer in
            try writer.row([1])
            throw Stop()
        })
        XCTAssertThrowsError(try db.copy(into: "c", columns: ["id"]) { try $0.row(["not a number"]) }) {
            XCTAssertEqual(($0 as! PGError).sqlState, "22P02")
        }
        XCTAssertEqual(try db.scalar("SELECT count(*) FROM c"), "0")
    }

    /// 100,000 rows shaped like runs, in one COPY inside one transaction. Prints the rate (build with -c release
    /// for a meaningful figure).
    func testCopyOf100000Rows() throws {
        let db = try PGConnection(url: try requirePostgres().makeDatabase())
        try db.execute("CREATE TABLE r (run_index integer, trace_id text, input text, output text, success integer, duration_ms double precision, json text)")
        let count = 100_000
        let started = Date()
        let stored = try db.transaction {
            try db.copy(into: "r", columns: ["run_index", "trace_id", "input", "output", "success", "duration_ms", "json"]) { writer in
                for index in 0..<count {
                    try writer.row([.int(Int64(index)), .text("trace-\(index)"), .text("What is the price of item \(index % 50)?"),
                                    .text("It costs \(index % 97) euros."), .int(1), .double(Double(index % 1000) / 7),
                                    .text("[{\"role\": \"user\", \"content\": \"hello \(index)\"}]")])
                }
            }
        }
        let seconds = Date().timeIntervalSince(started)
        XCTAssertEqual(stored, count)
        XCTAssertEqual(try db.scalar("SELECT count(DISTINCT trace_id) FROM r"), "\(count)")
        print("COPY of \(count) rows: \(String(format: "%.2f", seconds)) s, \(Int(Double(count) / seconds)) rows/s")
    }
}
