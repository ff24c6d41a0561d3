import Foundation
import SiamCore
import SiamDaemon
import SiamStore

/// (a) The burst: the engine against one hand-written set-based statement, on two copies of
/// the same data, and the check that both wrote the same rows and events.
extension EngineBenchmark {
    /// The actions per burst incident: the expiry, the new offer, the SLA acknowledge escalation
    /// (raised once, straight at its highest level).
    static let actionsPerBurstIncident = 3

    static func burstByEngine(_ conninfo: String) throws
        -> (actions: Int, seconds: Double, topLevel: [StatementCost], nested: [StatementCost]) {
        let engine = Engine(
            connection: try PostgresConnection.connect(conninfo, statementTimeout: "0"),
            settings: EngineSettings(batchSize: 500, actor: "siamd"),
            logger: Logger(level: .error, sink: { _ in }))
        let counter = try PostgresConnection.connect(conninfo, statementTimeout: "0")
        try startCountingStatements(counter)
        let started = ContinuousClock.now
        var actions = 0
        while true {
            let report = try engine.pass()
            actions += report.changed
            if report.incidents == 0 { break }
        }
        let seconds = (ContinuousClock.now - started) / .seconds(1)
        return (actions, seconds, try statementCosts(counter, topLevel: true), try statementCosts(counter, topLevel: false))
    }

    /// The engine's work on the burst written by hand in one statement, without its re-checks:
    /// the same rows (columns as the schema's action functions set them, reasons worded as the
    /// planner words them) and the same events with the same data, as the same actor.
    static func burstBySQL(_ conninfo: String) throws -> (actions: Int, seconds: Double) {
        let connection = try PostgresConnection.connect(conninfo, statementTimeout: "0")
        let started = ContinuousClock.now
        let row = try connection.transaction(actor: "siamd") {
            try connection.query("""
                WITH due AS (
                    SELECT h.id, h.incident, h.to_supplier, h.accept_due
                    FROM siam.incident AS i
                    JOIN siam.handoff AS h ON h.incident = i.id AND h.state = 'offered'
                    WHERE i.next_check_at <= siam.clock() AND h.accept_due <= siam.clock()
                    FOR UPDATE OF i, h
                ), expired AS (
                    UPDATE siam.handoff AS h
                    SET state = 'expired', answered_at = siam.clock(), answered_by = siam.current_actor(),
                        reason = format('not accepted by %s by %s', due.to_supplier,
                                        to_char(due.accept_due AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
                    FROM due WHERE h.id = due.id
                    RETURNING h.id, h.incident, h.to_supplier, h.accept_due, h.reason
                ), next_supplier AS (
                    SELECT DISTINCT ON (e.incident) e.incident, i.owner, i.priority, i.service,
                           ss.supplier, ss.rank, s.capacity, s.calendar
                    FROM expired AS e
                    JOIN siam.incident AS i ON i.id = e.incident
                    JOIN siam.supplier_service AS ss ON ss.service = i.service
                    JOIN siam.supplier AS s ON s.code = ss.supplier AND s.status = 'active'
                    WHERE ss.supplier <> e.to_supplier
                    ORDER BY e.incident, ss.rank, ss.supplier
                ), loads AS MATERIALIZED (
                    -- Counted once per supplier, as the engine counts them once per pass.
                    SELECT supplier, committed FROM siam.supplier_load
                    WHERE supplier IN (SELECT supplier FROM next_supplier)
                ), targeted AS (
                    -- The load the planner names in its reason: the supplier's committed load
                    -- before the pass plus the offers made to it before this one.
                    SELECT n.*, l.committed + row_number() OVER (PARTITION BY n.supplier ORDER BY n.incident) - 1 AS load,
                           o.id AS ola_target, o.accept_within, coalesce(o.calendar, n.calendar) AS accept_calendar
                    FROM next_supplier AS n
                    JOIN loads AS l ON l.supplier = n.supplier
                    LEFT JOIN LATERAL siam.matching_target('ola', n.priority, n.service, n.supplier) AS o ON true
                ), offered AS (
                    INSERT INTO siam.handoff (incident, from_supplier, to_supplier, offered_at, offered_by,
                                              accept_due, accept_calendar, reason, automatic)
                    SELECT t.incident, t.owner, t.supplier, siam.clock(), siam.current_actor(),
                           siam.business_deadline(t.accept_calendar, siam.clock(), t.accept_within),
                           CASE WHEN t.accept_within IS NOT NULL THEN t.accept_calendar END,
                           format('after an expired offer: best eligible supplier (rank %s, load %s/%s)',
                                  t.rank, t.load, coalesce(t.capacity::text, 'unlimited')),
                           true
                    FROM targeted AS t
                    RETURNING id, incident, from_supplier, to_supplier, accept_due, reason
                ), escalated AS (
                    -- The acknowledge clock ran out an hour ago: every threshold is crossed, and the
                    -- one escalation goes straight to the top level, naming the levels passed over.
                    INSERT INTO siam.escalation (rule, level, incident, notify, reason,
                                                 raised_at, level_raised_at, last_notified_at)
                    SELECT r.code, cardinality(r.thresholds), e.incident, r.notify,
                           format('SLA acknowledge %s %% elapsed (due %s); caught up, passing over %s',
                                  r.thresholds[cardinality(r.thresholds)],
                                  to_char(i.acknowledge_due AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                                  (SELECT string_agg(format('level %s (%s %%)', n, r.thresholds[n]), ', ' ORDER BY n)
                                   FROM generate_series(1, cardinality(r.thresholds) - 1) AS n)),
                           siam.clock(), siam.clock(), siam.clock()
                    FROM expired AS e
                    JOIN siam.incident AS i ON i.id = e.incident
                    JOIN siam.escalation_rule AS r ON r.code = 'sla-acknowledge'
                    RETURNING id, rule, level, incident, notify, reason
                ), events AS (
                    INSERT INTO siam.event (at, actor, kind, reason, incident, handoff, supplier, escalation, data)
                    SELECT siam.clock(), siam.current_actor(), 'handoff.expired', reason, incident, id, to_supplier::text,
                           NULL::bigint, jsonb_build_object('accept_due', accept_due)
                    FROM expired
                    UNION ALL
                    SELECT siam.clock(), siam.current_actor(), 'handoff.offered', o.reason, o.incident, o.id, o.to_supplier,
                           NULL::bigint,
                           jsonb_build_object('from', o.from_supplier, 'to', o.to_supplier, 'part', NULL,
                                              'accept_due', o.accept_due, 'ola_target', t.ola_target)
                    FROM offered AS o JOIN targeted AS t ON t.incident = o.incident
                    UNION ALL
                    SELECT siam.clock(), siam.current_actor(), 'escalation.raised', reason, incident, NULL::bigint, NULL::text,
                           id,
                           jsonb_build_object('rule', rule, 'level', level, 'from_level', NULL,
                                              'skipped_levels', to_jsonb(ARRAY(SELECT generate_series(1, level - 1))),
                                              'notify', notify)
                    FROM escalated
                    RETURNING 1
                ), scheduled AS (
                    -- Next look: when the new offer's accept clock reaches its first threshold (50 %).
                    UPDATE siam.incident AS i
                    SET next_check_at = siam.clock() + interval '15 minutes', handoff_count = handoff_count + 1,
                        updated_at = siam.clock()
                    FROM expired AS e WHERE i.id = e.incident
                    RETURNING 1
                )
                SELECT (SELECT count(*) FROM expired) + (SELECT count(*) FROM offered) + (SELECT count(*) FROM escalated) AS actions,
                       (SELECT count(*) FROM events) AS events
                """).first!
        }
        let seconds = (ContinuousClock.now - started) / .seconds(1)
        return (try row.int("actions"), seconds)
    }

