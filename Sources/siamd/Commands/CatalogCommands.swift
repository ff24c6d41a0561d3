import ArgumentParser
import SiamStore

struct ServiceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "service",
        abstract: "The service catalog.",
        subcommands: [Add.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a service to the catalog.")
        @Argument(help: "The service's code, e.g. network or sap-hr.")
        var code: String
        @Option(help: "The service's name.")
        var name: String
        @OptionGroup var options: GlobalOptions

        func run() throws {
            let store = try options.openStore()
            try store.addService(code: code, name: name)
            Output(json: options.json).done("added service \(code)", record: .object([("code", .string(code)), ("name", .string(name))]))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the service catalog.")
        @OptionGroup var options: GlobalOptions

        func run() throws {
            Output(json: options.json).list(try options.openStore().services(), empty: "no services")
        }
    }
}

struct CustomerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "customer",
        abstract: "Customers: the parties that sign the contract.",
        subcommands: [Add.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a customer.")
        @Argument(help: "The customer's code.")
        var code: String
        @Option(help: "The customer's name.")
        var name: String
        @OptionGroup var options: GlobalOptions

        func run() throws {
            let store = try options.openStore()
            try store.addCustomer(code: code, name: name)
            Output(json: options.json).done("added customer \(code)", record: .object([("code", .string(code)), ("name", .string(name))]))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List customers.")
        @OptionGroup var options: GlobalOptions

        func run() throws {
            Output(json: options.json).list(try options.openStore().customers(), empty: "no customers")
        }
    }
}
