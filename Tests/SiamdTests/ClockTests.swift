import SiamCore
import SiamStore
import Testing

/// SLA and OLA clocks on the data: due instants from the matching target and calendar,
/// pauses while pending, per-supplier OLA clocks.
@Suite struct ClockTests {
    // 2026-01-05 is a Monday; 09:00Z is 10:00 in Berlin. Calendar eu: mon-fri 08-12, 13-17.

    @Test func openingComputesSLADueInstantsOnTheTargetsCalendar() throws {
        let database = try TestDatabase(now: "2026-01-05T09:00:00Z")
        let world = try World.build(in: database)
        let id = try world.store.openIncident(NewIncident(
            service: "network", priority: .p2, title: "Router down", customer: nil, userTier: nil, offerTo: nil, hold: true))
        let incident = try #require(try world.store.incident(id: id))
        // acknowledge 1h: Mon 10:00-11:00 Berlin.
        #expect(incident.acknowledgeDue?.iso8601 == "2026-01-05T10:00:00Z")
        // resolve 8h: Mon 10-12 (2h), 13-17 (4h), Tue 08-10 (2h) Berlin.
        #expect(incident.resolveDue?.iso8601 == "2026-01-06T09:00:00Z")
        #expect(incident.slaCalendar == "eu")
    }

    @Test func noMatchingTargetMeansNoDueInstant() throws {
        let database = try TestDatabase(now: "2026-01-05T09:00:00Z")
        let world = try World.build(in: database)
        let id = try world.store.openIncident(NewIncident(
            service: "network", priority: .p4, title: "Cosmetic", customer: nil, userTier: nil, offerTo: nil, hold: true))
        let incident = try #require(try world.store.incident(id: id))
        #expect(incident.acknowledgeDue == nil)
        #expect(incident.resolveDue == nil)
    }

    @Test func mostSpecificTargetWinsAsAWhole() throws {
        let database = try TestDatabase(now: "2026-01-05T09:00:00Z")
        let world = try World.build(in: database)
        // A service-specific SLA, 24x7, with only a resolve time.
        try world.store.setTarget(TargetChange(
            kind: .sla, priority: .p2, service: "network", supplier: nil, calendar: nil,
            accept: nil, acknowledge: nil, resolve: BusinessDuration(seconds: 2 * 3600)))
        let id = try world.store.openIncident(NewIncident(
            service: "network", priority: .p2, title: "Router down", customer: nil, userTier: nil, offerTo: nil, hold: true))
        let incident = try #require(try world.store.incident(id: id))
        #expect(incident.resolveDue?.iso8601 == "2026-01-05T11:00:00Z")
        #expect(incident.acknowledgeDue == nil)
        #expect(incident.slaCalendar == nil)
    }

    @Test func eachHandoffGetsTheReceivingSuppliersAcceptDeadline() throws {
        let database = try TestDatabase(now: "2026-01-09T15:45:00Z")  // Friday 16:45 Berlin
        let world = try World.build(in: database)
        let id = try world.store.openIncident(NewIncident(
            service: "network", priority: .p2, title: "Router down", customer: nil, userTier: nil, offerTo: "acme", hold: false))
        // acme's OLA has no calendar, so acme's own (eu) applies: 15 min on Friday, 15 on Monday.
        #expect(try world.store.handoff(id: 1)?.acceptDue?.iso8601 == "2026-01-12T07:15:00Z")
        #expect(try world.store.handoff(id: 1)?.acceptCalendar == "eu")
        try world.store.reject(handoff: 1, reason: "no capacity", outOfScope: false)
        // beta has no calendar: 24x7.
        let second = try world.store.offer(incident: id, to: "beta", part: nil, reason: nil)
        #expect(try world.store.handoff(id: second)?.acceptDue?.iso8601 == "2026-01-09T16:15:00Z")
    }

