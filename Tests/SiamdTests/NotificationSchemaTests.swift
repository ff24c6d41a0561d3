import SiamCore
import SiamStore
import Testing

/// Receivers, routes and the notifications the event trigger records (migration 0006,
/// definitions/notifications.sql): what a route matches, what a supplier may see and do,
/// and that secrets are never read back.
@Suite struct NotificationSchemaTests {
    static let monday = "2026-01-05T09:00:00Z"
    static let secret = "s3cret-s3cret-s3cret"

    struct Fixture {
        let database: TestDatabase
        let world: World
        let admin: PostgresConnection

        init() throws {
            database = try TestDatabase()
            world = try World.build(in: database)
            admin = try database.connect()
        }

        @discardableResult
        func sql(_ text: String, _ parameters: [any SQLParameter] = []) throws -> QueryResult {
            try admin.transaction(actor: "tester") { try admin.query(text, parameters) }
        }

        func addReceiver(_ name: String, party: String, secret: String? = nil) throws {
            try sql("SELECT siam.receiver_add($1, $2, 'webhook', $3, $4)", [name, party, "http://127.0.0.1:9/\(name)", secret])
        }

        /// The receivers notified of each event kind, as "kind receiver", in event order.
        func notified() throws -> [String] {
            try admin.query("""
                SELECT e.kind, r.name FROM siam.notification AS n
                JOIN siam.event AS e ON e.id = n.event JOIN siam.receiver AS r ON r.id = n.receiver
                ORDER BY n.event, r.name
                """).rows.map { "\(try $0.string("kind")) \(try $0.string("name"))" }
        }

        func openIncident(to supplier: String?, priority: Priority = .p2) throws -> Int64 {
            try world.store.openIncident(NewIncident(service: "network", priority: priority, title: "Router down",
                                                     customer: nil, userTier: nil, offerTo: supplier, hold: supplier == nil))
        }

        /// An escalation row and its event, as the daemon would write them (the trigger only
        /// reads them).
        func escalate(incident: Int64, rule: String, level: Int, notify: String, supplier: String? = nil,
                      kind: String = "escalation.raised") throws {
            try sql("""
                WITH x AS (
                    INSERT INTO siam.escalation (rule, level, incident, supplier, notify, reason)
                    VALUES ($1, $2::smallint, $3::bigint, $4, $5, 'test') RETURNING *)
                INSERT INTO siam.event (kind, reason, incident, supplier, escalation, data)
                SELECT $6, 'test', x.incident, x.supplier, x.id, jsonb_build_object('rule', x.rule, 'level', x.level, 'notify', x.notify)
                FROM x
                """, [rule, level, incident, supplier, notify, kind])
        }
    }

    @Test func nothingIsRecordedWithoutARoute() throws {
        let f = try Fixture()
        try f.addReceiver("ops", party: "integrator")
        _ = try f.openIncident(to: "acme")
        #expect(try f.database.count("siam.notification") == 0)
    }

    @Test func defaultRoutesTakeWhatConcernsTheParty() throws {
        let f = try Fixture()
        try f.addReceiver("acme-hook", party: "acme", secret: Self.secret)
        try f.addReceiver("beta-hook", party: "beta")
        try f.addReceiver("ops", party: "integrator")
        for receiver in ["acme-hook", "beta-hook", "ops"] {
            try f.sql("SELECT siam.route_add($1)", [receiver])
        }
        let incident = try f.openIncident(to: "acme")
        // The offer to acme reaches acme's receiver only; an escalation notified to the
        // integrator reaches ops; one notified to acme reaches acme.
        try f.escalate(incident: incident, rule: "sla-acknowledge", level: 1, notify: "integrator")
        try f.escalate(incident: incident, rule: "ola-accept", level: 1, notify: "supplier", supplier: "acme")
        #expect(try f.notified() == ["handoff.offered acme-hook", "escalation.raised ops", "escalation.raised acme-hook"])
        // One per event x receiver, each with its own idempotency key, pending and due now.
        let rows = try f.admin.query("SELECT count(DISTINCT idempotency_key) AS keys, bool_and(state = 'pending') AS pending FROM siam.notification").first!
        #expect(try rows.int("keys") == 3 && rows.bool("pending"))
    }

    @Test func routesFilterByKindRuleLevelAndPriority() throws {
        let f = try Fixture()
        try f.addReceiver("ops", party: "integrator")
        try f.addReceiver("urgent", party: "integrator")
        try f.addReceiver("beta-hook", party: "beta")
        try f.sql("SELECT siam.route_add('ops', ARRAY['escalation.raised', 'escalation.level_raised'], 'sla-resolve', 2)")
        try f.sql("SELECT siam.route_add('urgent', p_priorities => ARRAY['P1'])")
        // A supplier's receiver names a kind: still only events about that supplier.
        try f.sql("SELECT siam.route_add('beta-hook', ARRAY['handoff.offered'])")
        let p2 = try f.openIncident(to: "acme")
        let p1 = try f.openIncident(to: nil, priority: .p1)
        let other = try f.openIncident(to: nil, priority: .p3)
        try f.escalate(incident: p2, rule: "sla-resolve", level: 1, notify: "integrator")
        try f.escalate(incident: other, rule: "sla-resolve", level: 2, notify: "integrator", kind: "escalation.level_raised")
        try f.escalate(incident: p2, rule: "sla-acknowledge", level: 3, notify: "integrator")
        try f.escalate(incident: p1, rule: "sla-acknowledge", level: 1, notify: "integrator")
        #expect(try f.notified() == ["escalation.level_raised ops", "escalation.raised urgent"])
    }

