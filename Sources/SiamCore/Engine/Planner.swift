/// The coordination engine's decisions, as a pure function of a snapshot and `now`.
///
/// For one incident, in this order:
/// 1. Offers whose supplier can no longer take work are cancelled; offers past their accept
///    deadline expire.
/// 2. Escalations whose cause ended close (SLA clock stopped, handoff answered, supplier no
///    longer holds it, incident no longer open, an owner found).
/// 3. Every running clock (SLA acknowledge and resolve, unless pending; OLA accept of each open
///    offer, below 100 %; OLA resolve of the owner) raises each applicable rule's levels it
///    has reached, once per rule × level × subject.
/// 4. Ping-pong: too many handoffs within the window raise a bounce escalation and stop
///    automatic routing; weighted complaints within the window raise complaint escalations.
/// 5. Routing: a new incident without an open offer (not held, routing not stopped), or one
///    owned by a suspended or exiting supplier, is offered to the best eligible supplier
///    (``Router``); if none is eligible, an `unroutable` escalation goes to the integrator.
/// 6. Open, unacknowledged escalations repeat at their rule's interval.
///
/// The next check is the earliest future instant at which any of this could change
/// (a threshold, a deadline, a repeat) — or now, when the plan makes or ends an offer, so
/// that the next pass starts the new offer's clocks; changes made by anyone else wake the
/// incident anyway.
public enum Planner {
    public static func plan(_ snapshot: IncidentSnapshot, world: inout WorldSnapshot, now: Instant) -> IncidentPlan {
        var planner = IncidentPlanner(snapshot: snapshot, now: now)
        planner.run(world: &world)
        return IncidentPlan(incident: snapshot.incident.id, decisions: planner.decisions, nextCheck: planner.nextCheck)
    }
}

extension Decision {
    /// True for the actions that make or end an offer.
    var changesOffers: Bool {
        switch action {
        case .offer, .expireHandoff, .cancelHandoff: return true
        default: return false
        }
    }
}

/// The working state of planning one incident.
struct IncidentPlanner {
    let snapshot: IncidentSnapshot
    let now: Instant
    var decisions: [Decision] = []
    var nextCheck: Instant?
    /// Offers this plan expires or cancels.
    var endedOffers: Set<Int64> = []
    /// Of those, the ones it expires (the others it cancels).
    var expiredOffers: Set<Int64> = []
    /// Escalation keys raised by this plan (rule, level, handoff, supplier).
    var raised: Set<String> = []
    /// The world's rules by code (for repeat intervals and measures of escalations).
    var rules: [String: EscalationRule] = [:]

    var incident: Incident { snapshot.incident }

    init(snapshot: IncidentSnapshot, now: Instant) {
        self.snapshot = snapshot
        self.now = now
    }

    mutating func decide(_ action: Decision.Action, _ reason: String, due: Instant? = nil) {
        decisions.append(Decision(incident: incident.id, action: action, reason: reason, due: due))
    }

    mutating func checkAt(_ instant: Instant) {
        guard instant > now else { return }
        nextCheck = min(nextCheck ?? instant, instant)
    }

    var openOffers: [Handoff] {
        snapshot.handoffs.filter { $0.state == .offered && !endedOffers.contains($0.id) }
    }

    mutating func run(world: inout WorldSnapshot) {
        rules = world.rulesByCode
        settleOffers(world: world)
        closeEndedEscalations(world: world)
        guard incident.state.isOpen else { return }
        raiseClockThresholds(world: world)
        let stopped = checkBounces(world: world)
        checkComplaints(world: world)
        if !stopped { route(world: &world) }
        repeatEscalations(world: world)
        // Offers made or ended: look again at once, to start the new offer's clocks.
        if decisions.contains(where: \.changesOffers) { nextCheck = now }
    }

    // MARK: 1. Offers

