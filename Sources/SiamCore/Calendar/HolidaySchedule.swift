/// Holidays compiled for arithmetic: fast "next holiday on or after this local day" look-ups.
struct HolidaySchedule: Hashable, Sendable {
    /// One-off holidays as day numbers (days since 1970-01-01), sorted, unique.
    let datedDays: [Int64]
    /// Yearly holidays as `month * 32 + day`, sorted, unique.
    let yearly: [Int64]

    init(_ holidays: [Holiday]) {
        var dated = Set<Int64>()
        var yearly = Set<Int64>()
        for holiday in holidays {
            switch holiday {
            case .date(let date): dated.insert(date.dayNumber)
            case .yearly(let month, let day): yearly.insert(Int64(month * 32 + day))
            }
        }
        datedDays = dated.sorted()
        self.yearly = yearly.sorted()
    }

    /// Whether there are no holidays at all.
    var isEmpty: Bool { datedDays.isEmpty && yearly.isEmpty }

    /// The first holiday on or after local day `day`, or `Int64.max` when there is none.
    func next(onOrAfter day: Int64) -> Int64 {
        var best = Int64.max
        if !datedDays.isEmpty {
            // Binary search for the first dated holiday >= day.
            var low = 0
            var high = datedDays.count
            while low < high {
                let mid = (low + high) >> 1
                if datedDays[mid] < day { low = mid + 1 } else { high = mid }
            }
            if low < datedDays.count { best = datedDays[low] }
        }
        if !yearly.isEmpty {
            let year = civilFromDays(day).year
            // February 29 alone may need up to eight years (1896 → 1904) to come round again.
            search: for y in year...(year + 8) {
                for md in yearly {
                    let (month, dayOfMonth) = (md / 32, md % 32)
                    if month == 2, dayOfMonth == 29, !isLeapYear(y) { continue }
                    let candidate = daysFromCivil(year: y, month: month, day: dayOfMonth)
                    if candidate >= day {
                        best = min(best, candidate)
                        break search
                    }
                }
            }
        }
        return best
    }

    /// Whether local day `day` is a holiday.
    func contains(_ day: Int64) -> Bool {
        next(onOrAfter: day) == day
    }
}

/// Days from local day `day` to `holiday` (a day of `HolidaySchedule.next`, which is
/// `Int64.max` when there is none): saturating, so that a day before 1970 (negative) with no
/// holiday ahead gives `Int64.max` instead of trapping.
@inline(__always)
func days(from day: Int64, until holiday: Int64) -> Int64 {
    let (difference, overflow) = holiday.subtractingReportingOverflow(day)
    return overflow ? .max : difference
}
