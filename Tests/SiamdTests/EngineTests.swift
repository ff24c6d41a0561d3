import SiamCore
import SiamDaemon
import SiamStore
import Synchronization
import Testing

/// The coordination engine's actions against a real PostgreSQL, with the database clock
/// fixed and moved by hand. World: acme (rank 1, capacity 2, calendar eu), beta (rank 2),
/// gamma (onboarding); P2 SLA ack 1h / resolve 8h on eu; P2 OLA accept 30m / resolve 4h.
@Suite struct EngineTests {
    // 2026-01-05 is a Monday; 09:00Z is 10:00 in Berlin.
    static let monday = "2026-01-05T09:00:00Z"

    func open(_ store: Store, to supplier: String? = nil, hold: Bool = false, priority: Priority = .p2) throws -> Int64 {
        try store.openIncident(NewIncident(service: "network", priority: priority, title: "Router down",
                                           customer: nil, userTier: nil, offerTo: supplier, hold: hold))
    }

    @Test func routesANewIncidentToTheBestEligibleSupplier() throws {
        let database = try TestDatabase(now: Self.monday)
        let world = try World.build(in: database)
        let engine = EngineHarness(database: database)
        let id = try open(world.store)
        let report = try engine.pass()
        #expect(report.decisions.map(\.action) == [.offer(to: "acme")])
        #expect(report.decisions[0].reason == "new incident: best eligible supplier (rank 1, load 0/2)")
        let offer = try #require(try world.store.handoffs(HandoffFilter(incident: id)).first)
        #expect(offer.toSupplier == "acme")
        #expect(offer.offeredBy == "siamd")
        // The same pass again changes nothing: idempotent.
        let events = try database.count("siam.event")
        #expect(try engine.pass().decisions.isEmpty)
        #expect(try database.count("siam.event") == events)
    }

    @Test func heldIncidentsAreNotRouted() throws {
        let database = try TestDatabase(now: Self.monday)
        let world = try World.build(in: database)
        _ = try open(world.store, hold: true)
        #expect(try EngineHarness(database: database).pass().decisions.isEmpty)
    }

    @Test func capacityAndLoadDecideBetweenSuppliers() throws {
        let database = try TestDatabase(now: Self.monday)
        let world = try World.build(in: database)
        let engine = EngineHarness(database: database)
        for _ in 0..<3 { _ = try open(world.store) }
        // acme takes two (capacity 2, open offers count as load), beta the third.
        let offers = try engine.pass().decisions.map(\.action)
        #expect(offers == [.offer(to: "acme"), .offer(to: "acme"), .offer(to: "beta")])
    }

    @Test func expiryReassignsToTheNextSupplier() throws {
        let database = try TestDatabase(now: Self.monday)
        let world = try World.build(in: database)
        let engine = EngineHarness(database: database)
        let id = try open(world.store, to: "acme")
        // acme's accept clock: 30 min on eu. Ten minutes later nothing expires.
        try database.setClock("2026-01-05T09:10:00Z")
        #expect(try engine.pass().decisions.allSatisfy { !$0.action.isOffer })
        try database.setClock("2026-01-05T09:31:00Z")
        let report = try engine.pass()
        #expect(report.decisions.map(\.action).contains(.expireHandoff(handoff: 1)))
        #expect(report.decisions.map(\.action).contains(.offer(to: "beta")))
        let handoffs = try world.store.handoffs(HandoffFilter(incident: id))
        #expect(handoffs.map(\.state) == [.expired, .offered])
        #expect(handoffs[1].toSupplier == "beta")
        let kinds = try engine.eventKinds(id)
        let expired = try #require(kinds.firstIndex(of: "handoff.expired"))
        #expect(kinds[expired + 1] == "handoff.offered")
    }