    mutating func settleOffers(world: WorldSnapshot) {
        for offer in snapshot.handoffs where offer.state == .offered {
            let status = world.supplierStatus[offer.toSupplier] ?? .retired
            if !incident.state.isOpen {
                decide(.cancelHandoff(handoff: offer.id), "incident \(incident.state.rawValue)")
                endedOffers.insert(offer.id)
            } else if status != .active {
                decide(.cancelHandoff(handoff: offer.id), "supplier \(offer.toSupplier) is \(status.rawValue)")
                endedOffers.insert(offer.id)
            } else if let due = offer.acceptDue {
                if due <= now {
                    decide(.expireHandoff(handoff: offer.id), "not accepted by \(offer.toSupplier) by \(due.iso8601)", due: due)
                    endedOffers.insert(offer.id)
                    expiredOffers.insert(offer.id)
                } else {
                    checkAt(due)
                }
            }
        }
    }

    // MARK: 2. Closing

    mutating func closeEndedEscalations(world: WorldSnapshot) {
        let open = incident.state.isOpen
        for escalation in snapshot.escalations where escalation.isOpen {
            guard let measure = rules[escalation.rule]?.measure else { continue }
            var ended: String?
            switch measure {
            case .slaAcknowledge:
                if incident.acknowledgedAt != nil { ended = "acknowledged" }
            case .olaAccept:
                let offer = snapshot.handoffs.first { $0.id == escalation.handoff }
                if let offer, offer.state != .offered || endedOffers.contains(offer.id) {
                    ended = "handoff \(offer.id) \(endedOffers.contains(offer.id) ? "ended" : offer.state.rawValue)"
                }
            case .olaResolve:
                let holds = snapshot.openAssignments.contains {
                    $0.supplier == escalation.supplier && $0.handoff == escalation.handoff && $0.role == "owner"
                }
                if !holds { ended = "\(escalation.supplier ?? "supplier") no longer holds it" }
            case .unroutable:
                if incident.owner != nil && !ownerMustMove(world: world) { ended = "owned by \(incident.owner!)" }
                else if openOffers.contains(where: { $0.part == nil }) { ended = "offered" }
            case .slaResolve, .bounces, .complaints, .capacity:
                break
            }
            if !open { ended = "incident \(incident.state.rawValue)" }
            if let ended {
                decide(.closeEscalation(escalation: escalation.id), ended)
            }
        }
    }

    // MARK: 3. Clocks

    func runningClocks(world: WorldSnapshot) -> [RunningClock] {
        var clocks: [RunningClock] = []
        let sla = world.calendar(incident.slaCalendar)
        if incident.state != .pending {
            if incident.acknowledgedAt == nil, let due = incident.acknowledgeDue {
                clocks.append(RunningClock(measure: .slaAcknowledge, start: incident.openedAt, due: due,
                                           calendar: sla, pauses: snapshot.pauses))
            }
            if let due = incident.resolveDue {
                clocks.append(RunningClock(measure: .slaResolve, start: incident.openedAt, due: due,
                                           calendar: sla, pauses: snapshot.pauses))
            }
        }
        for offer in openOffers {
            if let due = offer.acceptDue {
                clocks.append(RunningClock(measure: .olaAccept, start: offer.offeredAt, due: due,
                                           calendar: world.calendar(offer.acceptCalendar),
                                           handoff: offer.id, supplier: offer.toSupplier))
            }
        }
        for span in snapshot.openAssignments where span.role == "owner" {
            // A span that pauses stands still while pending; its due instant holds the ended
            // pauses (moved when each ended), so its thresholds count them out too.
            if let due = span.resolveDue, !(span.pausesWhenPending && incident.state == .pending) {
                clocks.append(RunningClock(measure: .olaResolve, start: span.startedAt, due: due,
                                           calendar: world.calendar(span.olaCalendar),
                                           pauses: span.pausesWhenPending
                                               ? snapshot.pauses.filter { $0.upperBound > span.startedAt } : [],
                                           handoff: span.handoff, supplier: span.supplier))
            }
        }
        return clocks
    }

