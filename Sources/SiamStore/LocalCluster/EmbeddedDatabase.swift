import SiamCore
import Foundation

/// The embedded default: when no database is configured at all (no `--database`, no
/// `DATABASE_URL`, no `PG*` variable), siamd uses a private PostgreSQL cluster in its own
/// state directory, created and started on first use from the installed server programs,
/// reachable only through a unix socket there. Configured databases always win.
///
/// State directory: `$SIAMD_STATE_DIR`, else `/var/lib/siamd` for root, else
/// `$XDG_STATE_HOME/siamd` (`~/.local/state/siamd`). The cluster lives in `postgres/` below
/// it; its database `siam` gets the schema on first use.
public enum EmbeddedDatabase {
    public static let databaseName = "siam"
    /// The database `siamd demo` makes afresh on every run, beside `siam`.
    public static let demoDatabaseName = "siam_demo"

    /// True when nothing tells libpq where to connect, so the embedded default applies.
    public static func applies(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        if let explicit, !explicit.isEmpty { return false }
        if let url = environment["DATABASE_URL"], !url.isEmpty { return false }
        return !environment.keys.contains { $0.hasPrefix("PG") }
    }

    /// siamd's state directory.
    public static func stateDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let configured = environment["SIAMD_STATE_DIR"], !configured.isEmpty { return configured }
        if geteuid() == 0 { return "/var/lib/siamd" }
        if let xdg = environment["XDG_STATE_HOME"], !xdg.isEmpty { return xdg + "/siamd" }
        return NSHomeDirectory() + "/.local/state/siamd"
    }

    /// Makes sure the embedded cluster exists, runs and has the schema; returns its connection string.
    ///
    /// - Parameters:
    ///   - database: which database of the cluster (`siam`, or the demo's).
    ///   - recreate: drop it first, whoever is connected (the demo starts from nothing).
    public static func ensureRunning(stateDirectory: String = stateDirectory(), database databaseName: String = EmbeddedDatabase.databaseName,
                                     recreate: Bool = false) throws -> String {
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        // Two siamd commands started at once must not both run initdb: a lock serializes them.
        let lock = try FileLock(path: stateDirectory + "/embedded.lock")
        defer { lock.release() }
        let directory = stateDirectory + "/postgres"
        let cluster: LocalCluster
        if FileManager.default.fileExists(atPath: directory + "/data/PG_VERSION") {
            cluster = try LocalCluster.existing(at: directory)
        } else {
            try? FileManager.default.removeItem(atPath: directory)  // a half-made one from a failed first run
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
            chmod(stateDirectory, 0o755)  // the server's user must reach its directory when we run as root
            cluster = try LocalCluster.create(at: directory)
        }
        if !cluster.isRunning {
            try cluster.start(durable: true)
        }
        let admin = try PostgresConnection.connect(cluster.conninfo())
        if recreate {
            try admin.query("DROP DATABASE IF EXISTS \(try admin.quoteIdentifier(databaseName)) WITH (FORCE)")
        }
        let exists = try admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [databaseName]).first != nil
        if !exists {
            try admin.query("CREATE DATABASE \(try admin.quoteIdentifier(databaseName))")
        }
        let conninfo = cluster.conninfo(database: databaseName)
        let database = try PostgresConnection.connect(conninfo)
        // siamd's own private database: kept at this build's schema, as a packaged
        // application keeps its own store.
        try database.migrate(siamdVersion: SiamdVersion.current)
        return conninfo
    }

    /// Stops the embedded cluster; with `remove`, deletes it and all its data.
    /// - Returns: false when there was none.
    @discardableResult
    public static func stop(remove: Bool, stateDirectory: String = stateDirectory()) throws -> Bool {
        let directory = stateDirectory + "/postgres"
        guard FileManager.default.fileExists(atPath: directory + "/data/PG_VERSION") else { return false }
        let lock = try FileLock(path: stateDirectory + "/embedded.lock")
        defer { lock.release() }
        let cluster = try LocalCluster.existing(at: directory)
        if cluster.isRunning { cluster.stop(removeFiles: false, fast: true) }
        if remove { try FileManager.default.removeItem(atPath: directory) }
        return true
    }
}

/// An exclusive advisory lock on a file (`flock`), held until released or the process ends.
struct FileLock {
    private let descriptor: Int32

    init(path: String) throws {
        descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw LocalClusterError("cannot open lock file \(path): \(String(cString: strerror(errno)))")
        }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                close(descriptor)
                throw LocalClusterError("cannot lock \(path): \(String(cString: strerror(errno)))")
            }
        }
    }

    func release() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
