// Proleptic Gregorian day arithmetic shared by instants, holidays and calendars.
//
// Days are counted from 1970-01-01 (day 0), as Howard Hinnant's `days_from_civil` and
// `civil_from_days` do: branch-light integer arithmetic, no Foundation calendar, so that
// parsing and business-time arithmetic stay fast and pure.

/// Seconds in one civil day (ignoring zone transitions, which are handled by zone rules).
@usableFromInline let secondsPerDay: Int64 = 86_400

/// Floor division (rounds towards negative infinity), for instants before 1970.
@inlinable
func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

/// Floor modulo: always in `0..<b` for positive `b`.
@inlinable
func floorMod(_ a: Int64, _ b: Int64) -> Int64 {
    let r = a % b
    return r < 0 ? r + b : r
}

/// Days since 1970-01-01 of the proleptic Gregorian date `year-month-day`.
@inlinable
func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
    let y = month <= 2 ? year - 1 : year
    let era = floorDiv(y, 400)
    let yoe = y - era * 400
    let mp = (month + 9) % 12
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date of a day number (days since 1970-01-01).
@inlinable
func civilFromDays(_ days: Int64) -> (year: Int64, month: Int64, day: Int64) {
    let z = days + 719_468
    let era = floorDiv(z, 146_097)
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let day = doy - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
}

/// Whether `year` is a Gregorian leap year.
@inlinable
func isLeapYear(_ year: Int64) -> Bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// Number of days in `month` of `year`.
@inlinable
func daysInMonth(year: Int64, month: Int64) -> Int64 {
    switch month {
    case 2: return isLeapYear(year) ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
}

/// ISO weekday (1 = Monday … 7 = Sunday) of a day number; 1970-01-01 was a Thursday.
@inlinable
func isoWeekday(ofDay days: Int64) -> Int {
    Int(floorMod(days + 3, 7)) + 1
}
