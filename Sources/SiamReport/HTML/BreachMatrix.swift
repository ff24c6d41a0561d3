/// The SLA breaches of a report arranged by holder, for the breach charts: who held the
/// incident when the clock ran out, against service and against priority.
struct BreachMatrix {
    /// A row: a supplier, or nobody (the integrator held the incident).
    struct Holder: Hashable {
        /// nil: unassigned.
        let supplier: String?

        /// The value of the marks' `data-holder`: the supplier code, or `(unassigned)`,
        /// which no code can be.
        var key: String { supplier ?? "(unassigned)" }
    }

    /// Holders with at least one breach: suppliers in page order, then unassigned.
    let holders: [Holder]
    /// Services with at least one breach, in code order.
    let services: [String]
    /// Priorities with at least one breach, most urgent first (`P1` before `P2`).
    let priorities: [String]
    private let byService: [Holder: [String: Int]]
    private let byPriority: [Holder: [String: Int]]

    init(_ report: ScorecardReport, _ directory: SupplierDirectory) {
        var byService: [Holder: [String: Int]] = [:]
        var byPriority: [Holder: [String: Int]] = [:]
        for breach in report.breaches where breach.count > 0 {
            let holder = Holder(supplier: breach.supplier)
            byService[holder, default: [:]][breach.service, default: 0] += breach.count
            byPriority[holder, default: [:]][breach.priority, default: 0] += breach.count
        }
        self.byService = byService
        self.byPriority = byPriority
        holders = byService.keys.sorted { a, b in
            switch (a.supplier, b.supplier) {
            case (nil, _): return false
            case (_, nil): return true
            case let (x?, y?): return directory.index(of: x) < directory.index(of: y)
            }
        }
        services = Set(byService.values.flatMap(\.keys)).sorted()
        priorities = Set(byPriority.values.flatMap(\.keys)).sorted()
    }

    var isEmpty: Bool { holders.isEmpty }

    func count(_ holder: Holder, service: String) -> Int {
        byService[holder]?[service] ?? 0
    }

    func count(_ holder: Holder, priority: String) -> Int {
        byPriority[holder]?[priority] ?? 0
    }

    func total(_ holder: Holder) -> Int {
        byService[holder]?.values.reduce(0, +) ?? 0
    }

    func total(service: String) -> Int {
        byService.values.reduce(0) { $0 + ($1[service] ?? 0) }
    }

    var total: Int {
        byService.values.reduce(0) { $0 + $1.values.reduce(0, +) }
    }

    /// The largest count in one (holder, service) cell.
    var largestCell: Int {
        byService.values.flatMap(\.values).max() ?? 0
    }

    /// The row label: the supplier's name, or "Unassigned".
    func label(_ holder: Holder, _ directory: SupplierDirectory) -> String {
        holder.supplier.map { directory.name(of: $0) } ?? "Unassigned"
    }
}
