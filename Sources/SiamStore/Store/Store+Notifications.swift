import SiamCore

/// A receiver as listed (`siam.receivers`): never its secret, only whether it has one.
public struct Receiver: Sendable, Equatable {
    public let id: Int64
    public let name: String
    public let party: String
    public let kind: String
    public let url: String?
    public let signed: Bool
    public let format: String
    public let calendar: String?
    public let createdAt: Instant
}

/// A live route (`siam.routes`); empty filters match all.
public struct NotificationRoute: Sendable, Equatable {
    public let id: Int64
    public let receiver: String
    public let party: String
    public let eventKinds: [String]
    public let rule: String?
    public let minLevel: Int?
    public let priorities: [String]
    public let createdAt: Instant
}

/// A notification (`siam.notifications`).
public struct NotificationRecord: Sendable, Equatable {
    public let id: Int64
    public let event: Int64
    public let eventKind: String
    public let incident: Int64?
    public let receiver: String
    public let state: String
    public let attempts: Int
    public let createdAt: Instant
    public let nextAttemptAt: Instant
    public let lastError: String?
    public let deliveredAt: Instant?
    public let idempotencyKey: String
}

extension Store {
    /// Adds a webhook receiver for a party (integrator, customer or a supplier code).
    @discardableResult
    public func addReceiver(name: String, party: String, webhook: String?, secret: String?, format: String?,
                            email: [String], calendar: String?) throws -> Int64 {
        try call("""
            SELECT siam.receiver_add($1, $2, $3, $4, $5, $6, $7::text[], $8) AS id
            """, [name, party, email.isEmpty ? "webhook" : "email", webhook, secret, format ?? "json",
                  email.isEmpty ? nil : Self.textArray(email),
                  calendar]).int64("id")
    }

    public func removeReceiver(name: String) throws {
        _ = try call("SELECT siam.receiver_remove($1) AS id", [name])
    }

    public func receivers() throws -> [Receiver] {
        try connection.query("""
            SELECT id, name, party, kind, url, has_secret, format, calendar, created_at FROM siam.receivers ORDER BY name
            """).rows.map { row in
            Receiver(id: try row.int64("id"), name: try row.string("name"), party: try row.string("party"),
                     kind: try row.string("kind"), url: try row.optionalString("url"), signed: try row.bool("has_secret"),
                     format: try row.string("format"), calendar: try row.optionalString("calendar"),
                     createdAt: try row.instant("created_at"))
        }
    }

    @discardableResult
    public func addRoute(receiver: String, eventKinds: [String], rule: String?, minLevel: Int?, priorities: [String]) throws -> Int64 {
        try call("SELECT siam.route_add($1, $2::text[], $3, $4::integer, $5::text[]) AS id",
                 [receiver, Self.textArray(eventKinds), rule, minLevel, Self.textArray(priorities)]).int64("id")
    }

    public func removeRoute(id: Int64) throws {
        _ = try call("SELECT siam.route_remove($1::bigint) AS id", [id])
    }

    public func routes() throws -> [NotificationRoute] {
        try connection.query("""
            SELECT id, receiver, party, array_to_string(event_kinds, ',') AS kinds, rule, min_level,
                   array_to_string(priorities, ',') AS priorities, created_at
            FROM siam.routes ORDER BY id
            """).rows.map { row in
            NotificationRoute(id: try row.int64("id"), receiver: try row.string("receiver"), party: try row.string("party"),
                              eventKinds: try row.string("kinds").split(separator: ",").map(String.init),
                              rule: try row.optionalString("rule"), minLevel: try row.optionalInt("min_level"),
                              priorities: try row.string("priorities").split(separator: ",").map(String.init),
                              createdAt: try row.instant("created_at"))
        }
    }

    public func notifications(state: String?, limit: Int = 1000) throws -> [NotificationRecord] {
        try connection.query("""
            SELECT id, event, event_kind, incident, receiver, state, attempts, created_at, next_attempt_at,
                   last_error, delivered_at, idempotency_key::text AS key
            FROM siam.notifications
            WHERE $1::text IS NULL OR state = $1::text
            ORDER BY id DESC LIMIT $2::integer
            """, [state, limit]).rows.reversed().map { row in
            NotificationRecord(id: try row.int64("id"), event: try row.int64("event"), eventKind: try row.string("event_kind"),
                               incident: try row.optionalInt("incident").map(Int64.init), receiver: try row.string("receiver"),
                               state: try row.string("state"), attempts: try row.int("attempts"),
                               createdAt: try row.instant("created_at"), nextAttemptAt: try row.instant("next_attempt_at"),
                               lastError: try row.optionalString("last_error"), deliveredAt: try row.optionalInstant("delivered_at"),
                               idempotencyKey: try row.string("key"))
        }
    }

    public func retryNotification(id: Int64) throws {
        _ = try call("SELECT siam.notification_retry($1::bigint) AS id", [id])
    }

    /// A text[] literal of plain words (validated by the schema's functions).
    static func textArray(_ words: [String]) -> String {
        "{" + words.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
            .joined(separator: ",") + "}"
    }
}
