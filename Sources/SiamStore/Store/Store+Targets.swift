import SiamCore

/// What `target set` changes; nil fields keep their stored value.
public struct TargetChange: Sendable {
    public var kind: TargetKind
    public var priority: Priority
    public var service: String?
    public var supplier: String?
    public var calendar: String?
    public var accept: BusinessDuration?
    public var acknowledge: BusinessDuration?
    public var resolve: BusinessDuration?

    public init(kind: TargetKind, priority: Priority, service: String?, supplier: String?, calendar: String?,
                accept: BusinessDuration?, acknowledge: BusinessDuration?, resolve: BusinessDuration?) {
        self.kind = kind
        self.priority = priority
        self.service = service
        self.supplier = supplier
        self.calendar = calendar
        self.accept = accept
        self.acknowledge = acknowledge
        self.resolve = resolve
    }
}

extension Store {
    /// Adds or changes a target; returns its id.
    @discardableResult
    public func setTarget(_ change: TargetChange) throws -> Int {
        try call(
            "SELECT siam.target_set($1, $2, $3, $4, $5, $6::interval, $7::interval, $8::interval) AS id",
            [change.kind.rawValue, change.priority.rawValue, change.service, change.supplier, change.calendar,
             change.accept, change.acknowledge, change.resolve]
        ).int("id")
    }

    public func target(id: Int) throws -> Target? {
        try targets().first { $0.id == id }  // a handful of rows: no need for its own query
    }

    public func targets() throws -> [Target] {
        try connection.query("""
            SELECT id, kind, priority, service, supplier, calendar,
                   extract(epoch FROM accept_within)::bigint AS accept_within,
                   extract(epoch FROM acknowledge_within)::bigint AS acknowledge_within,
                   extract(epoch FROM resolve_within)::bigint AS resolve_within,
                   updated_at
            FROM siam.target
            ORDER BY kind DESC, priority, service NULLS FIRST, supplier NULLS FIRST
            """).rows.map { row in
                Target(
                    id: try row.int("id"),
                    kind: try row.enumValue("kind"),
                    priority: try row.enumValue("priority"),
                    service: try row.optionalString("service"),
                    supplier: try row.optionalString("supplier"),
                    calendar: try row.optionalString("calendar"),
                    acceptWithin: try row.optionalDuration("accept_within"),
                    acknowledgeWithin: try row.optionalDuration("acknowledge_within"),
                    resolveWithin: try row.optionalDuration("resolve_within"),
                    updatedAt: try row.instant("updated_at"))
            }
    }
}
