/// How long the daemon sleeps between passes (unless a notification or a signal wakes it
/// first). Pure: the loop reads the inputs, this decides.
public enum WaitPlan {
    /// The wait when incidents are due but the pass could claim none of them: another session
    /// holds their rows (a supplier's open transaction, another daemon). Retrying at once
    /// would spin (`SKIP LOCKED` skips them again, hundreds of passes a second); the holder's
    /// commit writes events, whose notification wakes the daemon sooner anyway.
    public static let lockedRetry: Duration = .seconds(1)

    /// - Parameters:
    ///   - untilNextCheck: seconds until the earliest incident is due (negative: overdue);
    ///     nil when none is scheduled.
    ///   - untilSupplierCheck: seconds until the next supplier-level look (capacity repeats).
    ///   - claimedNothing: the pass just ended claimed no incident.
    public static func wait(pollInterval: Duration, watchdogPing: Duration?, untilNextCheck: Double?,
                     untilSupplierCheck: Double?, claimedNothing: Bool) -> Duration {
        var wait = pollInterval
        if let watchdogPing { wait = min(wait, watchdogPing) }
        if let seconds = untilNextCheck {
            // Overdue and nothing was claimable: what is due is locked elsewhere.
            let due = seconds <= 0 && claimedNothing ? lockedRetry : .milliseconds(max(0, Int64(seconds * 1000)))
            wait = min(wait, due)
        }
        if let seconds = untilSupplierCheck {
            wait = min(wait, .milliseconds(max(0, Int64(seconds * 1000))))
        }
        return wait
    }
}
