import SiamCore

/// What `incident open` needs.
public struct NewIncident: Sendable {
    public var service: String
    public var priority: Priority
    public var title: String
    public var customer: String?
    public var userTier: String?
    /// Offer it to this supplier at once.
    public var offerTo: String?
    /// Keep it from automatic routing.
    public var hold: Bool

    public init(service: String, priority: Priority, title: String, customer: String?, userTier: String?,
                offerTo: String?, hold: Bool) {
        self.service = service
        self.priority = priority
        self.title = title
        self.customer = customer
        self.userTier = userTier
        self.offerTo = offerTo
        self.hold = hold
    }
}

/// Which incidents `incident list` shows.
public struct IncidentFilter: Sendable {
    public var states: [IncidentState]
    public var owner: String?
    public var limit: Int

    public init(states: [IncidentState] = [], owner: String? = nil, limit: Int = 1000) {
        self.states = states
        self.owner = owner
        self.limit = limit
    }
}

extension Store {
    static let incidentColumns = """
        id, title, service, priority, state, customer, user_tier, owner, on_hold, opened_at,
        acknowledged_at, resolved_at, closed_at, acknowledge_due, resolve_due, sla_calendar,
        paused_since, handoff_count, complaint_count, routing_stopped, next_check_at, updated_at
        """

    /// Opens an incident; returns its id.
    public func openIncident(_ incident: NewIncident) throws -> Int64 {
        Int64(try call(
            "SELECT siam.incident_open($1, $2, $3, $4, $5, $6, $7::boolean) AS id",
            [incident.service, incident.priority.rawValue, incident.title, incident.customer, incident.userTier,
             incident.offerTo, incident.hold]
        ).int("id"))
    }

    /// Changes an incident's state.
    public func setIncidentState(id: Int64, state: String, reason: String?) throws {
        _ = try call("SELECT siam.incident_set_state($1::bigint, $2, $3) AS state", [id, state, reason])
    }

    /// Changes an incident's priority; its clocks are recomputed.
    public func setIncidentPriority(id: Int64, priority: Priority, reason: String?) throws {
        _ = try call("SELECT siam.incident_set_priority($1::bigint, $2, $3) AS priority", [id, priority.rawValue, reason])
    }

    public func incidents(_ filter: IncidentFilter = IncidentFilter()) throws -> [Incident] {
        try connection.query("""
            SELECT \(Self.incidentColumns)
            FROM siam.incident
            WHERE (cardinality($1::text[]) = 0 OR state = ANY ($1::text[]))
              AND ($2::text IS NULL OR owner = $2::text)
            ORDER BY id
            LIMIT $3::integer
            """, [filter.states.map(\.rawValue), filter.owner, filter.limit]).rows.map(Self.incident)
    }

    public func incident(id: Int64) throws -> Incident? {
        try connection.query("SELECT \(Self.incidentColumns) FROM siam.incident WHERE id = $1::bigint", [id])
            .rows.first.map(Self.incident)
    }

    /// Who held or contributed to an incident, with the business time each spent, the part
    /// of it its OLA clock was paused (pending; business time on its OLA calendar) and whether
    /// its OLA resolve target was met (nil: no target, or not decided yet, as while a due
    /// instant passed during a pause that still lasts).
    public func assignments(incident: Int64) throws -> [Assignment] {
        try connection.query("""
            SELECT a.id, a.incident, a.supplier, a.role, a.handoff, a.started_at, a.ended_at, a.resolve_due,
                   a.ola_calendar, a.pauses_when_pending,
                   extract(epoch FROM siam.business_elapsed(a.ola_calendar, a.started_at,
                                                             coalesce(a.ended_at, t.now)))::bigint AS business_seconds,
                   CASE WHEN NOT a.pauses_when_pending THEN 0
                        ELSE extract(epoch FROM
                                 siam.business_elapsed(a.ola_calendar, a.started_at, coalesce(a.ended_at, t.now))
                                 - siam.business_elapsed(a.ola_calendar, a.started_at, coalesce(a.ended_at, t.now),
                                                         siam.incident_pauses(a.incident)))::bigint
                   END AS paused_seconds,
                   CASE WHEN a.resolve_due IS NULL THEN NULL
                        WHEN a.ended_at IS NOT NULL THEN a.ended_at <= a.resolve_due
                        WHEN a.pauses_when_pending AND i.paused_since < a.resolve_due THEN NULL
                        WHEN t.now > a.resolve_due THEN false
                   END AS ola_met
            FROM siam.assignment AS a
            JOIN siam.incident AS i ON i.id = a.incident
            CROSS JOIN (SELECT siam.clock() AS now) AS t
            WHERE a.incident = $1::bigint
            ORDER BY a.started_at, a.id
            """, [incident]).rows.map { row in
                Assignment(
                    id: Int64(try row.int("id")),
                    incident: Int64(try row.int("incident")),
                    supplier: try row.string("supplier"),
                    role: try row.string("role"),
                    handoff: try row.optionalInt("handoff").map(Int64.init),
                    startedAt: try row.instant("started_at"),
                    endedAt: try row.optionalInstant("ended_at"),
                    resolveDue: try row.optionalInstant("resolve_due"),
                    olaCalendar: try row.optionalString("ola_calendar"),
                    businessTime: try row.optionalDuration("business_seconds"),
                    olaMet: try row.optionalBool("ola_met"),
                    pausesWhenPending: try row.bool("pauses_when_pending"),
                    pausedTime: try row.optionalDuration("paused_seconds"))
            }
    }

    static func incident(_ row: Row) throws -> Incident {
        Incident(
            id: Int64(try row.int("id")),
            title: try row.string("title"),
            service: try row.string("service"),
            priority: try row.enumValue("priority"),
            state: try row.enumValue("state"),
            customer: try row.optionalString("customer"),
            userTier: try row.optionalString("user_tier"),
            owner: try row.optionalString("owner"),
            onHold: try row.bool("on_hold"),
            openedAt: try row.instant("opened_at"),
            acknowledgedAt: try row.optionalInstant("acknowledged_at"),
            resolvedAt: try row.optionalInstant("resolved_at"),
            closedAt: try row.optionalInstant("closed_at"),
            acknowledgeDue: try row.optionalInstant("acknowledge_due"),
            resolveDue: try row.optionalInstant("resolve_due"),
            slaCalendar: try row.optionalString("sla_calendar"),
            pausedSince: try row.optionalInstant("paused_since"),
            handoffCount: try row.int("handoff_count"),
            complaintCount: try row.int("complaint_count"),
            routingStopped: try row.bool("routing_stopped"),
            nextCheckAt: try row.optionalInstant("next_check_at"),
            updatedAt: try row.instant("updated_at"))
    }
}
