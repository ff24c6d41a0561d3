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
        for escalation in snapshot.escalations where escalation.isOpen {
            guard let measure = rules[escalation.rule]?.measure,
                  let (cause, reason) = endedCause(of: escalation, measure: measure, world: world) else { continue }
            decide(.closeEscalation(escalation: escalation.id, cause: cause), reason)
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
            if expiredOffers.contains(offer.id) { return (.expired, "handoff \(offer.id) expired") }
            if endedOffers.contains(offer.id) { return (.withdrawn, "handoff \(offer.id) withdrawn") }
            switch offer.state {
            case .offered: return nil
            case .accepted: return (.accepted, "handoff \(offer.id) accepted")
            case .rejected: return (.rejected, "handoff \(offer.id) rejected")
            case .expired: return (.expired, "handoff \(offer.id) expired")
            case .cancelled: return (.withdrawn, "handoff \(offer.id) withdrawn")
            }
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

    mutating func raise(rule: String, level: Int, handoff: Int64? = nil, supplier: String? = nil, reason: String,
                        due: Instant? = nil) {
        raisedLevels[key(rule, handoff, supplier)] = level
        decide(.raiseEscalation(rule: rule, level: level, handoff: handoff, supplier: supplier), reason, due: due)
        // Its next repeat is due one interval from now.
        if let every = rules[rule]?.repeatEvery, every > 0 { checkAt(Instant(seconds: now.seconds + every)) }
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
