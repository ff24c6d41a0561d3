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

    @Test func targetsAreInheritedPerField() throws {
        let database = try TestDatabase(now: "2026-01-05T09:00:00Z")
        let world = try World.build(in: database)
        // A service-specific SLA with only a resolve time: the acknowledge time and the
        // calendar (eu) come from the general P2 SLA (siam.matching_target).
        try world.store.setTarget(TargetChange(
            kind: .sla, priority: .p2, service: "network", supplier: nil, calendar: nil,
            accept: nil, acknowledge: nil, resolve: BusinessDuration(seconds: 2 * 3600)))
        let id = try world.store.openIncident(NewIncident(
            service: "network", priority: .p2, title: "Router down", customer: nil, userTier: nil, offerTo: nil, hold: true))
        let incident = try #require(try world.store.incident(id: id))
        #expect(incident.resolveDue?.iso8601 == "2026-01-05T11:00:00Z")
        #expect(incident.acknowledgeDue?.iso8601 == "2026-01-05T10:00:00Z")
        #expect(incident.slaCalendar == "eu")
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
    // MARK: - The owner's OLA resolve clock while pending

    /// Business time on a calendar between two instants, as the schema counts it.
    func businessSeconds(_ store: Store, _ calendar: String?, _ from: Instant, _ to: Instant) throws -> Int64 {
        Int64(try store.connection.query(
            "SELECT extract(epoch FROM siam.business_elapsed($1, $2::timestamptz, $3::timestamptz))::bigint AS s",
            [calendar, from, to]).first!.int("s"))
    }

    @Test func pendingPausesTheOwnersOLAByExactlyThePausedBusinessTime() throws {
        let database = try TestDatabase(now: "2026-01-05T09:00:00Z")
        let world = try World.build(in: database)
        let id = try world.store.openIncident(NewIncident(
            service: "network", priority: .p2, title: "Router down", customer: nil, userTier: nil, offerTo: "acme", hold: false))
        try world.store.accept(handoff: 1, reason: nil)
        try world.store.setIncidentState(id: id, state: "in_progress", reason: nil)
        // acme's OLA (4h, on acme's calendar eu) from Mon 10:00 Berlin: 10-12, 13-15.
        let before = try #require(try world.store.assignments(incident: id).first)
        #expect(before.resolveDue?.iso8601 == "2026-01-05T14:00:00Z")
        #expect(before.pausesWhenPending)
        // Waiting on the customer from Mon 11:00 to Tue 11:00 Berlin.
        try database.setClock("2026-01-05T10:00:00Z")
        try database.store().setIncidentState(id: id, state: "pending", reason: "waiting for the customer")
        try database.setClock("2026-01-06T10:00:00Z")
        let store = try database.store()
        // While pending the stale due (Mon 15:00 Berlin) has passed, but nothing is decided.
        #expect(try store.assignments(incident: id).first?.olaMet == nil)
        try store.setIncidentState(id: id, state: "in_progress", reason: nil)
        let span = try #require(try store.assignments(incident: id).first)
        // 3h were left at Mon 11:00 Berlin; from Tue 11:00: 11-12, 13-15.
        #expect(span.resolveDue?.iso8601 == "2026-01-06T14:00:00Z")
        // The due moved by exactly the paused business time: Mon 11-12, 13-17, Tue 08-11 (8h).
        let paused = try businessSeconds(store, "eu", try Instant(parsing: "2026-01-05T10:00:00Z"),
                                         try Instant(parsing: "2026-01-06T10:00:00Z"))
        #expect(paused == 8 * 3600)
        #expect(try businessSeconds(store, "eu", before.resolveDue!, span.resolveDue!) == paused)
        // incident show: 9h of business time held, 8h of it paused.
        #expect(span.businessTime == BusinessDuration(seconds: 9 * 3600))
        #expect(span.pausedTime == BusinessDuration(seconds: 8 * 3600))
        #expect(span.olaMet == nil)
        // The event of leaving pending names the span moved.
        let event = try #require(try store.events(incident: id).last { $0.kind == "incident.state_changed" })
        #expect(event.data.contains("\"ola_resolve_due\": [{\"role\": \"owner\", \"supplier\": \"acme\", \"assignment\": \(span.id), \"resolve_due\": \"2026-01-06T14:00:00+00:00\"}]"),
                "\(event.data)")
    }

    @Test func anOLATargetThatOptsOutDoesNotPause() throws {
        let database = try TestDatabase(now: "2026-01-05T09:00:00Z")
        let world = try World.build(in: database)
        // beta's own OLA (24x7): 4h, not paused while pending.
        let target = try world.store.setTarget(TargetChange(
            kind: .ola, priority: .p2, service: nil, supplier: "beta", calendar: nil, accept: nil, acknowledge: nil,
            resolve: BusinessDuration(seconds: 4 * 3600), pausesWhenPending: false))
        #expect(try world.store.target(id: target)?.pausesWhenPending == false)
        let id = try world.store.openIncident(NewIncident(
            service: "network", priority: .p2, title: "Router down", customer: nil, userTier: nil, offerTo: "beta", hold: false))
        try world.store.accept(handoff: 1, reason: nil)
        try database.setClock("2026-01-05T10:00:00Z")
        try database.store().setIncidentState(id: id, state: "pending", reason: nil)
        try database.setClock("2026-01-05T14:00:00Z")
        let store = try database.store()
        // Its due passed while pending, and it counts: its clock ran.
        #expect(try store.assignments(incident: id).first?.olaMet == false)
        try store.setIncidentState(id: id, state: "in_progress", reason: nil)
        let span = try #require(try store.assignments(incident: id).first)
        #expect(span.resolveDue?.iso8601 == "2026-01-05T13:00:00Z")
        #expect(!span.pausesWhenPending)
        #expect(span.pausedTime == .zero)
        // The SLA still paused.
        #expect(try store.incident(id: id)?.resolveDue?.iso8601 == "2026-01-06T13:00:00Z")
    }

    @Test func aSpanBegunDuringThePauseStartsPaused() throws {
        let database = try TestDatabase(now: "2026-01-05T09:00:00Z")
        let world = try World.build(in: database)
        let id = try world.store.openIncident(NewIncident(
            service: "network", priority: .p2, title: "Router down", customer: nil, userTier: nil, offerTo: "beta", hold: false))
        try world.store.accept(handoff: 1, reason: nil)                  // beta, 24x7: due 13:00Z
        try database.setClock("2026-01-05T10:00:00Z")
        try database.store().setIncidentState(id: id, state: "pending", reason: nil)
        // Handed to acme while pending, at Mon 11:30 Berlin.
        try database.setClock("2026-01-05T10:30:00Z")
        let during = try database.store()
        let onward = try during.offer(incident: id, to: "acme", part: nil, reason: "field service")
        try during.accept(handoff: onward, reason: nil)
        #expect(try during.incident(id: id)?.state == .pending)
        var spans = try during.assignments(incident: id)
        // beta's span ended during the pause, which ended for it then: 3h were left at 10:00Z.
        #expect(spans[0].resolveDue?.iso8601 == "2026-01-05T13:30:00Z")
        #expect(spans[0].pausedTime == BusinessDuration(seconds: 1800))
        #expect(spans[1].pausedTime == .zero)
        let accepted = try #require(try during.events(incident: id).last { $0.kind == "handoff.accepted" })
        #expect(accepted.data.contains("\"starts_paused\": true"), "\(accepted.data)")
        // Resumed Tue 11:00 Berlin: acme's whole 4h count from then (11-12, 13-16).
        try database.setClock("2026-01-06T10:00:00Z")
        let resumed = try database.store()
        try resumed.setIncidentState(id: id, state: "in_progress", reason: nil)
        spans = try resumed.assignments(incident: id)
        #expect(spans[1].supplier == "acme")
        #expect(spans[1].resolveDue?.iso8601 == "2026-01-06T15:00:00Z")
        // Mon 11:30-12, 13-17, Tue 08-11 Berlin.
        #expect(spans[1].pausedTime == BusinessDuration(seconds: 7 * 3600 + 1800))
        #expect(spans[0].resolveDue?.iso8601 == "2026-01-05T13:30:00Z")   // ended: left as it was
    }

    @Test func aPriorityChangeDuringOrAfterAPauseCountsThePauseOnce() throws {
        let database = try TestDatabase(now: "2026-01-05T09:00:00Z")
        let world = try World.build(in: database)
        try world.store.setTarget(TargetChange(
            kind: .ola, priority: .p1, service: nil, supplier: nil, calendar: nil,
            accept: nil, acknowledge: nil, resolve: BusinessDuration(seconds: 2 * 3600)))
        func open() throws -> Int64 {
            let id = try world.store.openIncident(NewIncident(
                service: "network", priority: .p2, title: "Router down", customer: nil, userTier: nil, offerTo: "beta", hold: false))
            try world.store.accept(handoff: try #require(try world.store.handoffs(HandoffFilter(incident: id)).first).id, reason: nil)
            return id
        }
        let after = try open(), during = try open()                      // beta, 24x7, from 09:00Z
        try database.setClock("2026-01-05T10:00:00Z")
        for id in [after, during] { try database.store().setIncidentState(id: id, state: "pending", reason: nil) }
        try database.setClock("2026-01-05T10:30:00Z")
        // During the pause: P1's 2h from 09:00Z; the running pause is counted when it ends.
        try database.store().setIncidentPriority(id: during, priority: .p1, reason: nil)
        #expect(try database.store().assignments(incident: during).first?.resolveDue?.iso8601 == "2026-01-05T11:00:00Z")
        try database.setClock("2026-01-05T11:00:00Z")
        for id in [after, during] { try database.store().setIncidentState(id: id, state: "in_progress", reason: nil) }
        #expect(try database.store().assignments(incident: after).first?.resolveDue?.iso8601 == "2026-01-05T14:00:00Z")
        // After the pause: P1's 2h from 09:00Z plus the ended hour.
        try database.setClock("2026-01-05T11:30:00Z")
        try database.store().setIncidentPriority(id: after, priority: .p1, reason: nil)
        for id in [after, during] {
            #expect(try database.store().assignments(incident: id).first?.resolveDue?.iso8601 == "2026-01-05T12:00:00Z")
        }
    }

    @Test func theTargetsPauseSettingChangesAloneAndNotOnAnSLA() throws {
        let database = try TestDatabase(now: "2026-01-05T09:00:00Z")
        let world = try World.build(in: database)
        let ola = try #require(try world.store.targets().first { $0.kind == .ola && $0.priority == .p2 })
        #expect(ola.pausesWhenPending == nil)  // not set: inherited, and no target says otherwise: pause
        // Only the flag: an UPDATE of the existing row (a proposed row without durations would
        // fail target_has_a_duration), with its event.
        let events = try world.store.events().count
        let id = try world.store.setTarget(TargetChange(
            kind: .ola, priority: .p2, service: nil, supplier: nil, calendar: nil, accept: nil, acknowledge: nil,
            resolve: nil, pausesWhenPending: false))
        #expect(id == ola.id)
        let changed = try #require(try world.store.target(id: id))
        #expect(changed.pausesWhenPending == false)
        #expect(changed.resolveWithin == ola.resolveWithin && changed.acceptWithin == ola.acceptWithin)
        let all = try world.store.events()
        #expect(all.count == events + 1)
        #expect(all.last?.kind == "target.set")
        #expect(all.last?.data.contains("\"pauses_when_pending\": false") == true)
        // The same again changes nothing and records nothing; nil keeps the value.
        try world.store.setTarget(TargetChange(
            kind: .ola, priority: .p2, service: nil, supplier: nil, calendar: nil, accept: nil, acknowledge: nil,
            resolve: nil, pausesWhenPending: false))
        try world.store.setTarget(TargetChange(
            kind: .ola, priority: .p2, service: nil, supplier: nil, calendar: nil, accept: nil, acknowledge: nil,
            resolve: BusinessDuration(seconds: 5 * 3600)))
        #expect(try world.store.target(id: id)?.pausesWhenPending == false)
        #expect(try world.store.events().count == events + 2)
        // An SLA always pauses: refused with 22023, nothing written.
        let sla = try #require(try world.store.targets().first { $0.kind == .sla })
        let error = try #require(throws: DatabaseError.self) {
            try world.store.setTarget(TargetChange(
                kind: .sla, priority: .p2, service: nil, supplier: nil, calendar: nil, accept: nil, acknowledge: nil,
                resolve: nil, pausesWhenPending: false))
        }
        #expect(error.sqlState == "22023")
        #expect(error.message == "SLA clocks always pause while the incident is pending: only an OLA can opt out")
        #expect(try world.store.target(id: sla.id) == sla)
        #expect(try world.store.events().count == events + 2)
        // A new OLA target pauses unless told: it stores no setting (inherited), and none of the
        // targets that match says otherwise.
        let fresh = try world.store.setTarget(TargetChange(
            kind: .ola, priority: .p3, service: nil, supplier: nil, calendar: nil, accept: nil, acknowledge: nil,
            resolve: BusinessDuration(seconds: 3600)))
        #expect(try world.store.target(id: fresh)?.pausesWhenPending == nil)
        #expect(try database.connect().query("SELECT (siam.matching_target('ola', 'P3', 'network', 'acme')).pauses_when_pending AS p")
                    .first!.bool("p"))
    }
}
