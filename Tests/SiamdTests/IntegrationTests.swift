import Foundation
import SiamCore
import SiamStore
import Testing

/// Database-level integration, logged in as real roles: supplier isolation by row-level
/// security, reporting that only reads, clear refusals of bad input, and the event feed.
@Suite struct IntegrationTests {
    /// acme and beta each with an incident offered to them, and a login role each.
    func twoSuppliers() throws -> (database: TestDatabase, acme: PostgresConnection, beta: PostgresConnection, acmeIncident: Int64, betaIncident: Int64) {
        let database = try TestDatabase(now: "2026-01-05T09:00:00Z")
        let world = try World.build(in: database)
        let acmeIncident = try world.store.openIncident(NewIncident(
            service: "network", priority: .p2, title: "Router down", customer: nil, userTier: nil, offerTo: "acme", hold: false))
        let betaIncident = try world.store.openIncident(NewIncident(
            service: "network", priority: .p2, title: "Switch down", customer: nil, userTier: nil, offerTo: "beta", hold: false))
        let acme = try PostgresConnection.connect(try database.loginRole("acme", supplier: "acme").conninfo)
        let beta = try PostgresConnection.connect(try database.loginRole("beta", supplier: "beta").conninfo)
        return (database, acme, beta, acmeIncident, betaIncident)
    }

    func refusal(_ connection: PostgresConnection, _ sql: String, _ parameters: [any SQLParameter] = []) -> DatabaseError? {
        do {
            try connection.transaction { try connection.query(sql, parameters) }
            return nil
        } catch let error as DatabaseError {
            return error
        } catch {
            return nil
        }
    }

    @Test func aSupplierSeesOnlyItsOwnWork() throws {
        let (_, acme, _, acmeIncident, _) = try twoSuppliers()
        // Tables: only its incident, its handoff, itself, its events, its OLA targets.
        #expect(try acme.query("SELECT id FROM siam.incident").rows.map { try $0.int64("id") } == [acmeIncident])
        #expect(try acme.query("SELECT to_supplier FROM siam.handoff").rows.map { try $0.string("to_supplier") } == ["acme"])
        #expect(try acme.query("SELECT code FROM siam.supplier").rows.map { try $0.string("code") } == ["acme"])
        #expect(try acme.query("SELECT DISTINCT supplier FROM siam.event").rows.map { try $0.string("supplier") } == ["acme"])
        #expect(try acme.query("SELECT DISTINCT kind FROM siam.target").rows.map { try $0.string("kind") } == ["ola"])
        #expect(try acme.query("SELECT count(*) AS n FROM siam.supplier_service WHERE supplier <> 'acme'").first?.int("n") == 0)
        // Not even by aggregates or by guessing: counts see only its rows.
        #expect(try acme.query("SELECT count(*) AS n FROM siam.handoff WHERE to_supplier = 'beta'").first?.int("n") == 0)
        // The customer list and the mapping of others are not readable at all.
        #expect(refusal(acme, "SELECT * FROM siam.customer")?.sqlState == "42501")
    }

