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
    /// Decisions that changed something (the others found it done already), by kind.
    public var applied = ActionCounts()
    /// How late each decision carried out was against its due instant (seconds, by kind),
    /// for the decisions whose due instant the planner knows; empty unless the engine
    /// measures lag.
    public var lags: [(kind: String, seconds: Double)] = []

    /// Decisions that changed something, all kinds together.
    public var changed: Int { applied.total }
    /// The earliest supplier-level instant to look again (capacity repeats).
    public var supplierNextCheck: Instant?
}

/// One pass of the coordination engine over the database: claim what is due (in batches,
/// `FOR UPDATE SKIP LOCKED`, so any number of daemons can run at once), plan with the pure
/// ``Planner``, carry out the decisions through the schema's functions, each batch in one
/// short transaction with its events. A batch that fails for a reason other than a lost
/// connection is retried incident by incident, and an incident that still fails is logged
/// and looked at again a minute later, so one bad row never stops the others.
public final class Engine {
    public let connection: PostgresConnection
    public var settings: EngineSettings
    let logger: Logger
    /// Whether to measure how late each decision is (one more query a batch): only when
    /// metrics are served.
    let measuresLag: Bool
    /// Calendars rarely change; building one reads its zone file, so keep them between passes.
    var calendars: [String: BusinessCalendar] = [:]

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
        if settings.dryRun {
            try connection.rolledBackTransaction(actor: settings.actor) {
                let store = EngineStore(connection: connection)
                let ids = try store.peekDueIncidents(limit: 100_000)
                let (plans, _) = try plan(ids, store: store)
                report.incidents = ids.count
                report.decisions = plans.flatMap(\.decisions)
                let (capacity, _) = CapacityPlanner.plan(try store.supplierLoads(lock: false), rules: try store.escalationRules(), now: try store.now())
                report.decisions += capacity
            }
            return report
        }
        // One world per pass: loading it counts every supplier's load, and the planner keeps
        // the loads current as it plans offers (the database re-checks each offer anyway).
        var world: WorldSnapshot? = nil
        while !shouldStop() {
            let batch = try claimPlanApply(world: &world)
            report.incidents += batch.incidents
            report.decisions += batch.decisions
            report.applied += batch.changed
            report.lags += batch.lags
            if batch.incidents < settings.batchSize { break }
        }
        let capacity = try withRetry { try capacityStep() }
        report.decisions += capacity.decisions
        report.applied += capacity.changed
        report.lags += capacity.lags
        report.supplierNextCheck = capacity.next
        for decision in report.decisions {
            logger.info("decision", decision.fields)
        }
        return report
    }

    /// Supplier capacity: looked at without locks first; only when there is something to
    /// decide are the suppliers locked and looked at again (so an idle pass writes nothing).
    func capacityStep() throws -> (decisions: [Decision], changed: ActionCounts, lags: [(kind: String, seconds: Double)], next: Instant?) {
        let store = EngineStore(connection: connection)
        let rules = try store.escalationRules()
        let glance = CapacityPlanner.plan(try store.supplierLoads(lock: false), rules: rules, now: try store.now())
        guard !glance.decisions.isEmpty else { return (glance.decisions, ActionCounts(), [], glance.nextCheck) }
        return try connection.transaction(actor: settings.actor) {
            let (decisions, next) = CapacityPlanner.plan(try store.supplierLoads(lock: true), rules: rules, now: try store.now())
            let applied = try store.apply(decisions)
            return (decisions, applied, try lags(of: decisions, store: store), next)
        }
    }

    /// How late each decision is against its due instant, measured now (real time); nothing
    /// unless asked to measure.
    func lags(of decisions: [Decision], store: EngineStore) throws -> [(kind: String, seconds: Double)] {
        let due = decisions.filter { $0.due != nil }
        guard measuresLag, !due.isEmpty else { return [] }
        let now = try store.realNowUnix()
        return due.map { ($0.kind, max(0, now - Double($0.due!.seconds))) }
    }

    /// Claims one batch, plans it and carries it out in one transaction.
    func claimPlanApply(world: inout WorldSnapshot?) throws
        -> (incidents: Int, decisions: [Decision], changed: ActionCounts, lags: [(kind: String, seconds: Double)]) {
        do {
            return try withRetry {
                try connection.transaction(actor: settings.actor) {
                    let store = EngineStore(connection: connection)
                    let ids = try store.claimDueIncidents(limit: settings.batchSize)
                    let (plans, _) = try plan(ids, store: store, world: &world)
                    try store.schedule(plans)
                    let decisions = plans.flatMap(\.decisions)
                    let applied = try store.apply(decisions)
                    return (ids.count, decisions, applied, try lags(of: decisions, store: store))
                }
            }
        } catch let error as DatabaseError where !error.isTransient {
            logger.warning("batch failed; retrying incident by incident", [("error", error.description)])
            return try oneByOne()
        }
    }

    /// The slow path after a failed batch: each due incident in its own transaction.
    func oneByOne() throws -> (incidents: Int, decisions: [Decision], changed: ActionCounts, lags: [(kind: String, seconds: Double)]) {
        var total = (incidents: 0, decisions: [Decision](), changed: ActionCounts(), lags: [(kind: String, seconds: Double)]())
        let ids = try EngineStore(connection: connection).peekDueIncidents(limit: settings.batchSize)
        for id in ids {
            do {
                let result = try connection.transaction(actor: settings.actor) {
                    () -> ([Decision], ActionCounts, [(kind: String, seconds: Double)]) in
                    let store = EngineStore(connection: connection)
                    guard try connection.query("SELECT siam.incident_claim($1::bigint) AS id", [id])
                        .first?.optionalInt("id") != nil else { return ([], ActionCounts(), []) }
                    let (plans, _) = try plan([id], store: store)
                    try store.schedule(plans)
                    let decisions = plans.flatMap(\.decisions)
                    let applied = try store.apply(decisions)
                    return (decisions, applied, try lags(of: decisions, store: store))
                }
                total.incidents += 1
                total.decisions += result.0
                total.changed += result.1
                total.lags += result.2
            } catch let error as DatabaseError where error.kind != .connectionLost {
                logger.error("incident failed; looking again in a minute", [("incident", String(id)), ("error", error.description)])
                try connection.transaction(actor: settings.actor) {
                    try connection.query(
                        "SELECT siam.incident_schedule(ARRAY[$1::bigint], ARRAY[siam.clock() + interval '1 minute'])", [id])
                }
            }
        }
        return total
    }

    /// Plans the given incidents; the world is loaded on first use and kept for the pass.
    func plan(_ ids: [Int64], store: EngineStore, world: inout WorldSnapshot?) throws -> ([IncidentPlan], Instant) {
        let now = try store.now()
        guard !ids.isEmpty else { return ([], now) }
        var current = try world ?? store.world(calendars: &calendars)
        let plans = try store.snapshots(of: ids).map { Planner.plan($0, world: &current, now: now) }
        world = current
        return (plans, now)
    }

    /// Plans the given incidents against a world of their own.
    func plan(_ ids: [Int64], store: EngineStore) throws -> ([IncidentPlan], Instant) {
        var world: WorldSnapshot? = nil
        return try plan(ids, store: store, world: &world)
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
