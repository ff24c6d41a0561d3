import Foundation
import SiamCore

/// The daemon's queries: claiming due work, reading snapshots, and carrying out decisions
/// through the schema's functions (which re-check each one under the row lock and write its
/// event). Batches are bounded by `LIMIT`; every call runs inside the caller's transaction.
public struct EngineStore {
    public let connection: PostgresConnection

    public init(connection: PostgresConnection) {
        self.connection = connection
    }

    /// The database clock (`siam.clock()`), the one "now" of a pass.
    public func now() throws -> Instant {
        try connection.query("SELECT siam.clock() AS now").first!.instant("now")
    }

    /// Locks up to `limit` incidents that are due for a look, skipping any another daemon holds.
    public func claimDueIncidents(limit: Int) throws -> [Int64] {
        try connection.query("SELECT id FROM siam.incidents_claim_due($1::integer) AS id", [limit])
            .rows.map { Int64(try $0.int("id")) }
    }

    /// Locks one incident if it is due and nobody holds it; false otherwise.
    public func claim(incident: Int64) throws -> Bool {
        try connection.query("SELECT siam.incident_claim($1::bigint) AS id", [incident]).first?.optionalInt("id") != nil
    }

    /// Schedules an incident's next look a while from now (after it failed).
    public func lookAgain(incident: Int64, afterSeconds seconds: Int) throws {
        try connection.query("""
            SELECT siam.incident_schedule(ARRAY[$1::bigint], ARRAY[siam.clock() + make_interval(secs => $2::integer)])
            """, [incident, seconds])
    }

    /// Due incidents without locking them (for `--dry-run`).
    public func peekDueIncidents(limit: Int) throws -> [Int64] {
        try connection.query("""
            SELECT id FROM siam.incident WHERE next_check_at <= siam.clock() ORDER BY next_check_at LIMIT $1::integer
            """, [limit]).rows.map { Int64(try $0.int("id")) }
    }

    /// Seconds until the earliest scheduled check (negative when overdue), nil when none.
    ///
    /// Measured against the real time (`clock_timestamp()`), not the whole-second
    /// `siam.clock()`, so that the daemon wakes on the instant; only a clock fixed by a test
    /// (`siam.now`) is used as it is.
    public func secondsUntilNextCheck() throws -> Double? {
        let row = try connection.query("""
            SELECT extract(epoch FROM (SELECT min(next_check_at) FROM siam.incident WHERE next_check_at IS NOT NULL)
                                      - \(Self.realNow))::float8 AS seconds
            """).first
        return try row?.text("seconds").flatMap(Double.init)
    }

    /// Seconds until the earliest scheduled check among the incidents no other transaction
    /// holds (negative when overdue), nil when none; as ``secondsUntilNextCheck()`` otherwise.
    /// It locks that incident for the statement: call it outside a transaction.
    public func secondsUntilNextUnlockedCheck() throws -> Double? {
        let row = try connection.query("""
            SELECT extract(epoch FROM siam.next_check_unlocked() - \(Self.realNow))::float8 AS seconds
            """).first
        return try row?.text("seconds").flatMap(Double.init)
    }

    /// The real time now, in fractional Unix seconds (a clock fixed by a test is used as it
    /// is): what the deadline lag of an action is measured with.
    public func realNowUnix() throws -> Double {
        let row = try connection.query("SELECT extract(epoch FROM \(Self.realNow))::float8 AS now").first
        return try row?.text("now").flatMap(Double.init) ?? 0
    }

    /// `clock_timestamp()`, unless a test fixed the clock with `siam.now`.
    static let realNow = """
        CASE WHEN coalesce(current_setting('siam.now', true), '') = '' THEN clock_timestamp() ELSE siam.clock() END
        """

    /// Incidents due for a look now (the backlog after a pass).
    public func dueCount() throws -> Int {
        try connection.query("SELECT count(*) AS n FROM siam.incident WHERE next_check_at <= siam.clock()").first?.int("n") ?? 0
    }

