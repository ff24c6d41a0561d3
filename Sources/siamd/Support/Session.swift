import SiamStore

extension GlobalOptions {
    /// Connects and checks that the database holds the schema this siamd works on.
    func openStore() throws -> Store {
        let connection = try PostgresConnection.connect(try connectionString())
        try connection.requireCurrentSchema()
        return Store(connection: connection, actor: resolvedActor)
    }

    /// Connects without checking the schema (for `db init` and `db status`).
    func openConnection() throws -> PostgresConnection {
        try PostgresConnection.connect(try connectionString())
    }

    /// The configured database, or the embedded default when nothing is configured at all.
    func connectionString() throws -> String? {
        let configured = resolvedDatabase
        return EmbeddedDatabase.applies(explicit: configured) ? try EmbeddedDatabase.ensureRunning() : configured
    }
}
