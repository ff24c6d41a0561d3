import SiamCore
import ArgumentParser
import SiamDaemon
import SiamStore

struct DbCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Create, upgrade or check the database schema.",
        subcommands: [Init.self, Migrate.self, Status.self, SchemaScript.self, StopEmbedded.self])

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the siamd schema in an empty database (same as 'db migrate'; upgrades one that has an older schema).")

        @OptionGroup var options: GlobalOptions

        func run() throws {
            try DbCommand.migrate(options: options, dryRun: false)
        }
    }

    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Bring the database to this siamd's schema: apply the pending migrations, each in its own transaction.",
            discussion: """
                Concurrent calls take turns (an advisory lock); the second finds nothing to do. A \
                database newer than this siamd, or one whose applied migration differs from this \
                siamd's copy, is refused before anything changes (exit 4); a failing migration is \
                rolled back whole (exit 1); those before it stay applied. It must run as the owner of \
                schema siam when there is something to apply. Running daemons of an older siamd \
                (0.3.0 and later) stop when the schema moves ahead of them; stop 0.2.0 daemons first. \
                Back up first: see the README's "Upgrading siamd".
                """)

        @OptionGroup var options: GlobalOptions

        @Flag(name: .long, help: "List what would be applied; change nothing.")
        var dryRun = false

        func run() throws {
            try DbCommand.migrate(options: options, dryRun: dryRun)
        }
    }

    /// `db init` and `db migrate`: one path, so an empty database and an old one are treated alike.
    static func migrate(options: GlobalOptions, dryRun: Bool) throws {
        let connection = try options.openConnection()
        let outcome = try connection.migrate(dryRun: dryRun, siamdVersion: SiamdVersion.current)
        let output = Output(json: options.json)
        let steps = (outcome.adopted ? ["\(Schema.migrations[0].name) (recorded: the database was made before numbered migrations)"] : [])
            + outcome.applied.map(\.name) + (outcome.definitionsApplied ? ["definitions (\(Schema.definitions.count) files)"] : [])
        let record = JSONValue.object([
            ("dry_run", .bool(dryRun)),
            ("before", outcome.before.map(JSONValue.string) ?? .null),
            ("after", .string(Schema.latest.name)),
            ("adopted", .bool(outcome.adopted)),
            ("applied", .array(outcome.applied.map { .string($0.name) })),
            ("definitions_applied", .bool(outcome.definitionsApplied)),
        ])
        if options.json {
            output.done("", record: record)
        } else if outcome.isEmpty {
            print("schema \(Schema.latest.name) is current; nothing to do")
        } else {
            print(dryRun ? "would apply, from \(outcome.before ?? "an empty database"):" : "applied, from \(outcome.before ?? "an empty database"):")
            steps.forEach { print("  \($0)") }
            print(dryRun ? "then the schema would be at \(Schema.latest.name)" : "schema \(Schema.latest.name) is current")
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the database's schema: applied and pending migrations (exit 4 unless this siamd can work on it).")

        @OptionGroup var options: GlobalOptions

        func run() throws {
            let connection = try options.openConnection()
            let status = try connection.schemaStatus()
            let server = try connection.query(
                "SELECT current_database() AS database, current_user AS role, current_setting('server_version') AS version")
                .first!
            let problem = status.problem
            let fields: [(String, JSONValue)] = [
                ("database", .string(try server.string("database"))),
                ("role", .string(try server.string("role"))),
                ("server_version", .string(try server.string("version"))),
                ("schema_version", status.version.map(JSONValue.string) ?? .null),
                ("expected_version", .string(Schema.latest.name)),
                ("pending", .array(status.pending.map { .string($0.name) })),
                ("definitions_current", .bool(status.staleDefinitions.isEmpty)),
                ("ok", .bool(problem == nil)),
            ]
            let applied = status.applied.map(AppliedMigrationRow.init)
            let output = Output(json: options.json)
            output.record(fields, nested: [("applied", .array(applied.map(\.json)))])
            output.section("Applied migrations", applied)
            if !options.json {
                print("")
                print("Pending migrations:")
                print(status.pending.isEmpty ? "  (none)" : status.pending.map { "  " + $0.name }.joined(separator: "\n"))
                if !status.staleDefinitions.isEmpty, status.origin == .migrated {
                    print("")
                    print("Definitions differ from this siamd's: \(status.staleDefinitions.joined(separator: ", ")) ('siamd db migrate' applies them)")
                }
            }
            if let problem { throw problem }
        }
    }

    struct SchemaScript: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "schema",
            abstract: "Print the whole current schema as one psql script for an empty database (the repository's schema.sql).")

        func run() throws {
            print(Schema.script(), terminator: "")
        }
    }
}

/// One row of `db status`'s applied migrations.
struct AppliedMigrationRow: Presentable {
    let migration: AppliedMigration

    var fields: [(String, JSONValue)] {
        [
            ("id", .int(Int64(migration.id))),
            ("name", .string(migration.name)),
            ("checksum", .string(migration.checksum)),
            ("applied_at", JSONValue(migration.appliedAt)),
            ("applied_by", .string(migration.appliedBy)),
            ("siamd_version", migration.siamdVersion.map(JSONValue.string) ?? .null),
            ("adopted", .bool(migration.adopted)),
        ]
    }

    static let tableColumns = ["name", "applied_at", "applied_by", "siamd_version", "adopted"]
}

extension DbCommand {
    struct StopEmbedded: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "stop-embedded",
            abstract: "Stop siamd's embedded PostgreSQL (used when no database is configured); --remove deletes it.")

        @Flag(help: "Also delete the embedded cluster and all its data.")
        var remove = false

        func run() throws {
            let directory = EmbeddedDatabase.stateDirectory()
            if try EmbeddedDatabase.stop(remove: remove, stateDirectory: directory) {
                print(remove ? "stopped and removed the embedded database in \(directory)" : "stopped the embedded database in \(directory)")
            } else {
                print("no embedded database in \(directory)")
            }
        }
    }
}
