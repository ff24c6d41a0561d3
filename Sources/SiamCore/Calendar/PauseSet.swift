/// Paused ranges of an SLA clock, merged: sorted, non-overlapping, non-touching, non-empty.
///
/// Callers may pass pauses in any order, overlapping or nested; business time inside any of
/// them does not count.
struct PauseSet: Sendable {
    /// Start of each merged pause (UTC seconds), ascending.
    let starts: [Int64]
    /// End (exclusive) of each merged pause; `ends[i] < starts[i + 1]`.
    let ends: [Int64]

    init(_ pauses: [Range<Instant>]) {
        if pauses.isEmpty {
            starts = []
            ends = []
            return
        }
        let sorted = pauses.filter { !$0.isEmpty }.sorted { $0.lowerBound < $1.lowerBound }
        var starts: [Int64] = []
        var ends: [Int64] = []
        starts.reserveCapacity(sorted.count)
        ends.reserveCapacity(sorted.count)
        for pause in sorted {
            // Clamp to the supported years (plus a margin wider than any UTC offset), so that an
            // open-ended pause such as `start..<Instant(seconds: .max)` cannot overflow when
            // shifted to local time.
            let lower = max(pause.lowerBound.seconds, PauseSet.lowest)
            let upper = min(pause.upperBound.seconds, PauseSet.highest)
            guard lower < upper else { continue }
            if let last = ends.last, lower <= last {
                ends[ends.count - 1] = max(last, upper)
            } else {
                starts.append(lower)
                ends.append(upper)
            }
        }
        self.starts = starts
        self.ends = ends
    }

    /// Pause bounds are clamped to this range: the supported years, two days wider each way.
    static let lowest = Instant.earliestSupported.seconds - 2 * secondsPerDay
    static let highest = Instant.latestSupported.seconds + 2 * secondsPerDay

    var count: Int { starts.count }
    var isEmpty: Bool { starts.isEmpty }
}
