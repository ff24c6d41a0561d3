import ArgumentParser
import SiamCore

/// One end of a report's period as written on the command line: an ISO-8601 instant
/// (`2026-11-01T00:00:00+01:00`), a UTC date (`2026-11-01`, its midnight), or a duration
/// meaning that long before now (`30d`, `12h`).
enum ReportBound: ExpressibleByArgument, CustomStringConvertible {
    case instant(Instant)
    case ago(BusinessDuration)

    init?(argument: String) {
        if let duration = try? BusinessDuration(parsing: argument) {
            self = .ago(duration)
        } else if let instant = try? Instant(parsing: argument) {
            self = .instant(instant)
        } else if let instant = try? Instant(parsing: argument + "T00:00:00Z") {
            self = .instant(instant)
        } else {
            return nil
        }
    }

    static var defaultCompletionKind: CompletionKind { .default }

    /// As written on the command line (`--help` shows defaults this way).
    var description: String {
        switch self {
        case .instant(let instant): return instant.iso8601
        case .ago(let duration): return duration.description
        }
    }

    /// The instant it names, with durations counted back from `now`.
    func resolved(now: Instant) -> Instant {
        switch self {
        case .instant(let instant): return instant
        case .ago(let duration): return now.advanced(by: -duration.seconds)
        }
    }
}

/// The help text of `--since`/`--until`.
let reportBoundHelp = "an instant (2026-11-01T00:00:00+01:00), a UTC date (2026-11-01) or a duration before now (30d, 12h)"

/// A report's period from the command line, resolved against the database clock.
struct ReportPeriod {
    let since: Instant
    let until: Instant

    /// Without `until`, the period runs to the end of the current second (`now` is in whole
    /// seconds and periods are half-open), so what happened just now is in it.
    init(since: ReportBound, until: ReportBound?, now: Instant) throws {
        self.since = since.resolved(now: now)
        self.until = until?.resolved(now: now) ?? now.advanced(by: 1)
        guard self.since < self.until else {
            throw ValidationError("the period is empty: --since \(self.since.iso8601) is not before --until \(self.until.iso8601)")
        }
    }
}
