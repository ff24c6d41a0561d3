import Testing

@testable import SiamCore

/// Invariants over many random calendars, instants, durations and pauses (seeded, so failures
/// reproduce), and a cross-check against the minute-stepping reference.
@Suite("properties")
struct PropertyTests {
    @Test("elapsed(f, deadline(f, d)) == d, and the deadline is the earliest such instant")
    func deadlineInvertsElapsed() throws {
        var gen = RandomCalendars(rng: SplitMix64(seed: 11))
        for _ in 0..<300 {
            let calendar = gen.calendar()
            for _ in 0..<20 {
                // Second-granular inputs here: the fast path needs no minute alignment.
                let from = gen.instant().advanced(by: gen.rng.int(in: 0...59))
                let d = BusinessDuration(seconds: gen.duration(maxMinutes: 20_000).seconds + gen.rng.int(in: 0...59))
                let pauses = gen.pauses(near: from, spanMinutes: 20_000)
                let end = try calendar.deadline(from: from, duration: d, pauses: pauses)
                #expect(calendar.elapsed(from: from, to: end, pauses: pauses) == d, "\(calendar) \(from) \(d)")
                if d.seconds > 0 {
                    // The second just before the deadline counted: nothing earlier reaches d.
                    #expect(calendar.elapsed(from: end.advanced(by: -1), to: end, pauses: pauses).seconds == 1)
                } else {
                    // Zero: the deadline is from itself or the next open, unpaused instant.
                    #expect(calendar.elapsed(from: from, to: end, pauses: pauses) == .zero)
                    #expect(calendar.elapsed(from: end, to: end.advanced(by: 1), pauses: pauses).seconds == 1)
                }
            }
        }
    }

    @Test("any instant of years 0001 to 9999 computes without trapping; deadline inverts elapsed there too")
    func wholeRangeOfYears() throws {
        var gen = RandomCalendars(rng: SplitMix64(seed: 17))
        // 0001-01-01T00:00:00Z and 9999-12-01T00:00:00Z; before 1970 days are negative, which
        // once overflowed "days until the next holiday" when there was none.
        let first: Int64 = -62_135_596_800, last: Int64 = 253_399_622_400
        for _ in 0..<300 {
            let calendar = gen.calendar()
            for _ in 0..<5 {
                let from = Instant(seconds: 60 * gen.rng.int(in: (first / 60)...(last / 60)))
                let d = gen.duration(maxMinutes: 20_000)
                let end = try calendar.deadline(from: from, duration: d)
                #expect(calendar.elapsed(from: from, to: end) == d, "\(calendar) \(from) \(d)")
            }
        }
    }

    @Test("deadlines never decrease as the duration grows, and pauses never make them earlier")
    func monotone() throws {
        var gen = RandomCalendars(rng: SplitMix64(seed: 12))
        for _ in 0..<300 {
            let calendar = gen.calendar()
            for _ in 0..<20 {
                let from = gen.instant()
                let d1 = gen.duration(maxMinutes: 20_000)
                let d2 = BusinessDuration(seconds: d1.seconds + gen.rng.int(in: 0...50_000))
                let pauses = gen.pauses(near: from, spanMinutes: 20_000)
                #expect(try calendar.deadline(from: from, duration: d1) <= calendar.deadline(from: from, duration: d2))
                let withPauses = try calendar.deadline(from: from, duration: d1, pauses: pauses)
                #expect(withPauses >= (try calendar.deadline(from: from, duration: d1)))
                #expect(withPauses >= (try calendar.deadline(from: from, duration: d1, pauses: Array(pauses.dropLast()))))
                // A later start never gives an earlier deadline.
                let later = from.advanced(by: gen.rng.int(in: 0...100_000))
                #expect(try calendar.deadline(from: later, duration: d1) >= calendar.deadline(from: from, duration: d1))
            }
        }
    }

    @Test("elapsed is additive: elapsed(a, b) + elapsed(b, c) == elapsed(a, c)")
    func additive() {
        var gen = RandomCalendars(rng: SplitMix64(seed: 13))
        for _ in 0..<300 {
            let calendar = gen.calendar()
            for _ in 0..<20 {
                var points = [gen.instant(), gen.instant(), gen.instant()].map {
                    $0.advanced(by: gen.rng.int(in: 0...59))
                }
                // Sometimes a narrow range, so that short spans are exercised too.
                if gen.rng.int(in: 0...1) == 0 {
                    points[1] = points[0].advanced(by: gen.rng.int(in: 0...200_000))
                    points[2] = points[1].advanced(by: gen.rng.int(in: 0...200_000))
                }
                points.sort()
                let (a, b, c) = (points[0], points[1], points[2])
                let pauses = gen.pauses(near: b, spanMinutes: 5_000)
                #expect(
                    calendar.elapsed(from: a, to: b, pauses: pauses) + calendar.elapsed(from: b, to: c, pauses: pauses)
                        == calendar.elapsed(from: a, to: c, pauses: pauses))
                // Reversed ranges are empty.
                #expect(calendar.elapsed(from: c, to: a, pauses: pauses) == .zero)
            }
        }
    }

    @Test("fast path agrees with the minute-stepping reference")
    func crossCheck() throws {
        var gen = RandomCalendars(rng: SplitMix64(seed: 14))
        for _ in 0..<120 {
            let calendar = gen.calendar()
            let reference = NaiveReference(calendar)
            for _ in 0..<5 {
                let from = gen.instant()
                let d = gen.duration(maxMinutes: 3_000)
                let pauses = gen.pauses(near: from, spanMinutes: 3_000)
                let fast = try calendar.deadline(from: from, duration: d, pauses: pauses)
                let naive = reference.deadline(from, d, pauses: pauses)
                #expect(fast == naive, "deadline on \(calendar) from \(from) for \(d) with \(pauses)")
                let to = from.advanced(by: 60 * gen.rng.int(in: 0...20_000))
                #expect(
                    calendar.elapsed(from: from, to: to, pauses: pauses) == reference.elapsed(from, to, pauses: pauses),
                    "elapsed on \(calendar) from \(from) to \(to) with \(pauses)")
            }
        }
    }

    @Test("fast path agrees with the reference around DST changes")
    func crossCheckAroundTransitions() throws {
        var gen = RandomCalendars(rng: SplitMix64(seed: 15))
        for _ in 0..<150 {
            let calendar = gen.calendar()
            let reference = NaiveReference(calendar)
            // Start within a day before some offset change between 2020 and 2029.
            let changes = calendar.zone.transitions(in: at("2020-01-01T00:00:00Z")..<at("2030-01-01T00:00:00Z"))
            guard !changes.isEmpty else { continue }
            let change = changes[Int(gen.rng.int(in: 0...Int64(changes.count - 1)))].at
            let from = change.advanced(by: -60 * gen.rng.int(in: 0...1_500))
            let d = gen.duration(maxMinutes: 1_500)
            let pauses = gen.pauses(near: from, spanMinutes: 1_500)
            #expect(try calendar.deadline(from: from, duration: d, pauses: pauses) == reference.deadline(from, d, pauses: pauses),
                    "deadline on \(calendar) from \(from) for \(d)")
            let to = change.advanced(by: 60 * gen.rng.int(in: 0...1_500))
            #expect(calendar.elapsed(from: from, to: to, pauses: pauses) == reference.elapsed(from, to, pauses: pauses),
                    "elapsed on \(calendar) from \(from) to \(to)")
        }
    }
}
