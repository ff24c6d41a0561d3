/// The coordination engine's decisions, as a pure function of a snapshot and `now`.
///
/// For one incident, in this order:
/// 1. Offers whose supplier can no longer take work are cancelled; offers past their accept
///    deadline expire. Ping-pong: bounces (``BounceRecord``) within the window climb a bounce
///    escalation and stop automatic routing (the daemon's own standing offer is withdrawn
///    here, with the other ended offers; a person's stands).
/// 2. Escalations whose cause ended close, with the cause named (``EscalationCloseCause``).
/// 3. Every running clock (SLA acknowledge and resolve, unless pending; OLA accept of each open
///    offer, below 100 %; OLA resolve of the owner) keeps one escalation per applicable rule,
///    raised at the first threshold crossed and climbing as later ones are crossed; a
///    catch-up goes straight to the highest level crossed, in one step (``IncidentPlanner``
///    in Planner+Escalations.swift). An offer that ended before the daemon got to it gets the
///    levels its accept clock crossed before the end, raised and closed in the same plan.
/// 4. Weighted complaints within the window climb complaint escalations; each unruled scope
///    dispute raises a dispute escalation for the integrator.
/// 5. Routing: a new incident without an open offer (not held, routing not stopped), or one
///    owned by a suspended or exiting supplier, is offered to the best eligible supplier
///    (``Router``); if none is eligible, an `unroutable` escalation goes to the integrator.
/// 6. Open, unacknowledged escalations repeat their current level at their rule's interval.
///
/// The next check is the earliest future instant at which any of this could change (a
/// threshold, a deadline, a repeat). An offer the plan makes has no clock yet: its accept
/// deadline comes from the OLA the database matches, so ``Planner/finish(_:snapshot:newOffers:offerRefused:world:now:)``
/// completes the plan from the offers the actions made, without a second look at the
/// incident. Changes made by anyone else wake the incident anyway.
public enum Planner {
    public static func plan(_ snapshot: IncidentSnapshot, world: inout WorldSnapshot, now: Instant) -> IncidentPlan {
        var planner = IncidentPlanner(snapshot: snapshot, now: now)
        planner.run(world: &world)
        return IncidentPlan(incident: snapshot.incident.id, decisions: planner.decisions, nextCheck: planner.nextCheck)
    }
}

extension Planner {
    /// Seconds until an incident whose offer was put off (its supplier busy) is looked at again.
    public static let busySupplierRetry: Int64 = 1

