/// When an escalation is raised or climbs, and when it repeats: the one timing rule for every
/// clock, count, dispute and capacity (like Alertmanager's `needsUpdate`). Which cause ends an
/// escalation is the caller's (it differs per measure); how the level and repeats move is here.
public enum EscalationTiming {
    /// The highest level whose threshold a measure has reached (1 = the first); 0 when none.
    public static func level(of value: Double, in thresholds: [Double]) -> Int {
        (thresholds.lastIndex { value >= $0 } ?? -1) + 1
    }

    /// The level to raise a subject's escalation to, if any: the highest level reached, when
    /// it is above every level the subject had (open or closed); never for a disabled rule.
    public static func levelToRaise(reached: Int, before: Int, rule: EscalationRule) -> Int? {
        rule.enabled && reached > before ? reached : nil
    }

    /// When an open escalation repeats its current level.
    public enum Repeat: Equatable, Sendable {
        /// Due (at this instant, now or before): repeat now; the next one is an interval on.
        case due(Instant)
        /// Not yet: at this instant.
        case later(Instant)
    }

    /// When the escalation repeats; nil when it does not: closed, acknowledged (until it
    /// climbs), raised or climbed in this very plan (that notified), its rule unknown,
    /// disabled or without an interval.
    public static func nextRepeat(of escalation: Escalation, rule: EscalationRule?, climbedNow: Bool = false,
                                  now: Instant) -> Repeat? {
        guard escalation.isOpen, escalation.acknowledgedAt == nil, !climbedNow,
              let rule, rule.enabled, let every = rule.repeatEvery, every > 0 else { return nil }
        let next = Instant(seconds: escalation.lastNotifiedAt.seconds + every)
        return next <= now ? .due(next) : .later(next)
    }
}
