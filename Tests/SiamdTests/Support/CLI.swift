import Foundation
import SiamStore
import Testing

/// What one run of the `siamd` binary did.
struct CLIResult {
    let status: Int32
    let stdout: String
    let stderr: String

    /// stdout parsed as JSON.
    func json() throws -> Any {
        try JSONSerialization.jsonObject(with: Data(stdout.utf8), options: [.fragmentsAllowed])
    }
}

/// Runs the `siamd` binary that `swift test` built, as a user would.
enum CLI {
    /// `SIAMD_BINARY`, else `siamd` beside the test bundle.
    static let binary: String = {
        if let path = ProcessInfo.processInfo.environment["SIAMD_BINARY"] { return path }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        if directory.lastPathComponent.hasSuffix(".xctest") { directory.deleteLastPathComponent() }
        return directory.appendingPathComponent("siamd").path
    }()

    /// Runs siamd with the arguments against a database (or none), with a clean environment:
    /// no inherited `PG*` or `DATABASE_URL`, so nothing outside the test leaks in.
    static func run(_ arguments: [String], database: String? = nil, environment extra: [String: String] = [:]) throws -> CLIResult {
        var environment = ProcessInfo.processInfo.environment.filter { key, _ in
            !key.hasPrefix("PG") && key != "DATABASE_URL"
        }
        if let database { environment["DATABASE_URL"] = database }
        environment.merge(extra) { $1 }
        let result = try ChildProcess.run(binary, arguments, environment: environment)
        return CLIResult(status: result.status, stdout: result.stdout, stderr: result.stderr)
    }
}

extension CLI {
    /// Runs siamd against `database` and expects it refused: the exit status, one line on
    /// stderr that starts `siamd: error: ` and holds `message` (right after that prefix when
    /// `atStart`), nothing on stdout, and no event written.
    static func expectRefused(_ arguments: [String], _ database: TestDatabase, status: Int32, _ message: String,
                              atStart: Bool, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let events = try database.count("siam.event")
        let result = try run(arguments, database: database.conninfo)
        #expect(result.status == status, "siamd \(arguments.joined(separator: " ")): \(result.stderr)", sourceLocation: sourceLocation)
        if atStart {
            #expect(result.stderr.hasPrefix("siamd: error: " + message), "\(result.stderr)", sourceLocation: sourceLocation)
        } else {
            #expect(result.stderr.hasPrefix("siamd: error: "), "\(result.stderr)", sourceLocation: sourceLocation)
            #expect(result.stderr.contains(message), "\(result.stderr)", sourceLocation: sourceLocation)
        }
        #expect(result.stderr.filter { $0 == "\n" }.count == 1, "one line: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, "\(result.stdout)", sourceLocation: sourceLocation)
        #expect(try database.count("siam.event") == events, "nothing changed", sourceLocation: sourceLocation)
    }
}
