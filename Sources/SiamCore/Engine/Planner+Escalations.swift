/// The escalation steps of ``Planner``: closing with a cause, climbing clocks and counts,
/// scope disputes, repeats.
///
/// One escalation per rule × subject (incident, handoff, supplier): raised at the first
/// threshold crossed, its level climbs as later ones are crossed. A catch-up after downtime
/// goes straight to the highest level crossed in one decision, whose reason names the levels
/// passed over. A level is reached once per subject: a closed escalation is not raised again
/// (only capacity starts new episodes, in ``CapacityPlanner``).
extension IncidentPlanner {
    // MARK: 2. Closing

    mutating func closeEndedEscalations(world: WorldSnapshot) {
        // An ended offer's escalation that climbs first (levels crossed before the offer ended)
        // is closed with its climb, in step 3 (``raiseEndedOfferLevels``).
        let climbing = Set(endedOfferCatchUps(world: world).compactMap(\.open))
        for escalation in snapshot.escalations where escalation.isOpen && !climbing.contains(escalation.id) {
            guard let measure = rules[escalation.rule]?.measure,
                  let (cause, reason) = endedCause(of: escalation, measure: measure, world: world) else { continue }
            decide(.closeEscalation(escalation: escalation.id, cause: cause), reason)
        }
    }

    /// How an offer ended, as its OLA accept escalation closes; nil while it is offered.
    func offerEndCause(_ offer: Handoff) -> (EscalationCloseCause, String)? {
        if expiredOffers.contains(offer.id) { return (.expired, "handoff \(offer.id) expired") }
        if endedOffers.contains(offer.id) { return (.withdrawn, "handoff \(offer.id) withdrawn") }
        switch offer.state {
        case .offered: return nil
        case .accepted: return (.accepted, "handoff \(offer.id) accepted")
        case .rejected: return (.rejected, "handoff \(offer.id) rejected")
        case .expired: return (.expired, "handoff \(offer.id) expired")
        case .cancelled: return (.withdrawn, "handoff \(offer.id) withdrawn")
        }
    }

    /// Why the escalation's cause ended, if it did.
    func endedCause(of escalation: Escalation, measure: EscalationRule.Measure, world: WorldSnapshot)
        -> (EscalationCloseCause, String)? {
        if !incident.state.isOpen {
            return (incident.state == .cancelled ? .cancelled : .resolved, "incident \(incident.state.rawValue)")
        }
        switch measure {
        case .slaAcknowledge:
            return incident.acknowledgedAt == nil ? nil : (.workStarted, "work started")
        case .olaAccept:
            guard let offer = snapshot.handoffs.first(where: { $0.id == escalation.handoff }) else { return nil }
            return offerEndCause(offer)
        case .olaResolve:
            let holds = snapshot.openAssignments.contains {
                $0.supplier == escalation.supplier && $0.handoff == escalation.handoff && $0.role == "owner"
            }
            return holds ? nil : (.handedOn, "\(escalation.supplier ?? "supplier") no longer holds it")
        case .unroutable:
            if let owner = incident.owner, !ownerMustMove(world: world) { return (.routed, "owned by \(owner)") }
            if openOffers.contains(where: { $0.part == nil }) { return (.routed, "offered") }
            return nil
        case .scopeDispute:
            // The ruling closes it (siam.dispute_rule), in the ruling's own transaction.
            return nil
        case .slaResolve, .bounces, .complaints, .capacity:
            return nil
        }
    }

    // MARK: 3. Clocks

