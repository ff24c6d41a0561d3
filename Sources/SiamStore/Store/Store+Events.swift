import SiamCore

extension Store {
    static let eventColumns = "id, at, actor, kind, incident, handoff, supplier, escalation, reason, data::text AS data"

    /// Events in id order, optionally about one incident, after an id.
    public func events(incident: Int64? = nil, after: Int64 = 0, limit: Int = 1000) throws -> [Event] {
        try connection.query("""
            SELECT \(Self.eventColumns)
            FROM siam.event
            WHERE ($1::bigint IS NULL OR incident = $1::bigint) AND id > $2::bigint
            ORDER BY id
            LIMIT $3::integer
            """, [incident, after, limit]).rows.map(Self.event)
    }

    /// The latest `limit` events about one incident, oldest first, and how many it has in all.
    public func latestEvents(incident: Int64, limit: Int) throws -> (events: [Event], total: Int) {
        let events = try connection.query("""
            SELECT \(Self.eventColumns)
            FROM (SELECT * FROM siam.event WHERE incident = $1::bigint ORDER BY id DESC LIMIT $2::integer) AS latest
            ORDER BY id
            """, [incident, limit]).rows.map(Self.event)
        let total = try connection.query("SELECT count(*) AS n FROM siam.event WHERE incident = $1::bigint", [incident])
            .rows.first?.int("n") ?? 0
        return (events, total)
    }

    /// The feed: events after a cursor (nil: from the start), each with its own cursor, in
    /// an order that never skips a late-committing transaction (see `siam.events_after`).
    public func feed(after cursor: String?, limit: Int) throws -> [(cursor: String, event: Event)] {
        try connection.query("SELECT cursor, \(Self.eventColumns) FROM siam.events_after($1, $2::integer)", [cursor, limit])
            .rows.map { (try $0.string("cursor"), try Self.event($0)) }
    }

    /// The end of the feed: its last `limit` events in feed order, each with its cursor (see
    /// `siam.events_latest`); `feed(after:)` the last one continues without a gap.
    public func latestFeed(limit: Int) throws -> [(cursor: String, event: Event)] {
        try connection.query("SELECT cursor, \(Self.eventColumns) FROM siam.events_latest($1::integer)", [limit])
            .rows.map { (try $0.string("cursor"), try Self.event($0)) }
    }

    static func event(_ row: Row) throws -> Event {
        Event(
            id: Int64(try row.int("id")),
            at: try row.instant("at"),
            actor: try row.string("actor"),
            kind: try row.string("kind"),
            incident: try row.optionalInt("incident").map(Int64.init),
            handoff: try row.optionalInt("handoff").map(Int64.init),
            supplier: try row.optionalString("supplier"),
            escalation: try row.optionalInt("escalation").map(Int64.init),
            reason: try row.string("reason"),
            data: try row.string("data"))
    }
}
