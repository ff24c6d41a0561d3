import Foundation
import SiamCore
import SiamStore
import Synchronization

/// Settings of `siamd run`.
public struct DaemonSettings: Sendable {
    /// A connection string; nil leaves it to libpq's defaults.
    public var database: String?
    /// Look at the database at least this often, notification or not (a safety net).
    public var pollInterval: Duration
    /// One pass, then exit.
    public var once: Bool
    public var engine: EngineSettings
    /// Webhook delivery of notifications (on its own thread and connection); nil: none.
    public var delivery: DeliverySettings?

    public init(database: String?, pollInterval: Duration = .seconds(30), once: Bool = false,
                engine: EngineSettings = EngineSettings(), delivery: DeliverySettings? = DeliverySettings()) {
        self.database = database
        self.pollInterval = pollInterval
        self.once = once
        self.engine = engine
        self.delivery = delivery
    }
}

/// The daemon: connects, `LISTEN`s, runs passes, and between them sleeps until a
/// notification, the next due instant (asked of the database), the poll interval, the
/// watchdog's half-period, or a signal — whichever comes first.
///
/// States and failures:
/// - Starting: connect (retrying with backoff), `LISTEN siam_event`, first pass, then
///   `READY=1`.
/// - Running: `WATCHDOG=1` after each successful pass only, so a hung loop gets restarted.
/// - Connection lost: log, reconnect with backoff, `LISTEN` again and run a pass at once,
///   which catches up on everything that became due meanwhile (work is in the database, not
///   in memory). A pass killed midway leaves nothing half done: each batch is a transaction.
/// - SIGTERM/SIGINT: the current transaction finishes and no other starts (the engine asks
///   between transactions, the one-by-one fallback too) but the record of the stop in
///   siam.daemon; `STOPPING=1`, exit 0.
/// - SIGHUP: `reload` is called (settings re-read), calendars are reloaded.
// Sendable so another thread may call requestStop(); everything else is used only by the
// thread that calls run().
public final class Daemon: @unchecked Sendable {
    public var settings: DaemonSettings
    let logger: Logger
    let notifier: SystemdNotifier
    let signals: SignalWatcher?
    /// Called on SIGHUP; returns the new settings.
    /// Re-reads the settings on SIGHUP; nil when they could not be read (the current ones stay).
    let reload: (DaemonSettings) -> DaemonSettings?
    /// Fed after every pass when `--http` serves them; nil otherwise.
    let metrics: DaemonMetrics?
    /// Its row in siam.daemon (not in a dry run, which changes nothing).
    var registration = DaemonRegistration()

    public init(settings: DaemonSettings, logger: Logger, notifier: SystemdNotifier = SystemdNotifier(),
                signals: SignalWatcher?, metrics: DaemonMetrics? = nil,
                reload: @escaping (DaemonSettings) -> DaemonSettings? = { $0 }) {
        self.settings = settings
        self.logger = logger
        self.notifier = notifier
        self.signals = signals
        self.metrics = metrics
        self.reload = reload
        var descriptors: [Int32] = [-1, -1]
        if pipe(&descriptors) == 0 {
            for descriptor in descriptors {
                _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
                _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
            }
        }
        stopPipe = (descriptors[0], descriptors[1])
    }

    deinit {
        close(stopPipe.read)
        close(stopPipe.write)
    }

    private let stopFlag = Atomic<Bool>(false)
    /// Written by requestStop() so that a waiting loop wakes at once.
    private let stopPipe: (read: Int32, write: Int32)

    var stopRequested: Bool { stopFlag.load(ordering: .relaxed) || (signals?.stopRequested ?? false) }

    /// Asks a running daemon to stop after its current transaction (as SIGTERM does); it
    /// notices within one poll interval.
    public func requestStop() {
        stopFlag.store(true, ordering: .relaxed)
        var byte: UInt8 = 1
        _ = write(stopPipe.write, &byte, 1)
    }

    /// What the loop's waits watch besides the database: signals and requestStop().
    var wakeDescriptors: [Int32] {
        [signals?.wakeDescriptor, stopPipe.read].compactMap { $0 }.filter { $0 >= 0 }
    }