    mutating func raiseClockThresholds(world: WorldSnapshot) {
        raiseEndedOfferLevels(world: world)
        for clock in runningClocks(world: world) {
            for rule in world.rules where rule.measure == clock.measure
                && rule.applies(to: incident, supplier: clock.supplier ?? incident.owner) {
                // An offer reaching 100 % expires instead (step 1): its ladder stops below.
                let thresholds = clock.measure == .olaAccept ? rule.thresholds.filter { $0 < 100 } : rule.thresholds
                let current = currentLevel(rule: rule.code, handoff: clock.handoff, supplier: clock.supplier)
                var reached = current
                var reachedAt: Instant?
                for (index, percent) in thresholds.enumerated() where index >= current {
                    let at = clock.instant(atPercent: percent)
                    guard at <= now else { checkAt(at); break }
                    reached = index + 1
                    reachedAt = at
                }
                guard let reached = EscalationTiming.levelToRaise(reached: reached, before: current, rule: rule) else { continue }
                raise(rule: rule.code, level: reached, handoff: clock.handoff, supplier: clock.supplier,
                      reason: "\(label(clock)) \(format(thresholds[reached - 1])) % elapsed (due \(clock.due.iso8601))"
                          + passedOver(thresholds, from: current, to: reached, unit: " %"),
                      due: reachedAt)
            }
        }
    }

    /// An ended offer's OLA accept clock whose levels, crossed before the offer ended, were
    /// not all raised: the daemon got to it only after the answer or the expiry (it was down,
    /// stalled, or the offer expired at once). Raised at once and closed in the same plan,
    /// with the offer's cause, so that every level crossed is raised or named as passed over.
    struct EndedOfferCatchUp {
        let rule: EscalationRule
        let clock: RunningClock
        /// The level the subject had, and the one reached before the offer ended.
        let current: Int
        let reached: Int
        let reachedAt: Instant
        /// The subject's open escalation (which climbs, then closes), if any.
        let open: Int64?
        let cause: (EscalationCloseCause, String)
        let thresholds: [Double]
    }

    /// The catch-ups of the offers that ended (in this plan or before it), while the incident
    /// is open. A subject whose escalation closed already is left alone: a level, once
    /// reached, is not raised again after its escalation closed.
    func endedOfferCatchUps(world: WorldSnapshot) -> [EndedOfferCatchUp] {
        guard incident.state.isOpen else { return [] }
        var catchUps: [EndedOfferCatchUp] = []
        for offer in snapshot.handoffs {
            guard let due = offer.acceptDue, let cause = offerEndCause(offer) else { continue }
            // When its clock stopped: the deadline for an expiry, now for a withdrawal in this
            // plan, else the answer (never after the deadline).
            let end = cause.0 == .expired ? due
                : endedOffers.contains(offer.id) ? now : min(offer.answeredAt ?? now, due)
            let clock = RunningClock(measure: .olaAccept, start: offer.offeredAt, due: due,
                                     calendar: world.calendar(offer.acceptCalendar),
                                     handoff: offer.id, supplier: offer.toSupplier)
            for rule in world.rules where rule.measure == .olaAccept && rule.applies(to: incident, supplier: offer.toSupplier) {
                let subject = snapshot.escalations.filter {
                    $0.rule == rule.code && $0.handoff == offer.id && $0.supplier == offer.toSupplier
                }
                guard !subject.contains(where: { !$0.isOpen }) else { continue }
                let thresholds = rule.thresholds.filter { $0 < 100 }
                let current = subject.map(\.level).max() ?? 0
                var reached = current
                var reachedAt: Instant?
                for (index, percent) in thresholds.enumerated() where index >= current {
                    let at = clock.instant(atPercent: percent)
                    guard at <= end else { break }
                    reached = index + 1
                    reachedAt = at
                }
                guard let level = EscalationTiming.levelToRaise(reached: reached, before: current, rule: rule),
                      let reachedAt else { continue }
                catchUps.append(EndedOfferCatchUp(rule: rule, clock: clock, current: current, reached: level,
                                                  reachedAt: reachedAt, open: subject.first(where: \.isOpen)?.id,
                                                  cause: cause, thresholds: thresholds))
            }
        }
        return catchUps
    }