    /// Finishes a plan from what its actions changed: each offer made starts its accept clock,
    /// so the next check includes that clock's first threshold and its deadline. An offer
    /// the database refused (the supplier filled up meanwhile), or one that ends the cause of
    /// an open `unroutable` escalation (which closes on seeing the offer), asks for another
    /// look now. An offer put off (its supplier's row is held by another transaction, which
    /// may stay open for long) asks for one ``busySupplierRetry`` later: looking again now
    /// would plan the same offer over and over while the holder's transaction lasts.
    public static func finish(_ plan: IncidentPlan, snapshot: IncidentSnapshot, newOffers: [NewOffer], offerRefused: Bool,
                              offerPutOff: Bool = false, world: WorldSnapshot, now: Instant) -> IncidentPlan {
        var finished = plan
        let incident = snapshot.incident
        func checkAt(_ instant: Instant) {
            let at = max(instant, now)
            finished.nextCheck = min(finished.nextCheck ?? at, at)
        }
        let offers = newOffers.filter { $0.incident == plan.incident }
        let unroutable = snapshot.escalations.contains { $0.isOpen && world.rulesByCode[$0.rule]?.measure == .unroutable }
        if offerRefused || (unroutable && !offers.isEmpty) { checkAt(now) }
        if offerPutOff { checkAt(now.advanced(by: busySupplierRetry)) }
        for offer in offers {
            guard let due = offer.acceptDue else { continue }
            checkAt(due)
            let clock = RunningClock(measure: .olaAccept, start: offer.offeredAt, due: due,
                                     calendar: world.calendar(offer.acceptCalendar), handoff: offer.handoff,
                                     supplier: offer.supplier)
            for rule in world.rules where rule.measure == .olaAccept && rule.applies(to: incident, supplier: offer.supplier) {
                // Below 100 % only: at 100 % the offer expires instead.
                if let first = rule.thresholds.first(where: { $0 < 100 }) { checkAt(clock.instant(atPercent: first)) }
            }
        }
        return finished
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
    /// The levels this plan raises escalations to, by subject key (rule, handoff, supplier).
    var raisedLevels: [String: Int] = [:]
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
        // Before closing: a stop withdraws the daemon's standing offer, which then ends with
        // the others (its accept escalation closes in this plan, its clock stops).
        let stopped = incident.state.isOpen && checkBounces(world: world)
        closeEndedEscalations(world: world)
        guard incident.state.isOpen else { return }
        raiseClockThresholds(world: world)
        checkComplaints(world: world)
        raiseDisputes(world: world)
        if !stopped { route(world: &world) }
        repeatEscalations(world: world)
        // An offer's accept clock starts when the database makes it: ``Planner/finish``.
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
        let candidates = world.candidates[incident.service] ?? []
        let excluded = exclusions()
        let handedBack = lastHandBack
        switch Router.choose(from: candidates, excluding: excluded) {
        case .supplier(let best):
            // The reason goes into the offer's event, which the offered supplier reads: it names
            // no other supplier and no other supplier's load or status (the events before it
            // tell the integrator who rejected, let expire or was suspended).
            let why: String
            if moving {
                why = "the owner can no longer hold it"
            } else if handedBack != nil {
                why = "handed back by its owner"
            } else if let last = snapshot.handoffs.last(where: { $0.part == nil }) {
                why = expiredOffers.contains(last.id) || last.state == .expired ? "after an expired offer"
                    : endedOffers.contains(last.id) ? "after an offer that could no longer be taken"
                    : last.state == .rejected ? "after a rejected offer"
                    : "after a \(last.state.rawValue) offer"
            } else {
                why = "new incident"
            }
            let capacity = best.capacity.map(String.init) ?? "unlimited"
            let passedOver = Router.passedOver(Router.assess(candidates, excluding: excluded), before: best)
            decide(.offer(to: best.supplier),
                   "\(why): best eligible supplier (rank \(best.rank), load \(best.load)/\(capacity))\(passedOver)",
                   due: moving ? nil : routableSince())
            world.addLoad(to: best.supplier)
        case .none(let reason):
            for rule in world.rules where rule.measure == .unroutable && rule.applies(to: incident, supplier: nil) {
                guard EscalationTiming.levelToRaise(reached: 1, before: currentLevel(rule: rule.code, handoff: nil, supplier: nil),
                                                    rule: rule) != nil else { continue }
                raise(rule: rule.code, level: 1, reason: "cannot route \(incident.service) incident: \(reason)")
            }
        }
    }

    /// The suppliers routing leaves out, each with why: those that rejected it, let an offer
    /// of it expire (now or before) or could no longer take one, gave it back, own it, or have
    /// an open offer of a part of it (one open offer per supplier).
    func exclusions() -> [String: String] {
        var excluded: [String: String] = [:]
        for handoff in snapshot.handoffs where handoff.part == nil {
            if handoff.state == .rejected {
                excluded[handoff.toSupplier] = "rejected it"
            } else if handoff.state == .expired || expiredOffers.contains(handoff.id) {
                excluded[handoff.toSupplier] = "let an offer of it expire"
            } else if endedOffers.contains(handoff.id) {
                excluded[handoff.toSupplier] = "could no longer take its offer"
            }
        }
        for offer in openOffers where offer.part != nil { excluded[offer.toSupplier] = "has an open offer of a part of it" }
        for bounce in snapshot.bounces where bounce.kind == .handedBack { excluded[bounce.supplier] = "handed it back" }
        if let owner = incident.owner { excluded[owner] = "owns it" }
        return excluded
    }

    /// Since when an unowned incident has been waiting for this offer: the end of its last
    /// offer (the expiry deadline, or the answer), else its opening (a held incident is never
    /// routed automatically). nil when not known: after an `unroutable` escalation it waited
    /// for an eligible supplier, which says nothing about the daemon's speed.
    func routableSince() -> Instant? {
        if snapshot.escalations.contains(where: { rules[$0.rule]?.measure == .unroutable }) { return nil }
        if let back = lastHandBack { return back.at }
        guard let last = snapshot.handoffs.last(where: { $0.part == nil }) else { return incident.openedAt }
        if expiredOffers.contains(last.id) { return last.acceptDue }
        if endedOffers.contains(last.id) { return nil }
        return last.answeredAt
    }

    /// The owner's hand-back that made the incident unowned again, if that is the latest
    /// thing that happened to its ownership.
    var lastHandBack: BounceRecord? {
        guard let back = snapshot.bounces.last(where: { $0.kind == .handedBack }) else { return nil }
        let lastOffer = snapshot.handoffs.last(where: { $0.part == nil })
        return lastOffer.map { back.at >= ($0.answeredAt ?? $0.offeredAt) } ?? true ? back : nil
    }

    func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