    @Test func aSupplierCannotTouchAnothersWork() throws {
        let (database, acme, _, _, betaIncident) = try twoSuppliers()
        let betaHandoff = try database.store().handoffs(HandoffFilter(incident: betaIncident)).first!.id
        let events = try database.count("siam.event")
        // Another's handoff and a made-up one get the same answer: nothing to infer.
        let another = refusal(acme, "SELECT siam.handoff_accept($1::bigint)", [betaHandoff])
        let madeUp = refusal(acme, "SELECT siam.handoff_accept($1::bigint)", [Int64(999_999)])
        #expect(another?.sqlState == "P0002")
        #expect(another?.message == "unknown handoff \(betaHandoff)")
        #expect(madeUp?.message == "unknown handoff 999999")
        #expect(refusal(acme, "SELECT siam.handoff_reject($1::bigint, 'mine now')", [betaHandoff])?.sqlState == "P0002")
        #expect(refusal(acme, "SELECT siam.incident_set_state($1::bigint, 'cancelled')", [betaIncident])?.message == "unknown incident \(betaIncident)")
        #expect(refusal(acme, "SELECT siam.external_ref_attach($1::bigint, 'T-1')", [betaIncident])?.sqlState == "P0002")
        // Direct writes: no privilege at all.
        #expect(refusal(acme, "UPDATE siam.incident SET title = 'x'")?.sqlState == "42501")
        #expect(refusal(acme, "UPDATE siam.handoff SET state = 'accepted'")?.sqlState == "42501")
        #expect(refusal(acme, "DELETE FROM siam.event")?.sqlState == "42501")
        #expect(refusal(acme, "INSERT INTO siam.event (kind, reason) VALUES ('x.y', 'forged')")?.sqlState == "42501")
        // Integrator's functions: not callable.
        #expect(refusal(acme, "SELECT siam.target_set('ola', 'P2', NULL, 'acme', NULL, '1 day')")?.sqlState == "42501")
        #expect(refusal(acme, "SELECT siam.supplier_set_status('beta', 'suspended')")?.sqlState == "42501")
        #expect(refusal(acme, "SELECT siam.handoff_offer($1::bigint, 'acme')", [betaIncident])?.sqlState == "42501")
        // Its own clock cannot be faked.
        try acme.query("SET siam.now = '2000-01-01T00:00:00Z'")
        #expect(try acme.query("SELECT siam.clock() > '2020-01-01'::timestamptz AS real").first?.bool("real") == true)
        #expect(try database.count("siam.event") == events)
    }

    @Test func aSupplierWorksItsOwnIncident() throws {
        let (database, acme, beta, acmeIncident, _) = try twoSuppliers()
        let handoff = try database.store().handoffs(HandoffFilter(incident: acmeIncident)).first!.id
        // beta may not accept what is offered to acme.
        #expect(refusal(beta, "SELECT siam.handoff_accept($1::bigint)", [handoff])?.sqlState == "P0002")
        try acme.transaction { try acme.query("SELECT siam.handoff_accept($1::bigint)", [handoff]) }
        try acme.transaction { try acme.query("SELECT siam.incident_set_state($1::bigint, 'in_progress')", [acmeIncident]) }
        try acme.transaction { try acme.query("SELECT siam.external_ref_attach($1::bigint, 'INC0042')", [acmeIncident]) }
        #expect(try acme.query("SELECT siam.incident_by_ref('acme', 'INC0042') AS id").first?.optionalInt("id") == Int(acmeIncident))
        // beta cannot find acme's ticket number.
        #expect(try beta.query("SELECT siam.incident_by_ref('acme', 'INC0042') AS id").first?.optionalInt("id") == nil)
        // Its events carry its role as db_role.
        let roles = try database.connect().query(
            "SELECT DISTINCT db_role FROM siam.event WHERE incident = $1::bigint AND kind = 'incident.ref_attached'", [acmeIncident])
        #expect(try roles.first?.string("db_role").hasPrefix("acme_") == true)
        // The same ticket number twice is refused clearly.
        let again = refusal(acme, "SELECT siam.external_ref_attach($1::bigint, 'INC0043')", [acmeIncident])
        #expect(again?.sqlState == "23505")
    }

    @Test func reportingReadsButNeverWrites() throws {
        let database = try TestDatabase()
        let world = try World.build(in: database)
        _ = try world.store.openIncident(NewIncident(
            service: "network", priority: .p2, title: "Router down", customer: nil, userTier: nil, offerTo: "acme", hold: false))
        let reporting = try PostgresConnection.connect(try database.loginRole("report", group: "siam_reporting").conninfo)
        #expect(try reporting.query("SELECT count(*) AS n FROM siam.incident").first?.int("n") == 1)
        #expect(try reporting.query("SELECT count(*) AS n FROM siam.supplier").first?.int("n") == 3)
        try database.waitForFeed()
        #expect(try reporting.query("SELECT count(*) AS n FROM siam.events_after(NULL, 100)").first?.int("n") ?? 0 > 0)
        #expect(refusal(reporting, "SELECT siam.service_add('x', 'X')")?.sqlState == "42501")
        #expect(refusal(reporting, "INSERT INTO siam.service (code, name) VALUES ('x', 'X')")?.sqlState == "42501")
        #expect(refusal(reporting, "UPDATE siam.incident SET title = 'x'")?.sqlState == "42501")
    }

