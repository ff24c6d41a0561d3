import ArgumentParser
import SiamCore
import SiamStore

struct TargetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "target",
        abstract: "SLA (integrator <-> customer) and OLA (integrator <-> supplier) targets.",
        subcommands: [Set.self, Clear.self, Delete.self, List.self, Check.self])

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add or change a target; durations left out keep their value.",
            discussion: """
                A target applies to one priority, optionally to one service and (OLA only) one supplier. \
                Targets are inherited per field: for an incident each duration, the calendar and the \
                pause setting come from the most specific matching target that sets them (supplier and \
                service, then supplier, then service, then neither), so a supplier's target of only \
                --accept keeps the resolve time of the less specific OLA. Durations are more than zero, \
                business time on the calendar that applies (none: the supplier's calendar for an OLA, \
                else 24x7), written 90s, 15m, 4h, 3d (= 72h), 3h30m; the acknowledge time that applies \
                must be at most the resolve time. While an incident is pending (waiting on the customer) \
                the SLA clocks pause, and so does the owner's OLA resolve clock unless its OLA target \
                says --no-pause-when-pending (for spans that begin afterwards). Then the warnings of \
                'siamd target check' for this priority (and service, supplier) are printed on stderr.
                """)

        @Option(help: "sla or ola.")
        var kind: TargetKind
        @Option(help: "P1, P2, P3 or P4.")
        var priority: Priority
        @Option(help: "Only for incidents of this service.")
        var service: String?
        @Option(help: "Only for this supplier (OLA only).")
        var supplier: String?
        @Option(help: "Calendar the durations count on.")
        var calendar: String?
        @Option(help: "Time a supplier has to accept a handoff (OLA only).", transform: parseDuration)
        var accept: BusinessDuration?
        @Option(help: "Time until work starts.", transform: parseDuration)
        var acknowledge: BusinessDuration?
        @Option(help: "Time until resolved.", transform: parseDuration)
        var resolve: BusinessDuration?
        @Flag(inversion: .prefixedNo,
              help: "Whether the owner's OLA resolve clock pauses while the incident is pending, like the SLA (OLA only; left out: kept, a new target pauses).")
        var pauseWhenPending: Bool?
        @OptionGroup var options: GlobalOptions

        func validate() throws {
            if calendar == nil && accept == nil && acknowledge == nil && resolve == nil && pauseWhenPending == nil {
                throw ValidationError("nothing to set: give --accept, --acknowledge, --resolve, --calendar or --[no-]pause-when-pending")
            }
            if kind == .sla, supplier != nil {
                throw ValidationError("an SLA has no supplier: use --kind ola for a supplier's target")
            }
            if kind == .sla, accept != nil {
                throw ValidationError("--accept is an OLA target: use --kind ola")
            }
            if kind == .sla, pauseWhenPending == false {
                throw ValidationError("SLA clocks always pause while pending: --no-pause-when-pending is for --kind ola")
            }
        }

        func run() throws {
            let store = try options.openStore()
            let id = try store.setTarget(TargetChange(
                kind: kind, priority: priority, service: service, supplier: supplier, calendar: calendar,
                accept: accept, acknowledge: acknowledge, resolve: resolve, pausesWhenPending: pauseWhenPending))
            let target = try store.target(id: id)
            let warnings = try store.checkTargets(priority: priority, service: service, supplier: supplier)
            if options.json {
                print(JSONValue.object((target?.fields ?? []) + [("warnings", .array(warnings.map(\.json)))]).serialized())
            } else {
                print("target \(id) set (\(kind.rawValue) \(priority.rawValue))")
                for warning in warnings { printWarning(warning.line) }
            }
        }
    }

    /// Which target: its kind, priority, service and supplier, exactly.
    struct Scope: ParsableArguments {
        @Option(help: "sla or ola.")
        var kind: TargetKind
        @Option(help: "P1, P2, P3 or P4.")
        var priority: Priority
        @Option(help: "The target of this service (left out: the one for any service).")
        var service: String?
        @Option(help: "The target of this supplier (OLA only; left out: the one for any supplier).")
        var supplier: String?

        var text: String {
            "\(kind.rawValue.uppercased()) \(priority.rawValue)" + (service.map { " of service \($0)" } ?? "")
                + (supplier.map { (service == nil ? "" : ",") + " for supplier \($0)" } ?? "")
        }
    }

    struct Clear: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove some fields of a target: it inherits them from less specific targets then.",
            discussion: """
                The target is the one of exactly --kind, --priority, --service and --supplier. A target \
                keeps at least one time: to remove the last, delete it. Clocks running already keep \
                their due instants. Writes the event target.cleared.
                """)
        @OptionGroup var scope: Scope
        @Flag(help: "Clear the accept time.")
        var accept = false
        @Flag(help: "Clear the acknowledge time.")
        var acknowledge = false
        @Flag(help: "Clear the resolve time.")
        var resolve = false
        @Flag(help: "Clear the calendar.")
        var calendar = false
        @Flag(name: .customLong("pause-when-pending"), help: "Clear the pause setting.")
        var pause = false
        @OptionGroup var options: GlobalOptions

        var fields: [String] {
            [(accept, "accept"), (acknowledge, "acknowledge"), (resolve, "resolve"), (calendar, "calendar"),
             (pause, "pauses_when_pending")].filter(\.0).map(\.1)
        }

        func validate() throws {
            if fields.isEmpty {
                throw ValidationError("nothing to clear: give --accept, --acknowledge, --resolve, --calendar or --pause-when-pending")
            }
        }

        func run() throws {
            let store = try options.openStore()
            let id = try store.clearTarget(kind: scope.kind, priority: scope.priority, service: scope.service,
                                           supplier: scope.supplier, fields: fields)
            let target = try store.target(id: id)
            Output(json: options.json).done("target \(id) cleared (\(scope.text): \(fields.joined(separator: ", ")))",
                                            record: target?.json ?? .null)
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a target: its incidents fall back to less specific targets.",
            discussion: """
                The target is the one of exactly --kind, --priority, --service and --supplier. Clocks \
                running already keep their due instants. Writes the event target.deleted.
                """)
        @OptionGroup var scope: Scope
        @OptionGroup var options: GlobalOptions

        func run() throws {
            let store = try options.openStore()
            let id = try store.deleteTarget(kind: scope.kind, priority: scope.priority, service: scope.service,
                                            supplier: scope.supplier)
            Output(json: options.json).done("target \(id) deleted (\(scope.text))", record: .object([("id", JSONValue(id))]))
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Warn where an OLA does not cover the SLA it serves.",
            discussion: """
                For each priority and each service a supplier serves, the OLA that applies to the supplier \
                against the SLA that applies to the service: on one calendar, an OLA accept longer than \
                the SLA acknowledge, or accept + resolve longer than the SLA resolve; on two calendars \
                (the OLA's, else the supplier's, against the SLA's), an offer now or when the OLA's calendar \
                closes or the SLA's opens in the coming week whose OLA deadline falls after the SLA's. Changes nothing; exits 0 with or without \
                warnings (--json for scripts).
                """)
        @Option(help: "Only this priority.")
        var priority: Priority?
        @Option(help: "Only this service.")
        var service: String?
        @Option(help: "Only this supplier.")
        var supplier: String?
        @OptionGroup var options: GlobalOptions

        func run() throws {
            let store = try options.openStore()
            let warnings = try store.checkTargets(priority: priority, service: service, supplier: supplier)
            if options.json {
                print(JSONValue.array(warnings.map(\.json)).serialized())
            } else if warnings.isEmpty {
                print("no warnings: every OLA covers the SLA it serves")
            } else {
                for warning in warnings { print("warning: " + warning.line) }
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List SLA and OLA targets.")
        @OptionGroup var options: GlobalOptions

        func run() throws {
            Output(json: options.json).list(try options.openStore().targets(), empty: "no targets")
        }
    }
}

extension TargetWarning {
    var line: String { "\(priority.rawValue) \(service) \(supplier): \(message)" }
    var json: JSONValue {
        .object([("priority", .string(priority.rawValue)), ("service", .string(service)), ("supplier", .string(supplier)),
                 ("problem", .string(problem)), ("message", .string(message))])
    }
}
