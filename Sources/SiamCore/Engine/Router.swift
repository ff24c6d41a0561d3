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
/// active, under capacity, not excluded (they rejected it, let an offer expire, gave it back,
/// or hold it), the best preference rank, then the lowest load, then the code (so the choice
/// is deterministic). ``Router/assess(_:excluding:)`` is the rule; ``Router/choose(from:excluding:)``
/// and `siamd incident explain` both read it.
public enum Router {
    /// The outcome: the supplier, or why there is none.
    public enum Choice: Sendable, Equatable {
        case supplier(Candidate)
        case none(reason: String)
    }

    /// What the router made of one candidate.
    public enum Verdict: Sendable, Equatable {
        /// The best eligible one.
        case chosen
        /// Eligible, but the chosen one comes first (better rank, or the same rank and less load).
        case outranked
        /// Left out for what it did or holds (`why`: "rejected it", "owns it", ...).
        case excluded(why: String)
        case notActive(SupplierStatus)
        case atCapacity
    }

    /// A candidate and its verdict.
    public struct Assessment: Sendable, Equatable {
        public var candidate: Candidate
        public var verdict: Verdict

        /// The verdict as a person reads it.
        public var text: String {
            let capacity = candidate.capacity.map(String.init) ?? "unlimited"
            switch verdict {
            case .chosen: return "chosen: best eligible (rank \(candidate.rank), load \(candidate.load)/\(capacity))"
            case .outranked: return "eligible, ranked after the chosen one (rank \(candidate.rank), load \(candidate.load)/\(capacity))"
            case .excluded(let why): return "passed over: \(why)"
            case .notActive(let status): return "passed over: \(status.rawValue), not active"
            case .atCapacity: return "passed over: at capacity (\(candidate.load)/\(capacity))"
            }
        }
    }

    /// Every candidate with its verdict, in the order the router prefers them (rank, load, code).
    public static func assess(_ candidates: [Candidate], excluding excluded: [String: String]) -> [Assessment] {
        let ordered = candidates.sorted { ($0.rank, $0.load, $0.supplier) < ($1.rank, $1.load, $1.supplier) }
        var chosen = false
        return ordered.map { candidate in
            let verdict: Verdict
            if let why = excluded[candidate.supplier] {
                verdict = .excluded(why: why)
            } else if candidate.status != .active {
                verdict = .notActive(candidate.status)
            } else if !candidate.hasRoom {
                verdict = .atCapacity
            } else {
                verdict = chosen ? .outranked : .chosen
                chosen = true
            }
            return Assessment(candidate: candidate, verdict: verdict)
        }
    }

    public static func choose(from candidates: [Candidate], excluding excluded: Set<String>) -> Choice {
        choose(from: candidates, excluding: Dictionary(uniqueKeysWithValues: excluded.map { ($0, "declined or holds it") }))
    }

    public static func choose(from candidates: [Candidate], excluding excluded: [String: String]) -> Choice {
        let assessments = assess(candidates, excluding: excluded)
        if let best = assessments.first(where: { $0.verdict == .chosen }) { return .supplier(best.candidate) }
        if candidates.isEmpty { return .none(reason: "no supplier serves the service") }
        let refusals = assessments.sorted { $0.candidate.supplier < $1.candidate.supplier }.map { assessment in
            let candidate = assessment.candidate
            switch assessment.verdict {
            case .notActive(let status): return "\(candidate.supplier) is \(status.rawValue)"
            case .atCapacity: return "\(candidate.supplier) is at capacity (\(candidate.load)/\(candidate.capacity ?? 0))"
            default: return "\(candidate.supplier) declined or holds it"
            }
        }
        return .none(reason: "no eligible supplier: " + refusals.joined(separator: ", "))
    }

    /// What an offer's reason says of the better-ranked candidates passed over: how many, and
    /// why, without naming them (the offered supplier reads the offer's event, and suppliers
    /// compete: `siamd incident explain` names them for the integrator). Empty when none.
    public static func passedOver(_ assessments: [Assessment], before chosen: Candidate) -> String {
        let skipped = assessments.filter { $0.candidate.rank < chosen.rank && $0.verdict != .chosen }
        guard !skipped.isEmpty else { return "" }
        var counts: [(String, Int)] = []
        for assessment in skipped {
            let why: String
            switch assessment.verdict {
            case .excluded(let reason): why = reason
            case .notActive(let status): why = status.rawValue
            case .atCapacity: why = "at capacity"
            case .chosen, .outranked: continue
            }
            if let index = counts.firstIndex(where: { $0.0 == why }) { counts[index].1 += 1 } else { counts.append((why, 1)) }
        }
        return "; ranked above it: " + counts.map { "\($0.1) \($0.0)" }.joined(separator: ", ")
    }
}