    @Test func hostileTextIsStoredVerbatimOrRefusedClearly() throws {
        let database = try TestDatabase()
        let world = try World.build(in: database)
        let admin = try database.connect()
        let hostile = ["O'Brien", "'); DROP TABLE siam.incident; --", "\\x00\\\\", "<script>alert(1)</script>", "💥 ✓ ß", "line\nbreak"]
        for title in hostile {
            let id = try admin.transaction {
                try admin.query("SELECT siam.incident_open('network', 'P3', $1, NULL, NULL, NULL, true) AS id", [title]).first!.int64("id")
            }
            #expect(try world.store.incident(id: id)?.title == title)
        }
        // Too long: one clear line, nothing written.
        let events = try database.count("siam.event")
        let long = refusal(admin, "SELECT siam.incident_open('network', 'P3', $1)", [String(repeating: "x", count: 100_000)])
        #expect(long?.sqlState == "22023")
        #expect(long?.message == "title is too long: 100000 characters, at most 500")
        // A NUL: refused by the client library before sending, and by the server in SQL.
        #expect(refusal(admin, "SELECT siam.incident_open('network', 'P3', $1)", ["a\u{0}b"])?.sqlState == "22021")
        #expect(refusal(admin, "SELECT siam.incident_open('network', 'P3', 'a' || chr(0))")?.sqlState == "54000")
        #expect(try database.count("siam.event") == events)
    }

