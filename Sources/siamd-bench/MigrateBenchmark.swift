import Foundation
import SiamCore
import SiamStore

/// `siamd db migrate` on a large database (default 1,000,000 incidents, the reports
/// benchmark's history): with nothing pending, with only the definitions to apply again, and
/// with one pending migration that adds an index to siam.incident. Writes its section of
/// BENCHMARKS.md.
enum MigrateBenchmark {
    static let command = BenchmarkCommand(
        name: "migrate", summary: "siamd db migrate on the reports benchmark's large database",
        details: """
            On the reports benchmark's database (a private PostgreSQL 15 it starts), siamd db
            migrate with nothing pending, with only the definitions files to apply again, and with
            one pending migration adding an index to siam.incident; median of 5 runs after one warm-up.
            """,
        options: [
            .init(name: "incidents", defaultValue: "1000000", help: "incidents in the history"),
            BenchmarkCommand.output, BenchmarkCommand.date,
        ],
        run: run)

    static func run(_ arguments: BenchmarkArguments) throws {
        let output = arguments.output
        let total = try arguments.int("incidents")
        let date = arguments.date

        let (cluster, connection) = try ReportsBenchmark.historyDatabase(incidents: total)
        defer { cluster.stop() }
        let size = try connection.query("SELECT pg_size_pretty(pg_database_size(current_database())) AS s").first!.string("s")

        let nothing = try timed("db migrate, nothing pending") {
            let outcome = try connection.migrate(siamdVersion: SiamdVersion.current)
            precondition(outcome.isEmpty)
        }
        let definitions = try timed("db migrate, the definitions files changed") {
            try connection.query("UPDATE siam.schema_definition SET checksum = 'changed'")
            let outcome = try connection.migrate(siamdVersion: SiamdVersion.current)
            precondition(outcome.definitionsApplied && outcome.applied.isEmpty)
        }
        let withIndex = Schema.migrations + [Migration(
            id: Schema.latest.id + 1, name: String(format: "%04d_bench_index", Schema.latest.id + 1),
            sql: "CREATE INDEX incident_bench_title ON siam.incident (title);")]
        let index = try timed("db migrate, one migration adding an index to siam.incident") {
            let outcome = try connection.migrate(siamdVersion: SiamdVersion.current, migrations: withIndex)
            precondition(outcome.applied.count == 1)
            // Back to where it was, for the next run.
            try connection.query("DROP INDEX siam.incident_bench_title")
            try connection.query("DELETE FROM siam.schema_migration WHERE id = $1", [Schema.latest.id + 1])
        }

        let section = """
            ## Upgrades (`siamd db migrate`)

            The reports benchmark's database (\(BenchmarkSupport.grouped(Double(total))) incidents and their handoffs,
            owner spans, escalations, complaints, feedback and events; \(size)) on a private
            PostgreSQL 15, migrated in the process (the CLI adds its start-up and one connection).
            Median of 5 runs after one warm-up. `swift run -c release siamd-bench migrate`.

            | migrate | median | runs (ms) |
            | --- | ---: | --- |
            | nothing pending (reads the records under the advisory lock) | **\(nothing.median) ms** | \(nothing.runs) |
            | the definitions files changed (all \(Schema.definitions.count) applied again; no group roles in this cluster) | **\(definitions.median) ms** | \(definitions.runs) |
            | one pending migration adding an index to `siam.incident`, then the definitions | **\(index.median) ms** | \(index.runs) |

            An index built inside the migration's transaction blocks writes to its table while it
            builds (reads go on). Machine: \(BenchmarkSupport.machine()); measured \(date).
            """
        try BenchmarkSupport.rewriteSection(section, named: "migrate", in: output)
        print("wrote the migrate section of \(output)")
    }

    /// Median and all runs of 5 timed runs after one warm-up, in milliseconds to 0.1 ms (a
    /// migrate with nothing to do takes well under one).
    static func timed(_ what: String, _ body: () throws -> Void) throws -> (median: String, runs: String) {
        try body()
        var runs: [Double] = []
        for _ in 0..<5 {
            let started = ContinuousClock.now
            try body()
            runs.append((ContinuousClock.now - started) / .microseconds(1) / 1000)
        }
        let text = { (value: Double) in String(format: "%.1f", value) }
        let median = text(runs.sorted()[runs.count / 2])
        print("\(what): median \(median) ms (\(runs.map(text).joined(separator: ", ")))")
        return (median, runs.map(text).joined(separator: ", "))
    }
}
