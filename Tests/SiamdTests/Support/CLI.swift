import Foundation
import SiamStore

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
