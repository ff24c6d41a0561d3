import CLibPQ

extension PostgresConnection {
    /// Runs body in a transaction: commits when it returns, rolls back when it throws.
    @discardableResult
    ///
    /// - Parameter actor: recorded as `siam.actor` for the transaction, so every event
    ///   row written in it names who acted.
    public func transaction<T>(actor: String? = nil, _ body: () throws -> T) throws -> T {
        // Inside a transaction already (a write made of several writes): one transaction, the
        // outer one's, so that all of it commits or none (a second BEGIN would not nest: the
        // inner COMMIT would commit the outer's work too).
        if transactionStatus != PQTRANS_IDLE {
            if let actor { try query("SELECT set_config('siam.actor', $1, true)", [actor]) }
            return try body()
        }
        try query("BEGIN")
        do {
            if let actor {
                try query("SELECT set_config('siam.actor', $1, true)", [actor])
            }
            let value = try body()
            try query("COMMIT")
            return value
        } catch {
            rollbackIfOpen()
            throw error
        }
    }

    /// Runs body in a transaction that is always rolled back: to look, or to try, without changing anything.
    public func rolledBackTransaction<T>(actor: String? = nil, _ body: () throws -> T) throws -> T {
        try query("BEGIN")
        defer { rollbackIfOpen() }
        if let actor {
            try query("SELECT set_config('siam.actor', $1, true)", [actor])
        }
        return try body()
    }

    /// Rolls back an open or failed transaction; a lost connection has none left to end.
    func rollbackIfOpen() {
        guard isConnected, transactionStatus != PQTRANS_IDLE else { return }
        _ = try? query("ROLLBACK")
    }
}

extension PostgresConnection {
    /// Runs body in one read-only, repeatable-read transaction: every query sees the same
    /// snapshot, so figures read by several queries agree. Always rolled back.
    public func readOnlySnapshot<T>(_ body: () throws -> T) throws -> T {
        try query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        defer { rollbackIfOpen() }
        return try body()
    }
}
