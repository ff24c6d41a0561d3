import ArgumentParser
import Foundation
import SiamCore
import SiamDaemon
import SiamStore

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Watch siamd coordinate five suppliers live, then see their scorecard.",
        discussion: """
            Builds a multi-vendor world on an empty database — an integrator, its customer, four services, \
            five suppliers with their own calendars, capacities and habits (one slow to accept, one that \
            rejects out-of-scope work, one always at capacity, one often waiting on the customer, one \
            reliable that hands back work needing a site visit), SLA/OLA targets and escalation repeats \
            and windows scaled to seconds, ping-pong after 2 bounces — opens a stream of incidents, runs \
            the daemon in this process, plays the suppliers and the service desk (which acknowledges SLA \
            escalations and rules on scope disputes) through the same SQL functions a real integration \
            calls, and tells what happens: offers, expiries, reassignments, escalations raised and \
            climbing, acknowledgements, disputes and rulings, hand-backs, ping-pong, waits on the \
            customer. Two minutes show all of it. Stops after --duration (or on Ctrl-C/SIGTERM) and \
            prints the run's scorecard and the report html command for the run's whole period.
            Without --database (nor DATABASE_URL, nor PG* variables) it uses the database siam_demo of \
            siamd's embedded PostgreSQL, made afresh on every run (a demo still running on it elsewhere \
            is stopped); a given database must hold no suppliers (the schema is applied when missing). \
            --json prints one JSON object per line.
            """)

    @Option(help: "Stop after this long (default: run until Ctrl-C).", transform: parseDuration)
    var duration: BusinessDuration?
    @Option(help: "Multiply every target, delay and interval by this (0.1 to 10; 0.5 runs twice as fast).")
    var pace = 1.0
    @Option(name: .customLong("incidents-every"), help: "Mean time between new incidents (default: 6s).", transform: parseDuration)
    var incidentsEvery = BusinessDuration(seconds: 6)
    @Option(help: "Seed of the random choices (the same seed, the same incidents and habits).")
    var seed: UInt64 = 1
    @OptionGroup var options: GlobalOptions

    func validate() throws {
        guard (0.1...10).contains(pace) else { throw ValidationError("--pace must be from 0.1 to 10, not \(pace)") }
        if let duration, duration.seconds < 1 { throw ValidationError("--duration must be at least 1s") }
        guard incidentsEvery.seconds >= 1 else { throw ValidationError("--incidents-every must be at least 1s") }
    }

    func run() throws {
        let configured = options.resolvedDatabase
        let embedded = EmbeddedDatabase.applies(explicit: configured)
        let database = embedded
            ? try EmbeddedDatabase.ensureRunning(database: EmbeddedDatabase.demoDatabaseName, recreate: true)
            : configured ?? ""
        try DemoRun(
            database: database, embedded: embedded, pace: DemoPace(factor: pace), seed: seed,
            duration: duration.map { .seconds($0.seconds) }, arrivalEvery: Double(incidentsEvery.seconds),
            json: options.json, signals: try SignalWatcher.install()
        ).run()
    }
}
