// What `siamd run` counts, for Prometheus to scrape at /metrics.
//
// Invariants: counters never decrease (negative increments are ignored); every family is always
// present, with zero values before the first pass, so that dashboards and `rate()` work from the
// first scrape. Both per-action families are pre-seeded with the seven action kinds the engine
// knows; another kind appears when it is first recorded. Series are ordered by label value, and
// families in a fixed order, so the text is deterministic.
//
// Why one lock for everything: recording happens a few times per pass and rendering once per
// scrape; a single `Mutex` keeps a scrape consistent (passes and their duration count agree)
// at no measurable cost.

import Foundation
import Synchronization

/// Everything `siamd run` exposes at /metrics. Thread-safe: the loop records, the HTTP thread
/// renders.
public final class DaemonMetrics: Sendable {
    /// The action kinds of `Decision.Action`, as `Decision.fields` names them in logs; the label values.
    public static let actionKinds = ["offer", "expire", "cancel", "escalate", "repeat", "close", "stop-routing"]

    /// Upper bounds of `siamd_action_deadline_lag_seconds`, in seconds.
    static let lagBuckets: [Double] = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300]

    /// Upper bounds of `siamd_pass_duration_seconds`, in seconds.
    static let passDurationBuckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    /// The recorded values; copied out under the lock to render.
    struct State: Sendable {
        var passes = 0
        var passFailures = 0
        var incidentsExamined = 0
        var passDuration = Histogram(upperBounds: DaemonMetrics.passDurationBuckets)
        var lastPassUnix: Double?
        var dueItems = 0
        var feedHoldbackSeconds = 0.0
        var databaseConnected = false
        var actions = Dictionary(uniqueKeysWithValues: DaemonMetrics.actionKinds.map { ($0, 0) })
        var lag = Dictionary(
            uniqueKeysWithValues: DaemonMetrics.actionKinds.map { ($0, Histogram(upperBounds: DaemonMetrics.lagBuckets)) })
    }

    /// When these metrics were created, Unix seconds: `process_start_time_seconds`.
    public let startedAtUnix: Double

    let state = Mutex(State())

    /// Metrics starting now.
    public convenience init() {
        self.init(startedAtUnix: Date().timeIntervalSince1970)
    }

    /// Metrics with a given start time; for tests that compare whole texts.
    public init(startedAtUnix: Double) {
        self.startedAtUnix = startedAtUnix
    }

    /// One successful pass: its wall duration, when it ended (Unix seconds, fractional), incidents
    /// looked at.
    public func passCompleted(durationSeconds: Double, endedAtUnix: Double, incidents: Int) {
        state.withLock {
            $0.passes += 1
            $0.passDuration.observe(max(0, durationSeconds))
            $0.lastPassUnix = endedAtUnix
            $0.incidentsExamined += max(0, incidents)
        }
    }

    /// A pass that failed (database error).
    public func passFailed() {
        state.withLock { $0.passFailures += 1 }
    }

    /// Decisions that changed something, by action kind ("offer", "expire", "cancel", "escalate",
    /// "repeat", "close", "stop-routing"). Counts of zero or less change nothing.
    public func actionsApplied(_ counts: [String: Int]) {
        state.withLock { state in
            for (action, count) in counts where count > 0 {
                state.actions[action, default: 0] += count
            }
        }
    }

    /// How late one action was against its due instant, in seconds, by action kind. A negative
    /// lag (applied early, or clocks apart) counts as 0.
    public func observeLag(action: String, seconds: Double) {
        state.withLock {
            $0.lag[action, default: Histogram(upperBounds: Self.lagBuckets)].observe(max(0, seconds))
        }
    }

    /// Incidents due for a look (backlog) as of the end of the last pass.
    public func setDueItems(_ count: Int) {
        state.withLock { $0.dueItems = count }
    }

    /// Whether the daemon holds a working database connection.
    /// Age of the oldest open transaction in the cluster (0: none), which holds back the feed.
    public func setFeedHoldback(seconds: Double) {
        state.withLock { $0.feedHoldbackSeconds = seconds }
    }

    public func setDatabaseConnected(_ connected: Bool) {
        state.withLock { $0.databaseConnected = connected }
    }

    /// Whether the daemon's database connection is up, as last reported.
    public var databaseConnected: Bool {
        state.withLock { $0.databaseConnected }
    }

    /// Unix seconds of the last successful pass, nil before the first.
    public var lastPassUnix: Double? {
        state.withLock { $0.lastPassUnix }
    }

    /// A copy of the recorded values.
    var snapshot: State {
        state.withLock { $0 }
    }
}
