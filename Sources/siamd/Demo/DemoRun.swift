import Foundation
import SiamCore
import SiamDaemon
import SiamReport
import SiamStore
import Synchronization

/// One run of the demo: builds the world on an empty database, starts the coordination
/// daemon in this process, plays the suppliers and the service desk, and tells what happens
/// until the duration passes or a signal stops it; then the scorecard of the run.
struct DemoRun {
    /// A connection string; empty: libpq's defaults (PG* variables).
    let database: String
    /// On the embedded default (its own siam_demo database), rather than a configured one.
    let embedded: Bool
    let pace: DemoPace
    let seed: UInt64
    let duration: Duration?
    /// Mean seconds between arriving incidents (at pace 1).
    let arrivalEvery: Double
    let json: Bool
    let signals: SignalWatcher

    func run() throws {
        let connection = try PostgresConnection.connect(database)
        if try connection.schemaStatus().origin == .empty { try connection.migrate(siamdVersion: SiamdVersion.current) }
        try connection.requireCurrentSchema()
        let store = Store(connection: connection, actor: "demo")
        guard try store.suppliers().isEmpty else {
            throw RefusedError("the database holds suppliers already; the demo builds its own world on an empty siamd database "
                               + "(run it without --database to use its own)")
        }
        try DemoSetup(store: store, pace: pace).create(at: Date())
        let since = try store.now()
        try connection.listen("siam_event")
        var cursor = try skipToEnd(store)
        tell(world: since)

        let daemon = Daemon(
            settings: DaemonSettings(database: database, pollInterval: .seconds(5),
                                     engine: EngineSettings(batchSize: 500, dryRun: false, actor: "siamd")),
            logger: Logger(level: .warning, format: .logfmt), signals: nil)
        let daemonThread = DaemonThread(daemon)
        daemonThread.start()
        defer { daemonThread.stop() }

        let start = ContinuousClock.now
        var simulation = DemoSimulation(connection: connection, pace: pace, seed: seed, arrivalEvery: arrivalEvery, start: start)
        var narrator = DemoNarrator(start: since)
        let deadline = duration.map { start + $0 }
        while !signals.stopRequested, !daemonThread.hasEnded, deadline.map({ ContinuousClock.now < $0 }) ?? true {
            let now = ContinuousClock.now
            try simulation.tick(now: now, feeding: true)
            cursor = try narrate(store, after: cursor, narrator: &narrator)
            var wake = min(simulation.nextWake, now + .seconds(1))
            if let deadline { wake = min(wake, deadline) }
            _ = try connection.waitForNotifications(timeout: max(.milliseconds(10), now.duration(to: wake)),
                                                    alsoWatching: [signals.wakeDescriptor])
            signals.drainWakeups()
        }
        if let failure = daemonThread.stop() { throw failure }
        cursor = try narrate(store, after: cursor, narrator: &narrator)
        try finish(store, since: since, narrator: narrator)
    }

    /// The feed's cursor after everything the set-up wrote (the narration starts after it).
    func skipToEnd(_ store: Store) throws -> String? {
        var cursor: String? = nil
        while true {
            let page = try store.feed(after: cursor, limit: 1000)
            guard let last = page.last else { return cursor }
            cursor = last.cursor
        }
    }

    func narrate(_ store: Store, after cursor: String?, narrator: inout DemoNarrator) throws -> String? {
        var cursor = cursor
        for (next, event) in try store.feed(after: cursor, limit: 1000) {
            cursor = next
            guard let line = narrator.line(for: event) else { continue }
            if json {
                print(JSONValue.object([
                    ("t", JSONValue(line.elapsed)), ("tag", .string(line.tag)), ("incident", JSONValue(line.incident)),
                    ("kind", .string(event.kind)), ("supplier", JSONValue(event.supplier)), ("text", .string(line.text)),
                ]).serialized())
            } else {
                print(DemoNarrator.format(line, colour: colour))
            }
        }
        flushOutput()
        return cursor
    }

    var colour: Bool {
        isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
    }

