import Foundation

/// A private PostgreSQL cluster that siamd starts itself, in a directory of its own, reachable
/// only through a unix socket in that directory.
///
/// Used by the test suite (a throwaway cluster per test run). PostgreSQL refuses to run as
/// root, so when siamd runs as root the server runs as the `postgres` OS user (`runuser`);
/// otherwise as the current user. It never touches a cluster it did not create.
public final class LocalCluster: Sendable {
    /// The directory holding `data/`, the socket and `server.log`.
    public let directory: String
    /// The database superuser: `postgres` when started as root, else the current user.
    public let superuser: String
    let binaries: String
    /// The OS user the server runs as, when that is not the current one.
    let serverUser: String?

    public var dataDirectory: String { directory + "/data" }
    public var logFile: String { directory + "/server.log" }

    private init(directory: String, superuser: String, binaries: String, serverUser: String?) {
        self.directory = directory
        self.superuser = superuser
        self.binaries = binaries
        self.serverUser = serverUser
    }

    /// Creates a cluster in a new temporary directory and starts it.
    ///
    /// - Parameter durable: false trades crash safety for speed (`fsync=off`), for tests.
    public static func startTemporary(
        prefix: String = "siamd-test-", durable: Bool = false, settings: [String: String] = [:]
    ) throws -> LocalCluster {
        removeStaleClusters(prefix: prefix)
        var template = Array((NSTemporaryDirectory() + "/" + prefix + "XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw LocalClusterError("cannot create a temporary directory: \(String(cString: strerror(errno)))")
        }
        let directory = String(cString: made)
        let cluster = try create(at: directory)
        try String(getpid()).write(toFile: directory + "/owner.pid", atomically: true, encoding: .utf8)
        try cluster.start(durable: durable, settings: settings)
        return cluster
    }

    /// Prepares a cluster in an existing, empty directory (runs `initdb`).
    public static func create(at directory: String) throws -> LocalCluster {
        let binaries = try findBinaries()
        let runningAsRoot = geteuid() == 0
        let serverUser = runningAsRoot ? "postgres" : nil
        let superuser = serverUser ?? currentUserName()
        let cluster = LocalCluster(directory: directory, superuser: superuser, binaries: binaries, serverUser: serverUser)
        if let serverUser { try handOver(directory, to: serverUser) }
        try cluster.run("initdb", [
            "-D", cluster.dataDirectory, "--auth=trust", "-U", superuser, "-E", "UTF8",
            "--locale=C.UTF-8", "--no-sync", "--no-instructions",
        ])
        return cluster
    }

    /// A cluster made earlier in `directory` (by ``create(at:)``).
    public static func existing(at directory: String) throws -> LocalCluster {
        let serverUser = geteuid() == 0 ? "postgres" : nil
        return LocalCluster(
            directory: directory, superuser: serverUser ?? currentUserName(), binaries: try findBinaries(),
            serverUser: serverUser)
    }

    /// True while a server runs on this cluster's data directory (`pg_ctl status`).
    public var isRunning: Bool {
        (try? run("pg_ctl", ["-D", dataDirectory, "status"])) != nil
    }

    /// Starts the server, listening only on a unix socket in `directory`.
    /// - Parameter settings: further server settings (`-c name=value`); names and values are
    ///   siamd's own (benchmarks), never user input.
    public func start(durable: Bool = true, settings: [String: String] = [:]) throws {
        var options = "-c listen_addresses='' -c unix_socket_directories='\(directory)' -c max_connections=200"
        for (name, value) in settings.sorted(by: { $0.key < $1.key }) {
            options += " -c \(name)=\(value)"
        }
        if !durable {
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        }
        try run("pg_ctl", ["-D", dataDirectory, "-l", logFile, "-w", "-t", "60", "-o", options, "start"])
    }

    /// Stops the server and, if asked, deletes the directory. `fast` shuts down cleanly
    /// (for data that is kept); otherwise at once, for throwaway clusters.
    public func stop(removeFiles: Bool = true, fast: Bool = false) {
        _ = try? run("pg_ctl", ["-D", dataDirectory, "-m", fast ? "fast" : "immediate", "-w", "stop"])
        if removeFiles { try? FileManager.default.removeItem(atPath: directory) }
    }

    /// A libpq connection string for a database of this cluster.
    public func conninfo(database: String = "postgres") -> String {
        "host=\(directory) port=5432 user=\(superuser) dbname=\(database)"
    }

    /// Runs one of PostgreSQL's programs, as the server's user where needed.
    @discardableResult
    func run(_ program: String, _ arguments: [String]) throws -> String {
        let command = binaries + "/" + program
        let result = try serverUser.map {
            try ChildProcess.run("/usr/sbin/runuser", ["-u", $0, "--", command] + arguments, directory: directory)
        } ?? ChildProcess.run(command, arguments, directory: directory)
        guard result.status == 0 else {
            let tail = (result.stdout + result.stderr).split(separator: "\n").suffix(3).joined(separator: "; ")
            throw LocalClusterError("\(program) failed (exit \(result.status)): \(tail)")
        }
        return result.stdout
    }

    /// Locates PostgreSQL's server programs: `$SIAMD_PG_BINDIR`, then `pg_config --bindir`,
    /// then the newest `/usr/lib/postgresql/*/bin` (Debian's layout).
    public static func findBinaries() throws -> String {
        let fileManager = FileManager.default
        func usable(_ directory: String) -> Bool {
            fileManager.isExecutableFile(atPath: directory + "/initdb") && fileManager.isExecutableFile(atPath: directory + "/pg_ctl")
        }
        if let configured = ProcessInfo.processInfo.environment["SIAMD_PG_BINDIR"], usable(configured) {
            return configured
        }
        let versions = ((try? fileManager.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
            .compactMap(Int.init).sorted(by: >)
        for version in versions where usable("/usr/lib/postgresql/\(version)/bin") {
            return "/usr/lib/postgresql/\(version)/bin"
        }
        for directory in ["/usr/local/pgsql/bin", "/usr/bin", "/usr/local/bin"] where usable(directory) {
            return directory
        }
        throw LocalClusterError("PostgreSQL server programs (initdb, pg_ctl) not found: install the postgresql package or set SIAMD_PG_BINDIR")
    }

    /// Stops and removes clusters left behind by test runs whose process is gone.
    static func removeStaleClusters(prefix: String) {
        let temporary = NSTemporaryDirectory()
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: temporary)) ?? []
        for entry in entries where entry.hasPrefix(prefix) {
            let directory = temporary + "/" + entry
            guard let text = try? String(contentsOfFile: directory + "/owner.pid", encoding: .utf8),
                  let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)),
                  kill(pid, 0) != 0, errno == ESRCH,
                  let binaries = try? findBinaries()
            else { continue }
            let serverUser = geteuid() == 0 ? "postgres" : nil
            LocalCluster(directory: directory, superuser: serverUser ?? currentUserName(), binaries: binaries, serverUser: serverUser)
                .stop(removeFiles: true)
        }
    }

    private static func handOver(_ directory: String, to user: String) throws {
        guard let entry = getpwnam(user) else {
            throw LocalClusterError("OS user '\(user)' not found: PostgreSQL cannot run as root; install the postgresql package, which creates it")
        }
        guard chown(directory, entry.pointee.pw_uid, entry.pointee.pw_gid) == 0 else {
            throw LocalClusterError("cannot hand \(directory) to \(user): \(String(cString: strerror(errno)))")
        }
    }

    static func currentUserName() -> String {
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return ProcessInfo.processInfo.environment["USER"] ?? "postgres"
    }
}

/// A private cluster could not be created, started or stopped.
public struct LocalClusterError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
