import SiamCore
import SiamStore
import Testing

/// The schema's write functions: each change writes its event with the actor; bad input gets
/// a clear message and a SQLSTATE and changes nothing.
@Suite struct WritePathTests {
    @Test func everyChangeWritesOneEventWithItsActor() throws {
        let database = try TestDatabase(now: "2026-01-05T09:00:00Z")
        let world = try World.build(in: database)
        let before = try database.count("siam.event")
        let id = try world.store.openIncident(NewIncident(
            service: "network", priority: .p2, title: "Router down", customer: nil, userTier: "vip", offerTo: "acme", hold: false))
        let events = try world.store.events(incident: id)
        #expect(events.map(\.kind) == ["incident.opened", "handoff.offered"])
        #expect(events.allSatisfy { $0.actor == "world" })
        #expect(try database.count("siam.event") == before + 2)
    }

    @Test func escalationRuleTimingChangesWithItsEvent() throws {
        let database = try TestDatabase(now: "2026-01-05T09:00:00Z")
        let world = try World.build(in: database)
        try world.store.setRuleTiming(rule: "bounce", repeatEvery: BusinessDuration(seconds: 90),
                                      window: BusinessDuration(seconds: 600))
        let rule = try database.connect().query(
            "SELECT extract(epoch FROM repeat_every)::int AS r, extract(epoch FROM time_window)::int AS w FROM siam.escalation_rule WHERE code = 'bounce'"
        ).first!
        #expect(try rule.int("r") == 90 && rule.int("w") == 600)
        let event = try #require(try world.store.events().last)
        #expect(event.kind == "escalation_rule.changed" && event.actor == "world")
        #expect(event.reason == "rule bounce: repeat 00:01:30, window 00:10:00")
    }

    struct Refusal: CustomTestStringConvertible {
        let sql: String
        let sqlState: String
        let message: String
        var testDescription: String { message }
    }

