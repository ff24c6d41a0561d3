import Testing

@testable import SiamCore

/// One threshold crossing: a clock, a percent and the instant it is reached.
struct CrossingCase: CustomTestStringConvertible, Sendable {
    let why: String
    let clock: RunningClock
    let percent: Double
    let expected: String

    var testDescription: String { why }
}

@Suite("running clock")
struct RunningClockTests {
    static let office = try! BusinessCalendar(zone: "Europe/Berlin", hours: "mon-fri 08:00-12:00,13:00-17:00")

    static func t(_ text: String) -> Instant { EngineTime.instant(text) }

    /// 8 hours on 24×7, Monday 09:00Z to 17:00Z.
    static let allDay = RunningClock(measure: .slaResolve, start: t("2026-01-05T09:00:00Z"),
                                     due: t("2026-01-05T17:00:00Z"), calendar: .always)
    /// 8 business hours on the office calendar: one whole Monday, 08:00 to 17:00 Berlin.
    static let oneDay = RunningClock(measure: .slaResolve, start: t("2026-01-05T08:00:00+01:00"),
                                     due: t("2026-01-05T17:00:00+01:00"), calendar: office)
    /// 8 business hours from Monday 15:00 Berlin: 2 on Monday, 6 on Tuesday.
    static let overnight = RunningClock(measure: .slaResolve, start: t("2026-01-05T15:00:00+01:00"),
                                        due: t("2026-01-06T15:00:00+01:00"), calendar: office)
    /// 8 business hours opened on a Saturday: the clock starts on Monday 08:00 Berlin.
    static let weekend = RunningClock(measure: .slaResolve, start: t("2026-01-10T11:00:00+01:00"),
                                      due: t("2026-01-12T17:00:00+01:00"), calendar: office)
    /// 8 hours on 24×7 with an hour's pause at 10:00Z: due an hour later, at 18:00Z.
    static let paused = RunningClock(measure: .slaResolve, start: t("2026-01-05T09:00:00Z"),
                                     due: t("2026-01-05T18:00:00Z"), calendar: .always,
                                     pauses: [t("2026-01-05T10:00:00Z")..<t("2026-01-05T11:00:00Z")])

    static let cases: [CrossingCase] = [
        // 24×7: business time is real time, so 50 % of 8 h is 4 h later.
        .init(why: "24x7 50 %", clock: allDay, percent: 50, expected: "2026-01-05T13:00:00Z"),
        // 24×7: the other default thresholds.
        .init(why: "24x7 75 %", clock: allDay, percent: 75, expected: "2026-01-05T15:00:00Z"),
        .init(why: "24x7 90 %", clock: allDay, percent: 90, expected: "2026-01-05T16:12:00Z"),
        // 0 % is the start itself (open).
        .init(why: "24x7 0 %", clock: allDay, percent: 0, expected: "2026-01-05T09:00:00Z"),
        // A share that is not a whole second is rounded up: 33.3 % of 28800 s = 9590.4 s -> 9591 s.
        .init(why: "24x7 rounds up", clock: allDay, percent: 33.3, expected: "2026-01-05T11:39:51Z"),
        // 100 % is the due instant.
        .init(why: "24x7 100 %", clock: allDay, percent: 100, expected: "2026-01-05T17:00:00Z"),
        // Past 100 % the clock goes on (the schema allows an overdue ladder such as 100, 150,
        // 200 %; this used to return due for every percent >= 100): 12 h, 21:00Z.
        .init(why: "24x7 150 % after due", clock: allDay, percent: 150, expected: "2026-01-05T21:00:00Z"),
        // Office: 4 of 8 business hours end exactly at the lunch closing, which is the crossing.
        .init(why: "office 50 % at lunch closing", clock: oneDay, percent: 50, expected: "2026-01-05T12:00:00+01:00"),
        // Office: 5 hours: the lunch hour does not count.
        .init(why: "office 62.5 % after lunch", clock: oneDay, percent: 62.5, expected: "2026-01-05T14:00:00+01:00"),
        .init(why: "office 100 % is due", clock: oneDay, percent: 100, expected: "2026-01-05T17:00:00+01:00"),
        // Office past due: 150 % = 12 business hours, Tuesday's lunch closing.
        .init(why: "office 150 % next day", clock: oneDay, percent: 150, expected: "2026-01-06T12:00:00+01:00"),
        // Office overnight: 2 h on Monday reach the evening closing (not Tuesday 08:00).
        .init(why: "overnight 25 % at evening closing", clock: overnight, percent: 25,
              expected: "2026-01-05T17:00:00+01:00"),
        // Office overnight: 4 h = 2 h Monday + 2 h Tuesday morning.
        .init(why: "overnight 50 % next morning", clock: overnight, percent: 50, expected: "2026-01-06T10:00:00+01:00"),
        // Opened on Saturday: 0 % is Monday's opening.
        .init(why: "weekend 0 % at Monday opening", clock: weekend, percent: 0, expected: "2026-01-12T08:00:00+01:00"),
        .init(why: "weekend 50 % Monday noon", clock: weekend, percent: 50, expected: "2026-01-12T12:00:00+01:00"),
        // Paused: before the pause nothing moves (10 % = 48 min).
        .init(why: "pause: crossing before it", clock: paused, percent: 10, expected: "2026-01-05T09:48:00Z"),
        // Paused: a crossing where the pause begins is that instant (12.5 % = 1 h).
        .init(why: "pause: crossing at its start", clock: paused, percent: 12.5, expected: "2026-01-05T10:00:00Z"),
        // Paused: later crossings move an hour later (50 % = 4 h: 14:00Z, not 13:00Z).
        .init(why: "pause: crossing after it", clock: paused, percent: 50, expected: "2026-01-05T14:00:00Z"),
        .init(why: "pause: 100 % is due", clock: paused, percent: 100, expected: "2026-01-05T18:00:00Z"),
    ]

