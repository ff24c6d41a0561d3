import SiamCore
import SiamStore

/// Settings of the coordination engine.
public struct EngineSettings: Sendable {
    /// Incidents claimed per transaction.
    public var batchSize: Int
    /// Plan and report, change nothing.
    public var dryRun: Bool
    /// Recorded as the actor of the daemon's events.
    public var actor: String

    public init(batchSize: Int = 500, dryRun: Bool = false, actor: String = "siamd") {
        self.batchSize = batchSize
        self.dryRun = dryRun
        self.actor = actor
    }
}

/// What one pass did.
public struct PassReport: Sendable {
    /// Incidents looked at.
    public var incidents = 0
    /// Decisions made (in a dry run: that would have been made).
    public var decisions: [Decision] = []
    /// Of those, the ones that changed something (the others found it done already, or no
    /// longer right under the row lock); empty in a dry run.
    public var appliedDecisions: [Decision] = []
    /// How late each decision carried out was against its due instant (seconds, by kind),
    /// for the applied decisions whose due instant the planner knows; empty unless the engine
    /// measures lag.
    public var lags: [(kind: String, seconds: Double)] = []
    /// The earliest supplier-level instant to look again (capacity repeats).
    public var supplierNextCheck: Instant?

    /// Decisions that changed something, by kind.
    public var applied: ActionCounts { ActionCounts(appliedDecisions) }
    /// Decisions that changed something, all kinds together.
    public var changed: Int { appliedDecisions.count }

    mutating func add(_ batch: BatchOutcome) {
        incidents += batch.incidents
        decisions += batch.decisions
        appliedDecisions += batch.applied
        lags += batch.lags
    }
}

/// What one batch did.
struct BatchOutcome {
    var incidents = 0
    var decisions: [Decision] = []
    var applied: [Decision] = []
    var lags: [(kind: String, seconds: Double)] = []
}

/// One pass of the coordination engine over the database: claim what is due (in batches,
/// `FOR UPDATE SKIP LOCKED`, so any number of daemons can run at once), plan with the pure
/// ``Planner``, carry out the decisions through the schema's functions, finish the plans
/// from what those changed and schedule each incident — each batch in one short transaction
/// with its events. A batch that fails for a reason other than a lost connection is retried
/// incident by incident, and an incident that still fails is logged and looked at again a
/// minute later, so one bad row never stops the others. A dry run takes the same path
/// without locks and rolls everything back.
public final class Engine {
    public let connection: PostgresConnection
    public var settings: EngineSettings
    let logger: Logger
    /// Whether to measure how late each decision is (one more query a batch): only when
    /// metrics are served.
    let measuresLag: Bool
    /// Calendars rarely change; building one reads its zone file, so keep them between passes.
    var calendars: [String: BusinessCalendar] = [:]
    /// The loads of the last world, and when they were counted: suppliers without a capacity
    /// are counted again at most once a second (their load only breaks ties of rank).
    var recentLoads: (loads: [String: Int], countedAt: ContinuousClock.Instant)?
    static let unlimitedLoadsMaxAge = Duration.seconds(1)

    public init(connection: PostgresConnection, settings: EngineSettings, logger: Logger, measuresLag: Bool = false) {
        self.connection = connection
        self.settings = settings
        self.logger = logger
        self.measuresLag = measuresLag
    }

    /// Forgets cached calendars (after SIGHUP, or when a calendar changed).
    public func forgetCalendars() {
        calendars = [:]
    }

