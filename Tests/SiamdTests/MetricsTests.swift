import Foundation
import Testing

@testable import SiamDaemon

/// The /metrics text: every family with its HELP and TYPE, exact samples after known calls,
/// number formatting, label escaping, histogram buckets, and counts that add up under
/// concurrency.
@Suite struct MetricsTests {
    static let startedAt = 1_795_341_600.5

    /// Calls made on fresh metrics, and the lines of one family expected afterwards.
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let record: @Sendable (DaemonMetrics) -> Void
        let family: String
        /// Only the samples whose line contains this (all when empty); HELP and TYPE always.
        var select = ""
        let expected: [String]

        var testDescription: String { name }
    }

    static let cases: [Case] = [
        // Before the first pass every scalar family is present at zero.
        Case(
            name: "no passes yet", record: { _ in }, family: "siamd_passes_total",
            expected: [
                "# HELP siamd_passes_total Coordination passes that completed.",
                "# TYPE siamd_passes_total counter",
                "siamd_passes_total 0",
            ]),
        // 0 before the first pass, rather than a missing sample.
        Case(
            name: "no last pass yet", record: { _ in }, family: "siamd_last_pass_timestamp_seconds",
            expected: [
                "# HELP siamd_last_pass_timestamp_seconds Unix time at which the last successful pass ended; 0 before the first.",
                "# TYPE siamd_last_pass_timestamp_seconds gauge",
                "siamd_last_pass_timestamp_seconds 0",
            ]),
        Case(
            name: "start time", record: { _ in }, family: "process_start_time_seconds",
            expected: [
                "# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.",
                "# TYPE process_start_time_seconds gauge",
                "process_start_time_seconds 1795341600.5",
            ]),
        // Two passes: counted, the later end time kept, incidents summed.
        Case(
            name: "passes counted", record: twoPasses, family: "siamd_passes_total",
            expected: [
                "# HELP siamd_passes_total Coordination passes that completed.",
                "# TYPE siamd_passes_total counter",
                "siamd_passes_total 2",
            ]),
        Case(
            name: "last pass time", record: twoPasses, family: "siamd_last_pass_timestamp_seconds",
            expected: [
                "# HELP siamd_last_pass_timestamp_seconds Unix time at which the last successful pass ended; 0 before the first.",
                "# TYPE siamd_last_pass_timestamp_seconds gauge",
                "siamd_last_pass_timestamp_seconds 1795341601.25",
            ]),
        Case(
            name: "incidents summed", record: twoPasses, family: "siamd_incidents_examined_total",
            expected: [
                "# HELP siamd_incidents_examined_total Incidents looked at by successful passes.",
                "# TYPE siamd_incidents_examined_total counter",
                "siamd_incidents_examined_total 7",
            ]),
        // 1/256 s lands in le=0.005, 0.375 s in le=0.5; buckets are cumulative.
        Case(
            name: "pass durations", record: twoPasses, family: "siamd_pass_duration_seconds",
            expected: [
                "# HELP siamd_pass_duration_seconds Wall-clock duration of successful coordination passes.",
                "# TYPE siamd_pass_duration_seconds histogram",
                #"siamd_pass_duration_seconds_bucket{le="0.001"} 0"#,
                #"siamd_pass_duration_seconds_bucket{le="0.0025"} 0"#,
                #"siamd_pass_duration_seconds_bucket{le="0.005"} 1"#,
                #"siamd_pass_duration_seconds_bucket{le="0.01"} 1"#,
                #"siamd_pass_duration_seconds_bucket{le="0.025"} 1"#,
                #"siamd_pass_duration_seconds_bucket{le="0.05"} 1"#,
                #"siamd_pass_duration_seconds_bucket{le="0.1"} 1"#,
                #"siamd_pass_duration_seconds_bucket{le="0.25"} 1"#,
                #"siamd_pass_duration_seconds_bucket{le="0.5"} 2"#,
                #"siamd_pass_duration_seconds_bucket{le="1"} 2"#,
                #"siamd_pass_duration_seconds_bucket{le="2.5"} 2"#,
                #"siamd_pass_duration_seconds_bucket{le="5"} 2"#,
                #"siamd_pass_duration_seconds_bucket{le="10"} 2"#,
                #"siamd_pass_duration_seconds_bucket{le="+Inf"} 2"#,
                "siamd_pass_duration_seconds_sum 0.37890625",
                "siamd_pass_duration_seconds_count 2",
            ]),
        // Failures are counted apart from passes.
        Case(
            name: "failures", record: { for _ in 0..<3 { $0.passFailed() } }, family: "siamd_pass_failures_total",
            expected: [
                "# HELP siamd_pass_failures_total Coordination passes that failed with a database error.",
                "# TYPE siamd_pass_failures_total counter",
                "siamd_pass_failures_total 3",
            ]),
        // All seven kinds pre-seeded, in label order; zero and negative counts change nothing.
        Case(
            name: "actions",
            record: {
                $0.actionsApplied(["offer": 2, "expire": 1])
                $0.actionsApplied(["offer": 1, "escalate": 0, "cancel": -4])
            },
            family: "siamd_actions_total",
            expected: [
                "# HELP siamd_actions_total Decisions applied that changed something, by action kind.",
                "# TYPE siamd_actions_total counter",
                #"siamd_actions_total{action="cancel"} 0"#,
                #"siamd_actions_total{action="close"} 0"#,
                #"siamd_actions_total{action="escalate"} 0"#,
                #"siamd_actions_total{action="expire"} 1"#,
                #"siamd_actions_total{action="offer"} 3"#,
                #"siamd_actions_total{action="repeat"} 0"#,
                #"siamd_actions_total{action="stop-routing"} 0"#,
            ]),
        // A kind the engine does not know yet gets its own series, its label value escaped.
        Case(
            name: "unknown action kind, escaped", record: { $0.actionsApplied(["we\"ird\\\nkind": 1]) },
            family: "siamd_actions_total", select: "we",
            expected: [
                "# HELP siamd_actions_total Decisions applied that changed something, by action kind.",
                "# TYPE siamd_actions_total counter",
                #"siamd_actions_total{action="we\"ird\\\nkind"} 1"#,
            ]),
        // A lag exactly on a bound counts in that bucket; beyond the last finite bound only in
        // +Inf; a negative lag counts as 0.
        Case(
            name: "lag of offers",
            record: {
                for lag in [0.01, 0.5, 400, -3] { $0.observeLag(action: "offer", seconds: lag) }
            },
            family: "siamd_action_deadline_lag_seconds", select: #"action="offer""#,
            expected: [
                "# HELP siamd_action_deadline_lag_seconds How late actions were applied against their due instant, by action kind.",
                "# TYPE siamd_action_deadline_lag_seconds histogram",
                #"siamd_action_deadline_lag_seconds_bucket{action="offer",le="0.01"} 2"#,
                #"siamd_action_deadline_lag_seconds_bucket{action="offer",le="0.025"} 2"#,
                #"siamd_action_deadline_lag_seconds_bucket{action="offer",le="0.05"} 2"#,
                #"siamd_action_deadline_lag_seconds_bucket{action="offer",le="0.1"} 2"#,
                #"siamd_action_deadline_lag_seconds_bucket{action="offer",le="0.25"} 2"#,
                #"siamd_action_deadline_lag_seconds_bucket{action="offer",le="0.5"} 3"#,
                #"siamd_action_deadline_lag_seconds_bucket{action="offer",le="1"} 3"#,
                #"siamd_action_deadline_lag_seconds_bucket{action="offer",le="2.5"} 3"#,
                #"siamd_action_deadline_lag_seconds_bucket{action="offer",le="5"} 3"#,
                #"siamd_action_deadline_lag_seconds_bucket{action="offer",le="10"} 3"#,
                #"siamd_action_deadline_lag_seconds_bucket{action="offer",le="30"} 3"#,
                #"siamd_action_deadline_lag_seconds_bucket{action="offer",le="60"} 3"#,
                #"siamd_action_deadline_lag_seconds_bucket{action="offer",le="300"} 3"#,
                #"siamd_action_deadline_lag_seconds_bucket{action="offer",le="+Inf"} 4"#,
                #"siamd_action_deadline_lag_seconds_sum{action="offer"} 400.51"#,
                #"siamd_action_deadline_lag_seconds_count{action="offer"} 4"#,
            ]),
        // Pre-seeded: kinds never observed still have a zero series.
        Case(
            name: "lag of a kind never observed", record: { $0.observeLag(action: "offer", seconds: 1) },
            family: "siamd_action_deadline_lag_seconds", select: #"action="stop-routing""#,
            expected: [
                "# HELP siamd_action_deadline_lag_seconds How late actions were applied against their due instant, by action kind.",
                "# TYPE siamd_action_deadline_lag_seconds histogram",
            ]
                + ["0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "30", "60", "300", "+Inf"].map {
                    #"siamd_action_deadline_lag_seconds_bucket{action="stop-routing",le="\#($0)"} 0"#
                } + [
                    #"siamd_action_deadline_lag_seconds_sum{action="stop-routing"} 0"#,
                    #"siamd_action_deadline_lag_seconds_count{action="stop-routing"} 0"#,
                ]),
        // Gauges keep the last value set.
        Case(
            name: "due items", record: { $0.setDueItems(12); $0.setDueItems(5) }, family: "siamd_due_items",
            expected: [
                "# HELP siamd_due_items Incidents due for a look at the end of the last pass (backlog).",
                "# TYPE siamd_due_items gauge",
                "siamd_due_items 5",
            ]),
        Case(
            name: "feed holdback", record: { $0.setFeedHoldback(seconds: 73.5) }, family: "siamd_feed_holdback_seconds",
            expected: [
                "# HELP siamd_feed_holdback_seconds Age of the oldest open transaction in the cluster, which holds back the event feed (0: none).",
                "# TYPE siamd_feed_holdback_seconds gauge",
                "siamd_feed_holdback_seconds 73.5",
            ]),
        Case(
            name: "database connected", record: { $0.setDatabaseConnected(true) }, family: "siamd_database_connected",
            expected: [
                "# HELP siamd_database_connected Whether the daemon holds a working database connection (1) or not (0).",
                "# TYPE siamd_database_connected gauge",
                "siamd_database_connected 1",
            ]),
        Case(
            name: "database lost", record: { $0.setDatabaseConnected(true); $0.setDatabaseConnected(false) },
            family: "siamd_database_connected",
            expected: [
                "# HELP siamd_database_connected Whether the daemon holds a working database connection (1) or not (0).",
                "# TYPE siamd_database_connected gauge",
                "siamd_database_connected 0",
            ]),
    ]

    static let twoPasses: @Sendable (DaemonMetrics) -> Void = {
        $0.passCompleted(durationSeconds: 0.00390625, endedAtUnix: 1_795_341_600.75, incidents: 3)
        $0.passCompleted(durationSeconds: 0.375, endedAtUnix: 1_795_341_601.25, incidents: 4)
    }

    @Test(arguments: cases)
    func aFamilyReadsExactlyAsExpected(_ testCase: Case) {
        let metrics = DaemonMetrics(startedAtUnix: Self.startedAt)
        testCase.record(metrics)
        #expect(family(testCase.family, in: metrics.render(), select: testCase.select) == testCase.expected)
    }

    @Test func familiesComeInAFixedOrderEachWithHelpAndType() {
        let text = DaemonMetrics(startedAtUnix: Self.startedAt).render()
        #expect(text.hasSuffix("\n"))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        let types = lines.filter { $0.hasPrefix("# TYPE ") }
        #expect(types == [
            "# TYPE siamd_passes_total counter",
            "# TYPE siamd_pass_failures_total counter",
            "# TYPE siamd_pass_duration_seconds histogram",
            "# TYPE siamd_last_pass_timestamp_seconds gauge",
            "# TYPE siamd_incidents_examined_total counter",
            "# TYPE siamd_due_items gauge",
            "# TYPE siamd_feed_holdback_seconds gauge",
            "# TYPE siamd_actions_total counter",
            "# TYPE siamd_action_deadline_lag_seconds histogram",
            "# TYPE siamd_database_connected gauge",
            "# TYPE process_start_time_seconds gauge",
        ])
        // Each TYPE line directly follows the HELP line of the same family.
        for (index, line) in lines.enumerated() where line.hasPrefix("# TYPE ") {
            let name = line.split(separator: " ")[2]
            #expect(lines[index - 1].hasPrefix("# HELP \(name) "))
        }
        // No empty lines, and the same calls render the same text.
        #expect(!lines.contains(""))
        #expect(text == DaemonMetrics(startedAtUnix: Self.startedAt).render())
        // 7 kinds × (14 buckets + sum + count) lag series.
        #expect(lines.filter { $0.hasPrefix("siamd_action_deadline_lag_seconds") }.count == 7 * 16)
    }

    @Test func lastPassUnixIsNilUntilAPassCompletes() {
        let metrics = DaemonMetrics()
        #expect(metrics.lastPassUnix == nil)
        metrics.passFailed()
        #expect(metrics.lastPassUnix == nil)
        metrics.passCompleted(durationSeconds: 0.1, endedAtUnix: 1_795_341_600.125, incidents: 0)
        #expect(metrics.lastPassUnix == 1_795_341_600.125)
    }

    @Test func theStartTimeIsNow() {
        let before = Date().timeIntervalSince1970
        let metrics = DaemonMetrics()
        let after = Date().timeIntervalSince1970
        #expect(metrics.startedAtUnix >= before && metrics.startedAtUnix <= after)
    }

    @Test(arguments: [
        // Exact integers without fraction or exponent.
        (0, "0"),
        (-0.0, "0"),
        (2, "2"),
        (300, "300"),
        (-7, "-7"),
        (1e18, "1000000000000000000"),
        // Fractions in their shortest round-trip form.
        (0.025, "0.025"),
        (0.1 + 0.2, "0.30000000000000004"),
        (1.5e-05, "1.5e-05"),
        (1_795_341_600.123, "1795341600.123"),
        // Beyond Int64, Go-style exponents.
        (1e300, "1e+300"),
        // The special values as Prometheus spells them.
        (.infinity, "+Inf"),
        (-.infinity, "-Inf"),
        (.nan, "NaN"),
    ] as [(Double, String)])
    func numbersAreWrittenAsPrometheusParsesThem(_ value: Double, _ written: String) {
        #expect(ExpositionWriter.format(value) == written)
    }

    @Test(arguments: [
        ("offer", "offer"),
        // Backslash, double quote and line feed are the three escapes of the format.
        (#"C:\temp"#, #"C:\\temp"#),
        (#"say "hi""#, #"say \"hi\""#),
        ("two\nlines", #"two\nlines"#),
        ("\\\"\n", #"\\\"\n"#),
        // Everything else passes through: tabs, carriage returns, Unicode.
        ("a\tb\rc", "a\tb\rc"),
        ("zürich ✓", "zürich ✓"),
        ("", ""),
    ])
    func labelValuesAreEscaped(_ value: String, _ escaped: String) {
        #expect(ExpositionWriter.escapeLabelValue(value) == escaped)
        var writer = ExpositionWriter()
        writer.sample("m", labels: [("l", value), ("k", "v")], 1)
        #expect(writer.text == "m{l=\"\(escaped)\",k=\"v\"} 1\n")
    }

    @Test func helpTextsEscapeBackslashAndNewlineButNotQuotes() {
        var writer = ExpositionWriter()
        writer.family("m", .gauge, help: "a \"b\" \\ c\nd")
        #expect(writer.text == "# HELP m a \"b\" \\\\ c\\nd\n# TYPE m gauge\n")
    }

    @Test func histogramBucketsAreCumulativeWithSumAndCount() {
        var histogram = Histogram(upperBounds: [1, 2, 5])
        // NaN is dropped; the rest land in le=1 (0.5, 1), le=2 (1.5), le=5 (5), +Inf (7).
        for value in [0.5, 1, 1.5, 5, 7, .nan] { histogram.observe(value) }
        var writer = ExpositionWriter()
        histogram.write("h", labels: [("action", "offer")], to: &writer)
        #expect(writer.text == """
            h_bucket{action="offer",le="1"} 2
            h_bucket{action="offer",le="2"} 3
            h_bucket{action="offer",le="5"} 4
            h_bucket{action="offer",le="+Inf"} 5
            h_sum{action="offer"} 15
            h_count{action="offer"} 5

            """)
    }

    @Test func anEmptyHistogramHasZeroBuckets() {
        var writer = ExpositionWriter()
        Histogram(upperBounds: [0.5]).write("h", to: &writer)
        #expect(writer.text == "h_bucket{le=\"0.5\"} 0\nh_bucket{le=\"+Inf\"} 0\nh_sum 0\nh_count 0\n")
    }

    @Test func countsAddUpWhenManyThreadsRecordWhileOthersRender() throws {
        let metrics = DaemonMetrics(startedAtUnix: Self.startedAt)
        let threads = 8
        let rounds = 1_000
        let writers = (0..<threads).map { index in
            DedicatedThread {
                for _ in 0..<rounds {
                    metrics.passCompleted(durationSeconds: 0.25, endedAtUnix: Double(index), incidents: 2)
                    metrics.passFailed()
                    metrics.actionsApplied(["offer": 1, "close": 2])
                    metrics.observeLag(action: "offer", seconds: 0.25)
                    metrics.setDueItems(index)
                }
            }
        }
        let readers = (0..<2).map { _ in
            DedicatedThread {
                // Every rendering is whole: the failures counted and the passes always agree
                // with their duration count, since both are read under one lock.
                var consistent = true
                for _ in 0..<200 {
                    let text = metrics.render()
                    consistent = consistent
                        && value(of: "siamd_passes_total", in: text) == value(of: "siamd_pass_duration_seconds_count", in: text)
                }
                return consistent
            }
        }
        for writer in writers { try writer.value() }
        for reader in readers { #expect(try reader.value()) }

        let text = metrics.render()
        let total = threads * rounds
        #expect(value(of: "siamd_passes_total", in: text) == "\(total)")
        #expect(value(of: "siamd_pass_failures_total", in: text) == "\(total)")
        #expect(value(of: "siamd_incidents_examined_total", in: text) == "\(2 * total)")
        #expect(value(of: "siamd_pass_duration_seconds_sum", in: text) == "\(total / 4)")
        #expect(value(of: #"siamd_actions_total{action="offer"}"#, in: text) == "\(total)")
        #expect(value(of: #"siamd_actions_total{action="close"}"#, in: text) == "\(2 * total)")
        #expect(value(of: #"siamd_action_deadline_lag_seconds_count{action="offer"}"#, in: text) == "\(total)")
        #expect(value(of: #"siamd_action_deadline_lag_seconds_bucket{action="offer",le="0.25"}"#, in: text) == "\(total)")
    }
}

/// The HELP and TYPE lines of `name`, then its samples (`name`, `name_bucket`, `name_sum`,
/// `name_count`) whose line contains `select`.
private func family(_ name: String, in text: String, select: String = "") -> [String] {
    text.split(separator: "\n").map(String.init).filter { line in
        if line == "# TYPE \(name) " + line.split(separator: " ").last! || line.hasPrefix("# HELP \(name) ") {
            return true
        }
        let metric = String(line.prefix { $0 != "{" && $0 != " " })
        let isSample = [name, "\(name)_bucket", "\(name)_sum", "\(name)_count"].contains(metric)
        return isSample && (select.isEmpty || line.contains(select))
    }
}

/// The value of the sample whose name and labels are exactly `series`.
private func value(of series: String, in text: String) -> String? {
    text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.map { String($0.dropFirst(series.count + 1)) }
}
