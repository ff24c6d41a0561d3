import Foundation
import SiamCore
import SiamReport
import SiamStore
import Testing

/// Scope disputes against a real PostgreSQL: an out-of-scope rejection opens one, the work
/// flows on, the integrator rules (upheld, overturned, sent back), every refusal changes
/// nothing, and a supplier sees only its own. World (World.build): acme (rank 1), beta
/// (rank 2) active, gamma onboarding; P2 OLA accept 30m.
@Suite struct DisputeTests {
    static let monday = "2026-01-05T09:00:00Z"

    /// An incident offered to acme and rejected by it as out of scope: (incident, handoff, dispute).
    func disputed(_ store: Store, reason: String = "network edge is the carrier's") throws -> (incident: Int64, handoff: Int64, dispute: Int64) {
        let incident = try store.openIncident(NewIncident(service: "network", priority: .p2, title: "Router down",
                                                          customer: nil, userTier: nil, offerTo: "acme", hold: false))
        let handoff = try #require(try store.handoffs(HandoffFilter(incident: incident)).last).id
        try store.reject(handoff: handoff, reason: reason, outOfScope: true)
        let dispute = try #require(try store.disputes().first { $0.handoff == handoff })
        return (incident, handoff, dispute.id)
    }

    /// The scope-dispute escalation as the daemon's planner raises it (subject: the incident,
    /// the rejected handoff, the disputing supplier). Written directly, so that these tests
    /// depend on the planner's subject only, not on how it raises.
    func raiseEscalation(_ store: Store, _ d: (incident: Int64, handoff: Int64, dispute: Int64)) throws -> Int64 {
        try store.connection.query("""
            INSERT INTO siam.escalation (rule, level, incident, handoff, supplier, notify, reason)
            VALUES ('scope-dispute', 1, $1::bigint, $2::bigint, 'acme', 'integrator', 'scope dispute waiting for a ruling')
            RETURNING id
            """, [d.incident, d.handoff]).first!.int64("id")
    }

    func rule(_ store: Store, _ dispute: Int64, _ ruling: String, _ note: String?, sendBack: Bool? = nil) -> String? {
        sqlState(store.connection, "SELECT siam.dispute_rule($1::bigint, $2, $3, coalesce($4::boolean, false))",
                 [dispute, ruling, note, sendBack])
    }

    /// The refusal a call meets in its own transaction; nil when it succeeded.
    func refusal(_ connection: PostgresConnection, _ sql: String, _ parameters: [any SQLParameter]) -> DatabaseError? {
        do {
            try connection.transaction { _ = try connection.query(sql, parameters) }
            return nil
        } catch {
            return error as? DatabaseError
        }
    }

