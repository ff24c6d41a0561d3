import Foundation
import SiamStore
import Testing

/// The libpq layer against a real PostgreSQL: parameters, NULLs, errors, transactions,
/// LISTEN/NOTIFY and connection handling.
@Suite struct ConnectionTests {
    @Test func parametersRoundTripVerbatim() throws {
        let connection = try TestDatabase().connect()
        // Hostile and unusual text comes back exactly as sent: it is never part of the SQL.
        let samples = [
            "plain", "O'Brien", "\"quoted\"", "'); DROP TABLE siam.supplier; --", "Robert\\n\\'); --",
            "émoji 🚑 and ∑", "tab\tand\nnewline", String(repeating: "x", count: 100_000), "",
        ]
        for sample in samples {
            let row = try #require(try connection.query("SELECT $1::text AS value", [sample]).first)
            #expect(try row.string("value") == sample)
        }
    }

    @Test func nullsAndTypedValues() throws {
        let connection = try TestDatabase().connect()
        let row = try #require(try connection.query(
            "SELECT $1::text AS missing, $2::integer AS number, $3::boolean AS flag, $4::bigint AS big",
            [String?.none, 42, true, Int64(9_000_000_000)]).first)
        #expect(try row.optionalString("missing") == nil)
        #expect(try row.int("number") == 42)
        #expect(try row.bool("flag") == true)
        #expect(try row.int64("big") == 9_000_000_000)
        #expect(throws: RowDecodingError.self) { try row.string("missing") }
        #expect(throws: RowDecodingError.self) { try row.string("no_such_column") }
    }

    @Test func nulCharactersAreRefusedBeforeSending() throws {
        let connection = try TestDatabase().connect()
        let error = try #require(throws: DatabaseError.self) {
            try connection.query("SELECT $1::text", ["a\u{0}b"])
        }
        #expect(error.kind == .invalidArgument)
        #expect(error.description.contains("NUL"))
        // The connection is still fine.
        #expect(try connection.query("SELECT 1 AS one").first?.int("one") == 1)
    }

    @Test func serverErrorsCarrySQLStateAndConstraint() throws {
        let connection = try TestDatabase().connect()
        let check = try #require(throws: DatabaseError.self) {
            try connection.query("INSERT INTO siam.supplier (code, name, status) VALUES ('x', 'X', 'zombie')")
        }
        #expect(check.kind == .checkViolation)
        #expect(check.sqlState == "23514")
        #expect(check.constraint == "supplier_status_valid")

        try connection.query("SELECT siam.service_add('network', 'Network')")
        let duplicate = try #require(throws: DatabaseError.self) {
            try connection.query("SELECT siam.service_add('network', 'Again')")
        }
        #expect(duplicate.kind == .uniqueViolation)
        #expect(duplicate.description == "service 'network' exists already")

        let missing = try #require(throws: DatabaseError.self) {
            try connection.query("SELECT siam.supplier_set_status('nobody', 'active')")
        }
        #expect(missing.kind == .noDataFound)
        #expect(missing.sqlState == "P0002")
    }

    @Test func transactionRollsBackOnError() throws {
        let database = try TestDatabase()
        let connection = try database.connect()
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try connection.transaction(actor: "tester") {
                try connection.query("SELECT siam.service_add('network', 'Network')")
                throw Boom()
            }
        }
        #expect(try database.count("siam.service") == 0)
        #expect(try database.count("siam.event") == 0)
        // A failed statement inside the transaction rolls everything back too.
        #expect(throws: DatabaseError.self) {
            try connection.transaction {
                try connection.query("SELECT siam.service_add('network', 'Network')")
                try connection.query("SELECT siam.service_add('network', 'Twice')")
            }
        }
        #expect(try database.count("siam.service") == 0)
        // And the connection is usable afterwards.
        try connection.transaction(actor: "tester") { try connection.query("SELECT siam.service_add('network', 'Network')") }
        #expect(try connection.query("SELECT actor FROM siam.event").first?.string("actor") == "tester")
    }

    @Test func sessionDefaults() throws {
        let database = try TestDatabase()
        let connection = try database.connect()
        let row = try #require(try connection.query("""
            SELECT current_setting('application_name') AS app, current_setting('statement_timeout') AS timeout,
                   current_setting('TimeZone') AS zone
            """).first)
        #expect(try row.string("app") == "siamd")
        #expect(try row.string("timeout") == "30s")
        #expect(try row.string("zone") == "UTC")
        // A name given by the user wins over siamd's fallback.
        let named = try PostgresConnection.connect(database.conninfo + " application_name=portal")
        #expect(try named.query("SELECT current_setting('application_name') AS app").first?.string("app") == "portal")
    }

    @Test func multiHostStringsTryTheNextHost() throws {
        let database = try TestDatabase()
        let cluster = try TestCluster.cluster()
        // libpq's own multi-host handling: the first host has no server, the second does.
        let conninfo = database.conninfo.replacingOccurrences(
            of: "host=\(cluster.directory)", with: "host=/nonexistent-siamd,\(cluster.directory)")
            + " target_session_attrs=read-write"
        let connection = try PostgresConnection.connect(conninfo)
        #expect(connection.isConnected)
    }

    @Test func unreachableDatabaseIsAConnectionError() throws {
        let error = try #require(throws: DatabaseError.self) {
            try PostgresConnection.connect("host=/nonexistent-siamd dbname=x connect_timeout=2")
        }
        #expect(error.kind == .connectionFailed)
        #expect(!error.description.contains("\n"))
    }

    @Test func lostConnectionIsReported() throws {
        let database = try TestDatabase()
        let victim = try database.connect()
        let killer = try database.connect()
        try killer.query("SELECT pg_terminate_backend($1::integer)", [victim.backendPID])
        let error = try #require(throws: DatabaseError.self) { try victim.query("SELECT 1") }
        #expect(error.kind == .connectionLost)
    }

    @Test func notificationsWakeAWaitingListener() throws {
        let database = try TestDatabase()
        let listener = try database.connect()
        try listener.listen("siam_event")
        // Nothing sent yet: the wait ends at its timeout with nothing.
        #expect(try listener.waitForNotifications(timeout: .milliseconds(20)).isEmpty)
        let writer = try database.store()
        try writer.addService(code: "network", name: "Network")
        let received = try listener.waitForNotifications(timeout: .seconds(10))
        #expect(received.map(\.channel) == ["siam_event"])
    }

    @Test func oneNotificationPerStatementNotPerRow() throws {
        let database = try TestDatabase()
        let listener = try database.connect()
        try listener.listen("siam_event")
        let writer = try database.connect()
        try writer.query("""
            INSERT INTO siam.event (kind, reason) SELECT 'test.burst', 'row ' || n FROM generate_series(1, 50) AS n
            """)
        let received = try listener.waitForNotifications(timeout: .seconds(10))
        #expect(received.count == 1)
    }

    @Test func identifiersAreQuotedByLibpq() throws {
        let connection = try TestDatabase().connect()
        #expect(try connection.quoteIdentifier("siam_event") == "\"siam_event\"")
        #expect(try connection.quoteIdentifier("a\"b") == "\"a\"\"b\"")
    }

    /// The server dies between two statements of an idle session (crash, `pg_ctl stop -m
    /// immediate`): the next statement, and the wait for notifications, report a lost
    /// connection — whatever libpq's status then reads — so that the daemon reconnects
    /// instead of giving up. On a private cluster.
    @Test func aServerThatDiedBetweenTwoStatementsIsALostConnection() throws {
        let cluster = try LocalCluster.startTemporary(prefix: "siamd-crash-test-")
        defer { cluster.stop() }
        let querying = try PostgresConnection.connect(cluster.conninfo())
        let waiting = try PostgresConnection.connect(cluster.conninfo())
        try waiting.listen("siam_event")
        cluster.stop(removeFiles: false)
        do {
            try querying.query("SELECT 1")
            Issue.record("a statement on a dead server succeeded")
        } catch let error as DatabaseError {
            #expect(error.kind == .connectionLost, "\(error.description)")
        }
        do {
            _ = try waiting.waitForNotifications(timeout: .seconds(10))
            try waiting.query("SELECT 1")
            Issue.record("a statement on a dead server succeeded")
        } catch let error as DatabaseError {
            #expect(error.kind == .connectionLost, "\(error.description)")
        }
    }
}