    /// What a database holds after the burst, as `what -> count`: handoffs by state,
    /// escalations by rule, level and whether open, events by kind and the keys of their data.
    static func burstTally(_ conninfo: String) throws -> [String: Int] {
        let connection = try PostgresConnection.connect(conninfo)
        var tally: [String: Int] = [:]
        for row in try connection.query("""
            SELECT 'handoffs ' || state AS what, count(*) AS n FROM siam.handoff GROUP BY state
            UNION ALL
            SELECT format('escalations %s level %s %s', rule, level, CASE WHEN closed_at IS NULL THEN 'open' ELSE 'closed' END),
                   count(*)
            FROM siam.escalation GROUP BY rule, level, closed_at IS NULL
            UNION ALL
            SELECT format('events %s (%s)', kind,
                          (SELECT string_agg(k, ', ' ORDER BY k) FROM jsonb_object_keys(data) AS k)), count(*)
            FROM siam.event GROUP BY 1
            """).rows {
            tally[try row.string("what")] = try row.int("n")
        }
        return tally
    }

    /// Prints both tallies side by side; throws when they differ.
    static func compareBurst(engine: [String: Int], sql: [String: Int]) throws {
        let keys = Set(engine.keys).union(sql.keys).sorted()
        let width = keys.map(\.count).max() ?? 0
        print("after the burst (engine | set-based statement):")
        var differing: [String] = []
        for key in keys {
            let a = engine[key] ?? 0, b = sql[key] ?? 0
            print("  \(key.padding(toLength: width, withPad: " ", startingAt: 0))  \(a) | \(b)\(a == b ? "" : "  <- DIFFERS")")
            if a != b { differing.append(key) }
        }
        guard differing.isEmpty else {
            throw BenchmarkError("the set-based statement did not write what the engine wrote: \(differing.joined(separator: "; "))")
        }
    }
}
