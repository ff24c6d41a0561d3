/// The UTC offsets of one IANA time zone over time, precomputed as a sorted table so that
/// business-time arithmetic never calls into Foundation's `TimeZone`.
///
/// The table holds every offset change from the zone's TZif file (`/usr/share/zoneinfo`, the
/// same data PostgreSQL uses with `--with-system-tzdata`), extended with the file's POSIX
/// rule (its footer) through the end of ``ZoneRules/expandedThroughYear``; after that the
/// last offset stays in force. Without tzdata installed, the same table is derived once from
/// Foundation's `TimeZone` instead (``fromFoundation(identifier:)``). Changes that keep the
/// offset (only a new abbreviation or DST flag) are dropped, so each segment of the table has
/// one constant offset.
public struct ZoneRules: Hashable, Sendable {
    /// The IANA identifier, e.g. `Europe/Berlin`.
    public let identifier: String
    /// Instants (UTC seconds) at which an offset starts; `starts[0]` is `Int64.min`.
    let starts: [Int64]
    /// Seconds east of UTC in force from `starts[i]` until `starts[i + 1]`.
    let offsets: [Int64]

    /// Rules given by a POSIX TZ string are expanded into the table through this year.
    public static let expandedThroughYear = 2500

    /// Where TZif files are looked up by default.
    public static let defaultDirectory = "/usr/share/zoneinfo"

    /// Coordinated Universal Time: offset 0 forever.
    public static let utc = ZoneRules(identifier: "UTC", starts: [.min], offsets: [0])

    /// Builds rules from a table, merging consecutive equal offsets.
    init(identifier: String, starts: [Int64], offsets: [Int64]) {
        precondition(!starts.isEmpty && starts.count == offsets.count && starts[0] == .min)
        var s: [Int64] = [starts[0]]
        var o: [Int64] = [offsets[0]]
        for i in 1..<starts.count where offsets[i] != o[o.count - 1] {
            if starts[i] == s[s.count - 1] {
                o[o.count - 1] = offsets[i]  // same instant: the later entry wins
            } else {
                s.append(starts[i])
                o.append(offsets[i])
            }
        }
        self.identifier = identifier
        self.starts = s
        self.offsets = o
    }

    /// A zone with one fixed offset (seconds east of UTC), named e.g. `UTC+01:00`.
    public static func fixed(offsetSeconds: Int, identifier: String? = nil) -> ZoneRules {
        ZoneRules(
            identifier: identifier
                ?? "UTC\(offsetSeconds < 0 ? "-" : "+")\(formatTimeOfDay(abs(offsetSeconds)))",
            starts: [.min], offsets: [Int64(offsetSeconds)])
    }

    /// Seconds east of UTC in force at `instant`.
    public func offset(at instant: Instant) -> Int {
        Int(offsets[segment(containing: instant.seconds)])
    }

    /// The instants at which the offset changes, with the offset from then on, in `range`.
    public func transitions(in range: Range<Instant>) -> [(at: Instant, offset: Int)] {
        var result: [(at: Instant, offset: Int)] = []
        for i in 1..<max(starts.count, 1) where range.contains(Instant(seconds: starts[i])) {
            result.append((Instant(seconds: starts[i]), Int(offsets[i])))
        }
        return result
    }

    /// Index of the segment whose start is the last one at or before `t`.
    @inline(__always)
    func segment(containing t: Int64) -> Int {
        var low = 0
        var high = starts.count  // invariant: starts[low] <= t, and high is past the answer
        while high - low > 1 {
            let mid = (low + high) >> 1
            if starts[mid] <= t { low = mid } else { high = mid }
        }
        return low
    }

    public static func == (lhs: ZoneRules, rhs: ZoneRules) -> Bool {
        lhs.identifier == rhs.identifier && lhs.starts == rhs.starts && lhs.offsets == rhs.offsets
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(identifier)
    }
}
