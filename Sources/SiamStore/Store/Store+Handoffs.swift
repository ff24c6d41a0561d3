import SiamCore

/// Which handoffs `handoff list` shows.
public struct HandoffFilter: Sendable {
    public var id: Int64?
    public var incident: Int64?
    /// Only handoffs of these incidents.
    public var incidents: [Int64]?
    public var state: HandoffState?
    public var limit: Int

    public init(id: Int64? = nil, incident: Int64? = nil, incidents: [Int64]? = nil, state: HandoffState? = nil,
                limit: Int = 1000) {
        self.id = id
        self.incident = incident
        self.incidents = incidents
        self.state = state
        self.limit = limit
    }
}

extension Store {
    /// Offers an incident (or a part of it) to a supplier; returns the handoff id.
    @discardableResult
    public func offer(incident: Int64, to supplier: String, part: String?, reason: String?) throws -> Int64 {
        Int64(try call("SELECT siam.handoff_offer($1::bigint, $2, $3, $4) AS id", [incident, supplier, part, reason])
            .int("id"))
    }

    public func accept(handoff: Int64, reason: String?) throws {
        _ = try call("SELECT siam.handoff_accept($1::bigint, $2) AS id", [handoff, reason])
    }

    public func reject(handoff: Int64, reason: String, outOfScope: Bool) throws {
        _ = try call("SELECT siam.handoff_reject($1::bigint, $2, $3::boolean) AS id", [handoff, reason, outOfScope])
    }

    /// The owner gives the incident back (a bounce): the daemon routes it to the next supplier.
    public func handBack(incident: Int64, reason: String) throws {
        _ = try call("SELECT siam.incident_hand_back($1::bigint, $2) AS id", [incident, reason])
    }

    public func handoff(id: Int64) throws -> Handoff? {
        try handoffs(HandoffFilter(id: id)).first
    }

    public func handoffs(_ filter: HandoffFilter = HandoffFilter()) throws -> [Handoff] {
        try connection.query("""
            SELECT id, incident, from_supplier, to_supplier, part, state, offered_at, offered_by, accept_due,
                   accept_calendar, answered_at, answered_by, reason, out_of_scope, automatic
            FROM siam.handoff
            WHERE ($1::bigint IS NULL OR incident = $1::bigint)
              AND ($2::text IS NULL OR state = $2::text)
              AND ($4::bigint IS NULL OR id = $4::bigint)
              AND ($5::bigint[] IS NULL OR incident = ANY ($5::bigint[]))
            ORDER BY id
            LIMIT $3::integer
            """, [filter.incident, filter.state?.rawValue, filter.limit, filter.id, filter.incidents?.map(String.init)]).rows.map { row in
                Handoff(
                    id: Int64(try row.int("id")),
                    incident: Int64(try row.int("incident")),
                    fromSupplier: try row.optionalString("from_supplier"),
                    toSupplier: try row.string("to_supplier"),
                    part: try row.optionalString("part"),
                    state: try row.enumValue("state"),
                    offeredAt: try row.instant("offered_at"),
                    offeredBy: try row.string("offered_by"),
                    acceptDue: try row.optionalInstant("accept_due"),
                    acceptCalendar: try row.optionalString("accept_calendar"),
                    answeredAt: try row.optionalInstant("answered_at"),
                    answeredBy: try row.optionalString("answered_by"),
                    reason: try row.optionalString("reason"),
                    outOfScope: try row.bool("out_of_scope"),
                    automatic: try row.bool("automatic"))
            }
    }
}
