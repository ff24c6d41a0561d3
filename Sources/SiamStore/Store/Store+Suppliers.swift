import SiamCore

extension Store {
    static let supplierColumns = """
        s.code, s.name, s.status, s.capacity, s.calendar, s.created_at, s.updated_at,
        (SELECT l.held FROM siam.supplier_load AS l WHERE l.supplier = s.code) AS open_load,
        (SELECT coalesce(array_agg(ss.service || ':' || ss.rank ORDER BY ss.rank, ss.service), '{}')
         FROM siam.supplier_service AS ss WHERE ss.supplier = s.code)::text AS serves
        """

    /// Adds a supplier in status onboarding.
    public func addSupplier(code: String, name: String, capacity: Int?, calendar: String?) throws {
        _ = try call("SELECT siam.supplier_add($1, $2, $3::integer, $4) AS code", [code, name, capacity, calendar])
    }

    /// Changes a supplier's status; returns the new status.
    public func setSupplierStatus(code: String, status: String, reason: String?) throws {
        _ = try call("SELECT siam.supplier_set_status($1, $2, $3) AS status", [code, status, reason])
    }

    /// Records that a supplier serves a service at a rank.
    public func serve(supplier: String, service: String, rank: Int) throws {
        _ = try call("SELECT siam.supplier_serve($1, $2, $3::integer) AS rank", [supplier, service, rank])
    }

    /// Maps a database login role to a supplier (its integration).
    public func grant(supplier: String, role: String) throws {
        _ = try call("SELECT siam.supplier_grant($1, $2) AS role", [supplier, role])
    }

    /// Ends a login role's mapping to its supplier; returns the supplier it acted for.
    @discardableResult
    public func revoke(role: String) throws -> String {
        try call("SELECT siam.supplier_revoke($1) AS supplier", [role]).string("supplier")
    }

    public func suppliers() throws -> [Supplier] {
        try connection.query("SELECT \(Self.supplierColumns) FROM siam.supplier AS s ORDER BY s.code")
            .rows.map(Self.supplier)
    }

    public func supplier(code: String) throws -> Supplier? {
        try connection.query("SELECT \(Self.supplierColumns) FROM siam.supplier AS s WHERE s.code = $1", [code])
            .rows.first.map(Self.supplier)
    }

    /// The services a supplier serves, by rank.
    public func services(servedBy supplier: String) throws -> [SupplierService] {
        try connection.query(
            "SELECT supplier, service, rank FROM siam.supplier_service WHERE supplier = $1 ORDER BY rank, service",
            [supplier]
        ).rows.map { SupplierService(supplier: try $0.string("supplier"), service: try $0.string("service"), rank: try $0.int("rank")) }
    }

    /// `{network:1,sap-hr:2}` (codes hold no `,`, `:`, braces or quotes) as services by rank.
    static func serves(code: String, _ text: String) throws -> [SupplierService] {
        text.dropFirst().dropLast().split(separator: ",").compactMap { entry in
            let parts = entry.split(separator: ":")
            guard parts.count == 2, let rank = Int(parts[1]) else { return nil }
            return SupplierService(supplier: code, service: String(parts[0]), rank: rank)
        }
    }

    static func supplier(_ row: Row) throws -> Supplier {
        Supplier(
            code: try row.string("code"),
            name: try row.string("name"),
            status: try row.enumValue("status"),
            capacity: try row.optionalInt("capacity"),
            calendar: try row.optionalString("calendar"),
            createdAt: try row.instant("created_at"),
            updatedAt: try row.instant("updated_at"),
            openLoad: try row.int("open_load"),
            serves: try Self.serves(code: try row.string("code"), try row.string("serves")))
    }
}