    /// Everything the planner needs about these incidents, in a fixed number of queries.
    public func snapshots(of ids: [Int64]) throws -> [IncidentSnapshot] {
        guard !ids.isEmpty else { return [] }
        let idText = ids.map(String.init)
        let store = Store(connection: connection, actor: "siamd")
        let incidents = try connection.query(
            "SELECT \(Store.incidentColumns) FROM siam.incident WHERE id = ANY ($1::bigint[]) ORDER BY id", [idText]
        ).rows.map(Store.incident)
        let handoffs = Dictionary(grouping: try store.handoffs(HandoffFilter(incidents: ids, limit: Int(Int32.max))), by: \.incident)
        let assignments = Dictionary(grouping: try openAssignments(of: idText), by: \.incident)
        let escalations = Dictionary(grouping: try store.escalations(openOnly: false, incidents: ids, limit: Int(Int32.max)),
                                     by: { $0.incident ?? 0 })
        let pauses = try connection.query("""
            SELECT incident, started_at, ended_at FROM siam.incident_pause
            WHERE incident = ANY ($1::bigint[]) AND ended_at IS NOT NULL ORDER BY incident, started_at
            """, [idText]).rows.reduce(into: [Int64: [Range<Instant>]]()) { result, row in
                result[Int64(try row.int("incident")), default: []].append(try row.instant("started_at")..<row.instant("ended_at"))
            }
        let complaints = try connection.query("""
            SELECT incident, source, received_at FROM siam.complaint WHERE incident = ANY ($1::bigint[]) ORDER BY id
            """, [idText]).rows.reduce(into: [Int64: [ComplaintRecord]]()) { result, row in
                result[Int64(try row.int("incident")), default: []].append(
                    ComplaintRecord(source: try row.string("source"), receivedAt: try row.instant("received_at")))
            }
        let bounces = try connection.query("""
            SELECT incident, supplier, at, kind FROM siam.bounce WHERE incident = ANY ($1::bigint[]) ORDER BY incident, at
            """, [idText]).rows.reduce(into: [Int64: [BounceRecord]]()) { result, row in
                result[Int64(try row.int("incident")), default: []].append(BounceRecord(
                    supplier: try row.string("supplier"), at: try row.instant("at"), kind: try row.enumValue("kind")))
            }
        let disputes = try connection.query("""
            SELECT h.incident, d.id, d.handoff, h.to_supplier, d.ruling
            FROM siam.scope_dispute AS d JOIN siam.handoff AS h ON h.id = d.handoff
            WHERE h.incident = ANY ($1::bigint[]) ORDER BY d.id
            """, [idText]).rows.reduce(into: [Int64: [DisputeRecord]]()) { result, row in
                result[Int64(try row.int("incident")), default: []].append(DisputeRecord(
                    id: Int64(try row.int("id")), handoff: Int64(try row.int("handoff")),
                    supplier: try row.string("to_supplier"), ruling: try row.optionalString("ruling")))
            }
        return incidents.map { incident in
            IncidentSnapshot(
                incident: incident,
                handoffs: handoffs[incident.id] ?? [],
                openAssignments: assignments[incident.id] ?? [],
                escalations: escalations[incident.id] ?? [],
                pauses: pauses[incident.id] ?? [],
                complaints: complaints[incident.id] ?? [],
                bounces: bounces[incident.id] ?? [],
                disputes: disputes[incident.id] ?? [])
        }
    }

    private func openAssignments(of ids: [String]) throws -> [Assignment] {
        try connection.query("""
            SELECT id, incident, supplier, role, handoff, started_at, resolve_due, ola_calendar, pauses_when_pending
            FROM siam.assignment WHERE incident = ANY ($1::bigint[]) AND ended_at IS NULL ORDER BY id
            """, [ids]).rows.map { row in
                Assignment(
                    id: Int64(try row.int("id")), incident: Int64(try row.int("incident")),
                    supplier: try row.string("supplier"), role: try row.string("role"),
                    handoff: try row.optionalInt("handoff").map(Int64.init), startedAt: try row.instant("started_at"),
                    endedAt: nil, resolveDue: try row.optionalInstant("resolve_due"),
                    olaCalendar: try row.optionalString("ola_calendar"), businessTime: nil, olaMet: nil,
                    pausesWhenPending: try row.bool("pauses_when_pending"))
            }
    }