    /// Runs one pass. `shouldStop` is asked between transactions.
    public func pass(shouldStop: () -> Bool = { false }) throws -> PassReport {
        var report = PassReport()
        // One world per pass: loading it counts every supplier's load, and the planner keeps
        // the loads current as it plans offers (the database re-checks each offer anyway).
        var world: WorldSnapshot? = nil
        if settings.dryRun {
            try connection.rolledBackTransaction(actor: settings.actor) {
                let store = EngineStore(connection: connection)
                report.add(try process(try store.peekDueIncidents(limit: 100_000), store: store, world: &world, carryOut: false))
                report.add(try capacity(store: store, rules: world?.rules, lock: false, carryOut: false).outcome)
            }
            return report
        }
        while !shouldStop() {
            let batch = try claimAndProcess(world: &world, shouldStop: shouldStop)
            report.add(batch)
            if batch.incidents < settings.batchSize { break }
        }
        // Keep the loads for the next passes, the offers planned in this one counted; a full
        // count restarts their second.
        if let world {
            recentLoads = (world.loads, worldCountedAll ? ContinuousClock.now : recentLoads?.countedAt ?? ContinuousClock.now)
        }
        // Asked to stop: no new transaction (the capacity step runs again on the next start).
        if !shouldStop() {
            do {
                let suppliers = try withRetry { try capacityStep(rules: world?.rules) }
                report.add(suppliers.outcome)
                report.supplierNextCheck = suppliers.next
            } catch let error as DatabaseError where !error.isTransient {
                // Like a failed incident: logged, and the daemon goes on (a lock another
                // session held past the lock timeout, a bad row); the next pass tries again.
                logger.error("capacity step failed; trying again next pass", [("error", error.description)])
            }
        }
        let applied = Set(report.appliedDecisions.map(\.description))
        for decision in report.decisions {
            if applied.contains(decision.description) {
                logger.info("decision", decision.fields)
            } else {
                logger.debug("decision found done already", decision.fields)
            }
        }
        return report
    }

    /// The one path of a batch: plans the incidents, carries the decisions out (unless
    /// `carryOut` is false: a dry run), finishes each plan from what the actions changed and
    /// schedules the incidents after them, in the caller's transaction.
    func process(_ ids: [Int64], store: EngineStore, world: inout WorldSnapshot?, carryOut: Bool) throws -> BatchOutcome {
        guard !ids.isEmpty else { return BatchOutcome() }
        let now = try store.now()
        var current = try world ?? loadWorld(store)
        let snapshots = try store.snapshots(of: ids)
        let plans = snapshots.map { Planner.plan($0, world: &current, now: now) }
        // The world keeps every offer planned, also those the database refuses (their supplier
        // filled up meanwhile): a refused offer asks for another look now, and the pass's next
        // batch must then see that supplier as full, or it would plan the same offer again and
        // again within the pass. The next pass counts loads afresh.
        world = current
        let decisions = plans.flatMap(\.decisions)
        guard carryOut else { return BatchOutcome(incidents: ids.count, decisions: decisions) }
        let done = try store.apply(decisions)
        let finished = zip(plans, snapshots).map { plan, snapshot in
            Planner.finish(plan, snapshot: snapshot, newOffers: done.offers,
                           offerRefused: plan.decisions.contains { $0.kind == "offer" && !done.changed($0) }
                               && !done.putOff.contains(plan.incident),
                           offerPutOff: done.putOff.contains(plan.incident),
                           world: current, now: now)
        }
        try store.schedule(finished)
        let applied = decisions.filter(done.changed)
        return BatchOutcome(incidents: ids.count, decisions: decisions, applied: applied, lags: try lags(of: applied, store: store))
    }

    /// Whether the world of this pass counted every supplier's load.
    var worldCountedAll = false

    /// The pass's world: every load counted when the last full count is over a second old,
    /// else only those of suppliers with a capacity (the others from the last world).
    func loadWorld(_ store: EngineStore) throws -> WorldSnapshot {
        if let recent = recentLoads, ContinuousClock.now - recent.countedAt < Self.unlimitedLoadsMaxAge {
            worldCountedAll = false
            return try store.world(calendars: &calendars, unlimitedLoads: recent.loads)
        }
        worldCountedAll = true
        return try store.world(calendars: &calendars)
    }

    /// Supplier capacity: looked at without locks first; only when there is something to
    /// decide are the suppliers locked and looked at again (so an idle pass writes nothing).
    func capacityStep(rules: [EscalationRule]?) throws -> (outcome: BatchOutcome, next: Instant?) {
        let store = EngineStore(connection: connection)
        let rules = try rules ?? store.escalationRules()
        let glance = try capacity(store: store, rules: rules, lock: false, carryOut: false)
        guard !glance.outcome.decisions.isEmpty else { return (BatchOutcome(), glance.next) }
        return try connection.transaction(actor: settings.actor) {
            try capacity(store: store, rules: rules, lock: true, carryOut: true)
        }
    }

