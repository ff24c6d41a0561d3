import SiamCore
import SiamDaemon
import SiamStore
import Testing

/// Escalation rules and causes as the schema keeps them, a rule's thresholds set from SQL,
/// and a supplier handing work back through its own role.
@Suite struct EscalationLifecycleTests {
    static let monday = "2026-01-05T09:00:00Z"

    /// The words of a check constraint `column IN ('a', 'b', ...)`.
    func words(of constraint: String, _ database: TestDatabase) throws -> Set<String> {
        let definition = try database.connect().query(
            "SELECT pg_get_constraintdef(oid) AS d FROM pg_catalog.pg_constraint WHERE conname = $1", [constraint]
        ).first!.string("d")
        var words: Set<String> = []
        var rest = Substring(definition)
        while let open = rest.firstIndex(of: "'") {
            let after = rest[rest.index(after: open)...]
            guard let close = after.firstIndex(of: "'") else { break }
            words.insert(String(after[..<close]))
            rest = after[after.index(after: close)...]
        }
        return words
    }

    @Test func closeCausesAndMeasuresAreTheSchemasWords() throws {
        let database = try TestDatabase()
        #expect(try words(of: "escalation_close_cause_valid", database) == Set(EscalationCloseCause.allCases.map(\.rawValue)))
        #expect(try words(of: "escalation_rule_measure_valid", database) == Set(EscalationRule.Measure.allCases.map(\.rawValue)))
    }

    @Test func thresholdsAreSetWithTheirEventAndBadOnesAreRefused() throws {
        let database = try TestDatabase(now: Self.monday)
        let world = try World.build(in: database)
        let incident = try world.store.openIncident(NewIncident(service: "network", priority: .p2, title: "Router down",
                                                                customer: nil, userTier: nil, offerTo: nil, hold: true))
        let connection = try database.connect()
        _ = try connection.query("UPDATE siam.incident SET next_check_at = NULL WHERE id = $1::bigint", [incident])
        try world.store.setRuleThresholds(rule: "bounce", thresholds: [2, 4])
        let rule = try connection.query("SELECT thresholds::text AS t FROM siam.escalation_rule WHERE code = 'bounce'").first!
        #expect(try rule.string("t") == "{2,4}")
        let event = try #require(try world.store.events(incident: nil).last)
        #expect(event.kind == "escalation_rule.changed" && event.reason == "rule bounce: thresholds {2,4} (were {3})")
        // Open incidents are looked at again: a lower threshold may be crossed already.
        #expect(try connection.query("SELECT next_check_at IS NOT NULL AS woken FROM siam.incident WHERE id = $1::bigint",
                                     [incident]).first!.bool("woken"))
        let set = "SELECT siam.escalation_rule_set_thresholds($1, $2::numeric[])"
        let supplier = try database.loginRole("acme_sync", supplier: "acme")
        func events() throws -> Int { try connection.query("SELECT count(*) AS n FROM siam.event").first!.int("n") }
        let before = try events()
        #expect(sqlState(connection, set, ["bounce", "{4,2}"]) == "22023")
        #expect(sqlState(connection, set, ["bounce", "{}"]) == "22023")
        #expect(sqlState(connection, set, ["bounce", "{0,1}"]) == "22023")
        #expect(sqlState(connection, set, ["bounce", "{1,NULL}"]) == "22023")
        #expect(sqlState(connection, set, ["bounce", nil as String?]) == "22023")
        #expect(sqlState(connection, set, ["no-supplier", "{2}"]) == "22023")
        #expect(sqlState(connection, set, ["nosuch", "{1}"]) == "P0002")
        #expect(sqlState(try PostgresConnection.connect(supplier.conninfo), set, ["bounce", "{1}"]) == "42501")
        #expect(try events() == before)
    }

    @Test func aSupplierHandsBackOnlyWhatItOwns() throws {
        let database = try TestDatabase(now: Self.monday)
        let world = try World.build(in: database)
        let incident = try world.store.openIncident(NewIncident(service: "network", priority: .p2, title: "Router down",
                                                                customer: nil, userTier: nil, offerTo: "acme", hold: false))
        try world.store.accept(handoff: 1, reason: nil)
        let beta = try PostgresConnection.connect(try database.loginRole("beta_sync", supplier: "beta").conninfo)
        let acme = try PostgresConnection.connect(try database.loginRole("acme_sync", supplier: "acme").conninfo)
        let handBack = "SELECT siam.incident_hand_back($1::bigint, $2)"
        // beta takes no part in it: to beta it does not exist.
        #expect(sqlState(beta, handBack, [incident, "not mine"]) == "P0002")
        #expect(sqlState(acme, handBack, [incident, "no field engineer free"]) == nil)
        let after = try #require(try world.store.incident(id: incident))
        #expect(after.state == .new && after.owner == nil)
        let event = try #require(try world.store.events(incident: incident).last)
        #expect(event.kind == "incident.handed_back" && event.supplier == "acme" && event.reason == "no field engineer free")
        let bounce = try database.connect().query("SELECT supplier, kind, fair FROM siam.bounce WHERE incident = $1::bigint", [incident])
        #expect(try bounce.rows.map { "\(try $0.string("supplier")) \(try $0.string("kind")) \(try $0.bool("fair"))" }
                == ["acme handed back false"])
        // acme no longer owns it: a second hand-back is refused.
        #expect(sqlState(acme, handBack, [incident, "again"]) != nil)
    }
}

