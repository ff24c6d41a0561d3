import SiamStore

/// Runs SQL in a transaction; the refusal's SQLSTATE, nil when it succeeded.
func sqlState(_ connection: PostgresConnection, _ sql: String, _ parameters: [any SQLParameter] = []) -> String? {
    do {
        try connection.transaction { _ = try connection.query(sql, parameters) }
        return nil
    } catch let error as DatabaseError {
        return error.sqlState ?? "no SQLSTATE"
    } catch {
        return "\(error)"
    }
}