    @Test func badInputIsRefusedAndChangesNothing() throws {
        let f = try Fixture()
        try f.addReceiver("ops", party: "integrator")
        let events = try f.database.count("siam.event")
        let add = "SELECT siam.receiver_add($1, $2, $3, $4, $5, $6)"
        #expect(sqlState(f.admin, add, ["ops", "integrator", "webhook", "http://x/", nil as String?, "json"]) == "23505")
        #expect(sqlState(f.admin, add, ["x", "nobody", "webhook", "http://x/", nil as String?, "json"]) == "P0002")
        #expect(sqlState(f.admin, add, ["x", "integrator", "pigeon", "http://x/", nil as String?, "json"]) == "22023")
        #expect(sqlState(f.admin, add, ["x", "integrator", "webhook", "ftp://x/", nil as String?, "json"]) == "22023")
        #expect(sqlState(f.admin, add, ["x", "integrator", "webhook", "http://x/", "short", "json"]) == "22023")
        #expect(sqlState(f.admin, add, ["x", "integrator", "webhook", "http://x/", nil as String?, "xml"]) == "22023")
        #expect(sqlState(f.admin, add, ["Bad Name", "integrator", "webhook", "http://x/", nil as String?, "json"]) == "22023")
        #expect(sqlState(f.admin, add, ["x", "integrator", "email", nil as String?, nil as String?, "json"]) == "0A000")
        #expect(sqlState(f.admin, "SELECT siam.route_add('ops', ARRAY['incident.nosuch'])") == "22023")
        #expect(sqlState(f.admin, "SELECT siam.route_add('ops', p_rule => 'nosuch')") == "P0002")
        #expect(sqlState(f.admin, "SELECT siam.route_add('ops', p_min_level => 0)") == "22023")
        #expect(sqlState(f.admin, "SELECT siam.route_add('ops', p_priorities => ARRAY['P9'])") == "22023")
        #expect(sqlState(f.admin, "SELECT siam.route_add('nosuch')") == "P0002")
        #expect(sqlState(f.admin, "SELECT siam.route_remove(999)") == "P0002")
        #expect(sqlState(f.admin, "SELECT siam.notification_retry(999)") == "P0002")
        #expect(try f.database.count("siam.event") == events)
        #expect(try f.database.count("siam.receiver") == 1)
    }

    @Test func aSupplierSeesAndManagesOnlyItsOwnReceiversAndNoSecret() throws {
        let f = try Fixture()
        try f.addReceiver("acme-hook", party: "acme", secret: Self.secret)
        try f.addReceiver("ops", party: "integrator", secret: Self.secret)
        try f.sql("SELECT siam.route_add('ops')")
        let beta = try PostgresConnection.connect(try f.database.loginRole("beta_sync", supplier: "beta").conninfo)
        let acme = try PostgresConnection.connect(try f.database.loginRole("acme_sync", supplier: "acme").conninfo)
        // Its own receivers only, and never a secret, not even its own.
        #expect(try acme.query("SELECT name, has_secret FROM siam.receivers").rows.map { try $0.string("name") } == ["acme-hook"])
        #expect(try beta.query("SELECT count(*) AS n FROM siam.receivers").first!.int("n") == 0)
        #expect(sqlState(acme, "SELECT secret FROM siam.receiver") == "42501")
        #expect(sqlState(acme, "SELECT * FROM siam.receiver") == "42501")
        #expect(sqlState(acme, "SELECT * FROM siam.notifications_claim(10, 60)") == "42501")
        #expect(try acme.query("SELECT count(*) AS n FROM siam.routes").first!.int("n") == 0)
        // It adds receivers and routes for itself, not for others, and cannot touch theirs.
        #expect(sqlState(beta, "SELECT siam.receiver_add('beta-hook', 'beta', 'webhook', 'https://beta.example/hook')") == nil)
        #expect(sqlState(beta, "SELECT siam.receiver_add('fake', 'acme', 'webhook', 'https://beta.example/hook')") == "42501")
        #expect(sqlState(beta, "SELECT siam.receiver_add('fake', 'integrator', 'webhook', 'https://beta.example/hook')") == "42501")
        #expect(sqlState(beta, "SELECT siam.route_add('acme-hook')") == "P0002")
        #expect(sqlState(beta, "SELECT siam.receiver_remove('acme-hook')") == "P0002")
        #expect(sqlState(beta, "SELECT siam.route_add('beta-hook')") == nil)
        // Notifications: its own only.
        _ = try f.openIncident(to: "beta")
        try f.escalate(incident: 1, rule: "sla-acknowledge", level: 1, notify: "integrator")
        #expect(try beta.query("SELECT receiver FROM siam.notifications").rows.map { try $0.string("receiver") } == ["beta-hook"])
        #expect(try acme.query("SELECT count(*) AS n FROM siam.notification").first!.int("n") == 0)
        // The integrator's administrators list receivers, but read no secret either.
        let admin = try PostgresConnection.connect(try f.database.loginRole("ops_admin", group: "siam_admin").conninfo)
        #expect(try admin.query("SELECT count(*) AS n FROM siam.receivers").first!.int("n") == 3)
        #expect(sqlState(admin, "SELECT secret FROM siam.receiver") == "42501")
        #expect(sqlState(admin, "SELECT * FROM siam.notifications_claim(10, 60)") == "42501")
        let reporting = try PostgresConnection.connect(try f.database.loginRole("ops_reports", group: "siam_reporting").conninfo)
        #expect(sqlState(reporting, "SELECT secret FROM siam.receiver") == "42501")
        // The daemon reads them: it signs with them.
        let daemon = try PostgresConnection.connect(try f.database.loginRole("ops_daemon", group: "siam_daemon").conninfo)
        #expect(try daemon.query("SELECT count(secret) AS n FROM siam.receiver").first!.int("n") == 2)
    }

