import ArgumentParser
import Foundation
import SiamCore
import SiamDaemon
import SiamStore
import Synchronization

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the coordination daemon: route, expire, reassign and escalate.",
        discussion: """
            Wakes on NOTIFY siam_event, at the next due instant (asked of the database), and at least \
            every --poll-interval. Any number of instances may run against one database. SIGTERM finishes \
            the current transaction, starts no other but the record of its stop, and exits 0; SIGHUP re-reads --config. Tells systemd when ready \
            (Type=notify) and feeds its watchdog after each successful pass. One log line per decision \
            at info (logfmt or JSON on stderr).
            --config FILE holds lines 'key = value' with keys poll-interval, batch-size, log-level.
            Its events are recorded with actor 'siamd' unless --actor says otherwise. It registers in \
            siam.daemon (events daemon.started, daemon.stopped; again after a reconnect or SIGHUP) and \
            records its last pass there at most once a second, for siamd status.
            --http ADDRESS (off unless given; e.g. 127.0.0.1:9464) serves Prometheus metrics at /metrics \
            (siamd_actions_total, siamd_action_deadline_lag_seconds, siamd_due_items, \
            siamd_pass_duration_seconds, siamd_database_connected, siamd_last_pass_timestamp_seconds, ...) \
            and /healthz (200 while connected and the last pass ended within twice the poll interval plus \
            10 s, else 503).
            """)

    @Flag(help: "Run one pass, then exit.")
    var once = false
    @Flag(name: .customLong("dry-run"), help: "Print the decisions of one pass with their reasons; change nothing.")
    var dryRun = false
    @Option(name: .customLong("poll-interval"), help: "Look at least this often (safety net).", transform: parseDuration)
    var pollInterval: BusinessDuration = BusinessDuration(seconds: 30)
    @Option(name: .customLong("batch-size"), help: "Incidents claimed per transaction.")
    var batchSize = 500
    @Option(name: .customLong("log-level"), help: "debug, info, warning or error (default: $SIAMD_LOG_LEVEL, else info).")
    var logLevel: String?
    @Option(name: .customLong("log-format"), help: "logfmt or json.")
    var logFormat = "logfmt"
    @Option(help: "Settings file re-read on SIGHUP.")
    var config: String?
    @Option(help: ArgumentHelp("Serve /metrics and /healthz on this address (e.g. 127.0.0.1:9464; port 0: any free port).",
                               valueName: "host:port"),
            transform: { try HTTPAddress(parsing: $0) })
    var http: HTTPAddress?
    @OptionGroup var options: GlobalOptions

    func validate() throws {
        guard pollInterval.seconds >= 1 else { throw ValidationError("--poll-interval must be at least 1s") }
        guard (1...10_000).contains(batchSize) else { throw ValidationError("--batch-size must be from 1 to 10000, not \(batchSize)") }
        guard LogFormat(parsing: logFormat) != nil else { throw ValidationError("--log-format must be logfmt or json, not \(logFormat)") }
        if let level = logLevel ?? ProcessInfo.processInfo.environment["SIAMD_LOG_LEVEL"], LogLevel(parsing: level) == nil {
            throw ValidationError("invalid log level '\(level)': use debug, info, warning or error")
        }
    }

    func run() throws {
        let level = (logLevel ?? ProcessInfo.processInfo.environment["SIAMD_LOG_LEVEL"]).flatMap(LogLevel.init(parsing:)) ?? .info
        let logger = Logger(level: level, format: LogFormat(parsing: logFormat) ?? .logfmt)
        var settings = DaemonSettings(
            database: try options.connectionString(),
            pollInterval: .seconds(pollInterval.seconds),
            once: once || dryRun,
            engine: EngineSettings(batchSize: batchSize, dryRun: dryRun, actor: options.actor ?? "siamd"))
        if let config {
            settings = try DaemonConfig.load(path: config).applied(to: settings, logger: logger)
        }
        let signals = try SignalWatcher.install()
        let metrics = http == nil ? nil : DaemonMetrics()
        let pollInterval = CurrentPollInterval(settings.pollInterval)
        let server = try startMetricsServer(metrics: metrics, pollInterval: pollInterval, logger: logger)
        defer { server?.stop() }
        let daemon = Daemon(settings: settings, logger: logger, signals: signals, metrics: metrics) { current in
            guard let config else { return current }
            do {
                let reloaded = try DaemonConfig.load(path: config).applied(to: current, logger: logger)
                pollInterval.value.withLock { $0 = reloaded.pollInterval }
                return reloaded
            } catch {
                logger.error("cannot reload settings; keeping the current ones", [("error", "\(error)")])
                return nil
            }
        }
        let json = options.json
        let status = try daemon.run { report in
            guard dryRun else { return }
            if json {
                print(JSONValue.array(report.decisions.map { decision in
                    .object(decision.fields.map { ($0.0, .string($0.1)) })
                }).serialized())
            } else if report.decisions.isEmpty {
                print("nothing to do (\(report.incidents) incidents due)")
            } else {
                report.decisions.forEach { print(terminalText("\($0)")) }
            }
        }
        if status != 0 { throw ExitCode(status) }
    }

    /// Starts the metrics endpoint when --http asks for it; healthy while passes keep coming.
    func startMetricsServer(metrics: DaemonMetrics?, pollInterval: CurrentPollInterval, logger: Logger) throws -> MetricsServer? {
        guard let http, let metrics else { return nil }
        let server = try MetricsServer(address: http, metrics: metrics) {
            let window = 2 * Double(pollInterval.value.withLock { $0 }.components.seconds) + 10
            guard metrics.databaseConnected else { return (false, "database connection lost") }
            guard let last = metrics.lastPassUnix else { return (false, "no pass yet") }
            let age = Date().timeIntervalSince1970 - last
            return age <= window
                ? (true, String(format: "last pass %.1f s ago", age))
                : (false, String(format: "no pass for %.0f s (more than %.0f s)", age, window))
        }
        server.start()
        logger.info("serving metrics", [("address", "\(http.host):\(server.port)")])
        return server
    }
}

/// The poll interval in force (SIGHUP may change it), for /healthz on the server's thread.
final class CurrentPollInterval: Sendable {
    let value: Mutex<Duration>

    init(_ interval: Duration) {
        value = Mutex(interval)
    }
}
