extension Store {
    /// The refusal for a code that names nothing: "unknown supplier 'acmee': did you mean
    /// 'acme'?", worded by the database (`siam.require_exists`, `siam.did_you_mean`) as for
    /// every SQL caller. `table` is one of siam's own (e.g. `siam.supplier`). Falls back to the
    /// plain words when this role may not ask (a reporting role).
    public func unknown(_ what: String, code: String, in table: String) -> any Error {
        do {
            _ = try connection.query("SELECT siam.require_exists($1::regclass, $2, $3) AS code", [table, code, what])
        } catch let error as DatabaseError where error.sqlState == "P0002" {
            return error
        } catch {}
        return DatabaseError(kind: .noDataFound, sqlState: "P0002", message: "unknown \(what) '\(code)'")
    }
}
