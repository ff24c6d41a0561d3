import Foundation
import SiamCore
import SiamStore
import Testing

/// The independent probe of supplier isolation, as tests: logged in as real roles of every
/// shape, against a real PostgreSQL. World (World.build): acme and beta active; one incident
/// owned by acme, one offered to beta, one offered to acme.
@Suite struct SupplierIsolationTests {
    struct Probe {
        let database: TestDatabase
        let world: World
        /// Owned by acme (accepted), offered to beta, offered to acme.
        let acmeOwned: Int64, betaOffered: Int64, acmeOffered: Int64
        let betaOffer: Int64, acmeOffer: Int64

        init() throws {
            // The real clock: siam.now is a superuser's setting only, so the suppliers' sessions
            // here would not see a fixed one.
            database = try TestDatabase()
            world = try World.build(in: database)
            let store = world.store
            func open(to supplier: String) throws -> (Int64, Int64) {
                let id = try store.openIncident(NewIncident(service: "network", priority: .p2, title: "Router down",
                                                            customer: nil, userTier: nil, offerTo: supplier, hold: false))
                return (id, try store.handoffs(HandoffFilter(incident: id)).first!.id)
            }
            let owned = try open(to: "acme")
            try store.accept(handoff: owned.1, reason: nil)
            acmeOwned = owned.0
            (betaOffered, betaOffer) = try open(to: "beta")
            (acmeOffered, acmeOffer) = try open(to: "acme")
        }

        /// A login role of this database, in the groups and mapping given.
        func login(_ name: String, memberOf groups: [String] = [], supplier: String? = nil) throws -> PostgresConnection {
            let role = try database.loginRole(name, supplier: supplier)
            let admin = try database.connect()
            for group in groups {
                try admin.query("GRANT \(try admin.quoteIdentifier(group)) TO \(try admin.quoteIdentifier(role.role))")
            }
            return try PostgresConnection.connect(role.conninfo)
        }

        /// The role name `loginRole` gives `name` in this database.
        func roleName(_ name: String) -> String { "\(name)_\(database.name)" }
    }

    /// The refusal a call meets; nil when it succeeded.
    func refusal(_ connection: PostgresConnection, _ sql: String, _ parameters: [any SQLParameter] = []) -> DatabaseError? {
        do {
            try connection.transaction { _ = try connection.query(sql, parameters) }
            return nil
        } catch let error as DatabaseError {
            return error
        } catch {
            Issue.record("unexpected \(error)")
            return nil
        }
    }

    func count(_ connection: PostgresConnection, _ table: String) throws -> Int {
        try connection.query("SELECT count(*) AS n FROM siam.\(try connection.quoteIdentifier(table))").first!.int("n")
    }