    /// Raises (or climbs) and closes at once the levels an ended offer's clock crossed before
    /// it ended (``endedOfferCatchUps``).
    mutating func raiseEndedOfferLevels(world: WorldSnapshot) {
        for catchUp in endedOfferCatchUps(world: world) {
            let clock = catchUp.clock
            let ended: String
            switch catchUp.cause.0 {
            case .expired: ended = "it expired"
            case .accepted: ended = "it was accepted"
            case .rejected: ended = "it was rejected"
            default: ended = "it was withdrawn"
            }
            raise(rule: catchUp.rule.code, level: catchUp.reached, handoff: clock.handoff, supplier: clock.supplier,
                  reason: "\(label(clock)) \(format(catchUp.thresholds[catchUp.reached - 1])) % elapsed (due \(clock.due.iso8601)) before \(ended)"
                      + passedOver(catchUp.thresholds, from: catchUp.current, to: catchUp.reached, unit: " %"),
                  due: catchUp.reachedAt, repeats: false)
            decide(.closeRaisedEscalation(rule: catchUp.rule.code, handoff: clock.handoff, supplier: clock.supplier,
                                          cause: catchUp.cause.0), catchUp.cause.1)
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

    /// The highest level a rule has reached for a subject: in an escalation of it, open or
    /// closed, or in this plan; 0 when none.
    func currentLevel(rule: String, handoff: Int64?, supplier: String?) -> Int {
        let stored = snapshot.escalations
            .filter { $0.rule == rule && $0.handoff == handoff && $0.supplier == supplier }
            .map(\.level).max() ?? 0
        return max(stored, raisedLevels[key(rule, handoff, supplier)] ?? 0)
    }

    func key(_ rule: String, _ handoff: Int64?, _ supplier: String?) -> String {
        "\(rule)|\(handoff.map(String.init) ?? "")|\(supplier ?? "")"
    }

    /// Names the levels a catch-up passes over ("" when it climbs one level).
    func passedOver(_ thresholds: [Double], from current: Int, to reached: Int, unit: String) -> String {
        guard reached - current > 1 else { return "" }
        let levels = (current + 1..<reached).map { "level \($0) (\(format(thresholds[$0 - 1]))\(unit))" }
        return "; caught up, passing over \(levels.joined(separator: ", "))"
    }

    /// - Parameter repeats: false for an escalation closed in the same plan (nothing to repeat).
    mutating func raise(rule: String, level: Int, handoff: Int64? = nil, supplier: String? = nil, reason: String,
                        due: Instant? = nil, repeats: Bool = true) {
        raisedLevels[key(rule, handoff, supplier)] = level
        decide(.raiseEscalation(rule: rule, level: level, handoff: handoff, supplier: supplier), reason, due: due)
        // Its next repeat is due one interval from now.
        if repeats, let every = rules[rule]?.repeatEvery, every > 0 { checkAt(Instant(seconds: now.seconds + every)) }
    }

    // MARK: 4. Counts and disputes

    /// Returns true when routing is (or becomes) stopped.
    mutating func checkBounces(world: WorldSnapshot) -> Bool {
        var stopped = incident.routingStopped
        for rule in world.rules where rule.measure == .bounces && rule.applies(to: incident, supplier: incident.owner) {
            let window = rule.window ?? 86_400
            let recent = snapshot.bounces.filter { $0.at.seconds >= now.seconds - window }
            let current = currentLevel(rule: rule.code, handoff: nil, supplier: nil)
            let level = EscalationTiming.level(of: Double(recent.count), in: rule.thresholds)
            guard let reached = EscalationTiming.levelToRaise(reached: level, before: current, rule: rule) else { continue }
            let within = "\(recent.count == 1 ? "once" : "\(recent.count) times") within \(BusinessDuration(seconds: window))"
            let who = recent.map { "\($0.supplier) \($0.kind.rawValue)" }.joined(separator: ", ")
            raise(rule: rule.code, level: reached,
                  reason: "bounced \(within) (\(who)): ping-pong" + passedOver(rule.thresholds, from: current, to: reached, unit: ""))
            if !stopped {
                stopRouting(after: within)
                stopped = true
            }
        }
        return stopped
    }

    /// Stops automatic routing. The standing offer, if any, is withdrawn when the daemon made
    /// it and kept when a person did (a person chose that supplier); the reason says which.
    mutating func stopRouting(after within: String) {
        var why = "bounced \(within): automatic routing stopped until a person offers it"
        if let standing = openOffers.first(where: { $0.part == nil }) {
            if standing.automatic {
                // The offered supplier reads this reason: it names nobody else.
                decide(.cancelHandoff(handoff: standing.id),
                       "routing stopped (ping-pong): the daemon's offer is withdrawn; a person chooses who gets the work")
                endedOffers.insert(standing.id)
                why += "; the daemon's standing offer \(standing.id) to \(standing.toSupplier) is withdrawn"
            } else {
                why += "; the standing offer \(standing.id) to \(standing.toSupplier), made by a person, stands"
            }
        } else {
            why += "; no offer stands"
        }
        decide(.stopRouting, why)
    }

    mutating func checkComplaints(world: WorldSnapshot) {
        for rule in world.rules where rule.measure == .complaints && rule.applies(to: incident, supplier: incident.owner) {
            let since = Instant(seconds: now.seconds - (rule.window ?? 7 * 86_400))
            let recent = snapshot.complaints.filter { $0.receivedAt >= since }
            let weight = recent.reduce(0) { $0 + $1.weight }
            let current = currentLevel(rule: rule.code, handoff: nil, supplier: nil)
            let level = EscalationTiming.level(of: Double(weight), in: rule.thresholds)
            guard let reached = EscalationTiming.levelToRaise(reached: level, before: current, rule: rule) else { continue }
            let customers = recent.filter { $0.source == "customer" }.count
            raise(rule: rule.code, level: reached,
                  reason: "complaints weigh \(weight) (\(customers) from the customer, \(recent.count - customers) from users)"
                      + passedOver(rule.thresholds, from: current, to: reached, unit: ""))
        }
    }

    /// Each unruled scope dispute raises an escalation to the integrator (the work itself
    /// flows on: the rejection made the incident routable again).
    mutating func raiseDisputes(world: WorldSnapshot) {
        for dispute in snapshot.disputes where dispute.ruling == nil {
            for rule in world.rules where rule.measure == .scopeDispute
                && rule.applies(to: incident, supplier: dispute.supplier)
                && EscalationTiming.levelToRaise(
                    reached: 1, before: currentLevel(rule: rule.code, handoff: dispute.handoff, supplier: dispute.supplier),
                    rule: rule) != nil {
                let why = snapshot.handoffs.first { $0.id == dispute.handoff }?.reason ?? "no reason given"
                raise(rule: rule.code, level: 1, handoff: dispute.handoff, supplier: dispute.supplier,
                      reason: "scope dispute \(dispute.id): \(dispute.supplier) refused handoff \(dispute.handoff) as out of scope (\(why)); the integrator rules on it")
            }
        }
    }

    // MARK: 6. Repeats

    mutating func repeatEscalations(world: WorldSnapshot) {
        let closing = Set(decisions.compactMap { decision -> Int64? in
            if case .closeEscalation(let id, _) = decision.action { return id }
            return nil
        })
        for escalation in snapshot.escalations where !closing.contains(escalation.id) {
            // A disabled rule stops notifying; its open escalations still close with their cause.
            let climbed = raisedLevels[key(escalation.rule, escalation.handoff, escalation.supplier)] != nil
            switch EscalationTiming.nextRepeat(of: escalation, rule: rules[escalation.rule], climbedNow: climbed, now: now) {
            case .due(let at)?:
                decide(.repeatEscalation(escalation: escalation.id),
                       "level \(escalation.level) not acknowledged since \(escalation.lastNotifiedAt.iso8601) (notified \(escalation.notifiedCount)×)",
                       due: at)
                checkAt(Instant(seconds: now.seconds + (rules[escalation.rule]?.repeatEvery ?? 0)))
            case .later(let at)?:
                checkAt(at)
            case nil:
                break
            }
        }
    }
}
