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
/// threshold — also when the rule was disabled meanwhile — and the next time is a new
/// episode. Open ones repeat their current level at the rule's interval until acknowledged.
/// When to raise and repeat is ``EscalationTiming``'s, as for every incident clock.
public enum CapacityPlanner {
    public static func plan(_ suppliers: [SupplierLoad], rules: [EscalationRule], now: Instant)
        -> (decisions: [Decision], nextCheck: Instant?) {
        var decisions: [Decision] = []
        var nextCheck: Instant?
        func checkAt(_ instant: Instant) { nextCheck = min(nextCheck ?? instant, instant) }
        for supplier in suppliers {
            let percent = supplier.capacity.map { $0 > 0 ? Double(supplier.load) * 100 / Double($0) : 0 } ?? 0
            let capacity = supplier.capacity.map(String.init) ?? "unlimited"
            for rule in rules where rule.measure == .capacity && (rule.supplier == nil || rule.supplier == supplier.supplier) {
                let reached = EscalationTiming.level(of: percent, in: rule.thresholds)
                let open = supplier.openEscalations.first { $0.rule == rule.code && $0.isOpen }
                if let open, reached == 0 {
                    decisions.append(Decision(incident: nil, action: .closeEscalation(escalation: open.id, cause: .belowThreshold),
                                              reason: "\(supplier.supplier) back to \(supplier.load)/\(capacity)"))
                } else if let level = EscalationTiming.levelToRaise(reached: reached, before: open?.level ?? 0, rule: rule) {
                    decisions.append(Decision(
                        incident: nil,
                        action: .raiseEscalation(rule: rule.code, level: level, handoff: nil, supplier: supplier.supplier),
                        reason: "\(supplier.supplier) holds \(supplier.load) open incidents, capacity \(capacity) (\(Int(percent)) %)"))
                    // Its next repeat is due one interval from now.
                    if let every = rule.repeatEvery { checkAt(Instant(seconds: now.seconds + every)) }
                } else if let open {
                    switch EscalationTiming.nextRepeat(of: open, rule: rule, now: now) {
                    case .due(let at)?:
                        decisions.append(Decision(incident: nil, action: .repeatEscalation(escalation: open.id),
                                                  reason: "\(supplier.supplier) still at \(supplier.load)/\(capacity)", due: at))
                        checkAt(Instant(seconds: now.seconds + (rule.repeatEvery ?? 0)))
                    case .later(let at)?:
                        checkAt(at)
                    case nil:
                        break
                    }
                }
            }
        }
        return (decisions, nextCheck)
    }
}