    /// Runs until stopped (or one pass with `once`). Returns the exit status.
    public func run(onPass: (PassReport) -> Void = { _ in }) throws -> Int32 {
        // Notifications are delivered beside the coordination loop, on a thread and connection
        // of their own, so that a slow receiver never slows a pass (one round after the pass
        // with --once; none in a dry run, which changes nothing).
        var delivery: NotificationDelivery? = nil
        let deliveryDone = DispatchSemaphore(value: 0)
        if let deliverySettings = settings.delivery, !settings.engine.dryRun {
            var adjusted = deliverySettings
            adjusted.actor = settings.engine.actor
            delivery = NotificationDelivery(database: settings.database, settings: adjusted, logger: logger)
            if !settings.once, let delivery {
                let thread = Thread { delivery.run(); deliveryDone.signal() }
                thread.name = "siamd-delivery"
                thread.start()
            }
        }
        defer {
            if let delivery, !settings.once {
                delivery.requestStop()
                deliveryDone.wait()
            }
        }
        var ready = false
        // Checked at every connect (requireCurrentSchema); since then, when?
        var schemaCheckedAt = ContinuousClock.now
        var connection: PostgresConnection? = nil
        var engine: Engine? = nil
        while !stopRequested {
            do {
                if connection == nil || connection?.isConnected == false {
                    guard let fresh = try connectWithBackoff(firstAttemptFails: !ready && settings.once) else { break }
                    if !settings.once {
                        try fresh.listen("siam_event")
                        try fresh.listen(PostgresConnection.schemaChannel)
                    }
                    connection = fresh
                    engine = Engine(connection: fresh, settings: settings.engine, logger: logger, measuresLag: metrics != nil)
                    if !settings.engine.dryRun {
                        try bestEffort("cannot register in siam.daemon") {
                            try registration.register(on: fresh, pollInterval: settings.pollInterval, actor: settings.engine.actor)
                        }
                    }
                    metrics?.setDatabaseConnected(true)
                    logger.info("connected", [("backend", String(fresh.backendPID))])
                }
                let started = ContinuousClock.now
                let report = try engine!.pass(shouldStop: { stopRequested })
                let elapsed = ContinuousClock.now - started
                onPass(report)
                try recordPass(report, elapsed: elapsed, on: connection!)
                logger.log(report.decisions.isEmpty ? .debug : .info, report.decisions.isEmpty ? "nothing to do" : "pass",
                           [("incidents", String(report.incidents)), ("decisions", String(report.decisions.count)),
                            ("changed", String(report.changed)),
                            ("ms", String(Int(elapsed / .milliseconds(1))))])
                if !ready {
                    ready = true
                    send { try notifier.ready(status: "coordinating") }
                }
                send { try notifier.watchdog() }
                if settings.once, !stopRequested, let delivery {
                    try bestEffort("cannot deliver notifications") { try delivery.deliverDue() }
                }
                // Asked to stop during the pass: out now, no further statement.
                if settings.once || settings.engine.dryRun || stopRequested { break }
                if signals?.takeReloadRequest() == true {
                    send { try notifier.reloading() }
                    let reloaded = reload(settings)
                    settings = reloaded ?? settings
                    engine!.settings = settings.engine
                    engine!.forgetCalendars()
                    if !settings.engine.dryRun {
                        // siamd status judges liveness by the poll interval it registered with.
                        try bestEffort("cannot register in siam.daemon") {
                            try registration.register(on: connection!, pollInterval: settings.pollInterval, actor: settings.engine.actor)
                        }
                    }
                    if reloaded != nil {
                        logger.info("reloaded", [("poll_interval", "\(settings.pollInterval)"), ("batch_size", String(settings.engine.batchSize))])
                    } else {
                        // The failure itself was logged by `reload`; the calendars are read again all the same.
                        logger.info("reloaded calendars only; settings kept", [("poll_interval", "\(settings.pollInterval)"),
                                                                               ("batch_size", String(settings.engine.batchSize))])
                    }
                    send { try notifier.ready(status: "coordinating") }
                }
                let wait = try sleepTime(connection!, supplierNextCheck: report.supplierNextCheck, claimedNothing: report.incidents == 0)
                let notifications = try connection!.waitForNotifications(timeout: wait, alsoWatching: wakeDescriptors)
                signals?.drainWakeups()
                // `db migrate` notifies in its transaction; the safety net looks once per poll
                // interval, not after every pass (a busy daemon passes hundreds of times a second).
                if notifications.contains(where: { $0.channel == PostgresConnection.schemaChannel })
                    || ContinuousClock.now - schemaCheckedAt >= settings.pollInterval {
                    try stopIfSchemaMovedAhead(connection!)
                    schemaCheckedAt = ContinuousClock.now
                }
            } catch let error as DatabaseError where error.kind == .connectionLost || error.kind == .connectionFailed {
                logger.warning("database connection lost; reconnecting", [("error", error.description)])
                metrics?.passFailed()
                metrics?.setDatabaseConnected(false)
                connection = nil
                if settings.once { throw error }
            }
        }
        send { try notifier.stopping() }
        if let connection, connection.isConnected, !settings.engine.dryRun {
            do {
                try registration.stopped(on: connection, actor: settings.engine.actor)
            } catch {
                logger.warning("cannot record the stop in siam.daemon", [("error", "\(error)")])
            }
        }
        logger.info("stopped")
        return 0
    }