    static let refusals: [Refusal] = [
        Refusal(sql: "SELECT siam.supplier_add('acme', 'Again')", sqlState: "23505", message: "supplier 'acme' exists already"),
        Refusal(sql: "SELECT siam.supplier_add('Has Space', 'X')", sqlState: "22023", message: "invalid supplier code 'Has Space'"),
        Refusal(sql: "SELECT siam.supplier_add('x', '')", sqlState: "22004", message: "supplier name is required"),
        Refusal(sql: "SELECT siam.supplier_add('x', 'X', 0)", sqlState: "22023", message: "invalid capacity 0"),
        Refusal(sql: "SELECT siam.supplier_add('x', 'X', NULL, 'nocal')", sqlState: "P0002", message: "unknown calendar 'nocal'"),
        Refusal(sql: "SELECT siam.supplier_set_status('acme', 'onboarding')", sqlState: "55000", message: "supplier 'acme' cannot go from active to onboarding: from active it can go to exiting, suspended"),
        Refusal(sql: "SELECT siam.supplier_set_status('acme', 'sleeping')", sqlState: "22023", message: "invalid supplier status 'sleeping'"),
        Refusal(sql: "SELECT siam.supplier_serve('acme', 'nothing')", sqlState: "P0002", message: "unknown service 'nothing'"),
        Refusal(sql: "SELECT siam.target_set('sla', 'P7', NULL, NULL, NULL, NULL, '1h', NULL)", sqlState: "22023", message: "invalid priority 'P7'"),
        Refusal(sql: "SELECT siam.target_set('sla', 'P1', NULL, 'acme', NULL, NULL, '1h', NULL)", sqlState: "22023", message: "an SLA is between the integrator and the customer"),
        Refusal(sql: "SELECT siam.target_set('ola', 'P1', NULL, NULL, NULL, '-5 minutes', NULL, NULL)", sqlState: "22023", message: "invalid accept time"),
        Refusal(sql: "SELECT siam.target_set('ola', 'P1')", sqlState: "22004", message: "nothing to set"),
        Refusal(sql: "SELECT siam.target_set('ola', 'P1', NULL, NULL, 'eu')", sqlState: "22004", message: "a new target needs at least one"),
        Refusal(sql: "SELECT siam.target_set('ola', 'P1', NULL, NULL, NULL, '0 seconds')", sqlState: "22023", message: "must be more than zero"),
        Refusal(sql: "SELECT siam.target_set('sla', 'P1', NULL, NULL, NULL, NULL, '2 hours', '1 hour')", sqlState: "22023", message: "acknowledge must be at most resolve"),
        Refusal(sql: "SELECT siam.target_delete('sla', 'P4')", sqlState: "P0002", message: "no SLA P4 target"),
        Refusal(sql: "SELECT siam.target_clear('sla', 'P4', NULL, NULL, '{resolve}')", sqlState: "P0002", message: "no SLA P4 target"),
        Refusal(sql: "SELECT siam.incident_open('nothing', 'P2', 'T')", sqlState: "P0002", message: "unknown service 'nothing'"),
        // One typo away: the refusal suggests the code meant.
        Refusal(sql: "SELECT siam.incident_open('netwrok', 'P2', 'T')", sqlState: "P0002", message: "unknown service 'netwrok': did you mean 'network'?"),
        Refusal(sql: "SELECT siam.supplier_serve('acmee', 'network')", sqlState: "P0002", message: "unknown supplier 'acmee': did you mean 'acme'?"),
        Refusal(sql: "SELECT siam.supplier_add('x', 'X', NULL, 'EU')", sqlState: "P0002", message: "unknown calendar 'EU': did you mean 'eu'?"),
        Refusal(sql: "SELECT siam.escalation_rule_set_timing('bounse', '1 hour', NULL)", sqlState: "P0002", message: "unknown escalation rule 'bounse': did you mean 'bounce'?"),
        Refusal(sql: "SELECT siam.escalation_rule_set_timing('nothing', '1 hour', NULL)", sqlState: "P0002", message: "unknown escalation rule 'nothing'"),
        Refusal(sql: "SELECT siam.escalation_rule_set_timing('sla-resolve', '0 seconds', NULL)", sqlState: "22023", message: "invalid repeat interval"),
        Refusal(sql: "SELECT siam.escalation_rule_set_timing('sla-resolve', '1 month', NULL)", sqlState: "22023", message: "invalid repeat interval"),
        Refusal(sql: "SELECT siam.escalation_rule_set_timing('bounce', NULL, '-1 hour')", sqlState: "22023", message: "invalid window"),
        Refusal(sql: "SELECT siam.escalation_rule_set_timing('bounce', NULL, NULL)", sqlState: "22004", message: "counts bounces within a window"),
        Refusal(sql: "SELECT siam.incident_open('network', 'P2', '   ')", sqlState: "22004", message: "title is required"),
        Refusal(sql: "SELECT siam.incident_open('network', 'P2', 'T', NULL, NULL, 'acme', true)", sqlState: "22023", message: "cannot also be held"),
        Refusal(sql: "SELECT siam.incident_open('network', 'P2', 'T', NULL, NULL, 'gamma')", sqlState: "55000", message: "supplier 'gamma' is onboarding"),
        Refusal(sql: "SELECT siam.handoff_offer(1, 'beta')", sqlState: "55000", message: "incident 1 has an open offer already"),
        Refusal(sql: "SELECT siam.handoff_offer(99, 'beta')", sqlState: "P0002", message: "unknown incident 99"),
        Refusal(sql: "SELECT siam.handoff_reject(1, '  ')", sqlState: "22004", message: "a reason for the rejection is required"),
        Refusal(sql: "SELECT siam.handoff_accept(42)", sqlState: "P0002", message: "unknown handoff 42"),
        Refusal(sql: "SELECT siam.incident_set_state(1, 'in_progress')", sqlState: "55000", message: "incident 1 cannot go from new to in_progress"),
        Refusal(sql: "SELECT siam.incident_set_state(1, 'assigned')", sqlState: "55000", message: "becomes assigned by a supplier accepting a handoff"),
        Refusal(sql: "SELECT siam.escalation_ack(5, 'me')", sqlState: "P0002", message: "unknown escalation 5"),
        Refusal(sql: "SELECT siam.calendar_add('c2', 'UTC', '{1}', '{10:00}', '{09:00}')", sqlState: "22023", message: "interval 10:00:00-09:00:00 ends before it starts"),
        Refusal(sql: "SELECT siam.calendar_add('c2', 'UTC', '{}', '{}', '{}')", sqlState: "22023", message: "calendar 'c2' has no open time"),
    ]