    mutating func raiseClockThresholds(world: WorldSnapshot) {
        for clock in runningClocks(world: world) {
            for rule in world.rules where rule.measure == clock.measure
                && rule.applies(to: incident, supplier: clock.supplier ?? incident.owner) {
                for (index, percent) in rule.thresholds.enumerated() {
                    // An offer reaching 100 % expires instead (step 1).
                    if clock.measure == .olaAccept && percent >= 100 { continue }
                    let level = index + 1
                    guard !wasRaised(rule: rule.code, level: level, handoff: clock.handoff, supplier: clock.supplier) else { continue }
                    let at = clock.instant(atPercent: percent)
                    if at <= now {
                        raise(rule: rule.code, level: level, handoff: clock.handoff, supplier: clock.supplier,
                              reason: "\(label(clock)) \(format(percent)) % elapsed (due \(clock.due.iso8601))", due: at)
                    } else {
                        checkAt(at)
                    }
                }
            }
        }
    }

    func label(_ clock: RunningClock) -> String {
        switch clock.measure {
        case .slaAcknowledge: return "SLA acknowledge"
        case .slaResolve: return "SLA resolve"
        case .olaAccept: return "OLA accept (\(clock.supplier ?? "?"), handoff \(clock.handoff ?? 0))"
        case .olaResolve: return "OLA resolve (\(clock.supplier ?? "?"))"
        default: return clock.measure.rawValue
        }
    }

    func wasRaised(rule: String, level: Int, handoff: Int64?, supplier: String?) -> Bool {
        raised.contains(key(rule, level, handoff, supplier))
            || snapshot.escalations.contains {
                $0.rule == rule && $0.level == level && $0.handoff == handoff && $0.supplier == supplier
            }
    }

    func key(_ rule: String, _ level: Int, _ handoff: Int64?, _ supplier: String?) -> String {
        "\(rule)|\(level)|\(handoff.map(String.init) ?? "")|\(supplier ?? "")"
    }

    mutating func raise(rule: String, level: Int, handoff: Int64? = nil, supplier: String? = nil, reason: String,
                        due: Instant? = nil) {
        raised.insert(key(rule, level, handoff, supplier))
        decide(.raiseEscalation(rule: rule, level: level, handoff: handoff, supplier: supplier), reason, due: due)
        // Its first repeat is due one interval from now.
        if let every = rules[rule]?.repeatEvery, every > 0 { checkAt(Instant(seconds: now.seconds + every)) }
    }

    // MARK: 4. Counts

    /// Returns true when routing is (or becomes) stopped.
    mutating func checkBounces(world: WorldSnapshot) -> Bool {
        var stopped = incident.routingStopped
        for rule in world.rules where rule.measure == .bounces && rule.applies(to: incident, supplier: incident.owner) {
            let since = Instant(seconds: now.seconds - (rule.window ?? 86_400))
            let count = snapshot.handoffs.filter { $0.part == nil && $0.offeredAt >= since }.count
            for (index, threshold) in rule.thresholds.enumerated() where Double(count) >= threshold {
                guard !wasRaised(rule: rule.code, level: index + 1, handoff: nil, supplier: nil) else { continue }
                raise(rule: rule.code, level: index + 1,
                      reason: "handed off \(count) times within \(BusinessDuration(seconds: rule.window ?? 86_400)): ping-pong")
                if !stopped {
                    decide(.stopRouting, "handed off \(count) times within \(BusinessDuration(seconds: rule.window ?? 86_400)); a person has to choose")
                    stopped = true
                }
            }
        }
        return stopped
    }

    mutating func checkComplaints(world: WorldSnapshot) {
        for rule in world.rules where rule.measure == .complaints && rule.applies(to: incident, supplier: incident.owner) {
            let since = Instant(seconds: now.seconds - (rule.window ?? 7 * 86_400))
            let recent = snapshot.complaints.filter { $0.receivedAt >= since }
            let weight = recent.reduce(0) { $0 + $1.weight }
            for (index, threshold) in rule.thresholds.enumerated() where Double(weight) >= threshold {
                guard !wasRaised(rule: rule.code, level: index + 1, handoff: nil, supplier: nil) else { continue }
                let customers = recent.filter { $0.source == "customer" }.count
                raise(rule: rule.code, level: index + 1,
                      reason: "complaints weigh \(weight) (\(customers) from the customer, \(recent.count - customers) from users)")
            }
        }
    }

    // MARK: 5. Routing

