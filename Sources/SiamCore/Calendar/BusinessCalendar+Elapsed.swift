// Elapsed business time: the measure of open, unpaused instants in a half-open range.
//
// Same walk as the deadline (zone segment, local day, interval), summing instead of consuming.

extension BusinessCalendar {
    /// The business time in `[from, to)`: real time at open instants outside every pause.
    /// Zero when `to <= from`. Instants outside years 0000–9999 are clamped to that range.
    public func elapsed(from: Instant, to: Instant, pauses: [Range<Instant>] = []) -> BusinessDuration {
        let horizon = Instant.latestSupported.seconds + 1
        let a = max(from.seconds, Instant.earliestSupported.seconds)
        let b = min(to.seconds, horizon)
        guard a < b else { return .zero }
        let pauseSet = PauseSet(pauses)
        var total: Int64 = 0
        var pauseIndex = 0
        var t = a
        var k = zone.segment(containing: t)
        let segmentCount = zone.starts.count
        while t < b {
            let segmentEnd = k + 1 < segmentCount ? min(zone.starts[k + 1], b) : b
            let offset = zone.offsets[k]
            total += measure(
                localFrom: t + offset, localTo: segmentEnd + offset, offset: offset,
                pauses: pauseSet, pauseIndex: &pauseIndex)
            t = segmentEnd
            k += 1
        }
        return BusinessDuration(seconds: total)
    }

    /// Business seconds in the local-time span `[a, b)` of one zone segment.
    @inline(__always)
    private func measure(
        localFrom a: Int64, localTo b: Int64, offset: Int64, pauses: PauseSet, pauseIndex p: inout Int
    ) -> Int64 {
        var total: Int64 = 0
        var day = floorDiv(a, secondsPerDay)
        var weekday = isoWeekday(ofDay: day)
        var nextHoliday = holidaySchedule.next(onOrAfter: day)
        var position = a
        let weekly = weeklyOpenSeconds
        while true {
            var dayStart = day * secondsPerDay
            if dayStart >= b { return total }
            // Inside a pause: jump to its end at once, however long it is.
            if !pauses.isEmpty {
                while p < pauses.count, pauses.ends[p] + offset <= position { p += 1 }
                if p < pauses.count, pauses.starts[p] + offset <= position {
                    position = pauses.ends[p] + offset
                    if position >= b { return total }
                    p += 1
                    day = floorDiv(position, secondsPerDay)
                    dayStart = day * secondsPerDay
                    weekday = isoWeekday(ofDay: day)
                    if nextHoliday < day { nextHoliday = holidaySchedule.next(onOrAfter: day) }
                }
            }
            if position == dayStart, days(from: day, until: nextHoliday) >= 7 {
                var weeks = min(days(from: day, until: nextHoliday) / 7, (floorDiv(b, secondsPerDay) - day) / 7)
                while p < pauses.count, pauses.ends[p] + offset <= position { p += 1 }
                if p < pauses.count {
                    let pauseStart = pauses.starts[p] + offset
                    weeks = pauseStart <= position ? 0 : min(weeks, (floorDiv(pauseStart, secondsPerDay) - day) / 7)
                }
                if weeks > 0 {
                    total += weeks * weekly
                    day += 7 * weeks
                    dayStart = day * secondsPerDay
                    position = dayStart
                    if dayStart >= b { return total }
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
                    total += pauses.isEmpty
                        ? e - s : unpaused(from: s, to: e, offset: offset, pauses: pauses, pauseIndex: &p)
                }
            }
            day += 1
            weekday = weekday == 7 ? 1 : weekday + 1
            position = day * secondsPerDay
        }
    }

    /// Seconds of the local span `[s, e)` outside every pause.
    private func unpaused(
        from s: Int64, to e: Int64, offset: Int64, pauses: PauseSet, pauseIndex p: inout Int
    ) -> Int64 {
        while p < pauses.count, pauses.ends[p] + offset <= s { p += 1 }
        var total = e - s
        var i = p
        // Pauses overlapping [s, e); the last one may continue past e, so `p` stays on it.
        while i < pauses.count, pauses.starts[i] + offset < e {
            total -= min(e, pauses.ends[i] + offset) - max(s, pauses.starts[i] + offset)
            i += 1
        }
        return total
    }
}
