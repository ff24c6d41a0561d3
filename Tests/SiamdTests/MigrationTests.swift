import Foundation
import SiamCore
import SiamStore
import Testing

/// Upgrades that lose nothing: databases made by siamd before numbered migrations (schemas
/// from git history), full of data, migrated by this build; and the migrator's own promises
/// (one lock, checksums, rollback, refusals, the generated schema.sql).
@Suite struct MigrationTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// An old schema from git history; whether its catalog, once migrated, matches a fresh
    /// migrate's to the letter (daf1709 gets siam.daemon.connected_at appended, not in place);
    /// and whether `siamd status` on it must answer as on a database this build made (not
    /// daf1709's: its siam.daemon_started did not record connected_at, which liveness reads).
    struct OldSchema: CustomTestStringConvertible, Sendable {
        let file: String
        /// deploy/roles.sql of the same commit, applied as that siamd's operator did.
        let roles: String
        let columnOrderKept: Bool
        var statusComparable: Bool { columnOrderKept }
        var testDescription: String { file }
    }

    static let oldSchemas = [
        OldSchema(file: "schema-e0d4a18.sql", roles: "roles-e0d4a18.sql", columnOrderKept: true),
        OldSchema(file: "schema-daf1709.sql", roles: "roles-daf1709.sql", columnOrderKept: false),
    ]

    /// An empty database with an old schema applied by psql, and the deployment's roles.
    func legacyDatabase(_ schema: OldSchema) throws -> TestDatabase {
        let database = TestDatabase(conninfo: try TestCluster.makeEmptyDatabase())
        try TestCluster.psql(database: database.name, file: Self.fixtures.appendingPathComponent(schema.file).path)
        try TestCluster.psql(database: database.name, file: Self.fixtures.appendingPathComponent(schema.roles).path)
        return database
    }

    /// Every siam table's rows as JSON, sorted (columns a migration added left out, so that a
    /// row reads the same before and after).
    func contents(_ database: TestDatabase, leavingOut added: [String: [String]] = [:]) throws -> [String: [String]] {
        let connection = try database.connect()
        let tables = try connection.query("""
            SELECT c.relname AS name FROM pg_catalog.pg_class AS c
            WHERE c.relnamespace = 'siam'::regnamespace AND c.relkind = 'r' ORDER BY 1
            """).rows.map { try $0.string("name") }
        var result: [String: [String]] = [:]
        for table in tables where !table.hasPrefix("schema_") {
            result[table] = try connection.query("""
                SELECT (to_jsonb(t) - $1::text[])::text AS j
                FROM \(try connection.quoteIdentifier("siam")).\(try connection.quoteIdentifier(table)) AS t ORDER BY 1
                """, [added[table] ?? []]).rows.map { try $0.string("j") }
        }
        return result
    }

    /// Reference rows a migration adds (a rule, state changes); every other table keeps
    /// exactly its rows.
    static let addedReferenceRows = [
        "escalation_rule": 1,       // 0004: scope-dispute
        "incident_transition": 2,   // 0004: assigned/in_progress -> new (a hand-back)
    ]

    /// The columns of every siam table.
    func columns(_ database: TestDatabase) throws -> [String: [String]] {
        let rows = try database.connect().query("""
            SELECT table_name AS t, column_name AS c FROM information_schema.columns
            WHERE table_schema = 'siam' ORDER BY table_name, ordinal_position
            """).rows
        return try Dictionary(grouping: rows, by: { try $0.string("t") }).mapValues { try $0.map { try $0.string("c") } }
    }

    /// Migration 0004 rewrites escalations (its header says how): the open ones of one clock
    /// at several levels become one, climbing; the others close as merged, each with an
    /// event; nothing is deleted.
    @Test func openEscalationsOfOneClockAreMergedIntoOneByMigration0004() throws {
        let database = try legacyDatabase(Self.oldSchemas[0])
        let world = try ReportWorld(now: ReportWorld.june1("07:00:00"), sla: (acknowledge: 3600, resolve: 4 * 3600),
                                    in: database)
        var step = try world.at(ReportWorld.june1("08:00:00"))
        let incident = try step.open("Router down", hold: true)
        let level1 = try step.raise("sla-resolve", level: 1, incident: incident, reason: "50 %")
        step = try world.at(ReportWorld.june1("09:00:00"))
        let level2 = try step.raise("sla-resolve", level: 2, incident: incident, reason: "75 %")
        try step.acknowledge(level2)
        step = try world.at(ReportWorld.june1("09:30:00"))
        let level3 = try step.raise("sla-resolve", level: 3, incident: incident, reason: "90 %")
        try step.acknowledge(level3)
        let other = try step.raise("sla-acknowledge", level: 4, incident: incident, reason: "overdue")
        let rows = try database.count("siam.escalation")

        let migrated = try CLI.run(["db", "migrate"], database: database.conninfo)
        #expect(migrated.status == 0, "\(migrated.stderr)")
        let store = try database.store()
        #expect(try database.count("siam.escalation") == rows)
        let keeper = try #require(try store.escalation(id: level1))
        #expect(keeper.isOpen && keeper.level == 3 && keeper.reason == "90 %")
        #expect(keeper.raisedAt == (try Instant(parsing: ReportWorld.june1("08:00:00"))))
        #expect(keeper.levelRaisedAt == (try Instant(parsing: ReportWorld.june1("09:30:00"))))
        #expect(keeper.acknowledgedBy == "duty manager")
        for merged in [level2, level3] {
            let row = try #require(try store.escalation(id: merged))
            #expect(row.closeCause == .merged && row.closeReason?.contains("merged into escalation \(level1)") == true)
        }
        #expect(try store.escalation(id: other)?.isOpen == true)
        let events = try store.events(incident: incident).filter { $0.kind == "escalation.merged" }
        #expect(events.map(\.escalation) == [level2, level3])
        // From now on the escalation climbs: raising level 4 raises this one.
        let climbed = try database.connect().query(
            "SELECT siam.escalation_raise('sla-resolve', 4, $1::bigint, NULL, NULL, 'due') AS id", [incident])
        #expect(try climbed.first?.int64("id") == level1)
        #expect(try store.escalation(id: level1)?.acknowledgedAt == nil)
    }

    /// Migration 0005 rewrites targets (its header says how): a zero duration becomes NULL
    /// (inherited), with an event; a target left with no duration is deleted, with an event;
    /// every other target keeps its row.
    @Test func zeroTargetDurationsAreRemovedByMigration0005() throws {
        // The whole schema as released before 0005 (its schema.sql at 05763c6): migrations 1-4
        // with the definitions of their time, which today's would not fit.
        let database = TestDatabase(conninfo: try TestCluster.makeEmptyDatabase())
        try TestCluster.psql(database: database.name, file: Self.fixtures.appendingPathComponent("schema-05763c6.sql").path)
        let connection = try database.connect()
        for statement in [
            "INSERT INTO siam.calendar (name, time_zone) VALUES ('eu', 'Europe/Berlin')",
            "INSERT INTO siam.supplier (code, name) VALUES ('acme', 'Acme')",
            """
            INSERT INTO siam.target (kind, priority, supplier, calendar, accept_within, acknowledge_within, resolve_within, pauses_when_pending) VALUES
                ('sla', 'P2', NULL, 'eu', NULL, '1 hour', '8 hours', true),
                ('ola', 'P2', NULL, NULL, '0', NULL, '4 hours', false),
                ('ola', 'P2', 'acme', NULL, '0', NULL, NULL, true)
            """,
        ] {
            _ = try connection.query(statement)
        }
        let lastEvent = try connection.query("SELECT coalesce(max(id), 0) AS id FROM siam.event").first!.int64("id")
        let migrated = try CLI.run(["db", "migrate"], database: database.conninfo)
        #expect(migrated.status == 0, "\(migrated.stderr)")
        let rows = try connection.query("""
            SELECT id, kind, supplier, accept_within::text AS a, resolve_within::text AS r, pauses_when_pending::text AS p
            FROM siam.target ORDER BY id
            """).rows.map { "\(try $0.int("id")) \(try $0.string("kind")) \(try $0.optionalString("supplier") ?? "-") \(try $0.optionalString("a") ?? "-") \(try $0.optionalString("r") ?? "-") \(try $0.optionalString("p") ?? "-")" }
        #expect(rows == ["1 sla - - 08:00:00 true", "2 ola - - 04:00:00 false"])
        let written = try connection.query("""
            SELECT kind, reason, data->>'target' AS target FROM siam.event WHERE id > $1 ORDER BY id
            """, [lastEvent]).rows.map { "\(try $0.string("kind")) \(try $0.string("target")): \(try $0.string("reason"))" }
        #expect(written == [
            "target.set 2: migration 0005: OLA P2 target 2: zero durations removed (now inherited)",
            "target.deleted 3: migration 0005: OLA P2 target 3 deleted: its only durations were zero",
        ])
        // A zero duration cannot come back.
        #expect(throws: (any Error).self) {
            try connection.query("UPDATE siam.target SET resolve_within = '0' WHERE id = 1")
        }
    }

    @Test(arguments: oldSchemas)
    func anOldDatabaseFullOfDataIsMigratedWithNothingLost(_ schema: OldSchema) throws {
        let database = try legacyDatabase(schema)
        // Filled through the old schema's own functions, as that siamd would have.
        let fixture = try ReportStatusFixture(in: database)
        let admin = try database.store(actor: "tester")
        _ = try admin.connection.query("SELECT siam.complaint_record($1, 'customer', 'Still down')", [fixture.s2])
        _ = try admin.connection.query("SELECT siam.feedback_record($1, 2, 'slow')", [fixture.s5])
        _ = try admin.connection.query("SELECT siam.external_ref_attach($1, 'ACME-1', 'acme')", [fixture.s6])
        let supplier = try database.loginRole("acme_sync", supplier: "acme")
        let since = try Instant(parsing: ReportWorld.june1("00:00:00")), until = try Instant(parsing: ReportWorld.june1("12:00:00"))
        /// What the report functions answer (they exist in every old schema too).
        func reports(_ database: TestDatabase) throws -> [String] {
            let connection = try database.connect()
            // (Not the scorecard: migration 0004 changed what it counts, as its header says;
            // below, this build's scorecard of the migrated database equals a made one's.)
            return try ["sla_outcomes", "ola_outcomes", "sla_breaches"].map { function in
                try connection.query("""
                    SELECT coalesce(string_agg(r::text, E'\\n' ORDER BY r::text), '') AS rows
                    FROM siam.\(try connection.quoteIdentifier(function))($1::timestamptz, $2::timestamptz) AS r
                    """, [since, until]).first!.string("rows")
            }
        }
        /// What `siamd status` and `siamd report` show, read by this build.
        func answers(_ database: TestDatabase) throws -> (String, String) {
            let store = try database.store()
            let status = try store.operationalStatus(horizon: BusinessDuration(seconds: 3600), limit: 50)
            let report = try store.scorecardReport(since: since, until: until, bucket: BusinessDuration(seconds: 3600))
            return ("\(status)", "\(report)")
        }
        let reportsBefore = try reports(database)
        let columnsBefore = try columns(database)
        let before = try contents(database)
        let supplierSeesBefore = try PostgresConnection.connect(supplier.conninfo).query("SELECT count(*) AS n FROM siam.incident").first!.int("n")
        for table in ["incident", "handoff", "escalation", "event", "complaint", "feedback", "external_ref", "supplier_role", "daemon"] {
            #expect(before[table]?.isEmpty == false, "\(table) is filled")
        }

        let migrated = try CLI.run(["db", "migrate"], database: database.conninfo)
        #expect(migrated.status == 0, "\(migrated.stderr)")
        #expect(migrated.stdout.contains("0001_baseline (recorded: the database was made before numbered migrations)"))
        #expect(migrated.stdout.hasSuffix("schema \(Schema.latest.name) is current\n"))

        let columnsAfter = try columns(database)
        let added = columnsAfter.reduce(into: [String: [String]]()) { result, entry in
            result[entry.key] = entry.value.filter { !(columnsBefore[entry.key] ?? []).contains($0) }
        }
        // Tables a migration added are not compared (they did not exist before).
        let after = try contents(database, leavingOut: added)
        for (table, rows) in before {
            if let extra = Self.addedReferenceRows[table] {
                #expect(Set(rows).isSubset(of: Set(after[table] ?? [])) && after[table]?.count == rows.count + extra, "\(table)")
            } else {
                #expect(after[table] == rows, "\(table)")
            }
        }
        // The report functions answer as before; status and reports read by this build answer
        // as on a database that this build made and filled the same way at the same instants.
        #expect(try reports(database) == reportsBefore)
        let made = try TestDatabase()
        // Spans made before OLA clocks paused do not pause: the same world made now with its
        // OLA opted out of pausing answers the same.
        _ = try ReportStatusFixture(in: made, olaPausesWhenPending: false)
        try database.setClock(ReportStatusFixture.now)
        let (status, report) = try answers(database)
        let (madeStatus, madeReport) = try answers(made)
        if schema.statusComparable {
            #expect(status == madeStatus)
        }
        #expect(report == madeReport)
        #expect(try PostgresConnection.connect(supplier.conninfo).query("SELECT count(*) AS n FROM siam.incident").first!.int("n")
                == supplierSeesBefore)
        // Binaries from before numbered migrations refuse it: they work only on version 2.
        #expect(try database.connect().query("SELECT version FROM siam.schema_version").first!.int("version") == 3)

        // The same catalog as a fresh migrate's (the template: migrated, then deploy/roles.sql).
        let fresh = try TestDatabase()
        let migratedCatalog = try TestCluster.catalog(database: database.name)
        let freshCatalog = try TestCluster.catalog(database: fresh.name)
        if schema.columnOrderKept {
            #expect(migratedCatalog == freshCatalog)
        } else {
            #expect(Self.linesIgnoringColumnOrder(migratedCatalog) == Self.linesIgnoringColumnOrder(freshCatalog))
        }

        // The CLI and the daemon work on it.
        #expect(try CLI.run(["status"], database: database.conninfo).status == 0)
        let pass = try CLI.run(["run", "--once"], database: database.conninfo)
        #expect(pass.status == 0, "\(pass.stderr)")
        #expect(try CLI.run(["db", "migrate"], database: database.conninfo).stdout == "schema \(Schema.latest.name) is current; nothing to do\n")
    }

    /// A catalog's lines as a sorted list, trailing commas dropped: equal when two catalogs
    /// differ only in the order of columns.
    static func linesIgnoringColumnOrder(_ catalog: String) -> [String] {
        catalog.split(separator: "\n").map { $0.hasSuffix(",") ? String($0.dropLast()) : String($0) }.sorted()
    }

    @Test func theCommittedSchemaSQLIsWhatTheMigrationsGiveAndBuildsTheSameCatalog() throws {
        let committed = try String(contentsOf: Self.repository.appendingPathComponent("schema.sql"), encoding: .utf8)
        #expect(committed == Schema.script(), "schema.sql is stale: run 'swift run siamd db schema > schema.sql'")
        let byPsql = TestDatabase(conninfo: try TestCluster.makeEmptyDatabase())
        try TestCluster.psql(database: byPsql.name, file: Self.repository.appendingPathComponent("schema.sql").path)
        let byMigrate = TestDatabase(conninfo: try TestCluster.makeEmptyDatabase())
        #expect(try CLI.run(["db", "migrate"], database: byMigrate.conninfo).status == 0)
        #expect(try TestCluster.catalog(database: byPsql.name) == TestCluster.catalog(database: byMigrate.name))
        // And migrate takes a psql-built database as its own.
        #expect(try CLI.run(["db", "migrate"], database: byPsql.conninfo).stdout == "schema \(Schema.latest.name) is current; nothing to do\n")
    }

    @Test func everyFileIsListedOnceInOrder() throws {
        let folder = Self.repository.appendingPathComponent("Sources/SiamStore/Schema")
        let migrationFiles = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("migrations").path)
            .filter { $0.hasSuffix(".sql") }.sorted()
        #expect(migrationFiles == Schema.migrations.map { $0.name + ".sql" })
        #expect(Schema.migrations.map(\.id) == Array(1...Schema.latest.id))
        for migration in Schema.migrations {
            #expect(migration.name.hasPrefix(String(format: "%04d_", migration.id)))
        }
        let definitionFiles = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("definitions").path)
            .filter { $0.hasSuffix(".sql") }.sorted()
        #expect(definitionFiles == Schema.definitions.map { $0.name + ".sql" }.sorted())
        // Package.swift embeds each of them by name.
        let manifest = try String(contentsOf: Self.repository.appendingPathComponent("Package.swift"), encoding: .utf8)
        for file in migrationFiles.map({ "migrations/" + $0 }) + definitionFiles.map({ "definitions/" + $0 }) {
            #expect(manifest.contains("\"\(file)\""), "Package.swift does not embed \(file)")
        }
    }

    @Test func twoMigratesAtOnceApplyEachMigrationOnce() throws {
        let database = TestDatabase(conninfo: try TestCluster.makeEmptyDatabase())
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") && $0.key != "DATABASE_URL" }
        environment["DATABASE_URL"] = database.conninfo
        let first = try ChildProcess.start(CLI.binary, ["db", "migrate"], environment: environment)
        let second = try ChildProcess.start(CLI.binary, ["db", "migrate"], environment: environment)
        let results = [try first.wait(), try second.wait()]
        #expect(results.map(\.status) == [0, 0], "\(results.map(\.stderr))")
        #expect(results.filter { $0.stdout.hasPrefix("applied, from an empty database:") }.count == 1)
        #expect(results.filter { $0.stdout == "schema \(Schema.latest.name) is current; nothing to do\n" }.count == 1)
        let ids = try database.connect().query("SELECT id FROM siam.schema_migration ORDER BY id").rows.map { try $0.int("id") }
        #expect(ids == Schema.migrations.map(\.id))
    }

    @Test func aFailingMigrationRollsBackWholeAndTheNextTryAppliesIt() throws {
        let database = try TestDatabase()
        let connection = try database.connect()
        let catalogBefore = try TestCluster.catalog(database: database.name)
        let failing = Schema.migrations + [Migration(id: Schema.latest.id + 1, name: "9000_fails_halfway", sql: """
            CREATE TABLE siam.half_done (id integer);
            INSERT INTO siam.half_done VALUES (1);
            SELECT 1 / 0;
            """)]
        #expect {
            try connection.migrate(siamdVersion: "test", migrations: failing)
        } throws: { error in
            "\(error)" == "migration 9000_fails_halfway failed and was rolled back (those before it stay applied): division by zero"
        }
        #expect(try TestCluster.catalog(database: database.name) == catalogBefore)
        #expect(try connection.query("SELECT max(id) AS id FROM siam.schema_migration").first!.int("id") == Schema.latest.id)

        let fixed = Schema.migrations + [Migration(id: Schema.latest.id + 1, name: "9000_fixed",
                                                   sql: "CREATE TABLE siam.half_done (id integer);")]
        let outcome = try connection.migrate(siamdVersion: "test", migrations: fixed)
        #expect(outcome.applied.map(\.name) == ["9000_fixed"])
        #expect(outcome.definitionsApplied)
        #expect(try connection.query("SELECT to_regclass('siam.half_done') IS NOT NULL AS ok").first!.bool("ok"))
        // This build does not know 9000: the database is now newer than it.
        let refused = try CLI.run(["supplier", "list"], database: database.conninfo)
        #expect(refused.status == 4)
        #expect(refused.stderr.contains("the database schema is at 9000_fixed, newer than this siamd"))
    }

    @Test func anAppliedMigrationEditedLaterIsCaught() throws {
        let database = try TestDatabase()
        try database.connect().query("UPDATE siam.schema_migration SET checksum = '0123456789abcdef' WHERE id = 1")
        let expected = "siamd: error: migration 0001_baseline was applied with checksum 0123456789abcdef, but this siamd's copy has \(Schema.migrations[0].checksum): the migration or its record was changed after it was applied; restore it (or use the siamd that applied it)\n"
        for arguments in [["incident", "list"], ["db", "migrate"], ["db", "status"]] {
            let result = try CLI.run(arguments, database: database.conninfo)
            #expect(result.status == 4, "\(arguments)")
            #expect(result.stderr == expected, "\(arguments)")
        }
    }

    @Test func dryRunListsWhatWouldBeAppliedAndChangesNothing() throws {
        let database = try legacyDatabase(Self.oldSchemas[0])
        let catalogBefore = try TestCluster.catalog(database: database.name)
        let result = try CLI.run(["db", "migrate", "--dry-run"], database: database.conninfo)
        #expect(result.status == 0)
        #expect(result.stdout == """
            would apply, from version 2 (before numbered migrations):
              0001_baseline (recorded: the database was made before numbered migrations)
            \(Schema.migrations.dropFirst().map { "  \($0.name)\n" }.joined())  definitions (\(Schema.definitions.count) files)
            then the schema would be at \(Schema.latest.name)

            """)
        #expect(try TestCluster.catalog(database: database.name) == catalogBefore)
        let refused = try CLI.run(["incident", "list"], database: database.conninfo)
        #expect(refused.status == 4)
        #expect(refused.stderr == "siamd: error: the database schema is at version 2, from before numbered migrations; this siamd needs \(Schema.latest.name) (\(Schema.migrations.count - 1) migration\(Schema.migrations.count == 2 ? "" : "s") pending): run 'siamd db migrate'\n")
    }

    @Test func aChangedDefinitionIsAppliedAgainWithoutAMigration() throws {
        let database = try TestDatabase()
        let connection = try database.connect()
        try connection.query("UPDATE siam.schema_definition SET checksum = 'stale' WHERE name = 'reports'")
        try connection.query("ALTER FUNCTION siam.scorecard(timestamptz, timestamptz) SET work_mem = '1MB'")
        let status = try CLI.run(["db", "status"], database: database.conninfo)
        #expect(status.status == 0)
        #expect(status.stdout.contains("Definitions differ from this siamd's: reports ('siamd db migrate' applies them)"))
        let migrated = try CLI.run(["db", "migrate"], database: database.conninfo)
        #expect(migrated.stdout == "applied, from \(Schema.latest.name):\n  definitions (\(Schema.definitions.count) files)\nschema \(Schema.latest.name) is current\n")
        let settings = try connection.query("SELECT proconfig::text AS c FROM pg_proc WHERE oid = 'siam.scorecard(timestamptz, timestamptz)'::regprocedure")
        #expect(try settings.first!.optionalString("c")?.contains("work_mem") != true)
        // CREATE OR REPLACE resets SECURITY DEFINER: the security file sets it again.
        let definers = try connection.query("SELECT count(*) AS n FROM pg_proc WHERE pronamespace = 'siam'::regnamespace AND prosecdef")
        #expect(try definers.first!.int("n") > 50)
    }

    @Test func aSchemaThatSiamdDidNotMakeIsNeverBuiltOver() throws {
        let database = TestDatabase(conninfo: try TestCluster.makeEmptyDatabase())
        try database.connect().query("CREATE SCHEMA siam")
        let result = try CLI.run(["db", "migrate"], database: database.conninfo)
        #expect(result.status == 4)
        #expect(result.stderr == "siamd: error: schema \"siam\" exists but holds no siamd schema record: siamd does not build over it; drop it or use another database\n")
    }

    @Test func adoptingAnOldDatabaseIsUndoneWhenItsFirstMigrationFails() throws {
        let database = try legacyDatabase(Self.oldSchemas[0])
        let catalogBefore = try TestCluster.catalog(database: database.name)
        let failing = [Schema.migrations[0], Migration(id: 2, name: "0002_fails", sql: "SELECT 1 / 0;")]
        #expect(throws: SchemaError.self) { try database.connect().migrate(siamdVersion: "test", migrations: failing) }
        // Nothing recorded, nothing changed: 0001's record went with 0002's transaction.
        #expect(try TestCluster.catalog(database: database.name) == catalogBefore)
        let refused = try CLI.run(["db", "migrate", "--dry-run"], database: database.conninfo)
        #expect(refused.stdout.contains("0001_baseline (recorded: the database was made before numbered migrations)"))
    }

    @Test func onlyTheSchemasOwnerMigratesAndTheDryRunSaysSoToo() throws {
        let database = try TestDatabase()
        let admin = try database.loginRole("operator", group: "siam_admin")
        // With nothing to do, any role hears so.
        let current = try CLI.run(["db", "migrate"], database: admin.conninfo)
        #expect(current.status == 0, "\(current.stderr)")
        #expect(current.stdout == "schema \(Schema.latest.name) is current; nothing to do\n")
        try database.connect().query("UPDATE siam.schema_definition SET checksum = 'stale'")
        for arguments in [["db", "migrate"], ["db", "migrate", "--dry-run"]] {
            let result = try CLI.run(arguments, database: admin.conninfo)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.stderr == "siamd: error: siamd db migrate changes the schema, so it must run as the owner of schema siam (role \(try TestCluster.cluster().superuser)) or a member of it, not as \(admin.role)\n")
        }
    }

    @Test func aRunningDaemonStopsWhenTheSchemaMovesAheadOfIt() throws {
        let database = try TestDatabase()
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") && $0.key != "DATABASE_URL" }
        environment["DATABASE_URL"] = database.conninfo
        let daemon = try ChildProcess.start(CLI.binary, ["run", "--poll-interval", "30s"], environment: environment)
        let connection = try database.connect()
        try connection.listen("siam_event")
        // Registered (daemon.started): it is past its start-up checks and waiting.
        var registered = try connection.query("SELECT count(*) AS n FROM siam.daemon").first!.int("n") > 0
        let deadline = ContinuousClock.now + .seconds(30)
        while !registered && ContinuousClock.now < deadline {
            _ = try connection.waitForNotifications(timeout: .seconds(1))
            registered = try connection.query("SELECT count(*) AS n FROM siam.daemon").first!.int("n") > 0
        }
        #expect(registered)
        try connection.transaction {
            try connection.query("INSERT INTO siam.schema_migration (id, name, checksum) VALUES (9001, '9001_newer', 'x')")
            try connection.query("SELECT pg_notify('siam_schema', '9001_newer')")
        }
        let result = try daemon.wait()
        #expect(result.status == 4)
        #expect(result.stderr.contains("the database schema moved ahead of this siamd; stopping"))
        #expect(result.stderr.hasSuffix("siamd: error: the database schema is at 9001_newer, newer than this siamd (which knows up to \(Schema.latest.name)): use a newer siamd\n"))
    }
}
