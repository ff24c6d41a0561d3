/// How long the daemon sleeps between passes (unless a notification or a signal wakes it
/// first). Pure: the loop reads the inputs, this decides.
public enum WaitPlan {
    /// The wait when incidents are due but the pass could claim none of them: another session
    /// holds their rows (a supplier's open transaction, another daemon). Retrying at once
    /// would spin (`SKIP LOCKED` skips them again, hundreds of passes a second); the holder's
    /// commit writes events, whose notification wakes the daemon sooner anyway.
    public static let lockedRetry: Duration = .seconds(1)
    /// The shortest wait while what is due is locked elsewhere: at most this many passes a
    /// second, even when an unlocked incident seems due the instant the pass ends.
    public static let lockedMinimum: Duration = .milliseconds(50)

    /// - Parameters:
    ///   - untilNextCheck: seconds until the earliest incident is due (negative: overdue);
    ///     nil when none is scheduled.
    ///   - untilSupplierCheck: seconds until the next supplier-level look (capacity repeats).
    ///   - claimedNothing: the pass just ended claimed no incident.
    ///   - untilNextUnlockedCheck: when that happens while something is overdue: seconds until
    ///     the earliest check among the incidents nobody holds (nil: none, or not asked).
    public static func wait(pollInterval: Duration, watchdogPing: Duration?, untilNextCheck: Double?,
                     untilSupplierCheck: Double?, claimedNothing: Bool, untilNextUnlockedCheck: Double? = nil) -> Duration {
        var wait = pollInterval
        if let watchdogPing { wait = min(wait, watchdogPing) }
        if let seconds = untilNextCheck {
            let due: Duration
            if seconds <= 0 && claimedNothing {
                // Overdue and nothing was claimable: what is due is locked elsewhere. A second
                // (the holder's commit notifies sooner), or sooner for an incident nobody holds
                // that falls due before — never a busy loop.
                let unlocked = untilNextUnlockedCheck.map { Duration.milliseconds(Int64(max(0, $0) * 1000)) } ?? lockedRetry
                due = max(lockedMinimum, min(lockedRetry, unlocked))
            } else {
                due = .milliseconds(max(0, Int64(seconds * 1000)))
            }
            wait = min(wait, due)
        }
        if let seconds = untilSupplierCheck {
            wait = min(wait, .milliseconds(max(0, Int64(seconds * 1000))))
        }
        return wait
    }
}