    @Test(arguments: cases)
    func crossing(_ c: CrossingCase) {
        #expect(c.clock.instant(atPercent: c.percent) == Self.t(c.expected))
    }

    /// The length is the business time between start and due, pauses left out.
    @Test(arguments: [
        (allDay, Int64(8 * 3_600)), (oneDay, 8 * 3_600), (overnight, 8 * 3_600), (weekend, 8 * 3_600),
        (paused, 8 * 3_600),
    ] as [(RunningClock, Int64)])
    func length(_ clock: RunningClock, _ seconds: Int64) {
        #expect(clock.length == BusinessDuration(seconds: seconds))
    }

    /// A pause pushes every crossing at or after its start later by the pause, and none earlier.
    @Test func pausePushesCrossingsLater() {
        for percent in stride(from: 0.0, through: 100, by: 2.5) {
            let plain = Self.allDay.instant(atPercent: percent)
            let paused = Self.paused.instant(atPercent: percent)
            if plain < Self.t("2026-01-05T10:00:00Z") || (plain == Self.t("2026-01-05T10:00:00Z") && percent > 0) {
                // Reached before the pause starts (or exactly as it starts).
                #expect(paused == plain, "\(percent) %")
            } else {
                #expect(paused == plain.advanced(by: 3_600), "\(percent) %")
            }
        }
    }

    /// Over random clocks on the office calendar and on 24×7, with and without pauses, from 0
    /// to 200 %: crossings never go back as the percent grows, 100 % is due, each crossing is the instant
    /// at which that share (rounded up to a second) of the length has elapsed, and pauses never
    /// make a crossing earlier.
    @Test func crossingsAreMonotonicAndExact() throws {
        var rng = EngineRandom(seed: 42)
        let year2026 = Self.t("2026-01-01T00:00:00Z").seconds
        for round in 0..<400 {
            let calendar: BusinessCalendar = rng.chance(0.5) ? Self.office : .always
            let start = Instant(seconds: year2026 + Int64(rng.int(0...364 * 86_400)))
            let length = BusinessDuration(seconds: Int64(rng.int(60...5 * 86_400)))
            let due = try calendar.deadline(from: start, duration: length)
            let clock = RunningClock(measure: .slaResolve, start: start, due: due, calendar: calendar)
            var pauses: [Range<Instant>] = []
            for _ in 0..<rng.int(1...3) {
                let from = start.advanced(by: Int64(rng.int(-86_400...5 * 86_400)))
                pauses.append(from..<from.advanced(by: Int64(rng.int(1...2 * 86_400))))
            }
            let pausedClock = RunningClock(
                measure: .slaResolve, start: start, due: try calendar.deadline(from: start, duration: length, pauses: pauses),
                calendar: calendar, pauses: pauses)
            #expect(clock.length == length && pausedClock.length == length, "round \(round)")

            var previous = Instant.earliestSupported
            var previousPaused = Instant.earliestSupported
            for percent in 0...200 {
                let crossing = clock.instant(atPercent: Double(percent))
                let pausedCrossing = pausedClock.instant(atPercent: Double(percent))
                #expect(crossing >= previous, "round \(round): \(percent) % goes back")
                #expect(pausedCrossing >= previousPaused, "round \(round): paused \(percent) % goes back")
                #expect(pausedCrossing >= crossing, "round \(round): a pause made \(percent) % earlier")
                #expect(percent <= 100 ? crossing <= due : crossing > due, "round \(round): \(percent) % vs due")
                // ceil(length × percent / 100), in integers.
                let share = (length.seconds * Int64(percent) + 99) / 100
                #expect(calendar.elapsed(from: start, to: crossing).seconds == share, "round \(round): \(percent) %")
                #expect(calendar.elapsed(from: start, to: pausedCrossing, pauses: pauses).seconds == share,
                        "round \(round): paused \(percent) %")
                previous = crossing
                previousPaused = pausedCrossing
            }
            #expect(clock.instant(atPercent: 100) == due)
            #expect(pausedClock.instant(atPercent: 100) == pausedClock.due)
        }
    }
}
