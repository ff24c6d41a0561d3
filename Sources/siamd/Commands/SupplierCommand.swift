import ArgumentParser
import SiamCore
import SiamStore

struct SupplierCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "supplier",
        abstract: "Register suppliers, change their lifecycle status, and say what they serve.",
        subcommands: [Add.self, List.self, Show.self, Set.self, SetStatus.self, Serve.self, Unserve.self, Grant.self, Revoke.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a supplier (status onboarding).")

        @Argument(help: "The supplier's code: lower-case letters, digits, _ . -")
        var code: String
        @Option(help: "The supplier's name.")
        var name: String
        @Option(help: "Most open incidents it owns at once (default: unlimited).")
        var capacity: Int?
        @Option(help: "Business calendar of its OLA clocks (default: 24x7).")
        var calendar: String?
        @OptionGroup var options: GlobalOptions

        func validate() throws {
            if let capacity, !(1...1_000_000).contains(capacity) {
                throw ValidationError("--capacity must be from 1 to 1000000 (leave it out for unlimited)")
            }
        }

        func run() throws {
            let store = try options.openStore()
            try store.addSupplier(code: code, name: name, capacity: capacity, calendar: calendar)
            let supplier = try store.supplier(code: code)
            Output(json: options.json).done("added supplier \(code) (onboarding)", record: supplier?.json ?? .null)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List suppliers with their status and load.")
        @OptionGroup var options: GlobalOptions

        func run() throws {
            let store = try options.openStore()
            Output(json: options.json).list(try store.suppliers(), empty: "no suppliers")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one supplier and the services it serves.")
        @Argument(help: "The supplier's code.")
        var code: String
        @OptionGroup var options: GlobalOptions

        func run() throws {
            let store = try options.openStore()
            guard let supplier = try store.supplier(code: code) else {
                throw store.unknown("supplier", code: code, in: "siam.supplier")
            }
            let services = try store.services(servedBy: code)
            let output = Output(json: options.json)
            output.record(supplier.fields, nested: [("services", .array(services.map(\.json)))])
            output.section("services", services)
        }
    }

    struct SetStatus: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-status",
            abstract: "Change a supplier's lifecycle status.",
            discussion: """
                onboarding -> active | retired; active -> suspended | exiting; suspended -> active | exiting; \
                exiting -> active | retired. Retiring needs it to hold no open work.
                """)
        @Argument(help: "The supplier's code.")
        var code: String
        @Argument(help: "The new status: onboarding, active, suspended, exiting or retired.")
        var status: SupplierStatus
        @Option(help: "Why, for the event log.")
        var reason: String?
        @OptionGroup var options: GlobalOptions

        func run() throws {
            let store = try options.openStore()
            try store.setSupplierStatus(code: code, status: status.rawValue, reason: reason)
            let supplier = try store.supplier(code: code)
            Output(json: options.json).done("supplier \(code) is \(status.rawValue) now", record: supplier?.json ?? .null)
        }
    }

    struct Serve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Say that a supplier serves a service, at a preference rank (1 = preferred).")
        @Argument(help: "The supplier's code.")
        var code: String
        @Argument(help: "The service's code.")
        var service: String
        @Option(help: "Preference rank for routing, 1 (preferred) to 1000.")
        var rank: Int = 1
        @OptionGroup var options: GlobalOptions

        func validate() throws {
            guard (1...1000).contains(rank) else { throw ValidationError("--rank must be from 1 to 1000") }
        }

        func run() throws {
            let store = try options.openStore()
            try store.serve(supplier: code, service: service, rank: rank)
            Output(json: options.json).done(
                "supplier \(code) serves \(service) at rank \(rank)",
                record: SupplierService(supplier: code, service: service, rank: rank).json)
        }
    }

    struct Unserve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Say that a supplier no longer serves a service.",
            discussion: """
                No new offers of the service go to it; its open offers and the work it holds stay (withdraw \
                or move them by hand). Writes the event supplier.unserved.
                """)
        @Argument(help: "The supplier's code.")
        var code: String
        @Argument(help: "The service's code.")
        var service: String
        @OptionGroup var options: GlobalOptions

        func run() throws {
            try options.openStore().unserve(supplier: code, service: service)
            Output(json: options.json).done("supplier \(code) no longer serves \(service)",
                                            record: .object([("supplier", .string(code)), ("service", .string(service))]))
        }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a supplier's name, capacity or calendar (what is left out keeps its value).",
            discussion: """
                --unlimited removes the capacity, --no-calendar the calendar (its OLA clocks count 24x7). A new \
                calendar applies to OLA clocks that start afterwards; more capacity lets waiting work go to it \
                at once. Writes the event supplier.changed; a change that changes nothing is refused.
                """)
        @Argument(help: "The supplier's code.")
        var code: String
        @Option(help: "The supplier's name.")
        var name: String?
        @Option(help: "Most open incidents it owns at once.")
        var capacity: Int?
        @Flag(help: "No capacity: unlimited.")
        var unlimited = false
        @Option(help: "Business calendar of its OLA clocks.")
        var calendar: String?
        @Flag(name: .customLong("no-calendar"), help: "No calendar: 24x7.")
        var noCalendar = false
        @OptionGroup var options: GlobalOptions

        func validate() throws {
            if name == nil && capacity == nil && !unlimited && calendar == nil && !noCalendar {
                throw ValidationError("nothing to change: give --name, --capacity, --unlimited, --calendar or --no-calendar")
            }
            if capacity != nil && unlimited { throw ValidationError("give --capacity N or --unlimited, not both") }
            if calendar != nil && noCalendar { throw ValidationError("give --calendar NAME or --no-calendar, not both") }
            if let capacity, !(1...1_000_000).contains(capacity) {
                throw ValidationError("--capacity must be from 1 to 1000000 (or --unlimited)")
            }
        }

        func run() throws {
            let store = try options.openStore()
            try store.changeSupplier(code: code, name: name, capacity: capacity, unlimited: unlimited,
                                     calendar: calendar, noCalendar: noCalendar)
            let supplier = try store.supplier(code: code)
            Output(json: options.json).done("supplier \(code) changed", record: supplier?.json ?? .null)
        }
    }

    struct Grant: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Let a database login role act for a supplier (its integration).",
            discussion: """
                The role must exist (CREATE ROLE name LOGIN). Sessions of that role then see, through \
                row-level security, only the supplier's own work, and can accept or reject only what is \
                offered to it. It also gets the group role siam_supplier of deploy/roles.sql, when that exists.
                """)
        @Argument(help: "The supplier's code.")
        var code: String
        @Option(help: "The database login role of its integration.")
        var role: String
        @OptionGroup var options: GlobalOptions

        func run() throws {
            let store = try options.openStore()
            try store.grant(supplier: code, role: role)
            Output(json: options.json).done(
                "role \(role) acts for supplier \(code)",
                record: .object([("role_name", .string(role)), ("supplier", .string(code))]))
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "End a login role's mapping to its supplier (also of a role renamed or dropped since).",
            discussion: """
                Its sessions then act for no supplier (they see none of siamd's work and may do nothing), \
                and it loses the group role siam_supplier when that exists. A mapping left behind by a \
                renamed role would let a role created later under the old name act for that supplier.
                """)
        @Option(help: "The database login role.")
        var role: String
        @OptionGroup var options: GlobalOptions

        func run() throws {
            let store = try options.openStore()
            let supplier = try store.revoke(role: role)
            Output(json: options.json).done(
                "role \(role) no longer acts for supplier \(supplier)",
                record: .object([("role_name", .string(role)), ("supplier", .string(supplier))]))
        }
    }
}