/// The engine's actions report what they changed, so that only real actions are logged,
/// counted and measured.
@Suite struct AppliedActionsTests {
    @Test func aDecisionFoundDoneAlreadyChangesNothingAndIsNotCounted() throws {
        let database = try TestDatabase(now: "2026-01-05T09:00:00Z")
        let world = try World.build(in: database)
        let incident = try world.store.openIncident(NewIncident(service: "network", priority: .p2, title: "Router down",
                                                                customer: nil, userTier: nil, offerTo: nil, hold: false))
        let offer = Decision(incident: incident, action: .offer(to: "acme"), reason: "new incident")
        let connection = try database.connect()
        let first = try connection.transaction(actor: "siamd") { try EngineStore(connection: connection).apply([offer]) }
        #expect(first.changed(offer))
        let made = try #require(first.offers.first)
        #expect(made.incident == incident && made.supplier == "acme")
        // The same decision again: an offer stands already, so the database makes none.
        let again = try connection.transaction(actor: "siamd") { try EngineStore(connection: connection).apply([offer]) }
        #expect(!again.changed(offer) && again.offers.isEmpty)
        let repeatNothing = Decision(incident: incident, action: .repeatEscalation(escalation: 999), reason: "stale")
        let none = try connection.transaction(actor: "siamd") { try EngineStore(connection: connection).apply([repeatNothing]) }
        #expect(!none.changed(repeatNothing))
        // A pass then finds nothing to do: nothing applied, nothing counted.
        let report = try EngineHarness(database: database).pass()
        #expect(report.appliedDecisions.isEmpty && report.applied.total == 0)
    }
}

/// Refusals of the review: every state a hand-back is refused in, and acknowledging a closed
/// escalation, each with one clear line.
@Suite struct EscalationRefusalTests {
    @Test func handBackRefusalsNameTheState() throws {
        let database = try TestDatabase(now: "2026-01-05T09:00:00Z")
        let world = try World.build(in: database)
        let connection = try database.connect()
        for state in ["resolved", "cancelled"] {
            let id = try world.store.openIncident(NewIncident(service: "network", priority: .p2, title: "Router down",
                                                              customer: nil, userTier: nil, offerTo: "beta", hold: false))
            let offer = try #require(try world.store.handoffs(HandoffFilter(incident: id)).first)
            try world.store.accept(handoff: offer.id, reason: nil)
            try world.store.setIncidentState(id: id, state: state, reason: nil)
            do {
                _ = try connection.query("SELECT siam.incident_hand_back($1::bigint, 'x')", [id])
                Issue.record("a \(state) incident was handed back")
            } catch let error as DatabaseError {
                #expect(error.sqlState == "55000" && error.message == "incident \(id) is \(state): only an assigned or in-progress incident can be handed back")
            }
        }
    }

    @Test func aClosedEscalationIsNotAcknowledged() throws {
        let database = try TestDatabase(now: "2026-01-05T09:00:00Z")
        _ = try World.build(in: database)
        let connection = try database.connect()
        let id = try connection.query("SELECT siam.escalation_raise('capacity', 1, NULL, NULL, 'acme', 'full') AS id").first!.int64("id")
        _ = try connection.query("SELECT siam.escalation_close($1::bigint, 'below threshold', 'acme back to 1/2')", [id])
        #expect(sqlState(connection, "SELECT siam.escalation_ack($1::bigint, 'duty manager')", [id]) == "55000")
        #expect(try database.store().escalation(id: id)?.acknowledgedAt == nil)
    }
}

/// The daemon counts the loads of suppliers with a capacity on every pass (whether they can
/// take work must be exact) and those without one at most once a second (they only break ties).
@Suite struct WorldLoadTests {
    @Test func aSupplierWithACapacityIsCountedExactlyOnEveryPass() throws {
        let database = try TestDatabase(now: "2026-01-05T09:00:00Z")
        let world = try World.build(in: database)
        let engine = Engine(connection: try database.connect(), settings: EngineSettings(batchSize: 500, actor: "siamd"),
                            logger: Logger(level: .error, sink: { _ in }))
        func open() throws -> Int64 {
            try world.store.openIncident(NewIncident(service: "network", priority: .p2, title: "Router down",
                                                     customer: nil, userTier: nil, offerTo: nil, hold: false))
        }
        _ = try open()
        #expect(try engine.pass().appliedDecisions.map(\.action) == [.offer(to: "acme")])  // acme 1 of 2
        // A person fills acme's last place between two passes of the same engine (within a second).
        let held = try world.store.openIncident(NewIncident(service: "network", priority: .p2, title: "By hand",
                                                            customer: nil, userTier: nil, offerTo: "acme", hold: false))
        _ = held
        _ = try open()
        let second = try engine.pass()
        // acme is full by the exact count: the offer goes to beta at once, none is refused.
        #expect(second.decisions.map(\.action) == [.offer(to: "beta")])
        #expect(second.appliedDecisions.map(\.action) == [.offer(to: "beta")])
    }
}
