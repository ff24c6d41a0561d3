import SiamStore
import Testing

/// Rows written directly (as an integration might) are held to the schema's named constraints.
@Suite struct SchemaRefusalTests {
    struct Case: CustomTestStringConvertible {
        let sql: String
        let constraint: String
        let sqlState: String
        var testDescription: String { constraint }
    }

    static let cases: [Case] = [
        // Codes must be well-formed.
        Case(sql: "INSERT INTO siam.service (code, name) VALUES ('Bad Code', 'x')", constraint: "code_format", sqlState: "23514"),
        // Names must not be blank.
        Case(sql: "INSERT INTO siam.service (code, name) VALUES ('ok', '  ')", constraint: "service_name_present", sqlState: "23514"),
        // Lifecycle status from the list only.
        Case(sql: "INSERT INTO siam.supplier (code, name, status) VALUES ('x', 'X', 'zombie')", constraint: "supplier_status_valid", sqlState: "23514"),
        // Capacity is at least 1 (NULL = unlimited).
        Case(sql: "INSERT INTO siam.supplier (code, name, capacity) VALUES ('x', 'X', 0)", constraint: "supplier_capacity_positive", sqlState: "23514"),
        // Unknown time zones are refused.
        Case(sql: "INSERT INTO siam.calendar (name, time_zone) VALUES ('c', 'Mars/Olympus')", constraint: "calendar_time_zone_known", sqlState: "23514"),
        // An interval ends after it starts.
        Case(sql: "INSERT INTO siam.calendar_interval VALUES ('eu', 1, '17:00', '08:00')", constraint: "calendar_interval_ends_after_start", sqlState: "23514"),
        // Intervals of one day do not overlap.
        Case(sql: "INSERT INTO siam.calendar_interval VALUES ('eu', 1, '11:00', '14:00')", constraint: "calendar_interval_no_overlap", sqlState: "23P01"),
        // A holiday is dated or yearly, not both.
        Case(sql: "INSERT INTO siam.calendar_holiday (calendar, on_date, month, day) VALUES ('eu', '2026-01-01', 1, 1)", constraint: "calendar_holiday_one_form", sqlState: "23514"),
        // No 31st of April.
        Case(sql: "INSERT INTO siam.calendar_holiday (calendar, month, day) VALUES ('eu', 4, 31)", constraint: "calendar_holiday_day_valid", sqlState: "23514"),
        // Priorities P1..P4.
        Case(sql: "INSERT INTO siam.incident (title, service, priority) VALUES ('t', 'network', 'P5')", constraint: "incident_priority_valid", sqlState: "23514"),
        // A worked incident has an owner.
        Case(sql: "INSERT INTO siam.incident (title, service, priority, state) VALUES ('t', 'network', 'P2', 'in_progress')", constraint: "incident_owner_matches_state", sqlState: "23514"),
        // Pending means paused, and only pending.
        Case(sql: "INSERT INTO siam.incident (title, service, priority, state, owner) VALUES ('t', 'network', 'P2', 'pending', 'acme')", constraint: "incident_pending_is_paused", sqlState: "23514"),
        // An SLA has no supplier.
        Case(sql: "INSERT INTO siam.target (kind, priority, supplier, resolve_within) VALUES ('sla', 'P1', 'acme', '4h')", constraint: "target_sla_has_no_supplier", sqlState: "23514"),
        // Durations are non-negative and of fixed length.
        Case(sql: "INSERT INTO siam.target (kind, priority, resolve_within) VALUES ('sla', 'P1', '-4h')", constraint: "target_durations_exact", sqlState: "23514"),
        Case(sql: "INSERT INTO siam.target (kind, priority, resolve_within) VALUES ('sla', 'P1', '1 month')", constraint: "target_durations_exact", sqlState: "23514"),
        // One target per kind x priority x service x supplier (NULLs count as equal).
        Case(sql: "INSERT INTO siam.target (kind, priority, resolve_within) VALUES ('sla', 'P2', '4h')", constraint: "target_unique", sqlState: "23505"),
        // A rejection has a reason.
        Case(sql: "INSERT INTO siam.handoff (incident, to_supplier, state, answered_at) VALUES (1, 'beta', 'rejected', now())", constraint: "handoff_rejection_has_reason", sqlState: "23514"),
        // Only a rejection can dispute scope.
        Case(sql: "INSERT INTO siam.handoff (incident, to_supplier, out_of_scope) VALUES (1, 'beta', true)", constraint: "handoff_out_of_scope_is_rejection", sqlState: "23514"),
        // An answered handoff has an answer time, an open one none.
        Case(sql: "INSERT INTO siam.handoff (incident, to_supplier, state) VALUES (1, 'beta', 'accepted')", constraint: "handoff_answered_iff_closed", sqlState: "23514"),
        // One open offer of the whole incident at a time.
        Case(sql: "INSERT INTO siam.handoff (incident, to_supplier) VALUES (1, 'beta')", constraint: "handoff_one_open_ownership_offer", sqlState: "23505"),
        // Illegal state changes are refused even when written directly.
        Case(sql: "UPDATE siam.incident SET state = 'closed', closed_at = now(), resolved_at = now() WHERE id = 1", constraint: "incident_state_transition", sqlState: "23514"),
        // Escalation thresholds ascend.
        Case(sql: "INSERT INTO siam.escalation_rule (code, measure, thresholds) VALUES ('r', 'sla_resolve', '{90,50}')", constraint: "escalation_rule_thresholds_valid", sqlState: "23514"),
        // One open escalation per rule x subject, whatever its level.
        Case(sql: "INSERT INTO siam.escalation (rule, level, incident, notify, reason) VALUES ('sla-resolve', 2, 1, 'integrator', 'again')", constraint: "escalation_open_once", sqlState: "23505"),
        // The event log is append-only.
        Case(sql: "UPDATE siam.event SET reason = 'rewritten'", constraint: "event_append_only", sqlState: "42501"),
        Case(sql: "DELETE FROM siam.event", constraint: "event_append_only", sqlState: "42501"),
    ]

    @Test(arguments: cases)
    func refusesBadRows(_ testCase: Case) throws {
        let database = try TestDatabase()
        let world = try World.build(in: database)
        _ = try world.store.openIncident(NewIncident(
            service: "network", priority: .p2, title: "Router down", customer: nil, userTier: nil, offerTo: "acme", hold: false))
        try database.connect().query(
            "INSERT INTO siam.escalation (rule, level, incident, notify, reason) VALUES ('sla-resolve', 1, 1, 'integrator', 'late')")
        let error = try #require(throws: DatabaseError.self) { try database.connect().query(testCase.sql) }
        #expect(error.constraint == testCase.constraint, "\(error)")
        #expect(error.sqlState == testCase.sqlState, "\(error)")
    }
}
