import SiamCore

extension EngineStore {
    /// Records when each incident is next looked at. Runs after the actions, in their
    /// transaction, with the plans finished from what the actions changed.
    public func schedule(_ plans: [IncidentPlan]) throws {
        guard !plans.isEmpty else { return }
        try connection.query(
            "SELECT siam.incident_schedule($1::bigint[], $2::timestamptz[])",
            [plans.map { String($0.incident) }, plans.map { $0.nextCheck?.iso8601 }])
    }

    /// Carries out decisions, one statement per kind, in an order where each step sees the
    /// previous ones: offers end before new ones are made, escalations close before repeats
    /// (those raised and closed in one plan right after their raise),
    /// a ping-pong escalation comes before the stop of routing it causes. Every function
    /// re-checks its decision under the row lock, writes its event, and returns what it
    /// changed; a decision it found done already (or no longer right) changed nothing.
    public func apply(_ decisions: [Decision]) throws -> AppliedActions {
        var expire: [(Int64, String)] = [], cancel: [(Int64, String)] = [], close: [(Int64, String, String)] = []
        var offer: [(Int64, String, String)] = []
        var raise: [(String, Int, Int64?, Int64?, String?, String)] = []
        var repeats: [(Int64, String)] = [], stop: [(Int64, String)] = []
        var closeRaised: [(AppliedActions.Subject, String, String)] = []
        for decision in decisions {
            switch decision.action {
            case .expireHandoff(let handoff): expire.append((handoff, decision.reason))
            case .cancelHandoff(let handoff): cancel.append((handoff, decision.reason))
            case .closeEscalation(let escalation, let cause): close.append((escalation, cause.rawValue, decision.reason))
            case .offer(let supplier): offer.append((decision.incident!, supplier, decision.reason))
            case .raiseEscalation(let rule, let level, let handoff, let supplier):
                raise.append((rule, level, decision.incident, handoff, supplier, decision.reason))
            case .repeatEscalation(let escalation): repeats.append((escalation, decision.reason))
            case .stopRouting: stop.append((decision.incident!, decision.reason))
            case .closeRaisedEscalation(let rule, let handoff, let supplier, let cause):
                closeRaised.append((AppliedActions.Subject(rule: rule, incident: decision.incident, handoff: handoff, supplier: supplier),
                                    cause.rawValue, decision.reason))
            }
        }
        var done = AppliedActions()
        done.expired = try ids("siam.handoffs_expire", expire)
        done.cancelled = try ids("siam.handoffs_cancel", cancel)
        if !close.isEmpty {
            done.closed = Set(try connection.query(
                "SELECT c AS id FROM siam.escalations_close($1::bigint[], $2::text[], $3::text[]) AS c",
                [close.map { String($0.0) }, close.map(\.1), close.map(\.2)]).rows.map { Int64(try $0.int("id")) })
        }
        if !offer.isEmpty {
            // A supplier whose row another transaction holds (an integration's accept not yet
            // committed) is not waited for: its offers are put off, the rest go on.
            let busy = Set(try connection.query("SELECT s AS code FROM siam.suppliers_busy($1::text[]) AS s",
                                                [Array(Set(offer.map(\.1))).sorted()]).rows.map { try $0.string("code") })
            done.putOff = Set(offer.filter { busy.contains($0.1) }.map(\.0))
            offer.removeAll { busy.contains($0.1) }
        }
        if !offer.isEmpty {
            done.offers = try connection.query("""
                SELECT handoff, incident, to_supplier, offered_at, accept_due, accept_calendar
                FROM siam.handoffs_offer_automatic($1::bigint[], $2::text[], $3::text[])
                """, [offer.map { String($0.0) }, offer.map(\.1), offer.map(\.2)]).rows.map { row in
                    NewOffer(handoff: Int64(try row.int("handoff")), incident: Int64(try row.int("incident")),
                             supplier: try row.string("to_supplier"), offeredAt: try row.instant("offered_at"),
                             acceptDue: try row.optionalInstant("accept_due"),
                             acceptCalendar: try row.optionalString("accept_calendar"))
                }
        }
        // The escalations raised or climbed, by subject: those closed in the same plan close next.
        var raisedIDs: [AppliedActions.Subject: Int64] = [:]
        if !raise.isEmpty {
            for row in try connection.query("""
                SELECT escalation, rule, level, incident, handoff, supplier
                FROM siam.escalations_raise($1::text[], $2::integer[], $3::bigint[], $4::bigint[], $5::text[], $6::text[])
                """, [raise.map(\.0), raise.map { String($0.1) }, raise.map { $0.2.map(String.init) },
                      raise.map { $0.3.map(String.init) }, raise.map(\.4), raise.map(\.5)]).rows {
                let key = AppliedActions.RaiseKey(rule: try row.string("rule"), level: try row.int("level"),
                                                  incident: try row.optionalInt("incident").map(Int64.init),
                                                  handoff: try row.optionalInt("handoff").map(Int64.init),
                                                  supplier: try row.optionalString("supplier"))
                done.raised.insert(key)
                raisedIDs[key.subject] = Int64(try row.int("escalation"))
            }
        }
        // Raised (or climbed) and closed in one plan: the offer of its clock ended before the
        // daemon got to it. Only what this batch raised is closed here.
        let closing = closeRaised.compactMap { input in raisedIDs[input.0].map { (input.0, $0, input.1, input.2) } }
        if !closing.isEmpty {
            let closed = Set(try connection.query(
                "SELECT c AS id FROM siam.escalations_close($1::bigint[], $2::text[], $3::text[]) AS c",
                [closing.map { String($0.1) }, closing.map(\.2), closing.map(\.3)]).rows.map { Int64(try $0.int("id")) })
            done.closedRaised = Set(closing.filter { closed.contains($0.1) }.map(\.0))
        }
        // After the escalation, so that the feed tells the ping-pong before its consequence.
        done.stopped = try ids("siam.incidents_stop_routing", stop)
        done.repeated = try ids("siam.escalations_repeat", repeats)
        return done
    }