    /// A role that must see nothing and do nothing: every table of siamd's work reads empty
    /// (even for an id that exists: no error tells it what exists), `siam.caller_supplier()`
    /// says what is wrong, and every write is refused with 42501, changing nothing.
    func expectConfined(_ connection: PostgresConnection, _ probe: Probe, _ message: String,
                        sourceLocation: SourceLocation = #_sourceLocation) throws {
        let events = try probe.database.count("siam.event")
        for table in ["incident", "handoff", "event", "escalation", "supplier", "assignment", "external_ref", "target"] {
            #expect(try count(connection, table) == 0, "\(table) shows nothing", sourceLocation: sourceLocation)
        }
        #expect(try connection.query("SELECT count(*) AS n FROM siam.incident WHERE id = $1::bigint", [probe.acmeOwned])
                .first!.int("n") == 0, sourceLocation: sourceLocation)
        #expect(try connection.query("SELECT * FROM siam.events_after(NULL, 10)").rows.isEmpty, sourceLocation: sourceLocation)
        let why = refusal(connection, "SELECT siam.caller_supplier()")
        #expect(why?.sqlState == "42501", sourceLocation: sourceLocation)
        #expect(why?.message.contains(message) == true, "\(String(describing: why?.message))", sourceLocation: sourceLocation)
        for (sql, parameters) in [
            ("SELECT siam.handoff_accept($1::bigint)", [probe.acmeOffer] as [any SQLParameter]),
            ("SELECT siam.incident_set_state($1::bigint, 'cancelled')", [probe.acmeOwned]),
            ("SELECT siam.external_ref_attach($1::bigint, 'X-1')", [probe.acmeOwned]),
        ] {
            let error = refusal(connection, sql, parameters)
            #expect(error?.sqlState == "42501", "\(sql)", sourceLocation: sourceLocation)
            #expect(error?.message.contains(message) == true, "\(sql): \(String(describing: error?.message))",
                    sourceLocation: sourceLocation)
        }
        #expect(try probe.database.count("siam.event") == events, "nothing changed", sourceLocation: sourceLocation)
    }

    // MARK: - Identity fails closed

    @Test func aSecondLoginInAMappedRoleActsForThatSupplierOnly() throws {
        let probe = try Probe()
        _ = try probe.login("acme_sync", supplier: "acme")
        let second = try probe.login("acme_ops", memberOf: [probe.roleName("acme_sync")])
        #expect(try second.query("SELECT siam.caller_supplier() AS s").first!.optionalString("s") == "acme")
        #expect(try count(second, "incident") == 2)
        // Not beta's offer, not as the integrator.
        #expect(refusal(second, "SELECT siam.handoff_accept($1::bigint)", [probe.betaOffer])?.sqlState == "P0002")
        #expect(refusal(second, "SELECT siam.service_add('x', 'X')")?.sqlState == "42501")
        // Its own offer: yes, recorded under its own login.
        #expect(refusal(second, "SELECT siam.handoff_accept($1::bigint)", [probe.acmeOffer]) == nil)
        let actor = try probe.database.connect().query(
            "SELECT actor, db_role FROM siam.event WHERE kind = 'handoff.accepted' AND handoff = $1::bigint", [probe.acmeOffer]).first!
        #expect(try actor.string("actor") == probe.roleName("acme_ops"))
        #expect(try actor.string("db_role") == probe.roleName("acme_ops"))
        // It sees the mapping it acts through.
        #expect(try second.query("SELECT role_name, supplier FROM siam.supplier_role").rows
                .map { try $0.string("role_name") + " " + $0.string("supplier") } == [probe.roleName("acme_sync") + " acme"])
    }

    @Test func aMappingLeftByARenamedRoleCanBeRevoked() throws {
        let probe = try Probe()
        _ = try probe.login("beta_sync", supplier: "beta")
        let admin = try probe.database.connect()
        try admin.query("ALTER ROLE \(try admin.quoteIdentifier(probe.roleName("beta_sync"))) RENAME TO \(try admin.quoteIdentifier(probe.roleName("beta_old")))")
        let revoked = try CLI.run(["supplier", "revoke", "--role", probe.roleName("beta_sync")], database: probe.database.conninfo)
        #expect(revoked.status == 0, "\(revoked.stderr)")
        #expect(revoked.stdout == "role \(probe.roleName("beta_sync")) no longer acts for supplier beta\n")
        #expect(try probe.database.count("siam.supplier_role") == 0)
        let again = try CLI.run(["supplier", "revoke", "--role", probe.roleName("beta_sync")], database: probe.database.conninfo)
        #expect(again.status == 1)
        #expect(again.stderr == "siamd: error: role '\(probe.roleName("beta_sync"))' acts for no supplier\n")
        let events = try admin.query("SELECT count(*) AS n FROM siam.event WHERE kind = 'supplier.role_revoked'").first!.int("n")
        #expect(events == 1)
    }

    @Test func anUnmappedMemberOfSiamSupplierSeesNothingAndMayDoNothing() throws {
        let probe = try Probe()
        let stray = try probe.login("stray", memberOf: ["siam_supplier"])
        try expectConfined(stray, probe, "has supplier rights but acts for no supplier")
        let error = refusal(stray, "SELECT siam.caller_supplier()")
        #expect(error?.hint == "map it: siamd supplier grant CODE --role \(probe.roleName("stray")) (or revoke siam_supplier from it)")
    }

    @Test func aRoleThatResolvesToTwoSuppliersIsRefused() throws {
        let probe = try Probe()
        _ = try probe.login("beta_sync", supplier: "beta")
        // Mapped to acme itself, and a member of beta's role.
        let both = try probe.login("acme_beta", memberOf: [probe.roleName("beta_sync")], supplier: "acme")
        try expectConfined(both, probe, "acts for more than one supplier (acme, beta)")
        // A member of two suppliers' roles, mapped to none itself.
        _ = try probe.login("acme_sync", supplier: "acme")
        let member = try probe.login("shared", memberOf: [probe.roleName("acme_sync"), probe.roleName("beta_sync")])
        try expectConfined(member, probe, "acts for more than one supplier (acme, beta)")
    }

    @Test func aRenamedMappedRoleLosesItsMappingInsteadOfBecomingTheIntegrator() throws {
        let probe = try Probe()
        _ = try probe.login("acme_sync", supplier: "acme")
        let admin = try probe.database.connect()
        try admin.query("ALTER ROLE \(try admin.quoteIdentifier(probe.roleName("acme_sync"))) RENAME TO \(try admin.quoteIdentifier(probe.roleName("renamed")))")
        let conninfo = probe.database.conninfo.replacingOccurrences(
            of: "user=\(try TestCluster.cluster().superuser)", with: "user=\(probe.roleName("renamed"))")
        let renamed = try PostgresConnection.connect(conninfo)
        try expectConfined(renamed, probe, "has supplier rights but acts for no supplier")
    }

    @Test func integratorAndSupplierRightsTogetherAreRefused() throws {
        let probe = try Probe()
        let mixed = try probe.login("mixed", memberOf: ["siam_admin"], supplier: "acme")
        try expectConfined(mixed, probe, "holds both the integrator's and a supplier's rights")
    }

    @Test func aRoleOfNeitherKindMayDoNothing() throws {
        let probe = try Probe()
        let admin = try probe.database.connect()
        let role = try probe.login("nobody")
        // Table rights granted by hand do not make it the integrator.
        try admin.query("GRANT USAGE ON SCHEMA siam TO \(try admin.quoteIdentifier(probe.roleName("nobody")))")
        try admin.query("GRANT SELECT ON ALL TABLES IN SCHEMA siam TO \(try admin.quoteIdentifier(probe.roleName("nobody")))")
        try admin.query("GRANT EXECUTE ON FUNCTION siam.caller_supplier(), siam.visible_supplier(), siam.caller_takes_part(bigint) TO \(try admin.quoteIdentifier(probe.roleName("nobody")))")
        #expect(try count(role, "incident") == 0)
        let error = refusal(role, "SELECT siam.caller_supplier()")
        #expect(error?.sqlState == "42501")
        #expect(error?.message.contains("is neither the integrator's nor a supplier's") == true, "\(String(describing: error))")
    }

    @Test func theIntegratorsGroupsAreTheIntegrator() throws {
        let probe = try Probe()
        for group in ["siam_admin", "siam_daemon", "siam_reporting"] {
            let role = try probe.login("i_\(group)", memberOf: [group])
            #expect(try role.query("SELECT siam.caller_supplier() AS s").first!.optionalString("s") == nil)
            #expect(try count(role, "incident") == 3, "\(group) sees every incident")
        }
    }

    // MARK: - No oracles

    @Test func noHelperIsOpenToPublicAndNothingTellsASupplierAboutOthers() throws {
        let probe = try Probe()
        let open = try probe.database.connect().query("""
            SELECT string_agg(p.oid::regprocedure::text, ', ') AS names
            FROM pg_catalog.pg_proc AS p
            WHERE p.pronamespace = 'siam'::regnamespace AND has_function_privilege('public', p.oid, 'EXECUTE')
            """).first!.optionalString("names")
        #expect(open == nil, "executable by PUBLIC: \(open ?? "")")
        let acme = try probe.login("acme_sync", supplier: "acme")
        #expect(refusal(acme, "SELECT siam.takes_part($1::bigint, 'beta')", [probe.betaOffered])?.sqlState == "42501")
        #expect(refusal(acme, "SELECT siam.caller_may_lock($1::bigint, 'beta')", [probe.betaOffered])?.sqlState == "42501")
        #expect(try acme.query("SELECT to_regprocedure('siam.supplier_of(name)') IS NULL AS gone").first!.bool("gone"))
        #expect(try acme.query("SELECT siam.caller_takes_part($1::bigint) AS t", [probe.betaOffered]).first!.bool("t") == false)
        // It sees its own mapping only.
        _ = try probe.login("beta_sync", supplier: "beta")
        #expect(try acme.query("SELECT role_name FROM siam.supplier_role").rows.map { try $0.string("role_name") }
                == [probe.roleName("acme_sync")])
    }

    @Test func theReofferReasonNamesNoOtherSupplier() throws {
        let probe = try Probe()
        let beta = try probe.login("beta_sync", supplier: "beta")
        try beta.transaction { _ = try beta.query("SELECT siam.handoff_reject($1::bigint, 'not ours')", [probe.betaOffer]) }
        // acme is at capacity (2): the next eligible is gamma? gamma is onboarding; so nobody,
        // unless capacity is lifted: lift it and let the daemon reassign.
        try probe.database.connect().query("UPDATE siam.supplier SET capacity = NULL WHERE code = 'acme'")
        try EngineHarness(database: probe.database).pass()
        let offers = try probe.database.connect().query(
            "SELECT to_supplier, state, reason FROM siam.handoff WHERE incident = $1::bigint ORDER BY id", [probe.betaOffered]).rows
        let states = try offers.map { try $0.string("to_supplier") + " " + $0.string("state") }
        #expect(states == ["beta rejected", "acme offered"])
        let acme = try probe.login("acme_sync", supplier: "acme")
        let reasons = try acme.query("""
            SELECT reason FROM siam.event WHERE kind = 'handoff.offered' AND incident = $1::bigint
            """, [probe.betaOffered]).rows.map { try $0.string("reason") }
        #expect(reasons.count == 1)
        #expect(reasons.allSatisfy { !$0.contains("beta") }, "\(reasons)")
    }

    // MARK: - No hostage taking

    @Test func aSupplierThatOnlyRejectedCannotLockTheIncident() throws {
        let probe = try Probe()
        let beta = try probe.login("beta_sync", supplier: "beta")
        try beta.transaction { _ = try beta.query("SELECT siam.handoff_reject($1::bigint, 'not ours')", [probe.betaOffer]) }
        // It still sees the incident it was offered, but may no longer change it.
        #expect(try count(beta, "incident") == 1)
        let error = refusal(beta, "SELECT siam.external_ref_attach($1::bigint, 'BETA-1')", [probe.betaOffered])
        #expect(error?.sqlState == "42501")
        #expect(error?.message == "incident \(probe.betaOffered) is no longer yours to change: supplier beta neither owns it nor has an open offer on it")
        // And the refused call took no lock: in a transaction it keeps open, the row is free.
        try beta.query("BEGIN")
        #expect(throws: DatabaseError.self) { try beta.query("SELECT siam.external_ref_attach($1::bigint, 'BETA-1')", [probe.betaOffered]) }
        let other = try probe.database.connect()
        try other.query("SET lock_timeout = '1s'")
        #expect(try other.query("SELECT id FROM siam.incident WHERE id = $1::bigint FOR UPDATE NOWAIT", [probe.betaOffered]).rows.count == 1)
        try beta.query("ROLLBACK")
    }

    @Test func aLockHeldElsewhereMakesAnAPICallFailFastWithASQLState() throws {
        let probe = try Probe()
        let holder = try probe.database.connect()
        try holder.query("BEGIN")
        try holder.query("SELECT id FROM siam.incident WHERE id = $1::bigint FOR UPDATE", [probe.acmeOffered])
        let acme = try probe.login("acme_sync", supplier: "acme")
        let started = ContinuousClock.now
        let error = refusal(acme, "SELECT siam.handoff_accept($1::bigint)", [probe.acmeOffer])
        #expect(error?.sqlState == "55P03", "\(String(describing: error))")
        #expect(ContinuousClock.now - started < .seconds(20))
        try holder.query("ROLLBACK")
    }

    // MARK: - Rules that protect the record

    @Test func onlyTheIntegratorClosesOrCancels() throws {
        let probe = try Probe()
        let acme = try probe.login("acme_sync", supplier: "acme")
        for state in ["cancelled", "closed"] {
            let error = refusal(acme, "SELECT siam.incident_set_state($1::bigint, $2)", [probe.acmeOwned, state])
            #expect(error?.sqlState == "42501")
            #expect(error?.message == "only the service integrator may set an incident \(state): a supplier resolves it, the integrator closes or cancels it")
        }
        #expect(refusal(acme, "SELECT siam.incident_set_state($1::bigint, 'resolved')", [probe.acmeOwned]) == nil)
        #expect(refusal(try probe.database.connect(), "SELECT siam.incident_set_state($1::bigint, 'closed')", [probe.acmeOwned]) == nil)
    }

    @Test func aSuspendedOrExitingSupplierCannotAccept() throws {
        for status in ["suspended", "exiting"] {
            let probe = try Probe()
            try probe.world.store.setSupplierStatus(code: "beta", status: status, reason: nil)
            let beta = try probe.login("beta_sync", supplier: "beta")
            let error = refusal(beta, "SELECT siam.handoff_accept($1::bigint)", [probe.betaOffer])
            #expect(error?.sqlState == "55000")
            #expect(error?.message == "supplier 'beta' is \(status): it takes no new work, so it cannot accept handoff \(probe.betaOffer)")
        }
    }

    @Test func aSupplierCannotSetItsActorAndEveryActorIsBounded() throws {
        let probe = try Probe()
        let beta = try probe.login("beta_sync", supplier: "beta")
        try beta.transaction {
            _ = try beta.query("SELECT set_config('siam.actor', 'siamd', true)")
            _ = try beta.query("SELECT siam.handoff_reject($1::bigint, 'not ours')", [probe.betaOffer])
        }
        let actor = try probe.database.connect().query(
            "SELECT actor FROM siam.event WHERE kind = 'handoff.rejected' AND handoff = $1::bigint", [probe.betaOffer]).first!
        #expect(try actor.string("actor") == probe.roleName("beta_sync"))
        let admin = try probe.database.store(actor: String(repeating: "x", count: 201))
        #expect(throws: DatabaseError.self) { try admin.addService(code: "long", name: "Long") }
        let result = try CLI.run(["service", "add", "long", "--name", "Long", "--actor", String(repeating: "x", count: 201)],
                                 database: probe.database.conninfo)
        #expect(result.status == 1)
        #expect(result.stderr == "siamd: error: the actor (setting siam.actor) is too long: 201 characters, at most 200\n")
    }

    // MARK: - Inputs held to the docs

    @Test(arguments: ["\t\n\t", "\u{00a0}\u{2003}", " \u{3000} ", "\u{feff}"])
    func blankIsAnyUnicodeWhiteSpace(_ blank: String) throws {
        let probe = try Probe()
        let events = try probe.database.count("siam.event")
        let error = refusal(try probe.database.connect(), "SELECT siam.handoff_reject($1::bigint, $2)", [probe.betaOffer, blank])
        #expect(error?.sqlState == "22004")
        #expect(error?.message == "a reason for the rejection is required and must not be blank")
        #expect(try probe.database.count("siam.event") == events)
    }

    @Test func textHasALimitAndTheRefusalDoesNotEchoIt() throws {
        let probe = try Probe()
        let huge = String(repeating: "y", count: 1_000_000)
        for (sql, parameters, message) in [
            ("SELECT siam.handoff_reject($1::bigint, $2)", [probe.betaOffer, huge] as [any SQLParameter],
             "a reason for the rejection is too long: 1000000 characters, at most 2000"),
            ("SELECT siam.incident_set_state($1::bigint, 'in_progress', $2)", [probe.acmeOwned, huge],
             "the reason is too long: 1000000 characters, at most 2000"),
            ("SELECT siam.complaint_record($1::bigint, 'user', $2)", [probe.acmeOwned, huge],
             "the complaint is too long: 1000000 characters, at most 10000"),
        ] {
            let error = refusal(try probe.database.connect(), sql, parameters)
            #expect(error?.sqlState == "22023")
            #expect(error?.message == message)
        }
        // A refused code is quoted short, its control characters shown as "?".
        let unknown = refusal(try probe.database.connect(), "SELECT siam.supplier_set_status($1, 'active')", [huge])
        #expect(unknown?.sqlState == "P0002")
        #expect(unknown?.message == "unknown supplier '\(String(repeating: "y", count: 64))…'")
        let hostile = refusal(try probe.database.connect(), "SELECT siam.service_add($1, 'x')", ["Bad\u{1b}[2J"])
        #expect(hostile?.message.hasPrefix("invalid service code 'Bad?[2J': ") == true)
    }

    @Test func cursorsAndDurationsAreRangeChecked() throws {
        let probe = try Probe()
        let connection = try probe.database.connect()
        let ahead = refusal(connection, "SELECT * FROM siam.events_after('999999999:999999999', 10)")
        #expect(ahead?.sqlState == "22023")
        #expect(ahead?.message.hasPrefix("feed cursor '999999999:999999999' is ahead of this database's feed") == true)
        let long = refusal(connection, "SELECT siam.target_set('sla', 'P3', NULL, NULL, NULL, NULL, NULL, interval '300000000 days')")
        #expect(long?.sqlState == "22023")
        #expect(long?.message == "invalid resolve time 300000000 days: at most 3650 days (10 years)")
    }

    @Test func theCLIComputesOnEveryYearItAccepts() throws {
        for from in ["0001-01-01T00:00:00Z", "1969-12-01T00:00:00Z", "9999-01-01T00:00:00Z"] {
            for arguments in [["elapsed", "--to", "9999-12-31T00:00:00Z"], ["deadline", "--duration", "400h"]] {
                let result = try CLI.run(["calendar", arguments[0], "--tz", "Europe/Berlin", "--hours", "mon-fri 08:00-17:00",
                                          "--from", from, arguments[1], arguments[2], "--json"])
                #expect(result.status == 0, "\(from) \(arguments): \(result.stderr)")
            }
        }
    }

    @Test func writeFailuresAreErrors() throws {
        let probe = try Probe()
        let html = try CLI.run(["report", "html", "-o", "/dev/full"], database: probe.database.conninfo)
        #expect(html.status == 1)
        #expect(html.stderr == "siamd: error: cannot write /dev/full: No space left on device\n")
        #expect(FileManager.default.fileExists(atPath: "/dev/full"))
        var attributes = stat()
        #expect(stat("/dev/full", &attributes) == 0 && (attributes.st_mode & S_IFMT) == S_IFCHR, "/dev/full is still a device")
        let listing = try ChildProcess.run("/bin/sh", ["-c", "exec \"$0\" service list > /dev/full", CLI.binary],
                                           environment: ["DATABASE_URL": probe.database.conninfo, "PATH": "/usr/bin:/bin"])
        #expect(listing.status == 1)
        #expect(listing.stderr == "siamd: error: cannot write standard output: No space left on device\n")
    }

    @Test func outputForPeopleShowsControlCharactersInsteadOfRunningThem() throws {
        let probe = try Probe()
        let beta = try probe.login("beta_sync", supplier: "beta")
        let hostile = "no\u{1b}[2J\u{1b}[31m\nsiamd: all clear\u{202e}"
        try beta.transaction { _ = try beta.query("SELECT siam.handoff_reject($1::bigint, $2)", [probe.betaOffer, hostile]) }
        // `events tail` reads the feed, which shows the rejection once older transactions end.
        try probe.database.waitForFeed()
        for arguments in [["handoff", "list"], ["events", "tail"], ["incident", "show", String(probe.betaOffered)]] {
            let result = try CLI.run(arguments, database: probe.database.conninfo)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect(!result.stdout.unicodeScalars.contains { $0.value == 0x1b || $0.value == 0x202e }, "\(arguments)")
            #expect(result.stdout.contains("no\\x1b[2J\\x1b[31m siamd: all clear\\u{202e}"), "\(arguments): \(result.stdout)")
            #expect(!result.stdout.split(separator: "\n").contains { $0.hasPrefix("siamd: all clear") })
        }
    }
}
