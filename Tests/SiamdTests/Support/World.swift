import SiamCore
import SiamStore

/// A small multi-vendor world for tests, built through the same functions the CLI uses:
/// calendar `eu` (Europe/Berlin, mon-fri 08:00-12:00,13:00-17:00, 12-25 a holiday), services
/// `network` and `sap-hr`, active suppliers `acme` (rank 1, capacity 2, calendar eu),
/// `beta` (rank 2) and `gamma` (rank 3, onboarding), an SLA and an OLA for P2.
struct World {
    let store: Store

    @discardableResult
    static func build(in database: TestDatabase) throws -> World {
        let store = try database.store(actor: "world")
        try store.addCalendar(name: "eu", calendar: BusinessCalendar(
            zone: "Europe/Berlin", hours: "mon-fri 08:00-12:00,13:00-17:00", holidays: ["12-25"]))
        try store.addService(code: "network", name: "Network")
        try store.addService(code: "sap-hr", name: "SAP HR")
        try store.addSupplier(code: "acme", name: "Acme Ltd", capacity: 2, calendar: "eu")
        try store.addSupplier(code: "beta", name: "Beta GmbH", capacity: nil, calendar: nil)
        try store.addSupplier(code: "gamma", name: "Gamma", capacity: nil, calendar: nil)
        try store.setSupplierStatus(code: "acme", status: "active", reason: nil)
        try store.setSupplierStatus(code: "beta", status: "active", reason: nil)
        try store.serve(supplier: "acme", service: "network", rank: 1)
        try store.serve(supplier: "beta", service: "network", rank: 2)
        try store.serve(supplier: "gamma", service: "network", rank: 3)
        try store.setTarget(TargetChange(
            kind: .sla, priority: .p2, service: nil, supplier: nil, calendar: "eu",
            accept: nil, acknowledge: BusinessDuration(seconds: 3600), resolve: BusinessDuration(seconds: 8 * 3600)))
        try store.setTarget(TargetChange(
            kind: .ola, priority: .p2, service: nil, supplier: nil, calendar: nil,
            accept: BusinessDuration(seconds: 1800), acknowledge: nil, resolve: BusinessDuration(seconds: 4 * 3600)))
        return World(store: store)
    }
}