    @Test func removingAReceiverEndsItsRoutesAndPendingNotifications() throws {
        let f = try Fixture()
        try f.addReceiver("acme-hook", party: "acme")
        try f.sql("SELECT siam.route_add('acme-hook')")
        _ = try f.openIncident(to: "acme")
        try f.sql("SELECT siam.receiver_remove('acme-hook')")
        let row = try f.admin.query("SELECT state, last_error FROM siam.notification").first!
        #expect(try row.string("state") == "failed" && row.string("last_error") == "receiver removed")
        #expect(try f.admin.query("SELECT count(*) AS n FROM siam.routes").first!.int("n") == 0)
        #expect(sqlState(f.admin, "SELECT siam.notification_retry(1)") == "55000")
        // Its name is free again.
        try f.addReceiver("acme-hook", party: "acme")
        let kinds = try f.admin.query("SELECT kind FROM siam.event WHERE kind LIKE 'receiver.%' OR kind LIKE 'route.%' ORDER BY id")
        #expect(try kinds.rows.map { try $0.string("kind") } == ["receiver.added", "route.added", "receiver.removed", "receiver.added"])
    }
}

/// The CLI of receivers, routes and notifications: thin over the schema's functions.
@Suite struct NotificationCLITests {
    @Test func receiversRoutesAndNotificationsFromTheCLI() throws {
        let database = try TestDatabase()
        let world = try World.build(in: database)
        func siamd(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
            let result = try CLI.run(arguments, database: database.conninfo)
            return (result.status, result.stdout, result.stderr)
        }
        let secret = "s3cret-s3cret-s3cret"
        #expect(try siamd(["receiver", "add", "acme-hook", "--party", "acme", "--webhook", "https://acme.example/hook",
                           "--secret", secret]).stdout == "receiver acme-hook added for acme\n")
        let list = try siamd(["receiver", "list", "--json"])
        #expect(list.status == 0 && list.stdout.contains("\"has_secret\":true") && !list.stdout.contains(secret), "\(list.stdout)")
        #expect(try siamd(["route", "add", "--receiver", "acme-hook", "--event", "handoff.offered", "--priority", "P2"]).stdout
                == "route 1 to receiver acme-hook added\n")
        #expect(try siamd(["route", "list"]).stdout.contains("handoff.offered"))
        _ = try world.store.openIncident(NewIncident(service: "network", priority: .p2, title: "Router down",
                                                     customer: nil, userTier: nil, offerTo: "acme", hold: false))
        let pending = try siamd(["notification", "list", "--state", "pending", "--json"])
        #expect(pending.stdout.contains("\"event_kind\":\"handoff.offered\""), "\(pending.stdout)")
        // Refusals: one line, exit 1 (the database refused) or 2 (usage), nothing changed.
        let refused = try siamd(["route", "add", "--receiver", "acme-hook", "--event", "nosuch.kind"])
        #expect(refused.status == 1 && refused.stderr.hasPrefix("siamd: error: invalid event kind 'nosuch.kind'"), "\(refused.stderr)")
        #expect(refused.stderr.split(separator: "\n").count == 1)
        #expect(try siamd(["receiver", "add", "x", "--party", "integrator"]).status == 2)
        #expect(try siamd(["notification", "list", "--state", "lost"]).status == 2)
        #expect(try siamd(["notification", "retry", "1"]).status == 1)
        #expect(try siamd(["receiver", "remove", "acme-hook"]).stdout == "receiver acme-hook removed\n")
        #expect(try siamd(["receiver", "list"]).stdout == "no receivers\n")
    }
}
