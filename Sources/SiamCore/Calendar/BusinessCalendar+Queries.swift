extension BusinessCalendar {
    /// Whether the calendar is open at `instant` (pauses aside).
    public func isOpen(at instant: Instant) -> Bool {
        elapsed(from: instant, to: instant.advanced(by: 1)).seconds == 1
    }

    /// The first open instant at or after `instant`: `instant` itself when it is open.
    ///
    /// - Throws: ``CalendarError`` when there is none before 9999-12-31T23:59:59Z.
    public func nextOpening(atOrAfter instant: Instant) throws -> Instant {
        try deadline(from: instant, duration: .zero)
    }

    /// The local date of `instant` in the calendar's zone.
    public func localDate(at instant: Instant) -> LocalDate {
        let offset = Int64(zone.offset(at: instant))
        return LocalDate(dayNumber: floorDiv(instant.seconds + offset, secondsPerDay))
    }
}

extension BusinessCalendar {
    /// `instant` as local time in the calendar's zone with its offset, e.g.
    /// `2026-03-30T10:00:00+02:00`.
    public func localISO8601(_ instant: Instant) -> String {
        instant.iso8601(offsetSeconds: zone.offset(at: instant))
    }
}