    /// A newer siamd migrated the database: this one's statements would fail one by one, so it
    /// stops cleanly instead (exit status 4 and a log line that says why), and its supervisor
    /// starts the newer binary.
    func stopIfSchemaMovedAhead(_ connection: PostgresConnection) throws {
        guard try connection.newestAppliedMigrationID() > Schema.latest.id else { return }
        let problem = try connection.schemaStatus().problem
            ?? .newer(database: "a newer migration", known: Schema.latest.name)
        logger.error("the database schema moved ahead of this siamd; stopping", [("error", problem.description)])
        send { try notifier.stopping() }
        throw problem
    }

    /// Feeds the metrics and records the pass in siam.daemon (liveness for `siamd status`).
    func recordPass(_ report: PassReport, elapsed: Duration, on connection: PostgresConnection) throws {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        if let metrics {
            metrics.passCompleted(durationSeconds: seconds, endedAtUnix: Date().timeIntervalSince1970, incidents: report.incidents)
            metrics.actionsApplied(report.applied.byKind)
            for lag in report.lags { metrics.observeLag(action: lag.kind, seconds: lag.seconds) }
            // Stopping: no further statement.
            if !stopRequested {
                try bestEffort("cannot count the due items") {
                    metrics.setDueItems(try EngineStore(connection: connection).dueCount())
                }
                try bestEffort("cannot read what holds back the feed") {
                    metrics.setFeedHoldback(seconds: try Store(connection: connection, actor: settings.engine.actor).feedHoldback()?.seconds ?? 0)
                }
            }
        }
        // Stopping: no new transaction; the stop itself is recorded on the way out.
        guard !settings.engine.dryRun, !stopRequested else { return }
        try bestEffort("cannot record the pass in siam.daemon") {
            try registration.passed(on: connection, seconds: seconds, actions: report.changed,
                                    pollInterval: settings.pollInterval, actor: settings.engine.actor)
        }
    }

    /// Runs bookkeeping that must never stop coordination: a database error is logged, except a
    /// lost connection, which the loop handles (reconnect and catch up).
    func bestEffort(_ what: String, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as DatabaseError where error.kind != .connectionLost && error.kind != .connectionFailed {
            logger.warning(what, [("error", error.description)])
        }
    }

    /// How long to sleep: until the next check the database knows of, capped by the poll
    /// interval and half the watchdog period; when what is due is locked elsewhere, until the
    /// next check among the incidents nobody holds, at most a second (`WaitPlan`).
    func sleepTime(_ connection: PostgresConnection, supplierNextCheck: Instant?, claimedNothing: Bool) throws -> Duration {
        let store = EngineStore(connection: connection)
        var untilSupplierCheck: Double? = nil
        if let next = supplierNextCheck, let now = try? store.now() {
            untilSupplierCheck = Double(next.seconds - now.seconds)
        }
        let untilNextCheck = try store.secondsUntilNextCheck()
        // Overdue, yet the pass claimed nothing: locked elsewhere; when does what is free fall due?
        let untilNextUnlocked = claimedNothing && (untilNextCheck ?? 1) <= 0 ? try store.secondsUntilNextUnlockedCheck() : nil
        return WaitPlan.wait(pollInterval: settings.pollInterval, watchdogPing: notifier.watchdogPingInterval,
                             untilNextCheck: untilNextCheck, untilSupplierCheck: untilSupplierCheck,
                             claimedNothing: claimedNothing, untilNextUnlockedCheck: untilNextUnlocked)
    }

    /// Connects, retrying with exponential backoff (0.1 s to 10 s) until it works or a stop
    /// is requested. Returns nil when stopped first.
    func connectWithBackoff(firstAttemptFails: Bool) throws -> PostgresConnection? {
        var delay = Duration.milliseconds(100)
        while !stopRequested {
            do {
                let connection = try PostgresConnection.connect(settings.database)
                try connection.requireCurrentSchema()
                return connection
            } catch let error as DatabaseError where error.kind == .connectionFailed || error.kind == .connectionLost {
                if firstAttemptFails { throw error }
                logger.warning("cannot connect; retrying", [("error", error.description), ("in", "\(delay)")])
                waitForSignal(upTo: delay)
                delay = min(delay * 2, .seconds(10))
            }
        }
        return nil
    }

    /// Sleeps for the backoff delay, waking early on a signal (poll on the self-pipe).
    func waitForSignal(upTo delay: Duration) {
        var descriptors = wakeDescriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        _ = poll(&descriptors, nfds_t(descriptors.count), Int32(delay / .milliseconds(1)))
        signals?.drainWakeups()
    }

    /// systemd notifications are best effort: log and continue.
    func send(_ message: () throws -> Void) {
        do { try message() } catch { logger.warning("systemd notification failed", [("error", "\(error)")]) }
    }
}