    /// Who is who, before the story starts.
    func tell(world since: Instant) {
        guard !json else { return }
        print("siamd demo: one service integrator, its customer \(DemoCast.customer.name), five suppliers.")
        print("Targets are scaled to seconds (pace \(pace.factor)); the daemon routes, expires, reassigns and escalates live.")
        print("")
        Output(json: false).printTable(
            header: ["SUPPLIER", "CAPACITY", "CALENDAR", "SERVES (RANK)", "PLAYED AS"],
            rows: DemoCast.suppliers.map { supplier in
                [supplier.code, supplier.capacity.map(String.init) ?? "unlimited", supplier.zone ?? "24x7",
                 supplier.serves.map { "\($0.service) (\($0.rank))" }.joined(separator: ", "), supplier.behaviour.summary]
            }, indent: "  ")
        let slas = DemoCast.sla.map { "\($0.priority.rawValue) \(pace.duration($0.acknowledge))/\(pace.duration($0.resolve))" }
        let olas = DemoCast.ola.map { "\($0.priority.rawValue) \(pace.duration($0.accept))/\(pace.duration($0.resolve))" }
        print("")
        print("  SLA acknowledge/resolve: \(slas.joined(separator: ", "))")
        print("  OLA accept/resolve:      \(olas.joined(separator: ", "))")
        print("  One escalation per clock, climbing at 50, 75, 90 and 100 %; repeated every \(pace.duration(90)) until its level")
        print("  is acknowledged (the duty manager acknowledges SLA escalations; each climb asks again).")
        print("  Ping-pong after 2 bounces (refusals or hand-backs, not expiries) of one incident within \(pace.duration(600)).")
        print("  Out-of-scope refusals open a dispute the service desk rules on; pending pauses SLA and OLA clocks.")
        print("")
        print(duration.map { "Running for \($0.components.seconds) s (Ctrl-C stops it sooner)." } ?? "Running until Ctrl-C.")
        print("")
        flushOutput()
    }

    /// The summary and the scorecard of the run, and where to look next.
    func finish(_ store: Store, since: Instant, narrator: DemoNarrator) throws {
        let until = try store.now().advanced(by: 1)
        let report = try store.scorecardReport(since: since, until: until, bucket: BusinessDuration(seconds: 60), charts: false)
        // The HTML report of exactly this run: the same period as the scorecard printed here.
        let period = ["--since", since.iso8601, "--until", until.iso8601]
        // The embedded connection string holds no secret; a configured one may (a password),
        // so it is not repeated: the same settings reach the same database.
        let databaseOption = embedded ? ["--database", database] : []
        if json {
            print(JSONValue.object([("summary", .object(narrator.counts.sorted { $0.key < $1.key }.map { ($0.key, JSONValue($0.value)) })),
                                    ("scorecard", report.json),
                                    ("report_html", .array((["report", "html", "-o", "scorecard.html"] + period + databaseOption)
                                        .map { .string($0) }))])
                .serialized())
            return
        }
        let count = { (tag: String) in narrator.counts[tag, default: 0] }
        print("")
        print("In this run: \(count("OPEN")) incidents opened, \(count("OFFER") + count("REASSIGN") + count("DESK")) offers, "
              + "\(count("EXPIRE")) expired, \(count("REJECT")) rejected, \(count("REASSIGN")) reassignments, "
              + "\(count("ESCALATE")) threshold escalations raised and \(count("CLIMB")) climbs, \(count("ACK")) acknowledgements, "
              + "\(count("HANDBACK")) hand-backs, \(count("BOUNCE")) ping-pongs, \(count("DISPUTE")) scope disputes "
              + "(\(count("RULING")) ruled), \(count("PENDING")) waits on the customer, \(count("RESOLVE")) resolved.")
        print("")
        ScorecardTable(report: report).print()
        print("")
        let siamd = CommandLine.arguments.first ?? "siamd"
        let option = databaseOption.isEmpty ? "" : " --database " + shellQuoted(database)
        print(embedded ? "The demo's database stays until the next demo. Look around:"
                       : "Look around (with the same database settings):")
        print("  \(siamd) status\(option)")
        print("  \(siamd) report html -o scorecard.html \(period.joined(separator: " "))\(option)")
        print("  \(siamd) dispute list\(option)")
        print("  \(siamd) events tail\(option)")
    }
}

/// The daemon of the demo, on a thread of its own.
final class DaemonThread: Sendable {
    let daemon: Daemon
    private let finished = DispatchSemaphore(value: 0)
    /// running, then ended (with the error that ended it, if any), then joined.
    private let state = Mutex<(ended: Bool, failure: (any Error)?, joined: Bool)>((false, nil, false))

    init(_ daemon: Daemon) {
        self.daemon = daemon
    }

    func start() {
        let thread = Thread { [self] in
            var failure: (any Error)? = nil
            do { _ = try daemon.run() } catch { failure = error }
            state.withLock { $0.ended = true; $0.failure = failure }
            finished.signal()
        }
        thread.start()
    }

    /// True once the daemon stopped by itself (it failed).
    var hasEnded: Bool { state.withLock { $0.ended } }

    /// Asks it to stop after its current transaction and waits until it has; returns the
    /// error it failed with, if it did (the first time only).
    @discardableResult
    func stop() -> (any Error)? {
        let joined = state.withLock { state in
            defer { state.joined = true }
            return state.joined
        }
        guard !joined else { return nil }
        daemon.requestStop()
        finished.wait()
        return state.withLock { $0.failure }
    }
}

/// Hands what was printed to the terminal (or pipe) now, not when the buffer fills.
func flushOutput() {
    fflush(nil)  // all output streams (stdout is a C global Swift 6 will not name here)
}

/// The text as one POSIX shell word: in single quotes, each quote in it written '\''.
func shellQuoted(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
