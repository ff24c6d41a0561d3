import SiamCore

extension Store {
    /// Scope disputes of `[since, until)` as `siam.disputes` defines it (either bound nil:
    /// open-ended; both nil: all), only the unruled ones with `openOnly`; oldest first.
    public func disputes(since: Instant? = nil, until: Instant? = nil, openOnly: Bool = false) throws -> [ScopeDispute] {
        try connection.query("""
            SELECT id, incident, handoff, supplier, reason, raised_at, ruling, ruled_at, ruled_by, note, sent_back_handoff
            FROM siam.disputes($1::timestamptz, $2::timestamptz, $3::boolean)
            """, [since, until, openOnly]).rows.map(Self.dispute)
    }

    public func dispute(id: Int64) throws -> ScopeDispute? {
        try connection.query("""
            SELECT id, incident, handoff, supplier, reason, raised_at, ruling, ruled_at, ruled_by, note, sent_back_handoff
            FROM siam.disputes() WHERE id = $1::bigint
            """, [id]).rows.map(Self.dispute).first
    }

    /// Rules on an open scope dispute (`siam.dispute_rule`); `sendBack` (in scope only)
    /// offers the work to the disputing supplier again.
    public func rule(dispute: Int64, ruling: DisputeRuling, note: String, sendBack: Bool) throws {
        _ = try call("SELECT siam.dispute_rule($1::bigint, $2, $3, $4::boolean) AS id",
                     [dispute, ruling.rawValue, note, sendBack])
    }

    static func dispute(_ row: Row) throws -> ScopeDispute {
        ScopeDispute(
            id: try row.int64("id"),
            incident: try row.int64("incident"),
            handoff: try row.int64("handoff"),
            supplier: try row.string("supplier"),
            reason: try row.optionalString("reason") ?? "",
            raisedAt: try row.instant("raised_at"),
            ruling: try row.optionalString("ruling").flatMap(DisputeRuling.init(rawValue:)),
            ruledAt: try row.optionalInstant("ruled_at"),
            ruledBy: try row.optionalString("ruled_by"),
            note: try row.optionalString("note"),
            sentBackHandoff: try row.optionalInt("sent_back_handoff").map(Int64.init))
    }
}