    /// Plans (and with `carryOut`, carries out) the capacity escalations of the suppliers.
    func capacity(store: EngineStore, rules: [EscalationRule]?, lock: Bool, carryOut: Bool) throws -> (outcome: BatchOutcome, next: Instant?) {
        let rules = try rules ?? store.escalationRules()
        let (decisions, next) = CapacityPlanner.plan(try store.supplierLoads(lock: lock), rules: rules, now: try store.now())
        guard carryOut, !decisions.isEmpty else { return (BatchOutcome(decisions: decisions), next) }
        let done = try store.apply(decisions)
        let applied = decisions.filter(done.changed)
        return (BatchOutcome(decisions: decisions, applied: applied, lags: try lags(of: applied, store: store)), next)
    }

    /// How late each decision is against its due instant, measured now (real time); nothing
    /// unless asked to measure.
    func lags(of decisions: [Decision], store: EngineStore) throws -> [(kind: String, seconds: Double)] {
        let due = decisions.filter { $0.due != nil }
        guard measuresLag, !due.isEmpty else { return [] }
        let now = try store.realNowUnix()
        return due.map { ($0.kind, max(0, now - Double($0.due!.seconds))) }
    }

    /// Claims one batch and processes it in one transaction; when that fails, incident by
    /// incident, asking `shouldStop` before each.
    func claimAndProcess(world: inout WorldSnapshot?, shouldStop: () -> Bool = { false }) throws -> BatchOutcome {
        do {
            return try withRetry {
                try connection.transaction(actor: settings.actor) {
                    let store = EngineStore(connection: connection)
                    return try process(try store.claimDueIncidents(limit: settings.batchSize), store: store, world: &world,
                                       carryOut: true)
                }
            }
        } catch let error as DatabaseError where !error.isTransient {
            logger.warning("batch failed; retrying incident by incident", [("error", error.description)])
            guard !shouldStop() else { return BatchOutcome() }
            return try oneByOne(shouldStop: shouldStop)
        }
    }

    /// The slow path after a failed batch: each due incident in its own transaction (and a
    /// world of its own, so that a failed one leaves nothing behind). Asks `shouldStop`
    /// before each: after SIGTERM it starts no new transaction (what is left stays due, for
    /// the next daemon).
    func oneByOne(shouldStop: () -> Bool = { false }) throws -> BatchOutcome {
        var total = BatchOutcome()
        for id in try EngineStore(connection: connection).peekDueIncidents(limit: settings.batchSize) {
            if shouldStop() { break }
            do {
                let outcome = try connection.transaction(actor: settings.actor) { () -> BatchOutcome in
                    let store = EngineStore(connection: connection)
                    guard try store.claim(incident: id) else { return BatchOutcome() }
                    var world: WorldSnapshot? = nil
                    return try process([id], store: store, world: &world, carryOut: true)
                }
                total.incidents += outcome.incidents
                total.decisions += outcome.decisions
                total.applied += outcome.applied
                total.lags += outcome.lags
            } catch let error as DatabaseError where error.kind != .connectionLost {
                logger.error("incident failed; looking again in a minute", [("incident", String(id)), ("error", error.description)])
                // Stopping: it stays due, for whichever daemon runs next.
                if shouldStop() { break }
                try connection.transaction(actor: settings.actor) {
                    try EngineStore(connection: connection).lookAgain(incident: id, afterSeconds: 60)
                }
            }
        }
        return total
    }

    /// Retries work that failed on a serialization failure or deadlock (another daemon won).
    func withRetry<T>(_ body: () throws -> T) throws -> T {
        var attempt = 0
        while true {
            do {
                return try body()
            } catch let error as DatabaseError
                where (error.kind == .serializationFailure || error.kind == .deadlockDetected) && attempt < 5 {
                attempt += 1
                logger.debug("retrying after conflict", [("error", error.description), ("attempt", String(attempt))])
            }
        }
    }
}
