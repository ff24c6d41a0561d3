/// The exposition text of ``DaemonMetrics``.
extension DaemonMetrics {
    /// The Prometheus text exposition format 0.0.4 of every metric, in a fixed order.
    ///
    /// `siamd_last_pass_timestamp_seconds` is 0 before the first successful pass (alert on
    /// `time() - siamd_last_pass_timestamp_seconds` together with `siamd_passes_total > 0`).
    public func render() -> String {
        let state = snapshot
        var out = ExpositionWriter()

        out.family("siamd_passes_total", .counter, help: "Coordination passes that completed.")
        out.sample("siamd_passes_total", state.passes)

        out.family("siamd_pass_failures_total", .counter, help: "Coordination passes that failed with a database error.")
        out.sample("siamd_pass_failures_total", state.passFailures)

        out.family("siamd_pass_duration_seconds", .histogram, help: "Wall-clock duration of successful coordination passes.")
        state.passDuration.write("siamd_pass_duration_seconds", to: &out)

        out.family(
            "siamd_last_pass_timestamp_seconds", .gauge,
            help: "Unix time at which the last successful pass ended; 0 before the first.")
        out.sample("siamd_last_pass_timestamp_seconds", state.lastPassUnix ?? 0)

        out.family("siamd_incidents_examined_total", .counter, help: "Incidents looked at by successful passes.")
        out.sample("siamd_incidents_examined_total", state.incidentsExamined)

        out.family("siamd_due_items", .gauge, help: "Incidents due for a look at the end of the last pass (backlog).")
        out.sample("siamd_due_items", state.dueItems)

        out.family("siamd_feed_holdback_seconds", .gauge,
                   help: "Age of the oldest open transaction in the cluster, which holds back the event feed (0: none).")
        out.sample("siamd_feed_holdback_seconds", state.feedHoldbackSeconds)

        out.family("siamd_actions_total", .counter, help: "Decisions applied that changed something, by action kind.")
        for action in state.actions.keys.sorted() {
            out.sample("siamd_actions_total", labels: [("action", action)], state.actions[action]!)
        }

        out.family(
            "siamd_action_deadline_lag_seconds", .histogram,
            help: "How late actions were applied against their due instant, by action kind.")
        for action in state.lag.keys.sorted() {
            state.lag[action]!.write("siamd_action_deadline_lag_seconds", labels: [("action", action)], to: &out)
        }

        out.family(
            "siamd_database_connected", .gauge,
            help: "Whether the daemon holds a working database connection (1) or not (0).")
        out.sample("siamd_database_connected", state.databaseConnected ? 1 : 0)

        out.family("process_start_time_seconds", .gauge, help: "Start time of the process since unix epoch in seconds.")
        out.sample("process_start_time_seconds", startedAtUnix)

        return out.text
    }
}