    /// Calls a set-based action function of (ids, reasons) for a whole batch; the ids it changed.
    private func ids(_ function: String, _ input: [(Int64, String)]) throws -> Set<Int64> {
        guard !input.isEmpty else { return [] }
        return Set(try connection.query("SELECT r AS id FROM \(function)($1::bigint[], $2::text[]) AS r",
                                        [input.map { String($0.0) }, input.map(\.1)]).rows.map { Int64(try $0.int("id")) })
    }
}

/// What a batch's actions changed, as the schema's functions returned it.
public struct AppliedActions: Sendable {
    /// An escalation raised or climbed, by its subject.
    public struct RaiseKey: Hashable, Sendable {
        public var rule: String
        public var level: Int
        public var incident: Int64?
        public var handoff: Int64?
        public var supplier: String?

        var subject: Subject { Subject(rule: rule, incident: incident, handoff: handoff, supplier: supplier) }
    }

    /// An escalation's rule and subject (one open escalation each).
    public struct Subject: Hashable, Sendable {
        public var rule: String
        public var incident: Int64?
        public var handoff: Int64?
        public var supplier: String?
    }

    public var expired: Set<Int64> = []
    public var cancelled: Set<Int64> = []
    public var closed: Set<Int64> = []
    public var offers: [NewOffer] = []
    /// Incidents whose offer was put off: its supplier's row is held by another transaction.
    public var putOff: Set<Int64> = []
    public var raised: Set<RaiseKey> = []
    public var stopped: Set<Int64> = []
    public var repeated: Set<Int64> = []
    /// Escalations raised and closed in one plan, by subject.
    public var closedRaised: Set<Subject> = []

    public init() {}

    /// Whether this decision changed something (the others found it done already, or no
    /// longer right under the row lock).
    public func changed(_ decision: Decision) -> Bool {
        switch decision.action {
        case .expireHandoff(let handoff): return expired.contains(handoff)
        case .cancelHandoff(let handoff): return cancelled.contains(handoff)
        case .closeEscalation(let escalation, _): return closed.contains(escalation)
        case .offer(let supplier): return offers.contains { $0.incident == decision.incident && $0.supplier == supplier }
        case .raiseEscalation(let rule, let level, let handoff, let supplier):
            return raised.contains(RaiseKey(rule: rule, level: level, incident: decision.incident, handoff: handoff,
                                            supplier: supplier))
        case .stopRouting: return decision.incident.map(stopped.contains) ?? false
        case .repeatEscalation(let escalation): return repeated.contains(escalation)
        case .closeRaisedEscalation(let rule, let handoff, let supplier, _):
            return closedRaised.contains(Subject(rule: rule, incident: decision.incident, handoff: handoff, supplier: supplier))
        }
    }
}
