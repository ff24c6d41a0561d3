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
    /// OLA only: whether the owner's resolve clock pauses while the incident is pending; nil
    /// keeps the stored value (a new target pauses).
    public var pausesWhenPending: Bool?

    public init(kind: TargetKind, priority: Priority, service: String?, supplier: String?, calendar: String?,
                accept: BusinessDuration?, acknowledge: BusinessDuration?, resolve: BusinessDuration?,
                pausesWhenPending: Bool? = nil) {
        self.kind = kind
        self.priority = priority
        self.service = service
        self.supplier = supplier
        self.calendar = calendar
        self.accept = accept
        self.acknowledge = acknowledge
        self.resolve = resolve
        self.pausesWhenPending = pausesWhenPending
    }
}

/// One warning of `siamd target check`: the OLA that applies to a supplier of a service, at a
/// priority, does not cover the SLA of that service.
public struct TargetWarning: Sendable, Equatable {
    public var priority: Priority
    public var service: String
    public var supplier: String
    /// `ola_longer_than_sla` or `ola_calendar_leaves_sla_uncovered`.
    public var problem: String
    public var message: String
}

extension Store {
    /// Adds or changes a target; returns its id.
    @discardableResult
    public func setTarget(_ change: TargetChange) throws -> Int {
        let arguments: [any SQLParameter] = [
            change.kind.rawValue, change.priority.rawValue, change.service, change.supplier, change.calendar,
            change.accept, change.acknowledge, change.resolve]
        guard let pauses = change.pausesWhenPending else {
            // The 8-argument form, which schemas before migration 0004 have too (MigrationTests
            // fill old schemas through the Store).
            return try call(
                "SELECT siam.target_set($1, $2, $3, $4, $5, $6::interval, $7::interval, $8::interval) AS id",
                arguments
            ).int("id")
        }
        return try call(
            "SELECT siam.target_set($1, $2, $3, $4, $5, $6::interval, $7::interval, $8::interval, $9::boolean) AS id",
            arguments + [pauses]
        ).int("id")
    }

    /// Removes some fields of the target of exactly this scope (`siam.target_clear`): it
    /// inherits them then. Returns its id.
    @discardableResult
    public func clearTarget(kind: TargetKind, priority: Priority, service: String?, supplier: String?,
                            fields: [String]) throws -> Int {
        try call("SELECT siam.target_clear($1, $2, $3, $4, $5::text[]) AS id",
                 [kind.rawValue, priority.rawValue, service, supplier, fields]).int("id")
    }

    /// Deletes the target of exactly this scope (`siam.target_delete`); returns its id.
    @discardableResult
    public func deleteTarget(kind: TargetKind, priority: Priority, service: String?, supplier: String?) throws -> Int {
        try call("SELECT siam.target_delete($1, $2, $3, $4) AS id",
                 [kind.rawValue, priority.rawValue, service, supplier]).int("id")
    }

    /// The warnings of `siam.target_check`, optionally only of a priority, service or supplier.
    public func checkTargets(priority: Priority? = nil, service: String? = nil, supplier: String? = nil) throws -> [TargetWarning] {
        try connection.query("SELECT * FROM siam.target_check($1, $2, $3)",
                             [priority?.rawValue, service, supplier]).rows.map { row in
            TargetWarning(priority: try row.enumValue("priority"), service: try row.string("service"),
                          supplier: try row.string("supplier"), problem: try row.string("problem"),
                          message: try row.string("message"))
        }
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
                   pauses_when_pending, updated_at
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
                    pausesWhenPending: try row.optionalBool("pauses_when_pending"),
                    updatedAt: try row.instant("updated_at"))
            }
    }
}
