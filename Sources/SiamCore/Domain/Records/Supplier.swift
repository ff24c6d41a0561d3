/// A supplier as stored in `siam.supplier`.
public struct Supplier: Sendable, Equatable {
    public var code: String
    public var name: String
    public var status: SupplierStatus
    /// Most open incidents it owns at once; nil = unlimited.
    public var capacity: Int?
    public var calendar: String?
    public var createdAt: Instant
    public var updatedAt: Instant
    /// Open incidents it owns now (assigned, in progress or pending).
    public var openLoad: Int
    /// The services it serves, by rank (filled by the listings; empty elsewhere).
    public var serves: [SupplierService]

    public init(code: String, name: String, status: SupplierStatus, capacity: Int?, calendar: String?,
                createdAt: Instant, updatedAt: Instant, openLoad: Int, serves: [SupplierService] = []) {
        self.code = code
        self.name = name
        self.status = status
        self.capacity = capacity
        self.calendar = calendar
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.openLoad = openLoad
        self.serves = serves
    }
}

/// That a supplier serves a service, at a preference rank (1 = preferred).
public struct SupplierService: Sendable, Equatable {
    public var supplier: String
    public var service: String
    public var rank: Int

    public init(supplier: String, service: String, rank: Int) {
        self.supplier = supplier
        self.service = service
        self.rank = rank
    }
}
