/// One running SLA or OLA clock: started at `start`, due at `due`, counting business time on
/// `calendar` minus `pauses`. Its length is the business time from start to due, so
/// "p % elapsed" is reached at `deadline(start, p % of that length)`.
public struct RunningClock: Sendable {
    public var measure: EscalationRule.Measure
    public var start: Instant
    public var due: Instant
    public var calendar: BusinessCalendar
    public var pauses: [Range<Instant>]
    /// The handoff this clock is about (OLA accept: the offer; OLA resolve: the accepted offer).
    public var handoff: Int64?
    /// The supplier this clock measures (OLA clocks).
    public var supplier: String?

    public init(measure: EscalationRule.Measure, start: Instant, due: Instant, calendar: BusinessCalendar,
                pauses: [Range<Instant>] = [], handoff: Int64? = nil, supplier: String? = nil) {
        self.measure = measure
        self.start = start
        self.due = due
        self.calendar = calendar
        self.pauses = pauses
        self.handoff = handoff
        self.supplier = supplier
    }

    /// The business time the clock allows.
    public var length: BusinessDuration {
        calendar.elapsed(from: start, to: due, pauses: pauses)
    }

    /// The instant at which `percent` of the clock has elapsed: the due instant at 100, and
    /// past it beyond 100 (an overdue ladder such as 100, 150, 200 %).
    public func instant(atPercent percent: Double) -> Instant {
        if percent == 100 { return due }
        let total = length.seconds
        // Rounded up: a threshold is reached once at least that share has elapsed.
        let share = Int64((Double(total) * percent / 100).rounded(.up))
        return (try? calendar.deadline(from: start, duration: BusinessDuration(seconds: share), pauses: pauses)) ?? due
    }
}
