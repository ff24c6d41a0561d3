// Deadline arithmetic: the instant at which a duration of business time has been consumed.
//
// The walk goes zone segment by zone segment (spans of constant UTC offset, where local time
// is UTC plus a constant), and inside a segment local day by local day, interval by interval.
// Whole weeks without a holiday, a pause or the end of the segment are skipped at once.

extension BusinessCalendar {
    /// The instant at which `duration` of business time, counted from `from`, has elapsed.
    ///
    /// If `from` is closed or paused the clock starts at the next open instant. A deadline that
    /// ends exactly at a closing (or where a pause begins) is that instant. A zero duration
    /// gives `from` when it is open, else the next open instant. Pauses may be in any order and
    /// may overlap.
    ///
    /// - Throws: ``CalendarError`` for a negative duration, a `from` outside years 0000–9999, or
    ///   a deadline that would fall after 9999-12-31T23:59:59Z.
    public func deadline(
        from: Instant, duration: BusinessDuration, pauses: [Range<Instant>] = []
    ) throws -> Instant {
        guard duration.seconds >= 0 else {
            throw CalendarError("negative duration \(duration): a deadline needs a duration of at least 0s")
        }
        guard from >= .earliestSupported, from <= .latestSupported else {
            throw CalendarError("instant \(from.seconds) s is outside the supported years 0000 to 9999")
        }
        let pauseSet = PauseSet(pauses)
        let horizon = Instant.latestSupported.seconds + 1
        var remaining = duration.seconds
        var pauseIndex = 0
        var t = from.seconds
        var k = zone.segment(containing: t)
        let segmentCount = zone.starts.count
        while t < horizon {
            let segmentEnd = k + 1 < segmentCount ? min(zone.starts[k + 1], horizon) : horizon
            let offset = zone.offsets[k]
            if let end = advance(
                localFrom: t + offset, localTo: segmentEnd + offset, offset: offset,
                remaining: &remaining, pauses: pauseSet, pauseIndex: &pauseIndex)
            {
                if end - offset >= horizon { break }
                return Instant(seconds: end - offset)
            }
            t = segmentEnd
            k += 1
        }
        throw CalendarError(
            "the deadline \(duration) after \(from) would fall after 9999-12-31T23:59:59Z")
    }

    /// Consumes `remaining` business seconds in the local-time span `[a, b)` of one zone segment.
    /// Returns the local instant where it reaches zero, or `nil` (with `remaining` reduced) when
    /// the span ends first.
    @inline(__always)
    private func advance(
        localFrom a: Int64, localTo b: Int64, offset: Int64,
        remaining: inout Int64, pauses: PauseSet, pauseIndex p: inout Int
    ) -> Int64? {
        var day = floorDiv(a, secondsPerDay)
        var weekday = isoWeekday(ofDay: day)
        var nextHoliday = holidaySchedule.next(onOrAfter: day)
        var position = a
        let weekly = weeklyOpenSeconds
        while true {
            var dayStart = day * secondsPerDay
            if dayStart >= b { return nil }
            // Inside a pause: jump to its end at once, however long it is.
            if !pauses.isEmpty {
                while p < pauses.count, pauses.ends[p] + offset <= position { p += 1 }
                if p < pauses.count, pauses.starts[p] + offset <= position {
                    position = pauses.ends[p] + offset
                    if position >= b { return nil }
                    p += 1
                    day = floorDiv(position, secondsPerDay)
                    dayStart = day * secondsPerDay
                    weekday = isoWeekday(ofDay: day)
                    if nextHoliday < day { nextHoliday = holidaySchedule.next(onOrAfter: day) }
                }
            }
            // Skip whole weeks while more than a week of open time remains and nothing in the
            // way changes the weekly pattern. Keep at least one second for the day-by-day walk,
            // so that a deadline at a closing instant is found there.
            if position == dayStart, remaining > weekly, days(from: day, until: nextHoliday) >= 7 {
                var weeks = min((remaining - 1) / weekly, days(from: day, until: nextHoliday) / 7)
                weeks = min(weeks, (floorDiv(b, secondsPerDay) - day) / 7)
                while p < pauses.count, pauses.ends[p] + offset <= position { p += 1 }
                if p < pauses.count {
                    let pauseStart = pauses.starts[p] + offset
                    weeks = pauseStart <= position ? 0 : min(weeks, (floorDiv(pauseStart, secondsPerDay) - day) / 7)
                }
                if weeks > 0 {
                    remaining -= weeks * weekly
                    day += 7 * weeks
                    dayStart = day * secondsPerDay
                    position = dayStart
                    if dayStart >= b { return nil }
                }
            }
            if day == nextHoliday {
                nextHoliday = holidaySchedule.next(onOrAfter: day + 1)
            } else {
                for i in dayFirst[weekday - 1]..<dayFirst[weekday] {
                    var s = dayStart + opens[i]
                    if s < position { s = position }
                    var e = dayStart + closes[i]
                    if e > b { e = b }
                    if e <= s { continue }
                    if pauses.isEmpty {
                        if remaining <= e - s { return s + remaining }
                        remaining -= e - s
                    } else if let end = consume(
                        from: s, to: e, offset: offset, remaining: &remaining, pauses: pauses, pauseIndex: &p)
                    {
                        return end
                    }
                }
            }
            day += 1
            weekday = weekday == 7 ? 1 : weekday + 1
            position = day * secondsPerDay
        }
    }

    /// Consumes `remaining` in the open local span `[s, e)` minus pauses; returns where it
    /// reaches zero, or `nil` when the span ends first.
    private func consume(
        from s: Int64, to e: Int64, offset: Int64,
        remaining: inout Int64, pauses: PauseSet, pauseIndex p: inout Int
    ) -> Int64? {
        while p < pauses.count, pauses.ends[p] + offset <= s { p += 1 }
        var current = s
        while current < e {
            if p < pauses.count, pauses.starts[p] + offset <= current {
                // Inside a pause: jump to its end (or the end of the span).
                let pauseEnd = pauses.ends[p] + offset
                if pauseEnd <= e {
                    current = pauseEnd
                    p += 1
                } else {
                    return nil
                }
                continue
            }
            let pieceEnd = p < pauses.count ? min(e, pauses.starts[p] + offset) : e
            if remaining <= pieceEnd - current { return current + remaining }
            remaining -= pieceEnd - current
            current = pieceEnd
        }
        return nil
    }
}
