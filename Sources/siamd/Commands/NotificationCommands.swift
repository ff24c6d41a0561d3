import ArgumentParser
import SiamStore

// Receivers, routes and notifications (issue 14; docs/integration.md, "Be told: webhooks").
// Thin: each command is one call of the schema's functions, which validate and write the event.

struct ReceiverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receiver",
        abstract: "Who is told of events: webhooks owned by the integrator, the customer or a supplier.",
        subcommands: [Add.self, List.self, Remove.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a receiver.",
            discussion: """
                A webhook receives a JSON body (--format json, documented in docs/integration.md) or \
                {"text": ...} (--format chat: Slack, Mattermost, Rocket.Chat incoming webhooks), signed \
                with HMAC-SHA256 when --secret is given (16 to 200 characters; never shown again). \
                E-mail receivers (--email) are refused for now: the daemon does not send e-mail yet. \
                A receiver gets nothing until a route names it (siamd route add --receiver NAME).
                """)
        @Argument(help: "The receiver's name (a code: lower-case letters, digits, _ . -).")
        var name: String
        @Option(help: "Whose it is: integrator, customer or a supplier's code.")
        var party: String
        @Option(help: "The webhook's URL (http:// or https://).")
        var webhook: String?
        @Option(help: "The shared secret that signs each body.")
        var secret: String?
        @Option(help: "The body: json or chat.")
        var format: String?
        @Option(parsing: .upToNextOption, help: "E-mail addresses (not delivered yet).")
        var email: [String] = []
        @Option(help: "A business calendar for the receiver (kept; not used yet: everything is sent at once).")
        var calendar: String?
        @OptionGroup var options: GlobalOptions

        func validate() throws {
            if (webhook == nil) == email.isEmpty {
                throw ValidationError("give either --webhook URL or --email ADDR...")
            }
            if !email.isEmpty && (secret != nil || format != nil) {
                throw ValidationError("--secret and --format go with --webhook")
            }
        }

        func run() throws {
            let store = try options.openStore()
            try store.addReceiver(name: name, party: party, webhook: webhook, secret: secret, format: format,
                                  email: email, calendar: calendar)
            let receiver = try store.receivers().first { $0.name == name }
            Output(json: options.json).done("receiver \(name) added for \(party)", record: receiver?.json ?? .null)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the receivers (never their secrets).")
        @OptionGroup var options: GlobalOptions

        func run() throws {
            Output(json: options.json).list(try options.openStore().receivers(), empty: "no receivers")
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a receiver and its routes; its pending notifications fail.")
        @Argument(help: "The receiver's name.")
        var name: String
        @OptionGroup var options: GlobalOptions

        func run() throws {
            try options.openStore().removeReceiver(name: name)
            Output(json: options.json).done("receiver \(name) removed", record: .object([("name", .string(name))]))
        }
    }
}

struct RouteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "route",
        abstract: "Which events reach which receiver.",
        subcommands: [Add.self, List.self, Remove.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a route to a receiver.",
            discussion: """
                Each filter left out matches all. Without --event: what concerns the receiver's party \
                (a supplier: offers to it, its expired or withdrawn offers, rulings on its disputes, \
                escalations notified to it; the integrator: escalations notified to it and scope \
                disputes opened; the customer: escalations notified to it). A supplier's receiver only \
                ever gets events about that supplier.
                """)
        @Option(help: "The receiver's name.")
        var receiver: String
        @Option(name: .customLong("event"), help: "An event kind, e.g. escalation.raised, handoff.offered (repeatable).")
        var events: [String] = []
        @Option(help: "Only escalations of this rule (siamd rule list).")
        var rule: String?
        @Option(help: "Only escalations at this level or above.")
        var minLevel: Int?
        @Option(name: .customLong("priority"), help: "Only incidents of this priority, P1..P4 (repeatable).")
        var priorities: [String] = []
        @OptionGroup var options: GlobalOptions

        func run() throws {
            let store = try options.openStore()
            let id = try store.addRoute(receiver: receiver, eventKinds: events, rule: rule, minLevel: minLevel, priorities: priorities)
            let route = try store.routes().first { $0.id == id }
            Output(json: options.json).done("route \(id) to receiver \(receiver) added", record: route?.json ?? .null)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the routes.")
        @OptionGroup var options: GlobalOptions

        func run() throws {
            Output(json: options.json).list(try options.openStore().routes(), empty: "no routes")
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a route.")
        @Argument(help: "The route's id.")
        var id: Int64
        @OptionGroup var options: GlobalOptions

        func run() throws {
            try options.openStore().removeRoute(id: id)
            Output(json: options.json).done("route \(id) removed", record: .object([("id", .int(id))]))
        }
    }
}

