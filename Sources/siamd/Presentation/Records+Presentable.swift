import SiamCore
import SiamStore

extension Supplier: Presentable {
    var fields: [(String, JSONValue)] {
        [
            ("code", .string(code)),
            ("name", .string(name)),
            ("status", .string(status.rawValue)),
            ("capacity", JSONValue(capacity)),
            ("calendar", JSONValue(calendar)),
            ("open_load", JSONValue(openLoad)),
            ("serves", .array(serves.map { .object([("service", .string($0.service)), ("rank", JSONValue($0.rank))]) })),
            ("created_at", JSONValue(createdAt)),
            ("updated_at", JSONValue(updatedAt)),
        ]
    }
    static var tableColumns: [String] { ["code", "name", "status", "capacity", "open_load", "calendar", "serves"] }

    func field(_ name: String) -> JSONValue {
        // Who serves what, by rank: network:1 sap-hr:2.
        name == "serves" ? .string(serves.isEmpty ? "-" : serves.map { "\($0.service):\($0.rank)" }.joined(separator: " "))
            : fields.first { $0.0 == name }?.1 ?? .null
    }
}

extension SupplierService: Presentable {
    var fields: [(String, JSONValue)] {
        [("supplier", .string(supplier)), ("service", .string(service)), ("rank", JSONValue(rank))]
    }
    static var tableColumns: [String] { ["service", "rank"] }
}

extension CatalogEntry: Presentable {
    var fields: [(String, JSONValue)] {
        [("code", .string(code)), ("name", .string(name)), ("created_at", JSONValue(createdAt))]
    }
    static var tableColumns: [String] { ["code", "name"] }
}

extension Target: Presentable {
    var fields: [(String, JSONValue)] {
        [
            ("id", JSONValue(id)),
            ("kind", .string(kind.rawValue)),
            ("priority", .string(priority.rawValue)),
            ("service", JSONValue(service)),
            ("supplier", JSONValue(supplier)),
            ("calendar", JSONValue(calendar)),
            ("accept_within", JSONValue(acceptWithin)),
            ("acknowledge_within", JSONValue(acknowledgeWithin)),
            ("resolve_within", JSONValue(resolveWithin)),
            ("pauses_when_pending", JSONValue(pausesWhenPending)),
            ("updated_at", JSONValue(updatedAt)),
        ]
    }
    static var tableColumns: [String] {
        ["id", "kind", "priority", "service", "supplier", "calendar", "accept", "acknowledge", "resolve", "pauses_when_pending"]
    }

    func field(_ name: String) -> JSONValue {
        // People read durations as written (4h30m); JSON gives seconds.
        switch name {
        case "accept": return JSONValue(acceptWithin?.description)
        case "acknowledge": return JSONValue(acknowledgeWithin?.description)
        case "resolve": return JSONValue(resolveWithin?.description)
        default: return fields.first { $0.0 == name }?.1 ?? .null
        }
    }
}

extension Incident: Presentable {
    var fields: [(String, JSONValue)] {
        [
            ("id", JSONValue(id)),
            ("title", .string(title)),
            ("service", .string(service)),
            ("priority", .string(priority.rawValue)),
            ("state", .string(state.rawValue)),
            ("customer", JSONValue(customer)),
            ("user_tier", JSONValue(userTier)),
            ("owner", JSONValue(owner)),
            ("on_hold", .bool(onHold)),
            ("opened_at", JSONValue(openedAt)),
            ("acknowledged_at", JSONValue(acknowledgedAt)),
            ("resolved_at", JSONValue(resolvedAt)),
            ("closed_at", JSONValue(closedAt)),
            ("acknowledge_due", JSONValue(acknowledgeDue)),
            ("resolve_due", JSONValue(resolveDue)),
            ("sla_calendar", JSONValue(slaCalendar)),
            ("paused_since", JSONValue(pausedSince)),
            ("handoff_count", JSONValue(handoffCount)),
            ("complaint_count", JSONValue(complaintCount)),
            ("routing_stopped", .bool(routingStopped)),
            ("next_check_at", JSONValue(nextCheckAt)),
            ("updated_at", JSONValue(updatedAt)),
        ]
    }
    static var tableColumns: [String] { ["id", "priority", "state", "service", "owner", "resolve_due", "title"] }
}

extension Assignment: Presentable {
    var fields: [(String, JSONValue)] {
        [
            ("id", JSONValue(id)),
            ("incident", JSONValue(incident)),
            ("supplier", .string(supplier)),
            ("role", .string(role)),
            ("handoff", JSONValue(handoff)),
            ("started_at", JSONValue(startedAt)),
            ("ended_at", JSONValue(endedAt)),
            ("resolve_due", JSONValue(resolveDue)),
            ("ola_calendar", JSONValue(olaCalendar)),
            ("business_seconds", JSONValue(businessTime)),
            ("pauses_when_pending", .bool(pausesWhenPending)),
            // Business time (OLA calendar) of business_seconds during which its clock was paused.
            ("paused_seconds", JSONValue(pausedTime)),
            ("ola_met", JSONValue(olaMet)),
        ]
    }
    static var tableColumns: [String] {
        ["supplier", "role", "started_at", "ended_at", "business_time", "paused", "resolve_due", "ola_met"]
    }

