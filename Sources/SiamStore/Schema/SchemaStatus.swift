import SiamCore

/// A migration as recorded in a database's `siam.schema_migration`.
public struct AppliedMigration: Sendable, Equatable {
    public let id: Int
    public let name: String
    public let checksum: String
    public let appliedAt: Instant
    public let appliedBy: String
    public let siamdVersion: String?
    /// Recorded without being run: 0001 on a database made before numbered migrations.
    public let adopted: Bool
}

/// What a database holds, compared with the schema this build of siamd works on.
public struct SchemaStatus: Sendable {
    /// How the database records its schema.
    public enum Origin: Sendable, Equatable {
        /// No `siam` schema at all.
        case empty
        /// Made before numbered migrations: only `siam.schema_version`, with this version.
        case legacy(version: Int)
        /// Recorded in `siam.schema_migration`.
        case migrated
    }

    public let origin: Origin
    /// The migrations this build knows (`Schema.migrations`, or a test's list).
    public let known: [Migration]
    /// What the database records, oldest first.
    public let applied: [AppliedMigration]
    /// Migrations this build knows that the database lacks, in the order they would be applied.
    public let pending: [Migration]
    /// Definitions files whose text differs from what the database last applied (or that it
    /// never applied): `db migrate` applies them all again.
    public let staleDefinitions: [String]

    /// Why siamd cannot work on this database as it is; nil when it can.
    public var problem: SchemaError? {
        switch origin {
        case .empty:
            return .missing
        case .legacy(let version) where version != Schema.legacyVersion:
            return .unsupportedLegacy(version: version)
        case .legacy:
            return .pending(at: "version \(Schema.legacyVersion), from before numbered migrations",
                            needs: known.last!.name, count: pending.count)
        case .migrated:
            let byID = Dictionary(uniqueKeysWithValues: known.map { ($0.id, $0) })
            if let newer = applied.last(where: { byID[$0.id] == nil }) {
                return .newer(database: newer.name, known: known.last!.name)
            }
            if let altered = applied.first(where: { byID[$0.id]!.checksum != $0.checksum }) {
                return .altered(name: altered.name, recorded: altered.checksum, expected: byID[altered.id]!.checksum)
            }
            if !pending.isEmpty {
                return .pending(at: applied.last?.name ?? "nothing", needs: known.last!.name, count: pending.count)
            }
            return nil
        }
    }

    /// The newest migration recorded, e.g. `0002_version2_made_one`; nil when none is.
    public var version: String? {
        switch origin {
        case .empty: return nil
        case .legacy(let version): return "version \(version) (before numbered migrations)"
        case .migrated: return applied.last?.name
        }
    }
}

/// The database does not hold the schema this build of siamd works on.
public enum SchemaError: Error, CustomStringConvertible, Equatable, Sendable {
    case missing
    /// Older than this build: `db migrate` brings it up to date.
    case pending(at: String, needs: String, count: Int)
    /// Newer than this build: a newer siamd migrated it.
    case newer(database: String, known: String)
    /// An applied migration's recorded checksum differs from this build's copy.
    case altered(name: String, recorded: String, expected: String)
    /// Made before numbered migrations, in a version that cannot be upgraded.
    case unsupportedLegacy(version: Int)
    /// A migration failed; it was rolled back whole.
    case migrationFailed(name: String, reason: String)
    /// Schema changes need the owner of schema siam.
    case notOwner(owner: String, role: String)
    /// A schema `siam` that siamd did not make.
    case foreign

    public var description: String {
        switch self {
        case .missing:
            return "the database has no siamd schema: run 'siamd db migrate' (or 'siamd db init') first"
        case .pending(let at, let needs, let count):
            return "the database schema is at \(at); this siamd needs \(needs) (\(count) migration\(count == 1 ? "" : "s") pending): run 'siamd db migrate'"
        case .newer(let database, let known):
            return "the database schema is at \(database), newer than this siamd (which knows up to \(known)): use a newer siamd"
        case .altered(let name, let recorded, let expected):
            return "migration \(name) was applied with checksum \(recorded), but this siamd's copy has \(expected): the migration or its record was changed after it was applied; restore it (or use the siamd that applied it)"
        case .unsupportedLegacy(let version):
            return "the database holds siamd schema version \(version), from before upgrades were possible; only version \(Schema.legacyVersion) can be upgraded: rebuild it with 'siamd db init' on an empty database"
        case .migrationFailed(let name, let reason):
            return "migration \(name) failed and was rolled back (those before it stay applied): \(reason)"
        case .foreign:
            return "schema \"siam\" exists but holds no siamd schema record: siamd does not build over it; drop it or use another database"
        case .notOwner(let owner, let role):
            return "siamd db migrate changes the schema, so it must run as the owner of schema siam (role \(owner)) or a member of it, not as \(role)"
        }
    }
}