struct NotificationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notification",
        abstract: "Notifications: one per event and receiver, delivered by siamd run.",
        subcommands: [List.self, Retry.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List notifications, the latest 1000.")
        @Option(help: "Only those in this state: pending, delivered or failed.")
        var state: String?
        @OptionGroup var options: GlobalOptions

        func validate() throws {
            if let state, !["pending", "delivered", "failed"].contains(state) {
                throw ValidationError("invalid --state \(state): use pending, delivered or failed")
            }
        }

        func run() throws {
            Output(json: options.json).list(try options.openStore().notifications(state: state), empty: "no notifications")
        }
    }

    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deliver a failed notification again (its maximum age counts from now).")
        @Argument(help: "The notification's id.")
        var id: Int64
        @OptionGroup var options: GlobalOptions

        func run() throws {
            try options.openStore().retryNotification(id: id)
            Output(json: options.json).done("notification \(id) is pending again", record: .object([("id", .int(id))]))
        }
    }
}

extension Receiver: Presentable {
    var fields: [(String, JSONValue)] {
        [("id", .int(id)), ("name", .string(name)), ("party", .string(party)), ("kind", .string(kind)),
         ("url", JSONValue(url)), ("has_secret", .bool(signed)), ("format", .string(format)),
         ("calendar", JSONValue(calendar)), ("created_at", JSONValue(createdAt))]
    }
    static var tableColumns: [String] { ["name", "party", "kind", "format", "has_secret", "url"] }
}

extension NotificationRoute: Presentable {
    var fields: [(String, JSONValue)] {
        [("id", .int(id)), ("receiver", .string(receiver)), ("party", .string(party)),
         ("event_kinds", .array(eventKinds.map(JSONValue.string))), ("rule", JSONValue(rule)),
         ("min_level", JSONValue(minLevel)), ("priorities", .array(priorities.map(JSONValue.string))),
         ("created_at", JSONValue(createdAt))]
    }
    static var tableColumns: [String] { ["id", "receiver", "events", "rule", "min_level", "priorities"] }

    func field(_ name: String) -> JSONValue {
        switch name {
        case "events": .string(eventKinds.isEmpty ? "(what concerns \(party))" : eventKinds.joined(separator: ","))
        case "priorities": .string(priorities.joined(separator: ","))
        default: fields.first { $0.0 == name }?.1 ?? .null
        }
    }
}

extension NotificationRecord: Presentable {
    var fields: [(String, JSONValue)] {
        [("id", .int(id)), ("event", .int(event)), ("event_kind", .string(eventKind)), ("incident", JSONValue(incident)),
         ("receiver", .string(receiver)), ("state", .string(state)), ("attempts", JSONValue(attempts)),
         ("created_at", JSONValue(createdAt)), ("next_attempt_at", JSONValue(nextAttemptAt)),
         ("last_error", JSONValue(lastError)), ("delivered_at", JSONValue(deliveredAt)),
         ("idempotency_key", .string(idempotencyKey))]
    }
    static var tableColumns: [String] { ["id", "receiver", "event_kind", "incident", "state", "attempts", "last_error"] }
}