    func ownerMustMove(world: WorldSnapshot) -> Bool {
        guard let owner = incident.owner, [.assigned, .inProgress, .pending].contains(incident.state) else { return false }
        let status = world.supplierStatus[owner] ?? .retired
        return status == .suspended || status == .exiting || status == .retired
    }

    mutating func route(world: inout WorldSnapshot) {
        let hasOpenOffer = openOffers.contains { $0.part == nil }
        let unowned = incident.state == .new && !incident.onHold
        let moving = ownerMustMove(world: world)
        guard (unowned || moving), !hasOpenOffer else { return }
        // Suppliers that rejected it, let it expire (now or before), or hold it.
        var excluded = Set(snapshot.handoffs.filter {
            $0.part == nil && ($0.state == .rejected || $0.state == .expired || endedOffers.contains($0.id))
        }.map(\.toSupplier))
        if let owner = incident.owner { excluded.insert(owner) }
        let candidates = world.candidates[incident.service] ?? []
        switch Router.choose(from: candidates, excluding: excluded) {
        case .supplier(let best):
            // The reason goes into the offer's event, which the offered supplier reads: it names
            // no other supplier and no other supplier's load or status (the events before it
            // tell the integrator who rejected, let expire or was suspended).
            let why: String
            if moving {
                why = "the owner can no longer hold it"
            } else if let last = snapshot.handoffs.last(where: { $0.part == nil }) {
                why = expiredOffers.contains(last.id) || last.state == .expired ? "after an expired offer"
                    : endedOffers.contains(last.id) ? "after an offer that could no longer be taken"
                    : last.state == .rejected ? "after a rejected offer"
                    : "after a \(last.state.rawValue) offer"
            } else {
                why = "new incident"
            }
            let capacity = best.capacity.map(String.init) ?? "unlimited"
            decide(.offer(to: best.supplier), "\(why): best eligible supplier (rank \(best.rank), load \(best.load)/\(capacity))",
                   due: moving ? nil : routableSince())
            world.addLoad(to: best.supplier)
        case .none(let reason):
            for rule in world.rules where rule.measure == .unroutable && rule.applies(to: incident, supplier: nil) {
                guard !wasRaised(rule: rule.code, level: 1, handoff: nil, supplier: nil) else { continue }
                raise(rule: rule.code, level: 1, reason: "cannot route \(incident.service) incident: \(reason)")
            }
        }
    }

    /// Since when an unowned incident has been waiting for this offer: the end of its last
    /// offer (the expiry deadline, or the answer), else its opening (a held incident is never
    /// routed automatically). nil when not known: after an `unroutable` escalation it waited
    /// for an eligible supplier, which says nothing about the daemon's speed.
    func routableSince() -> Instant? {
        if snapshot.escalations.contains(where: { rules[$0.rule]?.measure == .unroutable }) { return nil }
        guard let last = snapshot.handoffs.last(where: { $0.part == nil }) else { return incident.openedAt }
        if expiredOffers.contains(last.id) { return last.acceptDue }
        if endedOffers.contains(last.id) { return nil }
        return last.answeredAt
    }

    // MARK: 6. Repeats

    mutating func repeatEscalations(world: WorldSnapshot) {
        let closing = Set(decisions.compactMap { decision -> Int64? in
            if case .closeEscalation(let id) = decision.action { return id }
            return nil
        })
        for escalation in snapshot.escalations
        where escalation.isOpen && escalation.acknowledgedAt == nil && !closing.contains(escalation.id) {
            // A disabled rule stops notifying; its open escalations still close with their cause.
            guard let rule = rules[escalation.rule], rule.enabled, let every = rule.repeatEvery, every > 0 else { continue }
            let next = Instant(seconds: escalation.lastNotifiedAt.seconds + every)
            if next <= now {
                decide(.repeatEscalation(escalation: escalation.id),
                       "not acknowledged since \(escalation.lastNotifiedAt.iso8601) (notified \(escalation.notifiedCount)×)", due: next)
                checkAt(Instant(seconds: now.seconds + every))
            } else {
                checkAt(next)
            }
        }
    }

    func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
