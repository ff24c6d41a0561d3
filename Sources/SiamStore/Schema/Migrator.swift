/// What `migrate` did (or, in a dry run, would do).
public struct MigrationOutcome: Sendable {
    /// The schema version before, as `SchemaStatus.version` tells it.
    public let before: String?
    /// True when migration 0001 was recorded for a database made before numbered migrations.
    public let adopted: Bool
    /// The migrations run, in order.
    public let applied: [Migration]
    /// True when the definitions files were applied.
    public let definitionsApplied: Bool

    /// Nothing was (or would be) changed.
    public var isEmpty: Bool { !adopted && applied.isEmpty && !definitionsApplied }
}

extension PostgresConnection {
    /// The advisory lock that makes concurrent `migrate` calls on one database take turns
    /// (an arbitrary constant: "siamd" in ASCII).
    static let migrationLockKey: Int64 = 0x73_69_61_6d_64

    /// The channel `migrate` notifies when it changed the schema, so that running daemons
    /// look at once whether it moved ahead of them.
    public static let schemaChannel = "siam_schema"

    /// Reads how the database records its schema, and what this build would apply.
    ///
    /// - Parameter known: the migrations to compare with; a test may add its own.
    public func schemaStatus(known: [Migration] = Schema.migrations) throws -> SchemaStatus {
        let found = try query("""
            SELECT to_regnamespace('siam') IS NOT NULL AS has_schema,
                   to_regclass('siam.schema_migration') IS NOT NULL AS migrated,
                   to_regclass('siam.schema_version') IS NOT NULL AS legacy
            """).first!
        if try found.bool("migrated") {
            let applied = try query("""
                SELECT id, name, checksum, applied_at, applied_by, siamd_version, adopted
                FROM siam.schema_migration ORDER BY id
                """).rows.map { row in
                AppliedMigration(id: try row.int("id"), name: try row.string("name"), checksum: try row.string("checksum"),
                                 appliedAt: try row.instant("applied_at"), appliedBy: try row.string("applied_by"),
                                 siamdVersion: try row.optionalString("siamd_version"), adopted: try row.bool("adopted"))
            }
            let recorded = Dictionary(uniqueKeysWithValues: try query("SELECT name, checksum FROM siam.schema_definition").rows.map {
                (try $0.string("name"), try $0.string("checksum"))
            })
            let appliedIDs = Set(applied.map(\.id))
            return SchemaStatus(origin: .migrated, known: known, applied: applied,
                                pending: known.filter { !appliedIDs.contains($0.id) },
                                staleDefinitions: Schema.definitions.filter { recorded[$0.name] != $0.checksum }.map(\.name))
        }
        if try found.bool("legacy"), let version = try query("SELECT version FROM siam.schema_version").first?.int("version") {
            return SchemaStatus(origin: .legacy(version: version), known: known, applied: [],
                                pending: Array(known.dropFirst()), staleDefinitions: Schema.definitions.map(\.name))
        }
        if try found.bool("has_schema") {
            // A schema siam that siamd did not make (or made half by hand): never build over it.
            throw SchemaError.foreign
        }
        return SchemaStatus(origin: .empty, known: known, applied: [], pending: known, staleDefinitions: Schema.definitions.map(\.name))
    }

    /// Throws a clear error unless the database holds the schema this build works on
    /// (definitions that differ are not an error: the functions keep their signatures).
    public func requireCurrentSchema() throws {
        if let problem = try schemaStatus().problem { throw problem }
    }

    /// The newest migration the database records (0 for none), for a running daemon's cheap
    /// check that the schema has not moved ahead of it.
    public func newestAppliedMigrationID() throws -> Int {
        guard try query("SELECT to_regclass('siam.schema_migration') IS NOT NULL AS migrated").first!.bool("migrated") else {
            return 0
        }
        return try query("SELECT coalesce(max(id), 0) AS id FROM siam.schema_migration").first!.int("id")
    }

    /// Brings the database to this build's schema: each pending migration in its own
    /// transaction (recorded with its checksum), then, when any migration ran or any
    /// definitions file differs, all definitions files in one more transaction.
    ///
    /// Concurrent calls take turns on an advisory lock, and the second finds nothing to do. A
    /// database newer than this build, or with an altered migration, is refused before
    /// anything changes; a failing migration is rolled back whole, and those before it stay.
    ///
    /// - Parameters:
    ///   - dryRun: only report what would be applied (takes no lock, changes nothing).
    ///   - siamdVersion: recorded with each migration.
    ///   - migrations: what to bring it to (a test or a benchmark may add its own).
    @discardableResult
    public func migrate(dryRun: Bool = false, siamdVersion: String,
                        migrations: [Migration] = Schema.migrations) throws -> MigrationOutcome {
        if dryRun { return try plan(try schemaStatus(known: migrations), applying: false, siamdVersion: siamdVersion) }
        try query("SELECT pg_advisory_lock($1::bigint)", [Self.migrationLockKey])
        defer { _ = try? query("SELECT pg_advisory_unlock($1::bigint)", [Self.migrationLockKey]) }
        return try plan(try schemaStatus(known: migrations), applying: true, siamdVersion: siamdVersion)
    }

