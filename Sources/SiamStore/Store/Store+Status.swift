import SiamCore
import SiamReport

extension Store {
    /// Everything `siamd status` shows, in one snapshot. `horizon`: how soon counts as
    /// "about to be late"; `limit`: rows per list.
    public func operationalStatus(horizon: BusinessDuration, limit: Int) throws -> OperationalStatus {
        try connection.readOnlySnapshot {
            let now = try connection.query("SELECT siam.clock() AS now").first!.instant("now")
            let open = try connection.query("""
                SELECT state, priority, count(*) AS n
                FROM siam.incident
                WHERE state IN ('new', 'assigned', 'in_progress', 'pending')
                GROUP BY state, priority
                ORDER BY array_position(ARRAY['new', 'assigned', 'in_progress', 'pending'], state), priority
                """).rows.map { StateCount(state: try $0.string("state"), priority: try $0.string("priority"), count: try $0.int("n")) }
            let (overdue, soon, atRisk) = try clocksAtRisk(now: now, horizon: horizon, limit: limit)
            let pendingCount = try connection.query("SELECT count(*) AS n FROM siam.handoff WHERE state = 'offered'").first!.int("n")
            let pending = try connection.query("""
                SELECT id, incident, to_supplier, offered_at, accept_due
                FROM siam.handoff WHERE state = 'offered'
                ORDER BY accept_due NULLS LAST, id
                LIMIT $1::integer
                """, [limit]).rows.map { row in
                    PendingHandoff(id: try row.int64("id"), incident: try row.int64("incident"), toSupplier: try row.string("to_supplier"),
                                   offeredAt: try row.instant("offered_at"), acceptDue: try row.optionalInstant("accept_due"))
                }
            let escalationCounts = try connection.query("""
                SELECT count(*) AS open, count(*) FILTER (WHERE acknowledged_at IS NULL) AS unacknowledged
                FROM siam.escalation WHERE closed_at IS NULL
                """).first!
            let escalations = try connection.query("""
                SELECT id, rule, level, incident, supplier, notify, raised_at, acknowledged_at IS NOT NULL AS acknowledged, reason
                FROM siam.escalation WHERE closed_at IS NULL
                ORDER BY acknowledged_at IS NOT NULL, level DESC, raised_at DESC, id DESC
                LIMIT $1::integer
                """, [limit]).rows.map { row in
                    OpenEscalation(id: try row.int64("id"), rule: try row.string("rule"), level: try row.int("level"),
                                   incident: try row.optionalInt("incident").map(Int64.init), supplier: try row.optionalString("supplier"),
                                   notify: try row.string("notify"), raisedAt: try row.instant("raised_at"),
                                   acknowledged: try row.bool("acknowledged"), reason: try row.string("reason"))
                }
            let disputes = try connection.query("""
                SELECT count(*) OVER () AS open, d.id, h.incident, h.to_supplier, d.raised_at
                FROM siam.scope_dispute AS d
                JOIN siam.handoff AS h ON h.id = d.handoff
                WHERE d.ruling IS NULL
                ORDER BY d.raised_at, d.id
                LIMIT 1
                """).first
            let suppliers = try connection.query("""
                SELECT s.code, s.status, s.capacity, l.held AS load, l.offered AS offers
                FROM siam.supplier AS s
                JOIN siam.supplier_load AS l ON l.supplier = s.code
                WHERE s.status <> 'retired'
                ORDER BY s.code
                """).rows.map { row in
                    SupplierLoadStatus(supplier: try row.string("code"), status: try row.string("status"), load: try row.int("load"),
                                       capacity: try row.optionalInt("capacity"), offers: try row.int("offers"))
                }
            let daemons = try connection.query("""
                SELECT host, pid, version, started_at, last_pass_at, last_pass_seconds, passes, actions, alive, stopped_at
                FROM siam.daemon_status
                WHERE alive OR coalesce(stopped_at, greatest(last_pass_at, connected_at)) >= siam.clock() - interval '1 day'
                ORDER BY alive DESC, greatest(last_pass_at, connected_at) DESC
                LIMIT $1::integer
                """, [limit]).rows.map { row in
                    DaemonStatus(host: try row.string("host"), pid: try row.int("pid"), version: try row.string("version"),
                                 startedAt: try row.instant("started_at"), lastPassAt: try row.optionalInstant("last_pass_at"),
                                 lastPassSeconds: try row.text("last_pass_seconds").flatMap(Double.init),
                                 passes: try row.int("passes"), actions: try row.int("actions"), alive: try row.bool("alive"),
                                 stoppedAt: try row.optionalInstant("stopped_at"))
                }
            return OperationalStatus(
                now: now, horizonSeconds: horizon.seconds, openIncidents: open, overdueCount: overdue, dueSoonCount: soon,
                clocksAtRisk: atRisk, pendingHandoffCount: pendingCount, pendingHandoffs: pending,
                openEscalationCount: try escalationCounts.int("open"),
                unacknowledgedEscalationCount: try escalationCounts.int("unacknowledged"),
                openEscalations: escalations, suppliers: suppliers, daemons: daemons,
                feedHold: try feedHoldback().flatMap { $0.seconds >= FeedHold.alarmSeconds ? $0 : nil },
                openDisputeCount: try disputes?.int("open") ?? 0,
                oldestOpenDispute: try disputes.map { row in
                    OpenDispute(id: try row.int64("id"), incident: try row.int64("incident"),
                                supplier: try row.string("to_supplier"), raisedAt: try row.instant("raised_at"))
                })
        }
    }