    @Test func pendingPausesTheSLAAndResumingMovesDueInstantsLater() throws {
        let database = try TestDatabase(now: "2026-01-05T09:00:00Z")
        let world = try World.build(in: database)
        let id = try world.store.openIncident(NewIncident(
            service: "network", priority: .p2, title: "Router down", customer: nil, userTier: nil, offerTo: "acme", hold: false))
        try world.store.accept(handoff: 1, reason: nil)
        try world.store.setIncidentState(id: id, state: "in_progress", reason: nil)
        // Waiting on the customer from Mon 11:00 Berlin to Tue 11:00 Berlin.
        try database.setClock("2026-01-05T10:00:00Z")
        let paused = try database.store()
        try paused.setIncidentState(id: id, state: "pending", reason: "waiting for the customer")
        #expect(try paused.incident(id: id)?.pausedSince?.iso8601 == "2026-01-05T10:00:00Z")
        try database.setClock("2026-01-06T10:00:00Z")
        let resumed = try database.store()
        try resumed.setIncidentState(id: id, state: "in_progress", reason: nil)
        let incident = try #require(try resumed.incident(id: id))
        // 7h of the 8h were left at 11:00 Mon; from Tue 11:00: 1h, 13-17 4h, Wed 08-10 2h.
        #expect(incident.resolveDue?.iso8601 == "2026-01-07T09:00:00Z")
        #expect(incident.pausedSince == nil)
        let pauses = try resumed.connection.query(
            "SELECT count(*) AS n FROM siam.incident_pause WHERE incident = $1::bigint AND ended_at IS NOT NULL", [id])
        #expect(try pauses.first?.int("n") == 1)
    }

    @Test func eachSupplierIsMeasuredOnItsOwnOLA() throws {
        let database = try TestDatabase(now: "2026-01-05T09:00:00Z")
        let world = try World.build(in: database)
        let id = try world.store.openIncident(NewIncident(
            service: "network", priority: .p2, title: "Router down", customer: nil, userTier: nil, offerTo: "acme", hold: false))
        try world.store.accept(handoff: 1, reason: nil)
        // acme holds it Mon 10:00-16:00 Berlin: 5h of business time against a 4h OLA.
        try database.setClock("2026-01-05T15:00:00Z")
        let later = try database.store()
        let second = try later.offer(incident: id, to: "beta", part: nil, reason: "escalated to field service")
        try later.accept(handoff: second, reason: nil)
        try database.setClock("2026-01-05T17:00:00Z")
        let end = try database.store()
        try end.setIncidentState(id: id, state: "resolved", reason: "fixed")
        let spans = try end.assignments(incident: id)
        #expect(spans.map(\.supplier) == ["acme", "beta"])
        #expect(spans[0].businessTime == BusinessDuration(seconds: 5 * 3600))
        #expect(spans[0].olaMet == false)
        // beta: 24x7, 2h against 4h.
        #expect(spans[1].businessTime == BusinessDuration(seconds: 2 * 3600))
        #expect(spans[1].olaMet == true)
    }

    @Test func aPriorityChangeRecomputesTheClocks() throws {
        let database = try TestDatabase(now: "2026-01-05T09:00:00Z")
        let world = try World.build(in: database)
        try world.store.setTarget(TargetChange(
            kind: .sla, priority: .p1, service: nil, supplier: nil, calendar: nil,
            accept: nil, acknowledge: BusinessDuration(seconds: 900), resolve: BusinessDuration(seconds: 4 * 3600)))
        try world.store.setTarget(TargetChange(
            kind: .ola, priority: .p1, service: nil, supplier: nil, calendar: nil,
            accept: BusinessDuration(seconds: 300), acknowledge: nil, resolve: BusinessDuration(seconds: 2 * 3600)))
        let id = try world.store.openIncident(NewIncident(
            service: "network", priority: .p2, title: "Router down", customer: nil, userTier: nil, offerTo: "beta", hold: false))
        try database.setClock("2026-01-05T09:10:00Z")
        let store = try database.store()
        try store.setIncidentPriority(id: id, priority: .p1, reason: "whole site down")
        let incident = try #require(try store.incident(id: id))
        // P1 SLA is 24x7: from the opening at 09:00.
        #expect(incident.priority == .p1)
        #expect(incident.acknowledgeDue?.iso8601 == "2026-01-05T09:15:00Z")
        #expect(incident.resolveDue?.iso8601 == "2026-01-05T13:00:00Z")
        #expect(incident.slaCalendar == nil)
        // The open offer to beta (24x7) now has 5 minutes from its offer.
        #expect(try store.handoff(id: 1)?.acceptDue?.iso8601 == "2026-01-05T09:05:00Z")
        #expect(try store.events(incident: id).last?.kind == "incident.priority_changed")
        #expect(throws: DatabaseError.self) { try store.setIncidentPriority(id: id, priority: .p1, reason: nil) }
    }
}
