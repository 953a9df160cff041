import PostgresStore
import XCTest

final class PGSecurityTests: XCTestCase {
    func testRedactionRemovesThePasswordOnly() {
        let cases: [(String, String)] = [
            ("postgresql://ann:s3cret@db.example:5432/runs?sslmode=require",
             "postgresql://ann@db.example:5432/runs?sslmode=require"),
            ("postgres://ann:p%40ss%2Fw@db/runs", "postgres://ann@db/runs"),
            ("postgresql://ann:pa/ss@word@db/runs", "postgresql://ann@db/runs"),
            ("postgresql://ann@db/runs?password=s3cret&sslmode=verify-full", "postgresql://ann@db/runs?sslmode=verify-full"),
            ("postgresql://db/runs?password=s3cret", "postgresql://db/runs"),
            ("postgresql:///runs?host=/var/run/postgresql", "postgresql:///runs?host=/var/run/postgresql"),
            ("postgresql://ann@[::1]:5432/runs", "postgresql://ann@[::1]:5432/runs"),
            ("host=db user=ann password='se cret' dbname=runs", "host=db user=ann password=*** dbname=runs"),
        ]
        for (url, expected) in cases {
            XCTAssertEqual(PostgresURL.redacted(url), expected, url)
        }
        XCTAssertTrue(PostgresURL.isPostgres("postgresql://x/y"))
        XCTAssertTrue(PostgresURL.isPostgres("POSTGRES://x/y"))
        XCTAssertFalse(PostgresURL.isPostgres("experiments/fluxloop.db"))
        XCTAssertFalse(PostgresURL.isPostgres("sqlite:experiments/fluxloop.db"))
    }

    func testAWrongPasswordNeverAppearsInTheError() throws {
        let server = try requirePostgres()
        let database = try server.makeDatabase()
        let name = String(database.split(separator: "/").last!)
        let wrong = "Wr0ng-Passw0rd-\(UInt32.random(in: 0...UInt32.max))"
        for url in [server.url(database: name, password: wrong),
                    "postgresql://\(server.user)@127.0.0.1:\(server.port)/\(name)?password=\(wrong)&connect_timeout=5"] {
            XCTAssertThrowsError(try PGConnection(url: url)) { error in
                let error = error as! PGError
                XCTAssertFalse(error.userMessage.contains(wrong), error.userMessage)
                XCTAssertFalse("\(error)".contains(wrong))
                XCTAssertFalse(String(reflecting: error).contains(wrong))
                XCTAssertTrue(error.userMessage.contains("password authentication failed"), error.userMessage)
                XCTAssertTrue(error.userMessage.contains("127.0.0.1"), error.userMessage)
            }
        }
        // The right password connects, and the connection's own URL has no password either.
        let connection = try PGConnection(url: database)
        XCTAssertFalse(connection.redactedURL.contains(server.password))
        XCTAssertTrue(connection.redactedURL.contains(server.user))
    }

    func testAnythingButAPostgresURLIsAUsageError() {
        XCTAssertThrowsError(try PGConnection(url: "mysql://ann:s3cret@db/x")) { error in
            let error = error as! PGError
            XCTAssertEqual(error.exitStatus, .usage)
            XCTAssertFalse(error.userMessage.contains("s3cret"), error.userMessage)
        }
    }
}
