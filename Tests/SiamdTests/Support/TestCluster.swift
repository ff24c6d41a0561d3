import SiamCore
import Foundation
import SiamStore
import Synchronization

/// The throwaway PostgreSQL cluster of this test run: started once, on first use, in a
/// temporary directory (server as the `postgres` OS user when the tests run as root), with a
/// template database holding the schema. Every test gets its own database copied from the
/// template, so tests run in parallel without seeing each other. Stopped and deleted at exit.
enum TestCluster {
    static let templateName = "siam_template"

    private static let started: Result<LocalCluster, Error> = {
        Result {
            let cluster = try LocalCluster.startTemporary()
            running.withLock { $0 = cluster }
            atexit { TestCluster.running.withLock { $0?.stop() } }
            let admin = try PostgresConnection.connect(cluster.conninfo())
            try admin.query("CREATE DATABASE \(templateName)")
            // A closed scope: the template must have no open connection when it is copied.
            try {
                let template = try PostgresConnection.connect(cluster.conninfo(database: templateName))
                try template.migrate(siamdVersion: SiamdVersion.current)
            }()
            // The deployment's roles, applied as an operator would (psql), once per cluster.
            let psql = try ChildProcess.run(try LocalCluster.findBinaries() + "/psql", [
                "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", cluster.directory, "-U", cluster.superuser,
                "-d", templateName, "-f", rolesFile,
            ])
            guard psql.status == 0 else { throw TestClusterError("deploy/roles.sql failed: \(psql.stderr)") }
            return cluster
        }
    }()

    private static let running = Mutex<LocalCluster?>(nil)

    /// The repository's `deploy/roles.sql`.
    static let rolesFile = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("deploy/roles.sql").path
    private static let counter = Atomic<Int>(0)

    /// The cluster, starting it on first use.
    static func cluster() throws -> LocalCluster {
        try started.get()
    }

    /// A new database with the schema applied; returns its connection string.
    ///
    /// - Parameter now: when given, the database's clock (`siam.clock()`) is fixed at that
    ///   instant for every session, including the CLI's.
    static func makeDatabase(now: String? = nil) throws -> String {
        let cluster = try cluster()
        let name = "t_\(getpid())_\(counter.add(1, ordering: .relaxed).newValue)"
        let admin = try PostgresConnection.connect(cluster.conninfo())
        try admin.query("CREATE DATABASE \(try admin.quoteIdentifier(name)) TEMPLATE \(templateName)")
        if let now {
            try setClock(database: name, to: now)
        }
        return cluster.conninfo(database: name)
    }

    /// A new database without any schema (from template0); returns its connection string.
    static func makeEmptyDatabase() throws -> String {
        let cluster = try cluster()
        let name = "e_\(getpid())_\(counter.add(1, ordering: .relaxed).newValue)"
        let admin = try PostgresConnection.connect(cluster.conninfo())
        try admin.query("CREATE DATABASE \(try admin.quoteIdentifier(name)) TEMPLATE template0")
        return cluster.conninfo(database: name)
    }

    /// Runs psql on a database of the cluster as its superuser, stopping at the first error.
    static func psql(database: String, file: String) throws {
        let cluster = try cluster()
        let result = try ChildProcess.run(try LocalCluster.findBinaries() + "/psql", [
            "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", cluster.directory, "-U", cluster.superuser,
            "-d", database, "-f", file,
        ])
        guard result.status == 0 else { throw TestClusterError("psql -f \(file) failed: \(result.stderr)") }
    }

    /// The schema of a database as pg_dump prints it, without the lines that differ on every run.
    static func catalog(database: String) throws -> String {
        let cluster = try cluster()
        let result = try ChildProcess.run(try LocalCluster.findBinaries() + "/pg_dump", [
            "--schema-only", "--no-owner", "-h", cluster.directory, "-U", cluster.superuser, "-d", database,
        ])
        guard result.status == 0 else { throw TestClusterError("pg_dump failed: \(result.stderr)") }
        // pg_dump 15.14 and later guard the script with a random \\restrict key.
        return result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("\\restrict") && !$0.hasPrefix("\\unrestrict") }
            .joined(separator: "\n")
    }

    /// Moves a test database's clock: new sessions see `siam.clock()` at that instant.
    static func setClock(database: String, to now: String) throws {
        let admin = try PostgresConnection.connect(try cluster().conninfo())
        // ALTER DATABASE takes no parameters: quote the value with the server's own quote_literal.
        let literal = try admin.query("SELECT quote_literal($1::timestamptz::text) AS value", [now]).first!.string("value")
        try admin.query("ALTER DATABASE \(try admin.quoteIdentifier(database)) SET siam.now = \(literal)")
    }
}

/// One test's own database.
struct TestDatabase {
    let conninfo: String

    /// The database's name, for `ALTER DATABASE`.
    var name: String {
        conninfo.split(separator: " ").first { $0.hasPrefix("dbname=") }.map { String($0.dropFirst(7)) } ?? ""
    }

    init(now: String? = nil) throws {
        conninfo = try TestCluster.makeDatabase(now: now)
    }

    /// A database made otherwise (e.g. `TestCluster.makeEmptyDatabase`).
    init(conninfo: String) {
        self.conninfo = conninfo
    }

    func connect() throws -> PostgresConnection {
        try PostgresConnection.connect(conninfo)
    }

    func store(actor: String = "tester") throws -> Store {
        Store(connection: try connect(), actor: actor)
    }

    /// Moves this database's clock for new sessions.
    func setClock(_ now: String) throws {
        try TestCluster.setClock(database: name, to: now)
    }

    /// Counts rows of a table, for "nothing changed" checks.
    func count(_ table: String) throws -> Int {
        precondition(table.allSatisfy { $0.isLetter || $0 == "." || $0 == "_" })
        return try connect().query("SELECT count(*) AS n FROM \(table)").first!.int("n")
    }
}

struct TestClusterError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
