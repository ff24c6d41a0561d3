/// A supplier that might be offered an incident of some service.
public struct Candidate: Sendable, Equatable {
    public var supplier: String
    public var status: SupplierStatus
    /// Preference rank for the service: 1 is preferred.
    public var rank: Int
    /// Most open items at once; nil = unlimited.
    public var capacity: Int?
    /// Open incidents it owns plus open offers of whole incidents to it: the measure
    /// `siam.supplier_load.committed`, which the database also checks under the row lock.
    public var load: Int

    public init(supplier: String, status: SupplierStatus, rank: Int, capacity: Int?, load: Int) {
        self.supplier = supplier
        self.status = status
        self.rank = rank
        self.capacity = capacity
        self.load = load
    }

    var hasRoom: Bool { capacity.map { load < $0 } ?? true }
}

/// Chooses the supplier to offer an incident to: among those serving its service that are
/// active, under capacity, not excluded (they rejected it, let an offer expire, or hold it),
/// the best preference rank, then the lowest load, then the code (so the choice is
/// deterministic).
public enum Router {
    /// The outcome: the supplier, or why there is none.
    public enum Choice: Sendable, Equatable {
        case supplier(Candidate)
        case none(reason: String)
    }

    public static func choose(from candidates: [Candidate], excluding excluded: Set<String>) -> Choice {
        var refusals: [String] = []
        var eligible: [Candidate] = []
        for candidate in candidates.sorted(by: { $0.supplier < $1.supplier }) {
            if excluded.contains(candidate.supplier) {
                refusals.append("\(candidate.supplier) declined or holds it")
            } else if candidate.status != .active {
                refusals.append("\(candidate.supplier) is \(candidate.status.rawValue)")
            } else if !candidate.hasRoom {
                refusals.append("\(candidate.supplier) is at capacity (\(candidate.load)/\(candidate.capacity ?? 0))")
            } else {
                eligible.append(candidate)
            }
        }
        let best = eligible.min { a, b in
            (a.rank, a.load, a.supplier) < (b.rank, b.load, b.supplier)
        }
        if let best { return .supplier(best) }
        if candidates.isEmpty { return .none(reason: "no supplier serves the service") }
        return .none(reason: "no eligible supplier: " + refusals.joined(separator: ", "))
    }
}