    func data(_ event: Event) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(event.data.utf8)) as? [String: Any])
    }

    // MARK: - Raising

    @Test func outOfScopeRejectionOpensADisputeAndTheWorkFlowsOn() throws {
        let database = try TestDatabase(now: Self.monday)
        let world = try World.build(in: database)
        let d = try disputed(world.store)
        let dispute = try #require(try world.store.dispute(id: d.dispute))
        #expect(dispute.incident == d.incident && dispute.handoff == d.handoff && dispute.supplier == "acme")
        #expect(dispute.reason == "network edge is the carrier's")
        #expect(dispute.isOpen && dispute.ruledBy == nil && dispute.note == nil)
        #expect(dispute.raisedAt == Instant(seconds: 1_767_603_600))
        // The rejection's event names the dispute.
        let rejected = try #require(try world.store.events(incident: d.incident).first { $0.kind == "handoff.rejected" })
        #expect(try data(rejected)["dispute"] as? Int == Int(d.dispute))
        #expect(try data(rejected)["out_of_scope"] as? Bool == true)
        // A plain rejection opens none.
        let other = try world.store.openIncident(NewIncident(service: "network", priority: .p2, title: "Switch down",
                                                             customer: nil, userTier: nil, offerTo: "beta", hold: false))
        let offer = try #require(try world.store.handoffs(HandoffFilter(incident: other)).first)
        try world.store.reject(handoff: offer.id, reason: "busy", outOfScope: false)
        #expect(try world.store.disputes().count == 1)
        // The daemon routes the disputed work on to the next eligible supplier meanwhile.
        try EngineHarness(database: database).pass()
        let handoffs = try world.store.handoffs(HandoffFilter(incident: d.incident))
        #expect(handoffs.map(\.toSupplier) == ["acme", "beta"])
        #expect(handoffs.last?.state == .offered)
        #expect(try world.store.dispute(id: d.dispute)?.isOpen == true)
    }

    // MARK: - Ruling

    @Test func rulingOutOfScopeUpholdsItAndClosesItsEscalation() throws {
        let database = try TestDatabase(now: Self.monday)
        let world = try World.build(in: database)
        let d = try disputed(world.store)
        let escalation = try raiseEscalation(world.store, d)
        try database.setClock("2026-01-05T10:00:00Z")
        let store = try database.store(actor: "duty integrator")
        try store.rule(dispute: d.dispute, ruling: .outOfScope, note: "Schedule B excludes the carrier edge", sendBack: false)

        let dispute = try #require(try store.dispute(id: d.dispute))
        #expect(dispute.ruling == .outOfScope)
        #expect(dispute.ruledBy == "duty integrator")
        #expect(dispute.ruledAt == Instant(seconds: 1_767_607_200))
        #expect(dispute.note == "Schedule B excludes the carrier edge")
        #expect(dispute.sentBackHandoff == nil)
        let events = try store.events(incident: d.incident)
        let ruled = try #require(events.first { $0.kind == "dispute.ruled" })
        #expect(ruled.reason == "Schedule B excludes the carrier edge")
        #expect(ruled.actor == "duty integrator" && ruled.handoff == d.handoff && ruled.supplier == "acme")
        let details = try data(ruled)
        #expect(details["ruling"] as? String == "out_of_scope")
        #expect(details["upheld"] as? Bool == true)
        #expect(details["supplier"] as? String == "acme")
        #expect(details["handoff"] as? Int == Int(d.handoff))
        // Its escalation closed in the same transaction, cause ruled.
        let closed = try #require(try store.escalation(id: escalation))
        #expect(closed.closedAt == dispute.ruledAt)
        #expect(try store.connection.query("SELECT close_cause FROM siam.escalation WHERE id = $1::bigint", [escalation])
                .first?.string("close_cause") == "ruled")
        let closing = try #require(events.first { $0.kind == "escalation.closed" && $0.escalation == escalation })
        #expect(closing.id < ruled.id)
        // No new offer: the work stays where it went.
        #expect(try store.handoffs(HandoffFilter(incident: d.incident)).count == 1)
    }

    @Test func rulingInScopeOverturnsIt() throws {
        let database = try TestDatabase(now: Self.monday)
        let world = try World.build(in: database)
        let d = try disputed(world.store)
        try world.store.rule(dispute: d.dispute, ruling: .inScope, note: "Contract 4.2 names the edge routers", sendBack: false)
        let dispute = try #require(try world.store.dispute(id: d.dispute))
        #expect(dispute.ruling == .inScope && dispute.ruling?.outcome == "overturned")
        let ruled = try #require(try world.store.events(incident: d.incident).first { $0.kind == "dispute.ruled" })
        #expect(try data(ruled)["upheld"] as? Bool == false)
        #expect(try data(ruled)["ruling"] as? String == "in_scope")
        #expect(try world.store.handoffs(HandoffFilter(incident: d.incident)).count == 1)
    }

    @Test func sendBackWithdrawsTheStandingOfferAndOffersTheWorkAgain() throws {
        let database = try TestDatabase(now: Self.monday)
        let world = try World.build(in: database)
        let d = try disputed(world.store)
        // Routed on to beta meanwhile; and the incident had stopped being routed automatically.
        let standing = try world.store.offer(incident: d.incident, to: "beta", part: nil, reason: nil)
        try database.connect().query("UPDATE siam.incident SET routing_stopped = true WHERE id = $1::bigint", [d.incident])
        let escalation = try raiseEscalation(world.store, d)

        try world.store.rule(dispute: d.dispute, ruling: .inScope, note: "Contract 4.2 names the edge routers", sendBack: true)
        let dispute = try #require(try world.store.dispute(id: d.dispute))
        let sentBack = try #require(dispute.sentBackHandoff)
        let handoffs = try world.store.handoffs(HandoffFilter(incident: d.incident))
        #expect(handoffs.map(\.id) == [d.handoff, standing, sentBack])
        #expect(handoffs.map(\.state) == [.rejected, .cancelled, .offered])
        #expect(handoffs[2].toSupplier == "acme")
        #expect(handoffs[1].reason?.contains("scope dispute \(d.dispute) ruled in scope") == true)
        // A person's offer: automatic routing resumes.
        #expect(try world.store.incident(id: d.incident)?.routingStopped == false)
        #expect(try world.store.escalation(id: escalation)?.isOpen == false)
        let kinds = try world.store.events(incident: d.incident).map(\.kind)
        #expect(Array(kinds.suffix(4)) == ["handoff.cancelled", "handoff.offered", "escalation.closed", "dispute.ruled"])
        let ruled = try #require(try world.store.events(incident: d.incident).last)
        #expect(try data(ruled)["sent_back_handoff"] as? Int == Int(sentBack))
    }

    // MARK: - Refusals

    /// Every refusal: its SQLSTATE, and nothing changed (no event, the dispute as it was, no offer).
    @Test func refusalsChangeNothing() throws {
        let database = try TestDatabase(now: Self.monday)
        let world = try World.build(in: database)
        let store = world.store
        let d = try disputed(store)
        let standing = try store.offer(incident: d.incident, to: "beta", part: nil, reason: nil)

        func expectRefused(_ ruling: String, _ note: String?, sendBack: Bool? = nil, dispute: Int64? = nil, _ state: String,
                           message: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let events = try database.count("siam.event")
            let handoffs = try database.count("siam.handoff")
            let before = try store.dispute(id: d.dispute)
            let error = refusal(store.connection, "SELECT siam.dispute_rule($1::bigint, $2, $3, coalesce($4::boolean, false))",
                                [dispute ?? d.dispute, ruling, note, sendBack])
            #expect(error?.sqlState == state, "\(String(describing: error))", sourceLocation: sourceLocation)
            if let message {
                #expect(error?.message.contains(message) == true, "\(String(describing: error?.message))", sourceLocation: sourceLocation)
            }
            #expect(try database.count("siam.event") == events, "no event", sourceLocation: sourceLocation)
            #expect(try database.count("siam.handoff") == handoffs, "no offer", sourceLocation: sourceLocation)
            #expect(try store.dispute(id: d.dispute) == before, "dispute unchanged", sourceLocation: sourceLocation)
        }

        try expectRefused("maybe", "why", "22023")
        try expectRefused("in_scope", nil, "22004")
        try expectRefused("in_scope", " \t\n", "22004", message: "a note on the ruling is required")
        try expectRefused("in_scope", String(repeating: "x", count: 2001), "22023", message: "too long")
        try expectRefused("out_of_scope", "fair", sendBack: true, "22023", message: "only a dispute ruled in_scope")
        try expectRefused("in_scope", "ours", dispute: 999, "P0002", message: "unknown scope dispute 999")
        #expect(sqlState(store.connection, "SELECT siam.dispute_rule(NULL, 'in_scope', 'x')") == "22004")

        // The supplier cannot take it back: suspended. The standing offer to beta stays.
        try store.setSupplierStatus(code: "acme", status: "suspended", reason: "audit")
        try expectRefused("in_scope", "ours", sendBack: true, "55000", message: "cannot send incident \(d.incident) back to 'acme'")
        #expect(try store.handoff(id: standing)?.state == .offered)
        try store.setSupplierStatus(code: "acme", status: "active", reason: nil)

        // The incident ended: nothing to send back.
        try store.setIncidentState(id: d.incident, state: "cancelled", reason: "duplicate")
        try expectRefused("in_scope", "ours", sendBack: true, "55000", message: "incident \(d.incident) is cancelled")

        // Ruled once: a second ruling is refused and names the first.
        try store.rule(dispute: d.dispute, ruling: .outOfScope, note: "fair", sendBack: false)
        try expectRefused("in_scope", "ours after all", "55000", message: "was ruled out_of_scope already, by world at 2026-01-05T09:00:00Z")
    }

    @Test func sendBackToASupplierThatOwnsItAlreadyIsRefused() throws {
        let database = try TestDatabase(now: Self.monday)
        let world = try World.build(in: database)
        let d = try disputed(world.store)
        // A person offered it to acme again, and acme took it.
        let again = try world.store.offer(incident: d.incident, to: "acme", part: nil, reason: "try again")
        try world.store.accept(handoff: again, reason: nil)
        let events = try database.count("siam.event")
        #expect(rule(world.store, d.dispute, "in_scope", "ours", sendBack: true) == "55000")
        #expect(try database.count("siam.event") == events)
        #expect(try world.store.dispute(id: d.dispute)?.isOpen == true)
        // Without sending back, the ruling goes through.
        #expect(rule(world.store, d.dispute, "in_scope", "ours") == nil)
    }

    // MARK: - Who sees and does what

    @Test func aSupplierSeesOnlyItsOwnDisputesAndCannotRule() throws {
        // The real clock: the suppliers' sessions cannot see a fixed one.
        let database = try TestDatabase()
        let world = try World.build(in: database)
        let acmeDispute = try disputed(world.store)
        let other = try world.store.openIncident(NewIncident(service: "network", priority: .p2, title: "Switch down",
                                                             customer: nil, userTier: nil, offerTo: "beta", hold: false))
        let betaOffer = try #require(try world.store.handoffs(HandoffFilter(incident: other)).first)
        try world.store.reject(handoff: betaOffer.id, reason: "not ours", outOfScope: true)

        let acme = try PostgresConnection.connect(try database.loginRole("acme_sync", supplier: "acme").conninfo)
        let ids = try acme.query("SELECT id FROM siam.scope_dispute ORDER BY id").rows.map { try $0.int64("id") }
        #expect(ids == [acmeDispute.dispute])
        let events = try database.count("siam.event")
        #expect(sqlState(acme, "SELECT siam.dispute_rule($1::bigint, 'in_scope', 'mine after all')", [acmeDispute.dispute]) == "42501")
        #expect(try database.count("siam.event") == events)
        #expect(try world.store.dispute(id: acmeDispute.dispute)?.isOpen == true)

        // A role that may do nothing sees none.
        let stray = try PostgresConnection.connect(try database.loginRole("stray", group: "siam_supplier").conninfo)
        #expect(try stray.query("SELECT count(*) AS n FROM siam.scope_dispute").first?.int("n") == 0)

        // Reporting reads them all through siam.disputes, with the supplier's reason.
        let reporting = try PostgresConnection.connect(try database.loginRole("reports", group: "siam_reporting").conninfo)
        let rows = try reporting.query("SELECT supplier, reason FROM siam.disputes() ORDER BY id").rows
        #expect(try rows.map { try $0.string("supplier") } == ["acme", "beta"])
        #expect(try rows.map { try $0.string("reason") } == ["network edge is the carrier's", "not ours"])
        #expect(sqlState(reporting, "SELECT siam.dispute_rule(1, 'in_scope', 'x')") == "42501")
    }

    // MARK: - Reading

    @Test func disputesOfAPeriod() throws {
        let database = try TestDatabase(now: "2026-01-05T09:00:00Z")
        let world = try World.build(in: database)
        // Raised on the 5th and ruled on the 12th; raised on the 12th and left open; raised on
        // the 5th and ruled the same day.
        let ruledLater = try disputed(world.store)
        let ruledAtOnce = try disputed(world.store)
        try world.store.rule(dispute: ruledAtOnce.dispute, ruling: .outOfScope, note: "fair", sendBack: false)
        try database.setClock("2026-01-12T09:00:00Z")
        var store = try database.store()
        try store.rule(dispute: ruledLater.dispute, ruling: .inScope, note: "ours", sendBack: false)
        let open = try disputed(store)
        try database.setClock("2026-01-14T09:00:00Z")
        store = try database.store()

        func ids(_ since: String?, _ until: String?, openOnly: Bool = false) throws -> [Int64] {
            try store.disputes(since: since.map { try Instant(parsing: $0) }, until: until.map { try Instant(parsing: $0) },
                               openOnly: openOnly).map(\.id)
        }
        #expect(try ids(nil, nil) == [ruledLater.dispute, ruledAtOnce.dispute, open.dispute])
        #expect(try ids(nil, nil, openOnly: true) == [open.dispute])
        // The first week: both raised in it.
        #expect(try ids("2026-01-05T00:00:00Z", "2026-01-12T00:00:00Z") == [ruledLater.dispute, ruledAtOnce.dispute])
        // The second week: the one ruled in it (raised before) and the one raised in it.
        #expect(try ids("2026-01-12T00:00:00Z", "2026-01-19T00:00:00Z") == [ruledLater.dispute, open.dispute])
        // A later week: only the one still open.
        #expect(try ids("2026-01-13T00:00:00Z", "2026-01-20T00:00:00Z") == [open.dispute])
        #expect(sqlState(store.connection, "SELECT * FROM siam.disputes('2026-01-12', '2026-01-05')") == "22023")
    }

    @Test func scorecardCountsDisputesRaisedUpheldAndOverturned() throws {
        let database = try TestDatabase(now: Self.monday)
        let world = try World.build(in: database)
        let upheld = try disputed(world.store)
        let overturned = try disputed(world.store)
        _ = try disputed(world.store)
        try world.store.rule(dispute: upheld.dispute, ruling: .outOfScope, note: "fair", sendBack: false)
        try database.setClock("2026-01-20T09:00:00Z")
        let store = try database.store()
        // Ruled after the period: still counted for the disputes raised in it.
        try store.rule(dispute: overturned.dispute, ruling: .inScope, note: "ours", sendBack: false)
        let week = try store.scorecardReport(since: try Instant(parsing: "2026-01-05T00:00:00Z"),
                                             until: try Instant(parsing: "2026-01-12T00:00:00Z"),
                                             bucket: BusinessDuration(seconds: 86_400))
        let acme = try #require(week.suppliers.first { $0.supplier == "acme" })
        #expect(acme.disputesRaised == 3)
        #expect(acme.disputesUpheld == 1)
        #expect(acme.disputesOverturned == 1)
        #expect(week.suppliers.first { $0.supplier == "beta" }?.disputesRaised == 0)
        #expect(week.disputes.map(\.id) == [upheld.dispute, overturned.dispute, upheld.dispute + 2])
        // The week of the ruling raised none.
        let later = try store.scorecardReport(since: try Instant(parsing: "2026-01-19T00:00:00Z"),
                                              until: try Instant(parsing: "2026-01-26T00:00:00Z"),
                                              bucket: BusinessDuration(seconds: 86_400))
        #expect(later.suppliers.first { $0.supplier == "acme" }?.disputesRaised == 0)
        // The ruled one, and the one still open.
        #expect(later.disputes.map(\.id) == [overturned.dispute, upheld.dispute + 2])
        let html = HTMLReport.render(later)
        #expect(html.contains("id=\"dispute-table\""))
        #expect(html.contains("network edge is the carrier&#39;s"))
    }

    @Test func statusCountsOpenDisputes() throws {
        let database = try TestDatabase(now: Self.monday)
        let world = try World.build(in: database)
        let first = try disputed(world.store)
        try database.setClock("2026-01-05T10:00:00Z")
        _ = try disputed(try database.store())
        try database.setClock("2026-01-05T11:30:00Z")
        let status = try database.store().operationalStatus(horizon: BusinessDuration(seconds: 3600), limit: 10)
        #expect(status.openDisputeCount == 2)
        #expect(status.oldestOpenDispute?.id == first.dispute)
        #expect(status.oldestOpenDispute?.incident == first.incident)
        #expect(status.oldestOpenDispute?.supplier == "acme")
        #expect(status.oldestOpenDispute?.raisedAt == Instant(seconds: 1_767_603_600))
        try world.store.rule(dispute: first.dispute, ruling: .outOfScope, note: "fair", sendBack: false)
        let after = try database.store().operationalStatus(horizon: BusinessDuration(seconds: 3600), limit: 10)
        #expect(after.openDisputeCount == 1)
        #expect(after.oldestOpenDispute?.id == first.dispute + 1)
    }

    // MARK: - CLI

    @Test func cliListsShowsAndRulesDisputes() throws {
        let database = try TestDatabase(now: Self.monday)
        let world = try World.build(in: database)
        let d = try disputed(world.store, reason: "edge routers: the carrier's")
        func run(_ arguments: [String]) throws -> CLIResult {
            try CLI.run(arguments + ["--actor", "duty integrator"], database: database.conninfo)
        }
        let list = try run(["dispute", "list"])
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout == """
            ID  INCIDENT  SUPPLIER  RAISED_AT             OUTCOME  RULED_BY  REASON                       NOTE
            1   1         acme      2026-01-05T09:00:00Z  open     -         edge routers: the carrier's  -

            """)
        let open = try #require(try run(["dispute", "list", "--open", "--json"]).json() as? [[String: Any]])
        #expect(open.count == 1)
        #expect(open[0]["id"] as? Int == Int(d.dispute) && open[0]["supplier"] as? String == "acme")
        #expect(open[0]["ruling"] is NSNull && open[0]["reason"] as? String == "edge routers: the carrier's")

        let ruled = try run(["dispute", "rule", "1", "--in-scope", "--note", "Contract 4.2", "--send-back"])
        #expect(ruled.status == 0, "\(ruled.stderr)")
        #expect(ruled.stdout == "scope dispute 1 ruled in_scope: overturned, incident 1 sent back to acme (handoff 2)\n")
        #expect(try run(["dispute", "list", "--open"]).stdout == "no scope disputes\n")
        let shown = try #require(try run(["dispute", "show", "1", "--json"]).json() as? [String: Any])
        #expect(shown["ruling"] as? String == "in_scope")
        #expect(shown["ruled_by"] as? String == "duty integrator")
        #expect(shown["note"] as? String == "Contract 4.2")
        #expect(shown["sent_back_handoff"] as? Int == 2)
        let text = try run(["dispute", "show", "1"]).stdout
        #expect(text.contains("ruling             in_scope"))
        #expect(text.contains("note               Contract 4.2"))

        // Refusals: one line, nothing changed.
        try CLI.expectRefused(["dispute", "rule", "1", "--in-scope", "--out-of-scope", "--note", "x"], database, status: 2,
                              "give exactly one of --in-scope and --out-of-scope", atStart: true)
        try CLI.expectRefused(["dispute", "rule", "1", "--note", "x"], database, status: 2,
                              "give exactly one of --in-scope and --out-of-scope", atStart: true)
        try CLI.expectRefused(["dispute", "rule", "1", "--out-of-scope", "--note", "x", "--send-back"], database, status: 2,
                              "--send-back needs --in-scope", atStart: true)
        try CLI.expectRefused(["dispute", "rule", "1", "--out-of-scope", "--note", " "], database, status: 2,
                              "--note must not be blank", atStart: true)
        try CLI.expectRefused(["dispute", "rule", "1", "--out-of-scope", "--note", "fair"], database, status: 1,
                              "scope dispute 1 was ruled in_scope already, by duty integrator", atStart: true)
        try CLI.expectRefused(["dispute", "rule", "42", "--out-of-scope", "--note", "fair"], database, status: 1,
                              "unknown scope dispute 42", atStart: true)
        try CLI.expectRefused(["dispute", "show", "42"], database, status: 1, "unknown scope dispute 42", atStart: true)
    }

    @Test func cliStatusShowsOpenDisputes() throws {
        let database = try TestDatabase(now: Self.monday)
        let world = try World.build(in: database)
        _ = try disputed(world.store)
        try database.setClock("2026-01-05T10:30:00Z")
        let text = try CLI.run(["status"], database: database.conninfo)
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("\nOpen scope disputes: 1 (oldest: dispute 1, incident 1, acme, raised 1h30m ago; siamd dispute rule 1 --in-scope|--out-of-scope --note TEXT)\n"))
        let json = try #require(try CLI.run(["status", "--json"], database: database.conninfo).json() as? [String: Any])
        #expect(json["open_disputes"] as? Int == 1)
        let oldest = try #require(json["oldest_open_dispute"] as? [String: Any])
        #expect(oldest["id"] as? Int == 1 && oldest["incident"] as? Int == 1 && oldest["supplier"] as? String == "acme")
        #expect(oldest["raised_at"] as? String == "2026-01-05T09:00:00Z")
        #expect(oldest["age_seconds"] as? Int == 5400)
    }
}
