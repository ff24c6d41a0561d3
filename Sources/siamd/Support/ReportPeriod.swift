import ArgumentParser
import SiamCore

/// The help text of `--since`/`--until`.
let reportBoundHelp = "\(When.forms), or a duration before now (30d, 12h)"

/// A report's period from the command line, resolved against the database clock.
struct ReportPeriod {
    let since: Instant
    let until: Instant

    /// Without `until`, the period runs to the end of the current second (`now` is in whole
    /// seconds and periods are half-open), so what happened just now is in it.
    init(since: When, until: When?, now: Instant) throws {
        self.since = since.resolved(now: now)
        self.until = until?.resolved(now: now) ?? now.advanced(by: 1)
        guard self.since < self.until else {
            throw ValidationError("the period is empty: --since \(self.since.iso8601) is not before --until \(self.until.iso8601)")
        }
    }
}
