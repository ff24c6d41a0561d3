import Foundation

@testable import SiamCore

/// A deliberately simple reference for business time: it steps minute by minute and asks
/// Foundation's `TimeZone` (ICU's zone data, not the TZif loader) for each minute's offset and
/// Foundation's `Calendar` for each local day's weekday and date. Exact for inputs aligned to
/// whole minutes.
final class NaiveReference {
    let calendar: BusinessCalendar
    let zone: TimeZone
    var offsets: [Int64: Int64] = [:]
    var days: [Int64: (weekday: Int, month: Int, day: Int, date: LocalDate)] = [:]
    let gregorian: Calendar = {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "UTC")!
        return c
    }()

    init(_ calendar: BusinessCalendar) {
        self.calendar = calendar
        zone = TimeZone(identifier: calendar.zoneIdentifier)!
    }

    /// Offset at `t`, memoised per quarter hour (every zone used changes offset on one).
    func offset(_ t: Int64) -> Int64 {
        let key = t >= 0 ? t / 900 : (t - 899) / 900
        if let o = offsets[key] { return o }
        let o = Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(t))))
        offsets[key] = o
        return o
    }

    /// Whether the instant `t` is open: its wall clock falls in an interval of its local date's
    /// weekday and that date is not a holiday.
    func isOpen(_ t: Int64) -> Bool {
        let local = t + offset(t)
        let dayNumber = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let secondOfDay = Int(local - dayNumber * 86_400)
        let info: (weekday: Int, month: Int, day: Int, date: LocalDate)
        if let cached = days[dayNumber] {
            info = cached
        } else {
            let c = gregorian.dateComponents(
                [.year, .month, .day, .weekday], from: Date(timeIntervalSince1970: TimeInterval(dayNumber * 86_400)))
            let iso = (c.weekday! + 5) % 7 + 1  // Foundation: 1 = Sunday
            info = (iso, c.month!, c.day!, try! LocalDate(year: c.year!, month: c.month!, day: c.day!))
            days[dayNumber] = info
        }
        for holiday in calendar.holidays {
            switch holiday {
            case .date(let date) where date == info.date: return false
            case .yearly(let m, let d) where m == info.month && d == info.day: return false
            default: continue
            }
        }
        return calendar.hours.intervals.contains {
            $0.isoWeekday == info.weekday && $0.opens <= secondOfDay && secondOfDay < $0.closes
        }
    }

    func isPaused(_ t: Int64, _ pauses: [Range<Instant>]) -> Bool {
        pauses.contains { $0.contains(Instant(seconds: t)) }
    }

    /// Business time in [a, b), minute by minute.
    func elapsed(_ a: Instant, _ b: Instant, pauses: [Range<Instant>]) -> BusinessDuration {
        var total: Int64 = 0
        var t = a.seconds
        while t < b.seconds {
            if isOpen(t) && !isPaused(t, pauses) { total += 60 }
            t += 60
        }
        return BusinessDuration(seconds: total)
    }

    /// The deadline, minute by minute; `nil` when not found within `maxSteps` minutes.
    func deadline(_ from: Instant, _ d: BusinessDuration, pauses: [Range<Instant>], maxSteps: Int = 3_000_000) -> Instant? {
        var t = from.seconds
        var remaining = d.seconds
        for _ in 0..<maxSteps {
            let counts = isOpen(t) && !isPaused(t, pauses)
            if counts {
                if remaining == 0 { return Instant(seconds: t) }
                remaining -= 60
                if remaining == 0 { return Instant(seconds: t + 60) }
            }
            t += 60
        }
        return nil
    }
}
