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

/// Capacity escalations: a supplier whose load reaches a rule's percent of its capacity gets
/// that level raised (once while it lasts); when the load drops below, it closes. Open ones
/// repeat at the rule's interval until acknowledged.
public enum CapacityPlanner {
    public static func plan(_ suppliers: [SupplierLoad], rules: [EscalationRule], now: Instant)
        -> (decisions: [Decision], nextCheck: Instant?) {
        var decisions: [Decision] = []
        var nextCheck: Instant?
        let capacityRules = rules.filter { $0.measure == .capacity && $0.enabled }
        for supplier in suppliers {
            let percent = supplier.capacity.map { $0 > 0 ? Double(supplier.load) * 100 / Double($0) : 0 } ?? 0
            let capacity = supplier.capacity.map(String.init) ?? "unlimited"
            for rule in capacityRules where rule.supplier == nil || rule.supplier == supplier.supplier {
                for (index, threshold) in rule.thresholds.enumerated() {
                    let level = index + 1
                    let open = supplier.openEscalations.first { $0.rule == rule.code && $0.level == level }
                    if percent >= threshold {
                        if let open {
                            guard open.acknowledgedAt == nil, let every = rule.repeatEvery else { continue }
                            let next = Instant(seconds: open.lastNotifiedAt.seconds + every)
                            if next <= now {
                                decisions.append(Decision(incident: nil, action: .repeatEscalation(escalation: open.id),
                                                          reason: "\(supplier.supplier) still at \(supplier.load)/\(capacity)",
                                                          due: next))
                                nextCheck = min(nextCheck ?? Instant(seconds: now.seconds + every), Instant(seconds: now.seconds + every))
                            } else {
                                nextCheck = min(nextCheck ?? next, next)
                            }
                        } else {
                            decisions.append(Decision(
                                incident: nil,
                                action: .raiseEscalation(rule: rule.code, level: level, handoff: nil, supplier: supplier.supplier),
                                reason: "\(supplier.supplier) holds \(supplier.load) open incidents, capacity \(capacity) (\(Int(percent)) %)"))
                            // Its first repeat is due one interval from now.
                            if let every = rule.repeatEvery {
                                let first = Instant(seconds: now.seconds + every)
                                nextCheck = min(nextCheck ?? first, first)
                            }
                        }
                    } else if let open {
                        decisions.append(Decision(incident: nil, action: .closeEscalation(escalation: open.id),
                                                  reason: "\(supplier.supplier) back to \(supplier.load)/\(capacity)"))
                    }
                }
            }
        }
        return (decisions, nextCheck)
    }
}
