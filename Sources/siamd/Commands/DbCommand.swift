import ArgumentParser
import SiamStore

struct DbCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Apply or check the database schema.",
        subcommands: [Init.self, Status.self, StopEmbedded.self])

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the siamd schema in the database (does nothing if it is there already).")

        @OptionGroup var options: GlobalOptions

        func run() throws {
            let connection = try options.openConnection()
            let output = Output(json: options.json)
            switch try connection.schemaState() {
            case .current:
                output.done("schema version \(Schema.version) is installed already; nothing to do",
                            record: .object([("version", .int(Int64(Schema.version))), ("created", .bool(false))]))
            case .other(let version):
                throw SchemaError.otherVersion(found: version, expected: Schema.version)
            case .missing:
                try connection.applySchema()
                output.done("created schema siam, version \(Schema.version)",
                            record: .object([("version", .int(Int64(Schema.version))), ("created", .bool(true))]))
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check that the database holds the schema this siamd works on (exit 4 if not).")

        @OptionGroup var options: GlobalOptions

        func run() throws {
            let connection = try options.openConnection()
            let state = try connection.schemaState()
            let found: JSONValue
            switch state {
            case .current: found = .int(Int64(Schema.version))
            case .other(let version): found = .int(Int64(version))
            case .missing: found = .null
            }
            let server = try connection.query(
                "SELECT current_database() AS database, current_user AS role, current_setting('server_version') AS version")
                .first!
            let fields: [(String, JSONValue)] = [
                ("database", .string(try server.string("database"))),
                ("role", .string(try server.string("role"))),
                ("server_version", .string(try server.string("version"))),
                ("schema_version", found),
                ("expected_version", .int(Int64(Schema.version))),
                ("ok", .bool(state == .current)),
            ]
            Output(json: options.json).record(fields)
            switch state {
            case .current: return
            case .missing: throw SchemaError.missing
            case .other(let version): throw SchemaError.otherVersion(found: version, expected: Schema.version)
            }
        }
    }
}

extension DbCommand {
    struct StopEmbedded: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "stop-embedded",
            abstract: "Stop siamd's embedded PostgreSQL (used when no database is configured); --remove deletes it.")

        @Flag(help: "Also delete the embedded cluster and all its data.")
        var remove = false

        func run() throws {
            let directory = EmbeddedDatabase.stateDirectory()
            if try EmbeddedDatabase.stop(remove: remove, stateDirectory: directory) {
                print(remove ? "stopped and removed the embedded database in \(directory)" : "stopped the embedded database in \(directory)")
            } else {
                print("no embedded database in \(directory)")
            }
        }
    }
}