    @Test(arguments: refusals)
    func badInputIsRefusedAndChangesNothing(_ refusal: Refusal) throws {
        let database = try TestDatabase()
        let world = try World.build(in: database)
        _ = try world.store.openIncident(NewIncident(
            service: "network", priority: .p2, title: "Router down", customer: nil, userTier: nil, offerTo: "acme", hold: false))
        let tables = ["siam.event", "siam.supplier", "siam.incident", "siam.handoff", "siam.target", "siam.calendar"]
        let before = try tables.map(database.count)
        let error = try #require(throws: DatabaseError.self) {
            let connection = try database.connect()
            try connection.transaction { try connection.query(refusal.sql) }
        }
        #expect(error.sqlState == refusal.sqlState, "\(error)")
        #expect(error.message.contains(refusal.message), "\(error)")
        #expect(try tables.map(database.count) == before)
    }

    @Test func offerNeedsAnActiveSupplierThatServesTheService() throws {
        let database = try TestDatabase()
        let world = try World.build(in: database)
        let id = try world.store.openIncident(NewIncident(
            service: "sap-hr", priority: .p2, title: "Payroll", customer: nil, userTier: nil, offerTo: nil, hold: true))
        let error = try #require(throws: DatabaseError.self) {
            try world.store.offer(incident: id, to: "acme", part: nil, reason: nil)
        }
        #expect(error.description.contains("does not serve 'sap-hr'"))
        #expect(error.hint == "siamd supplier serve acme sap-hr")
    }

    @Test func acceptingOwnershipMovesTheIncidentAndEndsThePreviousOwnersSpan() throws {
        let database = try TestDatabase(now: "2026-01-05T09:00:00Z")
        let world = try World.build(in: database)
        let store = world.store
        let id = try store.openIncident(NewIncident(
            service: "network", priority: .p2, title: "Router down", customer: nil, userTier: nil, offerTo: "acme", hold: false))
        try store.accept(handoff: 1, reason: nil)
        #expect(try store.incident(id: id)?.owner == "acme")
        #expect(try store.incident(id: id)?.state == .assigned)
        try store.setIncidentState(id: id, state: "in_progress", reason: nil)
        let second = try store.offer(incident: id, to: "beta", part: nil, reason: "needs a field engineer")
        #expect(try store.handoff(id: second)?.fromSupplier == "acme")
        try store.accept(handoff: second, reason: nil)
        let incident = try #require(try store.incident(id: id))
        #expect(incident.owner == "beta")
        #expect(incident.state == .assigned)
        #expect(incident.handoffCount == 2)
        let spans = try store.assignments(incident: id)
        #expect(spans.map(\.supplier) == ["acme", "beta"])
        #expect(spans[0].endedAt != nil)
        #expect(spans[1].endedAt == nil)
        // Resolving ends the span and cancels nothing that is not open.
        try store.setIncidentState(id: id, state: "resolved", reason: nil)
        #expect(try store.assignments(incident: id).allSatisfy { $0.endedAt != nil })
    }

    @Test func partsMakeContributorsAndResolvingCancelsOpenOffers() throws {
        let database = try TestDatabase()
        let world = try World.build(in: database)
        let store = world.store
        let id = try store.openIncident(NewIncident(
            service: "network", priority: .p2, title: "Outage", customer: nil, userTier: nil, offerTo: "acme", hold: false))
        try store.accept(handoff: 1, reason: nil)
        let part = try store.offer(incident: id, to: "beta", part: "replace the switch", reason: nil)
        try store.accept(handoff: part, reason: nil)
        #expect(try store.incident(id: id)?.owner == "acme")
        #expect(try store.assignments(incident: id).map(\.role) == ["owner", "contributor"])
        _ = try store.offer(incident: id, to: "beta", part: nil, reason: nil)
        try store.setIncidentState(id: id, state: "resolved", reason: "fixed")
        #expect(try store.handoffs(HandoffFilter(incident: id, state: .offered)).isEmpty)
        #expect(try store.handoffs(HandoffFilter(incident: id, state: .cancelled)).count == 1)
    }

    @Test func retiringNeedsNoOpenWork() throws {
        let database = try TestDatabase()
        let world = try World.build(in: database)
        let store = world.store
        _ = try store.openIncident(NewIncident(
            service: "network", priority: .p2, title: "Outage", customer: nil, userTier: nil, offerTo: "beta", hold: false))
        try store.setSupplierStatus(code: "beta", status: "exiting", reason: "contract ends")
        let error = try #require(throws: DatabaseError.self) {
            try store.setSupplierStatus(code: "beta", status: "retired", reason: nil)
        }
        #expect(error.description.contains("still holds 1 open item"))
    }
}
