// The POSIX TZ string found in a TZif footer, e.g. `CET-1CEST,M3.5.0,M10.5.0/3`, which
// gives a zone's rule for the years after its last listed transition (RFC 8536 section 3.3,
// including its extensions: hours up to 167 and negative transition times).

/// A parsed POSIX TZ rule: a standard offset and, optionally, a yearly DST period.
struct POSIXTimeZoneRule: Sendable {
    /// Seconds east of UTC outside DST.
    let standardOffset: Int64
    /// The DST part, if the zone observes it.
    let dst: DST?

    /// The DST offset and the two yearly switching dates.
    struct DST: Sendable {
        /// Seconds east of UTC during DST.
        let offset: Int64
        /// When DST starts, in local standard time.
        let start: DateRule
        /// When DST ends, in local DST time.
        let end: DateRule
    }

    /// One switching date and local time of day.
    struct DateRule: Sendable {
        enum Day: Sendable {
            /// `Jn`: day 1…365 of the year, February 29 never counted.
            case julianNoLeap(Int64)
            /// `n`: day 0…365 of the year, February 29 counted.
            case zeroBased(Int64)
            /// `Mm.w.d`: weekday `d` (0 = Sunday) of week `w` (1…5, 5 = last) of month `m`.
            case monthWeekDay(month: Int64, week: Int64, weekday: Int64)
        }
        let day: Day
        /// Seconds after local midnight (may be negative or beyond a day).
        let time: Int64

        /// The day number (days since 1970-01-01) of this rule in `year`.
        func dayNumber(in year: Int64) -> Int64 {
            let jan1 = daysFromCivil(year: year, month: 1, day: 1)
            switch day {
            case .julianNoLeap(let n):
                return jan1 + n - 1 + (isLeapYear(year) && n >= 60 ? 1 : 0)
            case .zeroBased(let n):
                return jan1 + n
            case .monthWeekDay(let month, let week, let weekday):
                let first = daysFromCivil(year: year, month: month, day: 1)
                let firstWeekday = floorMod(first + 4, 7)  // 0 = Sunday; 1970-01-01 was a Thursday
                var dayOfMonth = 1 + floorMod(weekday - firstWeekday, 7) + 7 * (week - 1)
                while dayOfMonth > daysInMonth(year: year, month: month) { dayOfMonth -= 7 }
                return first + dayOfMonth - 1
            }
        }
    }

    /// Whether the rule has a DST period.
    var hasDST: Bool { dst != nil }

    /// Parses a TZ string; `nil` when malformed.
    init?(_ text: String) {
        var p = Parser(bytes: Array(text.utf8))
        guard p.name(), let std = p.offset() else { return nil }
        standardOffset = -std  // POSIX offsets count hours west of Greenwich
        if p.atEnd {
            dst = nil
            return
        }
        guard p.name() else { return nil }
        var dstOffset = standardOffset + 3600
        if !p.atEnd, p.peek != UInt8(ascii: ",") {
            guard let o = p.offset() else { return nil }
            dstOffset = -o
        }
        let start: DateRule
        let end: DateRule
        if p.atEnd {
            // POSIX leaves the default implementation-defined; tzcode uses the US rules.
            start = DateRule(day: .monthWeekDay(month: 3, week: 2, weekday: 0), time: 7200)
            end = DateRule(day: .monthWeekDay(month: 11, week: 1, weekday: 0), time: 7200)
        } else {
            guard p.accept(","), let s = p.dateRule(), p.accept(","), let e = p.dateRule(), p.atEnd else {
                return nil
            }
            start = s
            end = e
        }
        dst = DST(offset: dstOffset, start: start, end: end)
    }

    /// The offset changes strictly after `after` up to the end of `throughYear`, in order, as
    /// (instant, new offset). Without DST there are none.
    func transitions(after: Int64, throughYear: Int) -> [(Int64, Int64)] {
        guard let dst else { return [] }
        let firstYear = after == .min ? 1900 : civilFromDays(floorDiv(after, secondsPerDay)).year - 1
        var events: [(time: Int64, sequence: Int, offset: Int64)] = []
        var sequence = 0
        for year in firstYear...Int64(throughYear) {
            let start = dst.start.dayNumber(in: year) * secondsPerDay + dst.start.time - standardOffset
            let end = dst.end.dayNumber(in: year) * secondsPerDay + dst.end.time - dst.offset
            events.append((start, sequence, dst.offset))
            events.append((end, sequence + 1, standardOffset))
            sequence += 2
        }
        // At equal instants the later rule wins (e.g. permanent DST written as `0/0,J365/25`).
        events.sort { ($0.time, $0.sequence) < ($1.time, $1.sequence) }
        return events.filter { $0.time > after }.map { ($0.time, $0.offset) }
    }
}

/// A cursor over the bytes of a TZ string.
private struct Parser {
    let bytes: [UInt8]
    var i = 0

    var atEnd: Bool { i >= bytes.count }
    var peek: UInt8? { atEnd ? nil : bytes[i] }

    mutating func accept(_ c: Character) -> Bool {
        guard let b = peek, b == c.asciiValue else { return false }
        i += 1
        return true
    }

    /// A zone abbreviation: three or more letters, or `<...>` (which may hold digits and signs).
    mutating func name() -> Bool {
        if accept("<") {
            let start = i
            while let b = peek, b != UInt8(ascii: ">") { i += 1 }
            guard i - start >= 1, accept(">") else { return false }
            return true
        }
        let start = i
        while let b = peek, (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) { i += 1 }
        return i - start >= 3
    }

    /// `[+-]hh[:mm[:ss]]` in seconds, hours up to 167.
    mutating func offset() -> Int64? {
        var sign: Int64 = 1
        if accept("-") { sign = -1 } else { _ = accept("+") }
        guard let h = number(maxDigits: 3), h <= 167 else { return nil }
        var total = h * 3600
        if accept(":") {
            guard let m = number(maxDigits: 2), m <= 59 else { return nil }
            total += m * 60
            if accept(":") {
                guard let s = number(maxDigits: 2), s <= 59 else { return nil }
                total += s
            }
        }
        return sign * total
    }

    /// `Jn`, `n` or `Mm.w.d`, then an optional `/time` (default 02:00).
    mutating func dateRule() -> POSIXTimeZoneRule.DateRule? {
        let day: POSIXTimeZoneRule.DateRule.Day
        if accept("J") {
            guard let n = number(maxDigits: 3), (1...365).contains(n) else { return nil }
            day = .julianNoLeap(n)
        } else if accept("M") {
            guard let m = number(maxDigits: 2), (1...12).contains(m), accept("."),
                let w = number(maxDigits: 1), (1...5).contains(w), accept("."),
                let d = number(maxDigits: 1), d <= 6
            else { return nil }
            day = .monthWeekDay(month: m, week: w, weekday: d)
        } else {
            guard let n = number(maxDigits: 3), n <= 365 else { return nil }
            day = .zeroBased(n)
        }
        var time: Int64 = 7200
        if accept("/") {
            guard let t = offset() else { return nil }
            time = t
        }
        return POSIXTimeZoneRule.DateRule(day: day, time: time)
    }

    /// One to `maxDigits` decimal digits.
    mutating func number(maxDigits: Int) -> Int64? {
        var value: Int64 = 0
        var count = 0
        while count < maxDigits, let b = peek, b >= 0x30, b <= 0x39 {
            value = value * 10 + Int64(b - 0x30)
            i += 1
            count += 1
        }
        return count == 0 ? nil : value
    }
}
