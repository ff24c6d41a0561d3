/// A service of the catalog (`siam.service`) or a customer (`siam.customer`): a code and a name.
public struct CatalogEntry: Sendable, Equatable {
    public var code: String
    public var name: String
    public var createdAt: Instant

    public init(code: String, name: String, createdAt: Instant) {
        self.code = code
        self.name = name
        self.createdAt = createdAt
    }
}
