import SiamCore

extension Store {
    /// Adds a service to the catalog.
    public func addService(code: String, name: String) throws {
        _ = try call("SELECT siam.service_add($1, $2) AS code", [code, name])
    }

    public func services() throws -> [CatalogEntry] {
        try connection.query("SELECT code, name, created_at FROM siam.service ORDER BY code").rows.map(Self.entry)
    }

    /// Adds a customer.
    public func addCustomer(code: String, name: String) throws {
        _ = try call("SELECT siam.customer_add($1, $2) AS code", [code, name])
    }

    public func customers() throws -> [CatalogEntry] {
        try connection.query("SELECT code, name, created_at FROM siam.customer ORDER BY code").rows.map(Self.entry)
    }

    static func entry(_ row: Row) throws -> CatalogEntry {
        CatalogEntry(code: try row.string("code"), name: try row.string("name"), createdAt: try row.instant("created_at"))
    }
}
