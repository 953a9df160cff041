import Foundation
import PostgresStore
import Store
@testable import TeamStore
import XCTest

/// The PostgreSQL side of Store's read protocol, below the command line.
final class ReadConnectionTests: XCTestCase {
    /// SQLite's placeholders become PostgreSQL's, outside quoted text and comments.
    func testPlaceholdersAreNumberedAsSQLiteNumbersThem() {
        XCTAssertEqual(PostgresReadConnection.numbered("SELECT ? , ?"), "SELECT $1 , $2")
        XCTAssertEqual(PostgresReadConnection.numbered("a = ?2 AND b = ?1 AND c = ?"), "a = $2 AND b = $1 AND c = $3")
        XCTAssertEqual(PostgresReadConnection.numbered("x LIKE ?3 OR y LIKE ?3 LIMIT ?"), "x LIKE $3 OR y LIKE $3 LIMIT $4")
        XCTAssertEqual(PostgresReadConnection.numbered("SELECT '?', \"a?\" -- why?\n, ?"), "SELECT '?', \"a?\" -- why?\n, $1")
        XCTAssertEqual(PostgresReadConnection.numbered("SELECT 1"), "SELECT 1")
    }

    /// Rows read by name and position with typed binds; values typed by the column's type; a snapshot holds.
    func testRowsAreReadByNameWithTypedBinds() throws {
        let server = try requirePostgres()
        let pg = try PGConnection(url: try server.makeDatabase())
        let reader = PostgresReadConnection(pg)
        let row = try XCTUnwrap(try reader.first("""
            SELECT ?1::bigint + 1 AS n, ?2::text AS t, ?3::float8 AS d, ?4::text IS NULL AS missing, 'é' AS accent,
                sum(x) AS total, avg(x) AS mean FROM (VALUES (2), (3)) AS v (x)
            """, [.integer(41), .text("it's"), .double(0.25), .null]) { row in
                (row.int("n"), row.text("t"), row.double("d"), row.bool("missing"), row.text("accent"), row.int("total"),
                 row.value(row.column("mean")), row.withTextBytes(row.column("accent")) { Array($0) })
            })
        XCTAssertEqual(row.0, 42)
        XCTAssertEqual(row.1, "it's")
        XCTAssertEqual(row.2, 0.25)
        XCTAssertTrue(row.3)
        XCTAssertEqual(row.4, "é")
        XCTAssertEqual(row.5, 5)
        XCTAssertEqual(row.6, .double(2.5), "avg of integers is numeric on PostgreSQL, read as a number")
        XCTAssertEqual(row.7, Array("é".utf8))
        XCTAssertEqual(try reader.scalarText("SELECT NULL::text"), nil)
        XCTAssertEqual(try reader.map("SELECT generate_series(1, 3) AS i") { $0.int(0) }, [1, 2, 3])
        XCTAssertEqual(try reader.readSnapshot { try reader.scalarText("SHOW transaction_read_only") }, "on")
    }
}
