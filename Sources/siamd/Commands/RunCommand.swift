import ArgumentParser
import Foundation
import SiamCore
import SiamDaemon
import SiamStore

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the coordination daemon: route, expire, reassign and escalate.",
        discussion: """
            Wakes on NOTIFY siam_event, at the next due instant (asked of the database), and at least \
            every --poll-interval. Any number of instances may run against one database. SIGTERM finishes \
            the current transaction and exits 0; SIGHUP re-reads --config. Tells systemd when ready \
            (Type=notify) and feeds its watchdog after each successful pass. One log line per decision \
            at info (logfmt or JSON on stderr).
            --config FILE holds lines 'key = value' with keys poll-interval, batch-size, log-level.
            Its events are recorded with actor 'siamd' unless --actor says otherwise.
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
    @OptionGroup var options: GlobalOptions

    func validate() throws {
        guard pollInterval.seconds >= 1 else { throw ValidationError("--poll-interval must be at least 1s") }
        guard (1...10_000).contains(batchSize) else { throw ValidationError("--batch-size must be from 1 to 10000") }
        guard LogFormat(parsing: logFormat) != nil else { throw ValidationError("--log-format must be logfmt or json") }
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
        let daemon = Daemon(settings: settings, logger: logger, signals: signals) { current in
            guard let config else { return current }
            do {
                return try DaemonConfig.load(path: config).applied(to: current, logger: logger)
            } catch {
                logger.error("cannot reload settings; keeping the current ones", [("error", "\(error)")])
                return current
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
                report.decisions.forEach { print($0) }
            }
        }
        if status != 0 { throw ExitCode(status) }
    }
}
