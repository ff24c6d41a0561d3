/// The database schema siamd works on: `schema.sql` at the top of the repository, embedded
/// into the binary at build time so that `siamd db init` needs no files beside it.
public enum Schema {
    /// The schema version this build of siamd reads and writes.
    public static let version = 2

    /// The text of `schema.sql`.
    public static let sql = String(decoding: PackageResources.schema_sql, as: UTF8.self)
}

/// What a database holds, as far as siamd is concerned.
public enum SchemaState: Equatable, Sendable {
    /// No `siam` schema: run `siamd db init`.
    case missing
    /// The schema this build expects.
    case current
    /// Another version of the schema.
    case other(version: Int)
}

extension PostgresConnection {
    /// Reads the schema version, telling a missing schema from another version.
    public func schemaState() throws -> SchemaState {
        let exists = try query("SELECT to_regclass('siam.schema_version') IS NOT NULL AS present")
        guard try exists.first?.bool("present") == true else { return .missing }
        guard let version = try query("SELECT version FROM siam.schema_version").first?.int("version") else {
            return .missing
        }
        return version == Schema.version ? .current : .other(version: version)
    }

    /// Applies the embedded schema to a database that has none. The script is one transaction.
    public func applySchema() throws {
        try executeScript(StaticOrEmbeddedSQL(embedded: Schema.sql))
    }

    /// Throws a clear error unless the database holds the schema this build expects.
    public func requireCurrentSchema() throws {
        switch try schemaState() {
        case .current:
            return
        case .missing:
            throw SchemaError.missing
        case .other(let version):
            throw SchemaError.otherVersion(found: version, expected: Schema.version)
        }
    }
}

/// The database does not hold the schema this build of siamd works on.
public enum SchemaError: Error, CustomStringConvertible, Equatable, Sendable {
    case missing
    case otherVersion(found: Int, expected: Int)

    public var description: String {
        switch self {
        case .missing:
            return "the database has no siamd schema: run 'siamd db init' first"
        case .otherVersion(let found, let expected):
            return "the database holds siamd schema version \(found), but this siamd works on version \(expected)"
        }
    }
}
