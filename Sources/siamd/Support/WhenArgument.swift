import ArgumentParser
import Foundation
import SiamCore

/// An instant as written on the command line: an ISO-8601 instant with an offset
/// (`2026-11-01T09:00:00+01:00`), a UTC date (`2026-11-01`: its midnight), `now`, or an
/// instant relative to now (`now-2h`, `now+30m`); where a period's start is asked, also a
/// bare duration meaning that long before now (`30d`). Relative ones are resolved against the
/// clock the command reads (the database's `siam.clock()` when it has one).
enum When: Sendable, CustomStringConvertible {
    case instant(Instant)
    /// Seconds from now (negative: before).
    case relative(Int64)

    /// The forms accepted, for help texts and refusals.
    static let forms = "an ISO-8601 instant with an offset (2026-11-01T09:00:00+01:00), a UTC date (2026-11-01), now, or now-2h / now+30m"

    /// Parses `text`; `bareDurationIsAgo` lets `30d` mean 30 days before now.
    init(parsing text: String, bareDurationIsAgo: Bool = false) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "now" {
            self = .relative(0)
        } else if trimmed.hasPrefix("now") {
            let rest = trimmed.dropFirst(3)
            guard let sign = rest.first, sign == "-" || sign == "+" else {
                throw ValidationError("invalid instant '\(text)': after now comes - or + and a duration (now-2h); use \(Self.forms)")
            }
            let duration: BusinessDuration
            do { duration = try BusinessDuration(parsing: String(rest.dropFirst())) } catch {
                throw ValidationError("invalid instant '\(text)': '\(rest.dropFirst())' is no duration (90s, 15m, 4h, 3d, 3h30m); use \(Self.forms)")
            }
            self = .relative(sign == "-" ? -duration.seconds : duration.seconds)
        } else if bareDurationIsAgo, let duration = try? BusinessDuration(parsing: trimmed) {
            self = .relative(-duration.seconds)
        } else if trimmed.wholeMatch(of: /\d{4}-\d{2}-\d{2}/) != nil {
            do { self = .instant(try Instant(parsing: trimmed + "T00:00:00Z")) } catch {
                let reason = Instant.invalidReason(trimmed + "T00:00:00Z")
                throw ValidationError("invalid date '\(text)': \(reason); use \(Self.forms)")
            }
        } else {
            do { self = .instant(try Instant(parsing: trimmed)) } catch {
                throw ValidationError("invalid instant '\(text)': \(Instant.invalidReason(trimmed)); use \(Self.forms)")
            }
        }
    }

    /// The instant it names, relative ones counted from `now`.
    func resolved(now: Instant) -> Instant {
        switch self {
        case .instant(let instant): instant
        case .relative(let seconds): now.advanced(by: seconds)
        }
    }

    /// As written on the command line (`--help` shows defaults this way).
    var description: String {
        switch self {
        case .instant(let instant): instant.iso8601
        case .relative(let seconds) where seconds == 0: "now"
        case .relative(let seconds) where seconds < 0: "now-\(BusinessDuration(seconds: -seconds))"
        case .relative(let seconds): "now+\(BusinessDuration(seconds: seconds))"
        }
    }
}

/// Parses an instant option (`--from`, `--to`) for `@Option(transform:)`.
func parseWhen(_ text: String) throws -> When { try When(parsing: text) }

/// Parses a period bound (`--since`, `--until`), where `30d` means 30 days before now.
func parseReportBound(_ text: String) throws -> When { try When(parsing: text, bareDurationIsAgo: true) }
