import SiamCore

extension Store {
    public func escalation(id: Int64) throws -> Escalation? {
        try escalations(openOnly: false, id: id).first
    }

    /// - Parameters:
    ///   - incidents: only escalations about these incidents.
    ///   - suppliersWithoutIncident: only supplier-level escalations (capacity) of these suppliers.
    public func escalations(
        openOnly: Bool, incident: Int64? = nil, id: Int64? = nil, incidents: [Int64]? = nil,
        suppliersWithoutIncident: [String]? = nil, limit: Int = 1000
    ) throws -> [Escalation] {
        try connection.query("""
            SELECT id, rule, level, incident, handoff, supplier, notify, reason, raised_at, notified_count,
                   last_notified_at, acknowledged_at, acknowledged_by, closed_at, close_reason,
                   level_raised_at, close_cause
            FROM siam.escalation
            WHERE (NOT $1::boolean OR closed_at IS NULL)
              AND ($2::bigint IS NULL OR incident = $2::bigint)
              AND ($4::bigint IS NULL OR id = $4::bigint)
              AND ($5::bigint[] IS NULL OR incident = ANY ($5::bigint[]))
              AND ($6::text[] IS NULL OR (incident IS NULL AND supplier = ANY ($6::text[])))
            ORDER BY id
            LIMIT $3::integer
            """, [openOnly, incident, limit, id, incidents?.map(String.init), suppliersWithoutIncident]).rows.map { row in
                Escalation(
                    id: Int64(try row.int("id")),
                    rule: try row.string("rule"),
                    level: try row.int("level"),
                    incident: try row.optionalInt("incident").map(Int64.init),
                    handoff: try row.optionalInt("handoff").map(Int64.init),
                    supplier: try row.optionalString("supplier"),
                    notify: try row.string("notify"),
                    reason: try row.string("reason"),
                    raisedAt: try row.instant("raised_at"),
                    notifiedCount: try row.int("notified_count"),
                    lastNotifiedAt: try row.instant("last_notified_at"),
                    acknowledgedAt: try row.optionalInstant("acknowledged_at"),
                    acknowledgedBy: try row.optionalString("acknowledged_by"),
                    closedAt: try row.optionalInstant("closed_at"),
                    closeReason: try row.optionalString("close_reason"),
                    levelRaisedAt: try row.instant("level_raised_at"),
                    closeCause: try row.optionalString("close_cause").flatMap(EscalationCloseCause.init(rawValue:)))
            }
    }

    /// Acknowledges an escalation at its current level: its repeats stop until it climbs.
    public func acknowledge(escalation: Int64, by who: String) throws {
        _ = try call("SELECT siam.escalation_ack($1::bigint, $2) AS id", [escalation, who])
    }
}

extension Store {
    /// Sets a rule's ascending thresholds (level N at `thresholds[N - 1]`).
    public func setRuleThresholds(rule: String, thresholds: [Double]) throws {
        _ = try call("SELECT siam.escalation_rule_set_thresholds($1, $2::numeric[]) AS rule",
                     [rule, Self.numericArray(thresholds)])
    }

    /// Sets how often a rule repeats its unacknowledged escalations (nil: once) and the
    /// window its counts look back over (bounces, complaints).
    public func setRuleTiming(rule: String, repeatEvery: BusinessDuration?, window: BusinessDuration?) throws {
        _ = try call("SELECT siam.escalation_rule_set_timing($1, $2::interval, $3::interval) AS rule",
                     [rule, repeatEvery, window])
    }
}

extension Store {
    /// The escalation rules, by code.
    public func escalationRules() throws -> [EscalationRule] {
        try EngineStore(connection: connection).escalationRules()
    }

    /// Changes a rule's thresholds and timing in one transaction (each change with its event);
    /// what is not given keeps its value.
    public func changeRule(_ code: String, thresholds: [Double]?, repeatEvery: BusinessDuration??,
                           window: BusinessDuration?) throws {
        try write {
            if let thresholds { try setRuleThresholds(rule: code, thresholds: thresholds) }
            guard repeatEvery != nil || window != nil else { return }
            guard let rule = try escalationRules().first(where: { $0.code == code }) else {
                throw unknown("escalation rule", code: code, in: "siam.escalation_rule")
            }
            let repeatValue = repeatEvery ?? rule.repeatEvery.map { BusinessDuration(seconds: $0) }
            try setRuleTiming(rule: code, repeatEvery: repeatValue,
                              window: window ?? rule.window.map { BusinessDuration(seconds: $0) })
        }
    }
}