    @Test func rejectionReassignsAndNeverBackToWhoRejected() throws {
        let database = try TestDatabase(now: Self.monday)
        let world = try World.build(in: database)
        let engine = EngineHarness(database: database)
        let id = try open(world.store, to: "acme")
        try world.store.reject(handoff: 1, reason: "no network skills on site", outOfScope: true)
        // Out of scope: a dispute for the integrator, and the work flows on at once.
        #expect(try engine.pass().decisions.map(\.action)
                == [.raiseEscalation(rule: "scope-dispute", level: 1, handoff: 1, supplier: "acme"), .offer(to: "beta")])
        try world.store.reject(handoff: 2, reason: "busy", outOfScope: false)
        // gamma is onboarding: nobody is left; the integrator is told, once.
        let report = try engine.pass()
        #expect(report.decisions.map(\.action) == [.raiseEscalation(rule: "no-supplier", level: 1, handoff: nil, supplier: nil)])
        #expect(report.decisions[0].reason.contains("acme declined or holds it"))
        #expect(report.decisions[0].reason.contains("gamma is onboarding"))
        #expect(try engine.pass().decisions.isEmpty)
        // When gamma becomes active, the incident is woken and routed; the escalation closes.
        try world.store.setSupplierStatus(code: "gamma", status: "active", reason: nil)
        let routed = try engine.pass().decisions.map(\.action)
        #expect(routed.contains(.offer(to: "gamma")))
        #expect(try engine.pass().decisions.contains { if case .closeEscalation = $0.action { return true } else { return false } })
        #expect(try engine.escalations(id).first { $0.rule == "no-supplier" }?.closeReason == "offered")
        // Two refusals and the first routing are no ping-pong (three bounces are).
        #expect(!(try engine.escalations(id).contains { $0.rule == "bounce" }))
    }

    @Test func workOfASuspendedSupplierMovesElsewhere() throws {
        let database = try TestDatabase(now: Self.monday)
        let world = try World.build(in: database)
        let engine = EngineHarness(database: database)
        let owned = try open(world.store, to: "acme")
        try world.store.accept(handoff: 1, reason: nil)
        try world.store.setIncidentState(id: owned, state: "in_progress", reason: nil)
        let offered = try open(world.store, to: "acme")
        try world.store.setSupplierStatus(code: "acme", status: "suspended", reason: "security incident")
        let report = try engine.pass()
        // Its open offer is withdrawn and re-offered; its owned incident is offered on.
        #expect(report.decisions.contains { $0.incident == offered && $0.action == .cancelHandoff(handoff: 2) })
        #expect(report.decisions.contains { $0.incident == offered && $0.action == .offer(to: "beta") })
        #expect(report.decisions.contains { $0.incident == owned && $0.action == .offer(to: "beta") })
        let move = try #require(try world.store.handoffs(HandoffFilter(incident: owned, state: .offered)).first)
        #expect(move.fromSupplier == "acme")
        #expect(report.decisions.first { $0.incident == owned }?.reason.hasPrefix("the owner can no longer hold it") == true)
    }

    @Test func slaThresholdsClimbOneEscalationPerClockAndCloseWhenResolved() throws {
        let database = try TestDatabase(now: Self.monday)
        let world = try World.build(in: database)
        let engine = EngineHarness(database: database)
        let id = try open(world.store, hold: true)
        // Resolve 8h from Mon 10:00 Berlin: 50 % = 4h business = Mon 15:00 Berlin (14:00Z).
        try database.setClock("2026-01-05T13:59:59Z")
        #expect(!(try engine.pass().decisions.contains { $0.action == .raiseEscalation(rule: "sla-resolve", level: 1, handoff: nil, supplier: nil) }))
        try database.setClock("2026-01-05T14:00:00Z")
        let raised = try engine.pass().decisions
        #expect(raised.contains { $0.action == .raiseEscalation(rule: "sla-resolve", level: 1, handoff: nil, supplier: nil) })
        // Acknowledge (1h, due 10:00Z) was past 100 % already: one escalation, straight at
        // level 4 (a catch-up), whose event names the levels passed over.
        let acknowledge = try engine.escalations(id).filter { $0.rule == "sla-acknowledge" }
        #expect(acknowledge.map(\.level) == [4])
        let raisedEvent = try #require(try database.store().events(incident: id)
            .first { $0.kind == "escalation.raised" && $0.escalation == acknowledge[0].id })
        #expect(raisedEvent.data.contains(#""skipped_levels": [1, 2, 3]"#))
        #expect(try engine.pass().decisions.isEmpty)
        // Next morning past the due instant: the resolve escalation climbs from 1 to 4 in one step.
        try database.setClock("2026-01-06T09:30:00Z")
        let later = try engine.pass().decisions.compactMap { decision -> Int? in
            if case .raiseEscalation(rule: "sla-resolve", let level, _, _) = decision.action { return level }
            return nil
        }
        #expect(later == [4])
        let resolve = try engine.escalations(id).filter { $0.rule == "sla-resolve" }
        #expect(resolve.map(\.level) == [4])
        #expect(resolve[0].levelRaisedAt == (try Instant(parsing: "2026-01-06T09:30:00Z")))
        let climb = try #require(try database.store().events(incident: id).first { $0.kind == "escalation.level_raised" })
        #expect(climb.escalation == resolve[0].id)
        #expect(climb.data.contains(#""from_level": 1"#) && climb.data.contains(#""skipped_levels": [2, 3]"#))
        // Resolution ends the cause, named as such.
        try world.store.offer(incident: id, to: "beta", part: nil, reason: nil)
        try world.store.accept(handoff: 1, reason: nil)
        try world.store.setIncidentState(id: id, state: "resolved", reason: "fixed")
        try engine.pass()
        #expect(try engine.escalations(id).allSatisfy { $0.closedAt != nil && $0.closeCause == .resolved })
    }

    @Test func pendingPausesThresholds() throws {
        let database = try TestDatabase(now: Self.monday)
        let world = try World.build(in: database)
        let engine = EngineHarness(database: database)
        let id = try open(world.store, to: "beta")
        try world.store.accept(handoff: 1, reason: nil)
        try world.store.setIncidentState(id: id, state: "in_progress", reason: nil)
        try world.store.setIncidentState(id: id, state: "pending", reason: "waiting for the customer")
        try database.setClock("2026-01-05T14:00:00Z")
        #expect(!(try engine.pass().decisions.contains { if case .raiseEscalation(rule: "sla-resolve", _, _, _) = $0.action { return true } else { return false } }))
    }

    @Test func olaResolveClockOfTheOwner() throws {
        let database = try TestDatabase(now: Self.monday)
        let world = try World.build(in: database)
        let engine = EngineHarness(database: database)
        let id = try open(world.store, to: "beta")
        try world.store.accept(handoff: 1, reason: nil)
        // beta is 24x7 with a 4h OLA: 50 % at 11:00Z.
        try database.setClock("2026-01-05T11:00:00Z")
        let decisions = try engine.pass().decisions
        #expect(decisions.contains { $0.action == .raiseEscalation(rule: "ola-resolve", level: 1, handoff: 1, supplier: "beta") })
        // Handed on to acme: beta's OLA escalation closes.
        try world.store.offer(incident: id, to: "acme", part: nil, reason: nil)
        try world.store.accept(handoff: 2, reason: nil)
        try engine.pass()
        let beta = try engine.escalations(id).filter { $0.rule == "ola-resolve" && $0.supplier == "beta" }
        #expect(beta.count == 1)
        #expect(beta[0].closeReason == "beta no longer holds it")
        #expect(beta[0].closeCause == .handedOn)
    }

    @Test func pingPongCountsRefusalsAndHandBacksAndStopsAutomaticRouting() throws {
        let database = try TestDatabase(now: Self.monday)
        let world = try World.build(in: database)
        let engine = EngineHarness(database: database)
        try world.store.setSupplierStatus(code: "gamma", status: "active", reason: nil)
        let id = try open(world.store)
        #expect(try engine.pass().decisions.map(\.action) == [.offer(to: "acme")])  // the first routing: no bounce
        try world.store.accept(handoff: 1, reason: nil)
        try world.store.handBack(incident: id, reason: "needs a field engineer we do not have")  // bounce 1: acme
        #expect(try world.store.incident(id: id)?.state == .new)
        #expect(try engine.pass().decisions.map(\.action) == [.offer(to: "beta")])  // never back to acme
        try world.store.reject(handoff: 2, reason: "not ours", outOfScope: false)  // bounce 2: beta
        #expect(try engine.pass().decisions.map(\.action).contains(.offer(to: "gamma")))
        #expect(!(try engine.escalations(id).contains { $0.rule == "bounce" }))
        try world.store.reject(handoff: 3, reason: "not ours either", outOfScope: false)  // bounce 3: gamma
        let bounce = try engine.pass().decisions
        #expect(bounce.map(\.action).contains(.raiseEscalation(rule: "bounce", level: 1, handoff: nil, supplier: nil)))
        let stop = try #require(bounce.first { $0.action == .stopRouting })
        #expect(stop.reason.hasSuffix("automatic routing stopped until a person offers it; no offer stands"))
        #expect(try world.store.incident(id: id)?.routingStopped == true)
        #expect(!(try engine.pass().decisions.contains { $0.action.isOffer }))
        let bounces = try database.connect().query(
            "SELECT supplier, kind FROM siam.bounce WHERE incident = $1::bigint ORDER BY at, supplier", [id])
        #expect(try bounces.rows.map { "\(try $0.string("supplier")) \(try $0.string("kind"))" }
                == ["acme handed back", "beta rejected", "gamma rejected"])
        // A person offering it resumes automatic routing.
        _ = try world.store.offer(incident: id, to: "acme", part: nil, reason: "integrator decides")
        #expect(try world.store.incident(id: id)?.routingStopped == false)
    }

    @Test func handBackIsRefusedWithAClearErrorAndChangesNothing() throws {
        let database = try TestDatabase(now: Self.monday)
        let world = try World.build(in: database)
        let id = try open(world.store, to: "acme")
        let connection = try database.connect()
        let handBack = "SELECT siam.incident_hand_back($1::bigint, $2)"
        // Not owned yet; then no reason; an unknown incident.
        #expect(sqlState(connection, handBack, [id, "x"]) == "55000")
        try world.store.accept(handoff: 1, reason: nil)
        #expect(sqlState(connection, handBack, [id, "  "]) == "22004")
        #expect(sqlState(connection, handBack, [Int64(999), "x"]) == "P0002")
        // Pending: the customer's wait ends first.
        try world.store.setIncidentState(id: id, state: "pending", reason: "waiting")
        #expect(sqlState(connection, handBack, [id, "x"]) == "55000")
        #expect(try world.store.incident(id: id)?.owner == "acme")
        let events = try connection.query("SELECT count(*) AS n FROM siam.event WHERE kind = 'incident.handed_back'")
        #expect(try events.first?.int("n") == 0)
    }

    @Test func customerComplaintsWeighMore() throws {
        let database = try TestDatabase(now: Self.monday)
        let world = try World.build(in: database)
        let engine = EngineHarness(database: database)
        let id = try open(world.store, hold: true)
        let connection = try database.connect()
        try connection.query("SELECT siam.complaint_record($1::bigint, 'user', 'still down')", [id])
        // Default rule: thresholds 1 and 3 (weight: customer 2, user 1).
        #expect(try engine.pass().decisions.map(\.action).contains(.raiseEscalation(rule: "complaint", level: 1, handoff: nil, supplier: nil)))
        try connection.query("SELECT siam.complaint_record($1::bigint, 'customer', 'unacceptable')", [id])
        #expect(try engine.pass().decisions.map(\.action).contains(.raiseEscalation(rule: "complaint", level: 2, handoff: nil, supplier: nil)))
    }

    @Test func capacityEscalationRaisesAndClosesAndCanComeBack() throws {
        let database = try TestDatabase(now: Self.monday)
        let world = try World.build(in: database)
        let engine = EngineHarness(database: database)
        let first = try open(world.store, to: "acme")
        try world.store.accept(handoff: 1, reason: nil)
        let second = try open(world.store, to: "acme")
        try world.store.accept(handoff: 2, reason: nil)
        let report = try engine.pass()
        #expect(report.decisions.contains { $0.incident == nil && $0.action == .raiseEscalation(rule: "capacity", level: 1, handoff: nil, supplier: "acme") })
        try world.store.setIncidentState(id: first, state: "resolved", reason: nil)
        #expect(try engine.pass().decisions.contains { if case .closeEscalation = $0.action { return $0.incident == nil } else { return false } })
        _ = second
        let third = try open(world.store, to: "acme")
        try world.store.accept(handoff: 3, reason: nil)
        _ = third
        #expect(try engine.pass().decisions.contains { $0.action == .raiseEscalation(rule: "capacity", level: 1, handoff: nil, supplier: "acme") })
        #expect(try engine.escalations().filter { $0.rule == "capacity" }.count == 2)
    }

    @Test func escalationsRepeatUntilAcknowledged() throws {
        let database = try TestDatabase(now: Self.monday)
        let world = try World.build(in: database)
        let engine = EngineHarness(database: database)
        _ = try open(world.store, hold: true)
        try database.setClock("2026-01-05T09:45:00Z")
        // sla-acknowledge (1h on eu from 10:00 Berlin, due 10:00Z): straight to 75 %, level 2.
        try engine.pass()
        let first = try #require(try engine.escalations().first { $0.rule == "sla-acknowledge" && $0.level == 2 })
        try database.setClock("2026-01-05T09:50:00Z")
        try database.store().acknowledge(escalation: first.id, by: "duty manager")
        // The acknowledgement is of level 2: a second one is refused.
        #expect(throws: (any Error).self) { try database.store().acknowledge(escalation: first.id, by: "someone else") }
        try database.setClock("2026-01-05T09:53:00Z")
        #expect(try engine.pass().decisions.isEmpty)
        // 90 % (09:54Z): the same escalation climbs to 3 and asks for a new acknowledgement.
        try database.setClock("2026-01-05T09:54:00Z")
        try engine.pass()
        let climbed = try #require(try database.store().escalation(id: first.id))
        #expect(climbed.level == 3 && climbed.acknowledgedAt == nil && climbed.notifiedCount == 2)
        try database.store().acknowledge(escalation: first.id, by: "duty manager")
        // Due (10:00Z): level 4, unacknowledged again; an hour on it repeats, as level 4.
        try database.setClock("2026-01-05T10:00:00Z")
        try engine.pass()
        try database.setClock("2026-01-05T11:00:00Z")
        let repeats = try engine.pass().decisions.filter { $0.action == .repeatEscalation(escalation: first.id) }
        #expect(repeats.map(\.reason) == ["level 4 not acknowledged since 2026-01-05T10:00:00Z (notified 3×)"])
        #expect(try database.store().escalation(id: first.id)?.notifiedCount == 4)
        try database.store().acknowledge(escalation: first.id, by: "duty manager")
        try database.setClock("2026-01-05T12:00:00Z")
        #expect(!(try engine.pass().decisions.contains { $0.action == .repeatEscalation(escalation: first.id) }))
        #expect(try engine.escalations().filter { $0.rule == "sla-acknowledge" }.count == 1)
        #expect(try engine.eventKinds(first.incident!).filter { $0 == "escalation.acknowledged" }.count == 3)
    }

    @Test func dryRunChangesNothing() throws {
        let database = try TestDatabase(now: Self.monday)
        let world = try World.build(in: database)
        _ = try open(world.store)
        let events = try database.count("siam.event")
        let report = try EngineHarness(database: database).pass(dryRun: true)
        #expect(report.decisions.map(\.action) == [.offer(to: "acme")])
        #expect(try database.count("siam.event") == events)
        #expect(try database.count("siam.handoff") == 0)
    }

    @Test func twoDaemonsOverOneBacklogDoNothingTwice() throws {
        let database = try TestDatabase(now: Self.monday)
        let world = try World.build(in: database)
        // Unlimited capacity so that every incident can be offered.
        try database.connect().query("UPDATE siam.supplier SET capacity = NULL")
        for _ in 0..<300 { _ = try open(world.store) }
        let harness = EngineHarness(database: database)
        // Two engines, each on its own connection, small batches so that they interleave.
        let a = DedicatedThread { try harness.pass(batchSize: 20).decisions.count }
        let b = DedicatedThread { try harness.pass(batchSize: 20).decisions.count }
        let total = try a.value() + b.value()
        #expect(total == 300)
        let counts = try database.connect().query("""
            SELECT count(*) AS offers, count(DISTINCT incident) AS incidents,
                   (SELECT count(*) FROM siam.event WHERE kind = 'handoff.offered') AS events
            FROM siam.handoff
            """).first!
        #expect(try counts.int("offers") == 300)
        #expect(try counts.int("incidents") == 300)
        #expect(try counts.int("events") == 300)
    }

    @Test func severalDaemonsNeverOverfillASupplierOfSmallCapacity() throws {
        let database = try TestDatabase(now: Self.monday)
        let world = try World.build(in: database)
        // acme (rank 1) has 2 places; beta (rank 2) takes the rest.
        try database.connect().query("UPDATE siam.supplier SET capacity = CASE code WHEN 'acme' THEN 2 END")
        for _ in 0..<60 { _ = try open(world.store) }
        let harness = EngineHarness(database: database)
        // Four engines, each on its own connection and with batches of one, so that each plans
        // from a snapshot the others are about to change.
        let engines = (0..<4).map { _ in DedicatedThread { try harness.pass(batchSize: 1).decisions.count } }
        for engine in engines { _ = try engine.value() }
        // What a refused offer left due is taken up by the next pass.
        try harness.pass()
        let counts = try database.connect().query("""
            SELECT (SELECT committed FROM siam.supplier_load WHERE supplier = 'acme') AS acme,
                   (SELECT count(*) FROM siam.handoff WHERE state = 'offered') AS offers,
                   (SELECT count(DISTINCT incident) FROM siam.handoff WHERE state = 'offered') AS incidents
            """).first!
        #expect(try counts.int("acme") == 2)
        #expect(try counts.int("offers") == 60)
        #expect(try counts.int("incidents") == 60)
    }

    /// A supplier's integration that accepts an offer and does not commit holds that
    /// supplier's row (and the incident's) until it ends: the daemon must not wait on it. The
    /// other incidents' work goes on at once — here an expired offer to beta, whose follow-up
    /// offer would go to the held supplier (acme, rank 1, a free place): the expiry is made,
    /// the offer to acme waits for acme's transaction (looked at again a second later), and is
    /// made once it ended.
    @Test func aSuppliersOpenTransactionStallsNoOtherWork() throws {
        let database = try TestDatabase(now: Self.monday)
        let world = try World.build(in: database)
        let engine = EngineHarness(database: database)
        let toBeta = try open(world.store, to: "beta")
        try database.setClock("2026-01-05T09:20:00Z")
        let toAcme = try open(world.store, to: "acme")
        let acmeOffer = try #require(try world.store.handoffs(HandoffFilter(incident: toAcme)).first).id
        // acme's integration: BEGIN; SELECT siam.handoff_accept(h); ... and no COMMIT yet.
        let holder = try database.connect()
        try holder.query("BEGIN")
        try holder.query("SELECT siam.handoff_accept($1::bigint)", [acmeOffer])
        // beta's offer (09:00, 30 min) is past its deadline.
        try database.setClock("2026-01-05T09:31:00Z")
        let listener = try database.connect()
        try listener.listen("siam_event")
        let pass = DedicatedThread { try engine.pass() }
        func expired() throws -> Bool {
            try listener.query("SELECT count(*) AS n FROM siam.event WHERE kind = 'handoff.expired' AND incident = $1::bigint",
                               [toBeta]).first!.int("n") == 1
        }
        // Well within the functions' 5 s lock_timeout: nothing may wait on acme's row.
        let deadline = ContinuousClock.now.advanced(by: .seconds(4))
        while try !expired(), ContinuousClock.now < deadline {
            _ = try listener.waitForNotifications(timeout: .milliseconds(200))
        }
        #expect(try expired(), "beta's offer expires while acme's transaction is open")
        let report = try pass.value()
        #expect(report.decisions.map(\.action).contains(.offer(to: "acme")))
        #expect(!report.appliedDecisions.map(\.action).contains(.offer(to: "acme")), "acme's row is held: no offer yet")
        #expect(try world.store.handoffs(HandoffFilter(incident: toBeta)).map(\.state) == [.expired])
        // The held incident was not touched; the deferred one is looked at again a second later.
        let next = try database.connect().query("SELECT next_check_at = siam.clock() + interval '1 second' AS soon FROM siam.incident WHERE id = $1::bigint",
                                               [toBeta]).first!.bool("soon")
        #expect(next)
        try holder.query("COMMIT")
        try database.setClock("2026-01-05T09:31:01Z")
        #expect(try engine.pass().appliedDecisions.map(\.action).contains(.offer(to: "acme")))
        #expect(try world.store.handoffs(HandoffFilter(incident: toBeta)).map(\.toSupplier) == ["beta", "acme"])
    }

    /// A stop asked for (SIGTERM) while the one-by-one fallback works through a failed batch:
    /// no transaction starts after it. Every offer fails here, slowly (a trigger sleeps, then
    /// raises), so the batch fails and each incident fails again on its own; a sequence (not
    /// rolled back) counts the attempts.
    @Test func aStopDuringTheOneByOneFallbackStartsNoFurtherTransaction() throws {
        let database = try TestDatabase(now: Self.monday)
        let world = try World.build(in: database)
        try database.connect().query("UPDATE siam.supplier SET capacity = NULL")
        for _ in 0..<20 { _ = try open(world.store) }
        let admin = try database.connect()
        try admin.query("CREATE SEQUENCE public.offer_attempts")
        try admin.query("""
            CREATE FUNCTION public.refuse_offers() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM nextval('public.offer_attempts');
                PERFORM pg_sleep(0.1);
                RAISE EXCEPTION 'offers refused by the test';
            END $$
            """)
        try admin.query("""
            CREATE TRIGGER refuse_offers BEFORE INSERT ON siam.handoff
            FOR EACH STATEMENT EXECUTE FUNCTION public.refuse_offers()
            """)
        final class Flag: Sendable { let raised = Atomic<Bool>(false) }
        let stop = Flag()
        let pass = DedicatedThread {
            let engine = Engine(connection: try database.connect(), settings: EngineSettings(actor: "siamd"),
                                logger: Logger(level: .error, sink: { _ in }))
            return try engine.pass(shouldStop: { stop.raised.load(ordering: .relaxed) }).incidents
        }
        let watcher = try database.connect()
        func attempts() throws -> Int {
            try watcher.query("SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS n FROM public.offer_attempts").first!.int("n")
        }
        // The batch failed and the fallback is at its first incident: stop.
        let deadline = ContinuousClock.now.advanced(by: .seconds(20))
        while try attempts() < 2, ContinuousClock.now < deadline {
            _ = try watcher.waitForNotifications(timeout: .milliseconds(20))
        }
        stop.raised.store(true, ordering: .relaxed)
        let atStop = try attempts()
        #expect(atStop >= 2)
        _ = try pass.value()
        // At most the incident under way when asked (the one started as the flag was set).
        #expect(try attempts() <= atStop + 1, "no incident is tried after the stop")
        // What was not tried stays due, for the next daemon; nothing was put off a minute after the stop.
        let due = try database.connect().query("SELECT count(*) AS n FROM siam.incident WHERE next_check_at <= siam.clock()").first!.int("n")
        #expect(due >= 20 - (atStop + 1))
    }

    /// An offer that expires (or is answered) before the daemon gets to it: the levels its
    /// accept clock crossed are raised — the highest at once, the others named as passed
    /// over — and closed with the offer's cause, in the one transaction of the expiry.
    @Test func levelsCrossedBeforeAnOfferEndedAreRaisedAndClosedWithIt() throws {
        let database = try TestDatabase(now: Self.monday)
        let world = try World.build(in: database)
        let engine = EngineHarness(database: database)
        let expiring = try open(world.store, to: "beta")
        let accepted = try open(world.store, to: "acme")
        try engine.pass()
        #expect(try engine.escalations().filter { $0.rule == "ola-accept" }.isEmpty)
        // acme accepts at 60 % (09:18Z of 09:00-09:30Z on eu), before the daemon saw 50 %.
        try database.setClock("2026-01-05T09:18:00Z")
        let acmeOffer = try #require(try world.store.handoffs(HandoffFilter(incident: accepted)).first).id
        try Store(connection: try database.connect(), actor: "acme-api").accept(handoff: acmeOffer, reason: nil)
        // The daemon's next look is after beta's deadline: nothing of beta's clock was raised.
        try database.setClock("2026-01-05T09:40:00Z")
        try engine.pass()
        let escalations = try engine.escalations().filter { $0.rule == "ola-accept" }
        let beta = try #require(escalations.first { $0.incident == expiring })
        #expect(beta.level == 3)
        #expect(beta.closeCause == .expired)
        let acme = try #require(escalations.first { $0.incident == accepted })
        #expect(acme.level == 1)
        #expect(acme.closeCause == .accepted)
        #expect(escalations.count == 2)
        let events = try database.connect().query("""
            SELECT kind, data->'skipped_levels' AS skipped FROM siam.event WHERE escalation = $1::bigint ORDER BY id
            """, [beta.id]).rows.map { (try $0.string("kind"), try $0.optionalString("skipped")) }
        #expect(events.map(\.0) == ["escalation.raised", "escalation.closed"])
        #expect(events.first?.1 == "[1, 2]")
        // Raised and closed in the transaction of the expiry (one transaction: one xmin).
        let transactions = try database.connect().query("""
            SELECT count(DISTINCT xmin::text) AS n FROM siam.event
            WHERE escalation = $1::bigint OR (kind = 'handoff.expired' AND incident = $2::bigint)
            """, [beta.id, expiring]).first!.int("n")
        #expect(transactions == 1)
        // Idempotent: the next pass raises nothing again.
        func olaEvents() throws -> Int {
            try database.connect().query("""
                SELECT count(*) AS n FROM siam.event AS v JOIN siam.escalation AS e ON e.id = v.escalation
                WHERE e.rule = 'ola-accept'
                """).first!.int("n")
        }
        let before = try olaEvents()
        try engine.pass()
        #expect(try olaEvents() == before)
        #expect(try engine.escalations().filter { $0.rule == "ola-accept" }.count == 2)
    }

    /// A person's or an integration's transaction left open after an acknowledgement, or a
    /// change of a rule, holds up only what it touches: the daemon's other work goes on at
    /// once. (Before: the acknowledgement held the escalation row only, so the daemon claimed
    /// its incident and waited for the row; the rule's FOR UPDATE blocked every raise of the
    /// rule through its foreign key.)
    @Test func anOpenAcknowledgementOrRuleChangeStallsNoOtherWork() throws {
        let database = try TestDatabase(now: Self.monday)
        let world = try World.build(in: database)
        let engine = EngineHarness(database: database)
        let acked = try open(world.store, to: "beta")
        let other = try open(world.store, to: "acme")
        // 50 % of both accept clocks: level 1 of each.
        try database.setClock("2026-01-05T09:16:00Z")
        try engine.pass()
        let escalation = try #require(try engine.escalations(acked).first { $0.rule == "ola-accept" })
        let holder = try database.connect()
        try holder.query("BEGIN")
        try holder.query("SELECT siam.escalation_ack($1::bigint, 'duty manager')", [escalation.id])
        try holder.query("SELECT siam.lock_escalation_rule('ola-accept')")
        // 75 % of both: the daemon climbs the other incident's escalation (a raise of the rule
        // held by the open change) and leaves the acknowledged one for later.
        try database.setClock("2026-01-05T09:23:00Z")
        let listener = try database.connect()
        try listener.listen("siam_event")
        let pass = DedicatedThread { try engine.pass() }
        func climbed() throws -> Bool {
            try listener.query("""
                SELECT count(*) AS n FROM siam.event WHERE kind = 'escalation.level_raised' AND incident = $1::bigint
                """, [other]).first!.int("n") == 1
        }
        let deadline = ContinuousClock.now.advanced(by: .seconds(4))
        while try !climbed(), ContinuousClock.now < deadline {
            _ = try listener.waitForNotifications(timeout: .milliseconds(200))
        }
        #expect(try climbed(), "the other incident's escalation climbs while the acknowledgement is open")
        _ = try pass.value()
        try holder.query("COMMIT")
        // Once it committed, the acknowledged one climbs too (and asks for a new acknowledgement).
        try engine.pass()
        #expect(try engine.escalations(acked).first { $0.id == escalation.id }?.level == 2)
    }
}
