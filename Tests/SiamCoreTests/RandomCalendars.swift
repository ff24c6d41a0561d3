@testable import SiamCore

/// Random calendars, instants, durations and pauses for property tests. Everything is aligned to
/// whole minutes so that the minute-stepping reference can be exact; zones are chosen whose
/// transitions since 1990 fall on whole minutes.
struct RandomCalendars {
    var rng: SplitMix64

    static let zones = [
        "Europe/Berlin", "America/New_York", "Australia/Sydney", "UTC", "America/Sao_Paulo",
        "Australia/Lord_Howe", "America/St_Johns",
    ]

    /// A calendar with 0 to 3 intervals per weekday (at least one in the week), sometimes
    /// all-day or midnight-spanning, and a few dated and yearly holidays.
    mutating func calendar() -> BusinessCalendar {
        let zone = RandomCalendars.zones[Int(rng.int(in: 0...Int64(RandomCalendars.zones.count - 1)))]
        var intervals: [WeeklyInterval] = []
        for weekday in 1...7 {
            // Cut points on a minute grid; consecutive pairs become intervals.
            let count = Int(rng.int(in: 0...3))
            var cuts = Set<Int>()
            while cuts.count < 2 * count {
                let roll = rng.int(in: 0...9)
                // Favour day boundaries and DST-prone early hours.
                let minute = roll == 0 ? 0 : roll == 1 ? 1440 : roll < 5 ? Int(rng.int(in: 0...300)) : Int(rng.int(in: 0...1440))
                cuts.insert(minute)
            }
            let sorted = cuts.sorted()
            for i in stride(from: 0, to: sorted.count, by: 2) {
                intervals.append(WeeklyInterval(isoWeekday: weekday, opens: sorted[i] * 60, closes: sorted[i + 1] * 60))
            }
        }
        if intervals.isEmpty {
            intervals.append(WeeklyInterval(isoWeekday: Int(rng.int(in: 1...7)), opens: 3600, closes: 7200))
        }
        var holidays: [Holiday] = []
        for _ in 0..<rng.int(in: 0...6) {
            if rng.int(in: 0...1) == 0 {
                let day = rng.int(in: 0...(daysFromCivil(year: 2031, month: 1, day: 1) - daysFromCivil(year: 2019, month: 1, day: 1)))
                holidays.append(.date(LocalDate(dayNumber: daysFromCivil(year: 2019, month: 1, day: 1) + day)))
            } else {
                let month = Int(rng.int(in: 1...12))
                holidays.append(.yearly(month: month, day: Int(rng.int(in: 1...daysInMonth(year: 2000, month: Int64(month))))))
            }
        }
        return try! BusinessCalendar(zone: zone, intervals: intervals, holidays: holidays)
    }

    /// A whole-minute instant between 2020 and 2029.
    mutating func instant() -> Instant {
        Instant(seconds: 60 * rng.int(in: 26_297_280...27_349_920))
    }

    /// A whole-minute duration: often short, sometimes several days of business time.
    mutating func duration(maxMinutes: Int64) -> BusinessDuration {
        let roll = rng.int(in: 0...9)
        if roll == 0 { return .zero }
        let limit = roll < 7 ? min(maxMinutes, 600) : maxMinutes
        return BusinessDuration(seconds: 60 * rng.int(in: 1...limit))
    }

    /// 0 to 4 whole-minute pauses near `instant`, possibly overlapping.
    mutating func pauses(near instant: Instant, spanMinutes: Int64) -> [Range<Instant>] {
        (0..<rng.int(in: 0...4)).map { _ in
            let start = instant.advanced(by: 60 * rng.int(in: -600...spanMinutes))
            return start..<start.advanced(by: 60 * rng.int(in: 1...3000))
        }
    }
}
