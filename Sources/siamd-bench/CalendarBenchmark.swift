import Foundation
import SiamCore

/// `siamd-bench calendar [--date YYYY-MM-DD] [--output PATH] [--count N]`: business-time
/// arithmetic throughput on a realistic calendar, written to the `calendar` section of
/// BENCHMARKS.md (in the current directory unless `--output` says otherwise).
enum CalendarBenchmark {
    static let zone = "Europe/Berlin"
    static let hours = "mon-fri 08:00-12:00,13:00-17:00"
    static let holidays = ["01-01", "05-01", "10-03", "12-25", "12-26", "2026-04-03", "2026-04-06", "2026-05-14", "2026-05-25"]

    static let command = BenchmarkCommand(
        name: "calendar", summary: "business-time arithmetic (deadlines, elapsed time) on one core",
        details: """
            Business-time deadlines (4h, 30 business days, with a pause) and elapsed business time
            on the \(zone) calendar \(hours), for --count start instants over 2026-2027,
            best of 5 rounds; also the time to build the calendar. No database.
            """,
        options: [
            .init(name: "count", defaultValue: "1000000", help: "start instants per round"),
            BenchmarkCommand.output, BenchmarkCommand.date,
        ],
        run: run)

    static func run(_ arguments: BenchmarkArguments) throws {
        let date = arguments.date
        let output = arguments.output
        let count = try arguments.int("count")

        let calendar = try BusinessCalendar(zone: zone, hours: hours, holidays: holidays)
        // Start instants spread over 2026-2027 (random seconds, open and closed alike).
        var rng = SplitMix64(seed: 42)
        let base = try Instant(parsing: "2026-01-01T00:00:00Z").seconds
        let starts = (0..<count).map { _ in Instant(seconds: base + Int64(rng.next() % (2 * 365 * 86_400))) }
        let ends = starts.map { $0.advanced(by: Int64(rng.next() % (45 * 86_400))) }
        let short = try BusinessDuration(parsing: "4h")
        // 30 business days of 8 h each (`1d` is 24 business hours, see BusinessDuration).
        let long = BusinessDuration(seconds: 30 * 8 * 3600)
        let pauses = [try Instant(parsing: "2026-06-01T10:00:00Z")..<Instant(parsing: "2026-06-03T10:00:00Z")]

        var checksum: Int64 = 0
        func deadlines(_ d: BusinessDuration, pauses: [Range<Instant>] = []) -> () -> Void {
            {
                for from in starts {
                    checksum &+= (try? calendar.deadline(from: from, duration: d, pauses: pauses).seconds) ?? 0
                }
            }
        }
        let shortRate = BenchmarkSupport.bestRate(operations: count, deadlines(short))
        let longRate = BenchmarkSupport.bestRate(operations: count, deadlines(long))
        let pausedRate = BenchmarkSupport.bestRate(operations: count, deadlines(short, pauses: pauses))
        let elapsedRate = BenchmarkSupport.bestRate(operations: count) {
            for (a, b) in zip(starts, ends) {
                checksum &+= calendar.elapsed(from: a, to: b).seconds
            }
        }
        let clock = ContinuousClock()
        let buildTime = clock.measure {
            for _ in 0..<100 {
                checksum &+= Int64((try? BusinessCalendar(zone: zone, hours: hours, holidays: holidays))?.holidays.count ?? 0)
            }
        } / 100

        let rows: [(String, Double)] = [
            ("deadline, 4h", shortRate),
            ("deadline, 30 business days (240h)", longRate),
            ("deadline, 4h with one pause", pausedRate),
            ("elapsed, spans of 0 to 45 days", elapsedRate),
        ]
        var section = """
            ## Business-time calendar (SiamCore)

            Calendar: `\(zone)`, `\(hours)`, holidays `\(holidays.joined(separator: ", "))`.
            \(BenchmarkSupport.grouped(Double(count))) start instants spread over 2026-2027, one core, best of 5 rounds.

            | operation | per second |
            | --- | ---: |

            """
        for (name, rate) in rows {
            section += "| \(name) | \(BenchmarkSupport.grouped(rate)) |\n"
        }
        section += """

            Building the calendar (reading and expanding the TZif file): \(microseconds(buildTime)) µs each.

            Machine: \(BenchmarkSupport.machine()); measured \(date).
            Reproduce: `swift run -c release siamd-bench calendar` (from the package root; `--date YYYY-MM-DD` to set the date recorded).
            """
        for (name, rate) in rows {
            print("\(name): \(BenchmarkSupport.grouped(rate))/s")
        }
        print("calendar build: \(microseconds(buildTime)) µs")
        print("checksum \(checksum)")
        try BenchmarkSupport.rewriteSection(section, named: "calendar", in: output)
        print("wrote the calendar section of \(output)")
    }
}

/// Whole microseconds in a duration.
private func microseconds(_ d: Duration) -> Int64 {
    d.components.seconds * 1_000_000 + d.components.attoseconds / 1_000_000_000_000
}
