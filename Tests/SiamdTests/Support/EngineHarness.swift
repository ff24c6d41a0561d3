import SiamCore
import SiamDaemon
import SiamStore

/// Runs engine passes against a test database, as the daemon would.
struct EngineHarness {
    let database: TestDatabase

    /// One pass on a fresh connection (so a moved test clock applies); returns its report.
    @discardableResult
    func pass(dryRun: Bool = false, batchSize: Int = 500) throws -> PassReport {
        let engine = Engine(
            connection: try database.connect(),
            settings: EngineSettings(batchSize: batchSize, dryRun: dryRun, actor: "siamd"),
            logger: Logger(level: .error, sink: { _ in }))
        return try engine.pass()
    }

    /// The kinds of the incident's events, in order.
    func eventKinds(_ incident: Int64) throws -> [String] {
        try database.store().events(incident: incident).map(\.kind)
    }

    func escalations(_ incident: Int64? = nil) throws -> [Escalation] {
        try database.store().escalations(openOnly: false, incident: incident)
    }
}

extension Decision.Action {
    var isOffer: Bool { if case .offer = self { return true } else { return false } }
}