    /// The oldest open transaction in the cluster, which holds back the event feed; nil when
    /// there is none the session may see.
    public func feedHoldback() throws -> FeedHold? {
        try connection.query("SELECT seconds, pid, role, state, application FROM siam.feed_holdback()").first.map { row in
            FeedHold(seconds: try row.text("seconds").flatMap(Double.init) ?? 0, pid: try row.int("pid"),
                     role: try row.optionalString("role"), state: try row.optionalString("state"),
                     application: try row.optionalString("application"))
        }
    }

    /// Running clocks past due or due within the horizon: counts, and the first `limit`.
    /// SLA clocks of pending incidents are paused, so left out, and so are the owners' OLA
    /// clocks that pause while pending (`assignment.pauses_when_pending`); the others run.
    /// `now` is passed in, not asked of `siam.clock()` per row (which looks up the role).
    private func clocksAtRisk(now: Instant, horizon: BusinessDuration, limit: Int)
        throws -> (overdue: Int, soon: Int, listed: [ClockAtRisk]) {
        let rows = try connection.query("""
            WITH clocks AS (
                SELECT i.id AS incident, i.title, i.service, i.priority, i.owner AS supplier,
                       'sla acknowledge' AS clock, i.acknowledge_due AS due
                FROM siam.incident AS i
                WHERE i.state IN ('new', 'assigned', 'in_progress')
                  AND i.acknowledged_at IS NULL AND i.acknowledge_due IS NOT NULL
                UNION ALL
                SELECT i.id, i.title, i.service, i.priority, i.owner, 'sla resolve', i.resolve_due
                FROM siam.incident AS i
                WHERE i.state IN ('new', 'assigned', 'in_progress') AND i.resolve_due IS NOT NULL
                UNION ALL
                SELECT i.id, i.title, i.service, i.priority, a.supplier, 'ola resolve', a.resolve_due
                FROM siam.assignment AS a
                JOIN siam.incident AS i ON i.id = a.incident
                WHERE a.role = 'owner' AND a.ended_at IS NULL AND a.resolve_due IS NOT NULL
                  AND NOT (a.pauses_when_pending AND i.state = 'pending')
            ),
            at_risk AS (
                SELECT * FROM clocks WHERE due <= $3::timestamptz + $1::interval
            )
            SELECT r.*, counts.overdue, counts.soon
            FROM (SELECT count(*) FILTER (WHERE due <= $3::timestamptz) AS overdue,
                         count(*) FILTER (WHERE due > $3::timestamptz) AS soon
                  FROM at_risk) AS counts
            LEFT JOIN LATERAL (SELECT * FROM at_risk ORDER BY due, incident, clock LIMIT $2::integer) AS r ON true
            """, [horizon, limit, now]).rows
        guard let first = rows.first else { return (0, 0, []) }
        let listed = try rows.filter { try $0.optionalInt("incident") != nil }.map { row in
            ClockAtRisk(incident: try row.int64("incident"), title: try row.string("title"), service: try row.string("service"),
                        priority: try row.string("priority"), supplier: try row.optionalString("supplier"),
                        clock: try row.string("clock"), due: try row.instant("due"))
        }
        return (try first.int("overdue"), try first.int("soon"), listed)
    }
}
