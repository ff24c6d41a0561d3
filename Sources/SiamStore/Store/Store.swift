import SiamCore

/// siamd's queries over one connection: every read and every call of the schema's
/// write functions (`siam.*`). Each write runs in a transaction with its event row; the
/// write functions record the event themselves.
public struct Store {
    public let connection: PostgresConnection
    /// Recorded as the actor of every event written through this store.
    public let actor: String

    public init(connection: PostgresConnection, actor: String) {
        self.connection = connection
        self.actor = actor
    }

    /// Runs body in one transaction with `siam.actor` set to this store's actor.
    public func write<T>(_ body: () throws -> T) throws -> T {
        try connection.transaction(actor: actor, body)
    }

    /// The database clock (`siam.clock()`).
    public func now() throws -> Instant {
        try connection.query("SELECT siam.clock() AS now").first!.instant("now")
    }

    /// Calls a write function that returns one value, in its own transaction.
    func call(_ sql: String, _ parameters: [any SQLParameter]) throws -> Row {
        try write {
            guard let row = try connection.query(sql, parameters).first else {
                throw RowDecodingError(description: "no row from: \(sql)")
            }
            return row
        }
    }
}
