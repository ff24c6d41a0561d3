import SiamCore
import Foundation
import SiamStore

/// The daemon's row in `siam.daemon`, which `siamd status` reads: registered on every
/// (re)connect with event `daemon.started`, its last pass recorded at most once a second,
/// marked stopped with event `daemon.stopped` on a graceful stop.
///
/// Liveness is best effort: a failure to record it is logged and never stops coordination.
struct DaemonRegistration {
    let instance = UUID()
    let host = ProcessInfo.processInfo.hostName
    let pid = Int(ProcessInfo.processInfo.processIdentifier)
    /// Passes and actions not yet recorded, and when the last record was written.
    private var unrecordedPasses = 0
    private var unrecordedActions = 0
    private var lastRecorded: ContinuousClock.Instant?

    /// Registers (again) on a fresh connection.
    func register(on connection: PostgresConnection, pollInterval: Duration, actor: String) throws {
        try connection.transaction(actor: actor) {
            try connection.query(
                "SELECT siam.daemon_started($1::uuid, $2, $3::integer, $4, $5::interval)",
                [instance.uuidString.lowercased(), host, pid, SiamdVersion.current,
                 "\(max(1, pollInterval.components.seconds)) seconds"])
        }
    }

    /// Counts a pass; writes the record when a second has passed since the last one.
    mutating func passed(on connection: PostgresConnection, seconds: Double, actions: Int,
                         pollInterval: Duration, actor: String) throws {
        unrecordedPasses += 1
        unrecordedActions += actions
        let now = ContinuousClock.now
        if let lastRecorded, now - lastRecorded < .seconds(1) { return }
        let recorded = try connection.query(
            "SELECT siam.daemon_passed($1::uuid, $2::float8, $3::integer, $4::integer) AS recorded",
            [instance.uuidString.lowercased(), String(seconds), unrecordedPasses, unrecordedActions]
        ).first?.optionalBool("recorded") ?? false
        // Forgotten (not seen for a week, or stopped by hand): register again.
        if !recorded { try register(on: connection, pollInterval: pollInterval, actor: actor) }
        unrecordedPasses = 0
        unrecordedActions = 0
        lastRecorded = now
    }

    /// Marks it stopped.
    func stopped(on connection: PostgresConnection, actor: String) throws {
        try connection.transaction(actor: actor) {
            try connection.query("SELECT siam.daemon_stopped($1::uuid)", [instance.uuidString.lowercased()])
        }
    }
}
