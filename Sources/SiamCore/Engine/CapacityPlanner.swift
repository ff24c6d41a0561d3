/// A supplier's load against its capacity, with its open capacity escalations.
public struct SupplierLoad: Sendable, Equatable {
    public var supplier: String
    /// nil: unlimited (its capacity was lifted; open capacity escalations close).
    public var capacity: Int?
    /// Open incidents it owns (`siam.supplier_load.held`).
    public var load: Int
    public var openEscalations: [Escalation]

    public init(supplier: String, capacity: Int?, load: Int, openEscalations: [Escalation]) {
        self.supplier = supplier
        self.capacity = capacity
        self.load = load
        self.openEscalations = openEscalations
    }
}

/// Capacity escalations: one per supplier × rule while the episode lasts. A supplier whose load
/// reaches a rule's first percent of its capacity gets it raised; its level climbs as the load
/// reaches later thresholds (never drops); it closes when the load falls below the first
/// threshold, and the next time is a new episode. Open ones repeat their current level at the
/// rule's interval until acknowledged.
public enum CapacityPlanner {
    public static func plan(_ suppliers: [SupplierLoad], rules: [EscalationRule], now: Instant)
        -> (decisions: [Decision], nextCheck: Instant?) {
        var decisions: [Decision] = []
        var nextCheck: Instant?
        func checkAt(_ instant: Instant) { nextCheck = min(nextCheck ?? instant, instant) }
        let capacityRules = rules.filter { $0.measure == .capacity && $0.enabled }
        for supplier in suppliers {
            let percent = supplier.capacity.map { $0 > 0 ? Double(supplier.load) * 100 / Double($0) : 0 } ?? 0
            let capacity = supplier.capacity.map(String.init) ?? "unlimited"
            for rule in capacityRules where rule.supplier == nil || rule.supplier == supplier.supplier {
                let reached = (rule.thresholds.lastIndex { percent >= $0 } ?? -1) + 1
                let open = supplier.openEscalations.first { $0.rule == rule.code }
                let raise = { (level: Int) in
                    Decision(incident: nil,
                             action: .raiseEscalation(rule: rule.code, level: level, handoff: nil, supplier: supplier.supplier),
                             reason: "\(supplier.supplier) holds \(supplier.load) open incidents, capacity \(capacity) (\(Int(percent)) %)")
                }
                switch (open, reached) {
                case (nil, 0):
                    continue
                case (nil, _):
                    decisions.append(raise(reached))
                case (let open?, 0):
                    decisions.append(Decision(incident: nil, action: .closeEscalation(escalation: open.id, cause: .belowThreshold),
                                              reason: "\(supplier.supplier) back to \(supplier.load)/\(capacity)"))
                    continue
                case (let open?, _) where reached > open.level:
                    decisions.append(raise(reached))
                case (let open?, _):
                    guard open.acknowledgedAt == nil, let every = rule.repeatEvery else { continue }
                    let next = Instant(seconds: open.lastNotifiedAt.seconds + every)
                    guard next <= now else { checkAt(next); continue }
                    decisions.append(Decision(incident: nil, action: .repeatEscalation(escalation: open.id),
                                              reason: "\(supplier.supplier) still at \(supplier.load)/\(capacity)", due: next))
                }
                // Raised, climbed or repeated: the next repeat is due one interval from now.
                if let every = rule.repeatEvery { checkAt(Instant(seconds: now.seconds + every)) }
            }
        }
        return (decisions, nextCheck)
    }
}
