import ArgumentParser
import Foundation

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "PostgreSQL connection URI or key=value string (default: $DATABASE_URL, else libpq's PG* variables and service files; with none of them, siamd's own embedded PostgreSQL).",
        valueName: "url"))
    var database: String?

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("Who acts, for the event log (default: the OS user).", valueName: "name"))
    var actor: String?

    /// The connection string to use; nil leaves everything to libpq's defaults.
    var resolvedDatabase: String? { resolveDatabase(database) }

    /// The actor recorded in events.
    var resolvedActor: String {
        if let actor, !actor.trimmingCharacters(in: .whitespaces).isEmpty { return actor }
        return osUserName()
    }
}

/// The connection string: the explicit one, else `$DATABASE_URL`; nil leaves everything to
/// libpq's own defaults (`PG*` variables, service and password files).
func resolveDatabase(_ explicit: String?) -> String? {
    if let explicit, !explicit.isEmpty { return explicit }
    if let url = ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty { return url }
    return nil
}

/// The name of the OS user running siamd.
func osUserName() -> String {
    if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
    return ProcessInfo.processInfo.environment["USER"] ?? "unknown"
}