    /// Rules, calendars and the suppliers that can take work, with their load.
    ///
    /// - Parameter unlimitedLoads: the loads of suppliers without a capacity, known from a
    ///   recent pass; they only break ties of rank, so they may be a moment old, and counting
    ///   them is most of a pass's database time under load. nil: count every supplier's. A
    ///   supplier with a capacity is always counted: whether it can take work must be exact.
    public func world(calendars cache: inout [String: BusinessCalendar], unlimitedLoads: [String: Int]? = nil) throws -> WorldSnapshot {
        let rules = try escalationRules()
        let store = Store(connection: connection, actor: "siamd")
        for name in try connection.query("SELECT name FROM siam.calendar").rows.map({ try $0.string("name") })
        where cache[name] == nil {
            cache[name] = try store.calendar(named: name)?.calendar
        }
        var statuses: [String: SupplierStatus] = [:]
        var candidates: [String: [Candidate]] = [:]
        // Load as routing counts it: siam.supplier_load.committed (owned plus offered whole).
        for row in try connection.query("""
            WITH counted AS (
                SELECT l.supplier, l.committed FROM siam.supplier_load AS l
                WHERE NOT $1::boolean OR l.capacity IS NOT NULL
            )
            SELECT s.code, s.status, s.capacity, ss.service, ss.rank, c.committed AS load
            FROM siam.supplier AS s
            LEFT JOIN counted AS c ON c.supplier = s.code
            LEFT JOIN siam.supplier_service AS ss ON ss.supplier = s.code
            """, [unlimitedLoads != nil]).rows {
            let code = try row.string("code")
            let status: SupplierStatus = try row.enumValue("status")
            statuses[code] = status
            guard let service = try row.optionalString("service") else { continue }
            let load = try row.optionalInt("load") ?? unlimitedLoads?[code] ?? 0
            candidates[service, default: []].append(Candidate(
                supplier: code, status: status, rank: try row.int("rank"), capacity: try row.optionalInt("capacity"),
                load: load))
        }
        return WorldSnapshot(rules: rules, calendars: cache, candidates: candidates, supplierStatus: statuses)
    }

    public func escalationRules() throws -> [EscalationRule] {
        try connection.query("""
            SELECT code, measure, thresholds::float8[]::text AS thresholds, notify,
                   extract(epoch FROM repeat_every)::bigint AS repeat_every,
                   extract(epoch FROM time_window)::bigint AS time_window,
                   priority, service, supplier, user_tier, enabled
            FROM siam.escalation_rule ORDER BY code
            """).rows.map { row in
                let thresholds = try row.string("thresholds").trimmingCharacters(in: ["{", "}"])
                    .split(separator: ",").compactMap { Double($0) }
                return EscalationRule(
                    code: try row.string("code"), measure: try row.enumValue("measure"), thresholds: thresholds,
                    notify: try row.string("notify"), repeatEvery: try row.optionalInt("repeat_every").map(Int64.init),
                    window: try row.optionalInt("time_window").map(Int64.init),
                    priority: try row.optionalString("priority").flatMap(Priority.init(rawValue:)),
                    service: try row.optionalString("service"), supplier: try row.optionalString("supplier"),
                    userTier: try row.optionalString("user_tier"), enabled: try row.bool("enabled"))
            }
    }

    /// Suppliers with a capacity, with their load and open capacity escalations; with `lock`,
    /// locked (skipping any another daemon holds), for deciding on them.
    public func supplierLoads(lock: Bool) throws -> [SupplierLoad] {
        let rows = try connection.query("SELECT code, capacity, load FROM siam.supplier_loads($1::boolean)", [lock]).rows
        let codes = try rows.map { try $0.string("code") }
        let store = Store(connection: connection, actor: "siamd")
        let open = Dictionary(grouping: try store.escalations(openOnly: true, suppliersWithoutIncident: codes), by: { $0.supplier ?? "" })
        return try rows.map { row in
            let code = try row.string("code")
            return SupplierLoad(supplier: code, capacity: try row.optionalInt("capacity"), load: try row.int("load"),
                                openEscalations: open[code] ?? [])
        }
    }
}
