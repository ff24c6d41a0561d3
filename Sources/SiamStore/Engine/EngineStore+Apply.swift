import SiamCore

extension EngineStore {
    /// Records when each incident is next looked at (the planner asks for now when it changed
    /// offers, so that the next pass sees their new clocks). Runs before the actions.
    public func schedule(_ plans: [IncidentPlan]) throws {
        guard !plans.isEmpty else { return }
        try connection.query(
            "SELECT siam.incident_schedule($1::bigint[], $2::timestamptz[])",
            [plans.map { String($0.incident) }, plans.map { $0.nextCheck?.iso8601 }])
    }

    /// Carries out decisions, one statement per kind, in an order where each step sees the
    /// previous ones: offers end before new ones are made, escalations close before repeats,
    /// a ping-pong escalation comes before the stop of routing it causes.
    /// Every function re-checks its decision under the row lock and writes its event.
    ///
    /// - Returns: how many decisions changed something (the others found it done already), by
    ///   kind (``Decision/kind``).
    @discardableResult
    public func apply(_ decisions: [Decision]) throws -> ActionCounts {
        var expire: [(Int64, String)] = [], cancel: [(Int64, String)] = [], close: [(Int64, String, String)] = []
        var offer: [(Int64, String, String)] = []
        var raise: [(String, Int, Int64?, Int64?, String?, String)] = []
        var repeats: [(Int64, String)] = [], stop: [(Int64, String)] = []
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
            }
        }
        var changed = ActionCounts()
        if !expire.isEmpty {
            changed["expire"] += try count("SELECT count(*) AS n FROM siam.handoffs_expire($1::bigint[], $2::text[])",
                                 [expire.map { String($0.0) }, expire.map(\.1)])
        }
        changed["cancel"] += try run("siam.handoffs_cancel", ids: cancel)
        if !close.isEmpty {
            changed["close"] += try count("SELECT count(*) AS n FROM siam.escalations_close($1::bigint[], $2::text[], $3::text[])",
                                 [close.map { String($0.0) }, close.map(\.1), close.map(\.2)])
        }
        if !offer.isEmpty {
            changed["offer"] += try count("SELECT count(*) AS n FROM siam.handoffs_offer_automatic($1::bigint[], $2::text[], $3::text[])",
                                 [offer.map { String($0.0) }, offer.map(\.1), offer.map(\.2)])
        }
        if !raise.isEmpty {
            changed["escalate"] += try count("""
                SELECT count(*) AS n
                FROM siam.escalations_raise($1::text[], $2::integer[], $3::bigint[], $4::bigint[], $5::text[], $6::text[])
                """, [raise.map(\.0), raise.map { String($0.1) }, raise.map { $0.2.map(String.init) },
                      raise.map { $0.3.map(String.init) }, raise.map(\.4), raise.map(\.5)])
        }
        // After the escalation, so that the feed tells the ping-pong before its consequence.
        changed["stop-routing"] += try run("siam.incidents_stop_routing", ids: stop)
        changed["repeat"] += try run("siam.escalations_repeat", ids: repeats)
        return changed
    }

    /// Calls a set-based action function of (ids, reasons) for a whole batch.
    private func run(_ function: String, ids: [(Int64, String)]) throws -> Int {
        guard !ids.isEmpty else { return 0 }
        return try count("SELECT count(*) AS n FROM \(function)($1::bigint[], $2::text[])",
                         [ids.map { String($0.0) }, ids.map(\.1)])
    }

    /// Runs a statement that returns how many decisions changed something.
    private func count(_ sql: String, _ parameters: [any SQLParameter]) throws -> Int {
        try connection.query(sql, parameters).first?.int("n") ?? 0
    }
}

/// How many decisions of each kind (``Decision/kind``) changed something.
public struct ActionCounts: Sendable, Equatable {
    public private(set) var byKind: [String: Int] = [:]

    public init() {}

    public subscript(kind: String) -> Int {
        get { byKind[kind, default: 0] }
        set { byKind[kind] = newValue == 0 ? nil : newValue }
    }

    /// All kinds together.
    public var total: Int { byKind.values.reduce(0, +) }

    public static func += (lhs: inout ActionCounts, rhs: ActionCounts) {
        for (kind, count) in rhs.byKind { lhs[kind] += count }
    }
}