    @Test func invalidUTF8FromAClientIsRefused() throws {
        let database = try TestDatabase()
        try World.build(in: database)
        let cluster = try TestCluster.cluster()
        // psql sends the bytes as they are in the file; the server refuses them.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("siamd-invalid-\(UUID().uuidString).sql")
        try Data("SELECT siam.incident_open('network', 'P3', 'caf".utf8 + [0xE9] + "');\n".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try ChildProcess.run(try LocalCluster.findBinaries() + "/psql", [
            "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", cluster.directory, "-U", cluster.superuser, "-d", database.name,
            "-f", file.path,
        ], environment: ["PGCLIENTENCODING": "UTF8"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("invalid byte sequence for encoding \"UTF8\""))
        #expect(try database.count("siam.incident") == 0)
    }

    @Test func theFeedNeverSkipsNorRepeatsWhenCommitsComeOutOfOrder() throws {
        let database = try TestDatabase()
        let consumer = try database.connect()
        func read(after cursor: String?) throws -> (ids: [Int64], cursor: String?) {
            let rows = try consumer.query("SELECT cursor, id FROM siam.events_after($1, 1000)", [cursor]).rows
            return (try rows.map { try $0.int64("id") }, try rows.last?.string("cursor") ?? cursor)
        }
        let early = try database.connect(), late = try database.connect()
        // "late" starts first and writes the smaller event id, but commits last.
        try late.query("BEGIN")
        try late.query("SELECT siam.service_add('late', 'Late')")
        try early.query("BEGIN")
        try early.query("SELECT siam.service_add('early', 'Early')")
        try early.query("COMMIT")
        let lateId = try database.connect().query("SELECT max(id) AS id FROM siam.event").first!.int64("id")
        var (seen, cursor) = try read(after: nil)
        // A naive consumer taking every committed id above its last would move past the
        // uncommitted smaller id here, and never see it.
        let naiveSeen = try consumer.query("SELECT id FROM siam.event ORDER BY id").rows.map { try $0.int64("id") }
        try late.query("COMMIT")
        // Events appear once every older transaction in the cluster has ended (other tests'
        // databases included): read on until both are there, within a bound.
        let deadline = ContinuousClock.now.advanced(by: .seconds(20))
        repeat {
            let next = try read(after: cursor)
            seen += next.ids
            cursor = next.cursor
            if seen.count >= 2 { break }
            _ = try consumer.waitForNotifications(timeout: .milliseconds(50))
        } while ContinuousClock.now < deadline
        let all = try consumer.query("SELECT id FROM siam.event ORDER BY id").rows.map { try $0.int64("id") }
        #expect(Set(seen) == Set(all))
        #expect(seen.count == all.count)
        #expect(!naiveSeen.isEmpty && naiveSeen.max()! > all.min()!)
        _ = lateId
        // Nothing more, and nothing twice, afterwards.
        #expect(try read(after: cursor).ids.isEmpty)
    }

    @Test func aSupplierFollowsOnlyItsOwnEvents() throws {
        let (_, acme, _, _, _) = try twoSuppliers()
        // The feed shows a transaction once every older one in the cluster has ended (other
        // tests' CREATE DATABASE included): wait for the first events, within a bound.
        try acme.listen("siam_event")
        var events = try acme.query("SELECT supplier, kind FROM siam.events_after(NULL, 1000)").rows
        let deadline = ContinuousClock.now.advanced(by: .seconds(20))
        while events.isEmpty, ContinuousClock.now < deadline {
            _ = try acme.waitForNotifications(timeout: .milliseconds(50))
            events = try acme.query("SELECT supplier, kind FROM siam.events_after(NULL, 1000)").rows
        }
        #expect(!events.isEmpty)
        #expect(try events.allSatisfy { try $0.optionalString("supplier") == "acme" })
        let bad = refusal(acme, "SELECT * FROM siam.events_after('yesterday', 10)")
        #expect(bad?.sqlState == "22023")
    }

    @Test func theCLIGrantsRolesAndTailsTheFeed() throws {
        let database = try TestDatabase()
        try World.build(in: database)
        let admin = try database.connect()
        let role = "sync_\(database.name)"
        try admin.query("CREATE ROLE \(try admin.quoteIdentifier(role)) LOGIN")
        let granted = try CLI.run(["supplier", "grant", "acme", "--role", role], database: database.conninfo)
        #expect(granted.status == 0, "\(granted.stderr)")
        #expect(granted.stdout == "role \(role) acts for supplier acme\n")
        let unknown = try CLI.run(["supplier", "grant", "acme", "--role", "nobody_at_all"], database: database.conninfo)
        #expect(unknown.status == 1)
        #expect(unknown.stderr == "siamd: error: unknown database role 'nobody_at_all': create it first (CREATE ROLE ... LOGIN)\n")

        let events = try database.count("siam.event")
        try database.waitForFeed()
        let tail = try CLI.run(["events", "tail", "--json", "--from-start"], database: database.conninfo)
        #expect(tail.status == 0, "\(tail.stderr)")
        let lines = tail.stdout.split(separator: "\n")
        #expect(lines.count == events)
        let objects = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(objects.last?["kind"] as? String == "supplier.role_granted")
        // Resuming after the last but one cursor prints exactly the last event.
        let since = objects[objects.count - 2]["cursor"] as! String
        let resumed = try CLI.run(["events", "tail", "--since", since], database: database.conninfo)
        #expect(resumed.stdout.split(separator: "\n").count == 1)
        #expect(resumed.stdout.contains("supplier.role_granted"))
        let bad = try CLI.run(["events", "tail", "--since", "not-a-cursor"], database: database.conninfo)
        #expect(bad.status == 1)
        #expect(bad.stderr.hasPrefix("siamd: error: invalid feed cursor 'not-a-cursor'"))
    }
}
