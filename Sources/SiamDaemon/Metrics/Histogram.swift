/// A histogram with fixed buckets: how many observations fell at or below each upper bound, their
/// sum and their count. A value, so a snapshot is a copy taken under the owner's lock.
struct Histogram: Sendable, Equatable {
    /// Finite upper bounds, ascending; the `+Inf` bucket is implicit.
    let upperBounds: [Double]
    /// Observations per bucket, not cumulative: index i counts values in (bound[i-1], bound[i]],
    /// the last index counts those above every finite bound.
    private(set) var bucketCounts: [Int]
    private(set) var sum: Double = 0
    private(set) var count: Int = 0

    init(upperBounds: [Double]) {
        precondition(zip(upperBounds, upperBounds.dropFirst()).allSatisfy { $0 < $1 }, "bounds must ascend")
        self.upperBounds = upperBounds
        self.bucketCounts = Array(repeating: 0, count: upperBounds.count + 1)
    }

    /// Counts `value` in the first bucket whose bound is at least `value` (Prometheus's `le`).
    /// NaN is ignored: it would poison `_sum` for good.
    mutating func observe(_ value: Double) {
        guard !value.isNaN else { return }
        let index = upperBounds.firstIndex { value <= $0 } ?? upperBounds.count
        bucketCounts[index] += 1
        sum += value
        count += 1
    }

    /// Writes `name_bucket` (cumulative, `le` last among the labels), `name_sum` and `name_count`.
    func write(_ name: String, labels: [(String, String)] = [], to writer: inout ExpositionWriter) {
        var cumulative = 0
        for (index, bucketCount) in bucketCounts.enumerated() {
            cumulative += bucketCount
            let bound = index < upperBounds.count ? upperBounds[index] : .infinity
            writer.sample("\(name)_bucket", labels: labels + [("le", ExpositionWriter.format(bound))], cumulative)
        }
        writer.sample("\(name)_sum", labels: labels, sum)
        writer.sample("\(name)_count", labels: labels, count)
    }
}