    func field(_ name: String) -> JSONValue {
        // People read durations as written (4h30m); JSON gives seconds.
        switch name {
        case "business_time": return JSONValue(businessTime?.description)
        case "paused": return JSONValue(pausesWhenPending ? pausedTime?.description : "never")
        default: return fields.first { $0.0 == name }?.1 ?? .null
        }
    }
}

extension Handoff: Presentable {
    var fields: [(String, JSONValue)] {
        [
            ("id", JSONValue(id)),
            ("incident", JSONValue(incident)),
            ("from_supplier", JSONValue(fromSupplier)),
            ("to_supplier", .string(toSupplier)),
            ("part", JSONValue(part)),
            ("state", .string(state.rawValue)),
            ("offered_at", JSONValue(offeredAt)),
            ("offered_by", .string(offeredBy)),
            ("accept_due", JSONValue(acceptDue)),
            ("accept_calendar", JSONValue(acceptCalendar)),
            ("answered_at", JSONValue(answeredAt)),
            ("answered_by", JSONValue(answeredBy)),
            ("reason", JSONValue(reason)),
            ("out_of_scope", .bool(outOfScope)),
        ]
    }
    static var tableColumns: [String] { ["id", "incident", "from", "to_supplier", "part", "state", "out_of_scope", "accept_due", "reason"] }

    func field(_ name: String) -> JSONValue {
        switch name {
        // The integrator is the sender when there is no supplier.
        case "from": return .string(fromSupplier ?? "(integrator)")
        case "part": return .string(part ?? "(whole)")
        default: return fields.first { $0.0 == name }?.1 ?? .null
        }
    }
}

extension Escalation: Presentable {
    var fields: [(String, JSONValue)] {
        [
            ("id", JSONValue(id)),
            ("rule", .string(rule)),
            ("level", JSONValue(level)),
            ("incident", JSONValue(incident)),
            ("handoff", JSONValue(handoff)),
            ("supplier", JSONValue(supplier)),
            ("notify", .string(notify)),
            ("reason", .string(reason)),
            ("raised_at", JSONValue(raisedAt)),
            ("level_raised_at", JSONValue(levelRaisedAt)),
            ("notified_count", JSONValue(notifiedCount)),
            ("last_notified_at", JSONValue(lastNotifiedAt)),
            ("acknowledged_at", JSONValue(acknowledgedAt)),
            ("acknowledged_by", JSONValue(acknowledgedBy)),
            ("closed_at", JSONValue(closedAt)),
            ("close_cause", JSONValue(closeCause?.rawValue)),
            ("close_reason", JSONValue(closeReason)),
        ]
    }
    static var tableColumns: [String] {
        ["id", "rule", "level", "state", "incident", "supplier", "notify", "raised_at", "reason"]
    }

    func field(_ name: String) -> JSONValue {
        // People read its state: open, acknowledged (by whom) or closed (why).
        guard name == "state" else { return fields.first { $0.0 == name }?.1 ?? .null }
        if let closeCause { return .string("closed (\(closeCause.rawValue))") }
        if closedAt != nil { return .string("closed") }
        return .string(acknowledgedBy.map { "acknowledged (\($0))" } ?? "open")
    }
}

extension Event: Presentable {
    var fields: [(String, JSONValue)] {
        [
            ("id", JSONValue(id)),
            ("at", JSONValue(at)),
            ("actor", .string(actor)),
            ("kind", .string(kind)),
            ("incident", JSONValue(incident)),
            ("handoff", JSONValue(handoff)),
            ("supplier", JSONValue(supplier)),
            ("escalation", JSONValue(escalation)),
            ("reason", .string(reason)),
            ("change", .string(change)),
            ("data", JSONValue(parsing: data) ?? .null),
        ]
    }
    static var tableColumns: [String] { ["id", "at", "actor", "kind", "handoff", "supplier", "change", "reason"] }
}

extension ScopeDispute: Presentable {
    var fields: [(String, JSONValue)] {
        [
            ("id", JSONValue(id)),
            ("incident", JSONValue(incident)),
            ("handoff", JSONValue(handoff)),
            ("supplier", .string(supplier)),
            ("reason", .string(reason)),
            ("raised_at", JSONValue(raisedAt)),
            ("ruling", JSONValue(ruling?.rawValue)),
            ("ruled_at", JSONValue(ruledAt)),
            ("ruled_by", JSONValue(ruledBy)),
            ("note", JSONValue(note)),
            ("sent_back_handoff", JSONValue(sentBackHandoff)),
        ]
    }
    static var tableColumns: [String] { ["id", "incident", "supplier", "raised_at", "outcome", "ruled_by", "reason", "note"] }

    func field(_ name: String) -> JSONValue {
        // People read the outcome: open, upheld (out of scope) or overturned (in scope).
        name == "outcome" ? .string(ruling.map { "\($0.outcome) (\($0.rawValue))" } ?? "open") : fields.first { $0.0 == name }?.1 ?? .null
    }
}