    private func plan(_ status: SchemaStatus, applying: Bool, siamdVersion: String) throws -> MigrationOutcome {
        switch status.problem {
        case .newer, .altered, .unsupportedLegacy:
            throw status.problem!
        default:
            break
        }
        let adopting = status.origin == .legacy(version: Schema.legacyVersion)
        let definitionsDue = !status.pending.isEmpty || !status.staleDefinitions.isEmpty
        // Nothing to do is nothing to do, for any role; changes need the owner.
        if status.origin != .empty && (adopting || definitionsDue) { try requireSchemaOwner() }
        if applying {
            // The definitions go with the last migration, so that no session sees the new
            // tables with the old functions; alone when only they changed. Adopting a database
            // made before numbered migrations goes with the first, so that a failure leaves
            // nothing recorded.
            for (index, migration) in status.pending.enumerated() {
                try apply(migration, adopting: index == 0 && adopting ? status.known[0] : nil,
                          withDefinitions: index == status.pending.count - 1, siamdVersion: siamdVersion)
            }
            if status.pending.isEmpty && definitionsDue { try applyDefinitionsAlone() }
        }
        return MigrationOutcome(before: status.version, adopted: adopting, applied: status.pending,
                                definitionsApplied: definitionsDue)
    }

    /// Schema changes need the owner of schema siam (or a member of its role): refused up
    /// front, the dry run included, rather than by the first statement.
    private func requireSchemaOwner() throws {
        let row = try query("""
            SELECT n.nspowner::regrole::text AS owner, current_user AS me,
                   pg_has_role(current_user, n.nspowner, 'MEMBER') AS may
            FROM pg_catalog.pg_namespace AS n WHERE n.nspname = 'siam'
            """).first!
        guard try row.bool("may") else {
            throw SchemaError.notOwner(owner: try row.string("owner"), role: try row.string("me"))
        }
    }

    /// Applies one migration in its own transaction, recorded with it; with `adopting`, first
    /// records 0001 for a database made before numbered migrations (its tables are there
    /// already; migration 0002 then makes every "version 2" database alike).
    private func apply(_ migration: Migration, adopting baseline: Migration?, withDefinitions: Bool,
                       siamdVersion: String) throws {
        var step = migration.name
        do {
            try transaction {
                try prepareForSchemaChange()
                if let baseline {
                    try executeScript(StaticOrEmbeddedSQL(embedded: Schema.bookkeeping))
                    try record(baseline, siamdVersion: siamdVersion, adopted: true)
                }
                try executeScript(StaticOrEmbeddedSQL(embedded: migration.sql))
                if try !query("SELECT to_regclass('siam.schema_migration') IS NOT NULL AS ok").first!.bool("ok") {
                    try executeScript(StaticOrEmbeddedSQL(embedded: Schema.bookkeeping))
                }
                try record(migration, siamdVersion: siamdVersion, adopted: false)
                if withDefinitions {
                    step = "\(migration.name) (with the definitions)"
                    try applyDefinitions()
                }
                try query("SELECT pg_notify($1, $2)", [Self.schemaChannel, migration.name])
            }
        } catch let error as DatabaseError where error.kind != .connectionLost {
            throw SchemaError.migrationFailed(name: step, reason: Self.explain(error))
        }
    }

    /// A migration's failure as the operator needs it: a lock not granted says what to do.
    static func explain(_ error: DatabaseError) -> String {
        guard error.sqlState == "55P03" else { return error.description }
        return "a lock it needs was not granted within 30 s: another session holds one on what it changes "
            + "(siam.feed_holdback() and pg_stat_activity show the oldest open transactions); try again once it ends"
    }

    private func applyDefinitionsAlone() throws {
        do {
            try transaction {
                try prepareForSchemaChange()
                try applyDefinitions()
                try query("SELECT pg_notify($1, 'definitions')", [Self.schemaChannel])
            }
        } catch let error as DatabaseError where error.kind != .connectionLost {
            throw SchemaError.migrationFailed(name: "definitions", reason: Self.explain(error))
        }
    }

    /// Applies every definitions file, in order, and records their checksums (inside the
    /// caller's transaction).
    private func applyDefinitions() throws {
        // As pg_dump does: a function's body may name one defined in a later file.
        try query("SET LOCAL check_function_bodies = off")
        for file in Schema.definitions {
            try executeScript(StaticOrEmbeddedSQL(embedded: file.sql))
        }
        try query("DELETE FROM siam.schema_definition")
        try query("""
            INSERT INTO siam.schema_definition (name, checksum)
            SELECT * FROM unnest($1::text[], $2::text[])
            """, [Schema.definitions.map(\.name), Schema.definitions.map(\.checksum)])
    }

    /// A schema change may run long (an index over millions of rows) but must not queue
    /// behind a long transaction for ever, holding up everyone queued behind it.
    private func prepareForSchemaChange() throws {
        try query("SET LOCAL statement_timeout = 0")
        try query("SET LOCAL lock_timeout = '30s'")
        try query("SET LOCAL client_min_messages = warning")
    }

    private func record(_ migration: Migration, siamdVersion: String, adopted: Bool) throws {
        try query("""
            INSERT INTO siam.schema_migration (id, name, checksum, siamd_version, adopted)
            VALUES ($1, $2, $3, $4, $5)
            """, [migration.id, migration.name, migration.checksum, siamdVersion, adopted])
    }
}
