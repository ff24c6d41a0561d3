import Foundation
import SiamDaemon
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Log lines: logfmt quoting, JSON escaping, level filtering and changes at runtime, and whole
/// lines under concurrency.
@Suite struct LoggerTests {
    // 2026-11-22T10:00:00.123Z
    static let fixedInstant = Date(timeIntervalSince1970: 1_795_341_600.123)

    @Test func aLogfmtLineHasTimestampLevelMessageThenFieldsInOrder() {
        let lines = LineCollector()
        let logger = Logger(now: { Self.fixedInstant }, sink: lines.sink)
        logger.info("offered to acme", [("incident", "42"), ("supplier", "acme"), ("handoff", "7")])
        #expect(lines.all == [
            #"ts=2026-11-22T10:00:00.123Z level=info msg="offered to acme" incident=42 supplier=acme handoff=7"#,
        ])
    }

    @Test(arguments: [
        // Plain values stay bare.
        ("acme", "acme"),
        ("P1", "P1"),
        // A backslash alone needs no quotes.
        (#"C:\temp"#, #"C:\temp"#),
        // Unicode without spaces stays bare.
        ("zürich", "zürich"),
        // Empty values are written as "".
        ("", #""""#),
        // A space needs quotes.
        ("no capacity", #""no capacity""#),
        // '=' would look like another key.
        ("a=b", #""a=b""#),
        // Quotes and backslashes inside quotes are escaped.
        (#"said "no""#, #""said \"no\"""#),
        (#"back\slash and space"#, #""back\\slash and space""#),
        // Newlines, carriage returns and tabs never break the line.
        ("line one\nline two", #""line one\nline two""#),
        ("a\r\nb", #""a\r\nb""#),
        ("a\tb", #""a\tb""#),
        // Other control characters are \u escapes.
        ("bell\u{07}", #""bell\u0007""#),
        ("del\u{7F}", #""del\u007f""#),
        // Unicode line separators could break a line in some viewers.
        ("a\u{2028}b", #""a\u2028b""#),
        // A non-breaking space is still a space.
        ("a\u{A0}b", "\"a\u{A0}b\""),
    ])
    func logfmtQuotesValuesOnlyWhenNeeded(_ value: String, _ written: String) {
        let lines = LineCollector()
        let logger = Logger(now: { Self.fixedInstant }, sink: lines.sink)
        logger.info("m", [("reason", value)])
        #expect(lines.all == ["ts=2026-11-22T10:00:00.123Z level=info msg=m reason=\(written)"])
    }

    @Test func logfmtKeysCannotBreakThePairs() {
        let lines = LineCollector()
        let logger = Logger(now: { Self.fixedInstant }, sink: lines.sink)
        logger.warning("m", [("a key", "1"), ("k=v", "2"), ("", "3"), ("new\nline", "4")])
        #expect(lines.all == ["ts=2026-11-22T10:00:00.123Z level=warning msg=m a_key=1 k_v=2 _=3 new_line=4"])
    }

    @Test func fieldsNamedLikeTheLinesOwnKeysAreRenamed() {
        let lines = LineCollector()
        let logger = Logger(now: { Self.fixedInstant }, sink: lines.sink)
        logger.info("m", [("msg", "x"), ("level", "y"), ("ts", "z")])
        #expect(lines.all == ["ts=2026-11-22T10:00:00.123Z level=info msg=m field_msg=x field_level=y field_ts=z"])
    }

    @Test func jsonLinesParseBackWithTheirFieldsInOrder() throws {
        let lines = LineCollector()
        let logger = Logger(format: .json, now: { Self.fixedInstant }, sink: lines.sink)
        let awkward = "quote \" backslash \\ newline \n tab \t nul \u{0} bell \u{07} sep \u{2028} é 🚑"
        logger.error(awkward, [("incident", "42"), ("reason", awkward), ("empty", "")])
        let line = try #require(lines.all.first)
        #expect(lines.all.count == 1)
        #expect(!line.contains("\n"))
        #expect(!line.contains("\u{2028}"))

        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object == [
            "ts": "2026-11-22T10:00:00.123Z", "level": "error", "msg": awkward,
            "incident": "42", "reason": awkward, "empty": "",
        ])
        // Keys appear in the order ts, level, msg, then the fields as given.
        let positions = ["\"ts\":", "\"level\":", "\"msg\":", "\"incident\":", "\"reason\":", "\"empty\":"].map {
            line.range(of: $0)?.lowerBound
        }
        #expect(positions.allSatisfy { $0 != nil })
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())
    }

    @Test(arguments: [
        // Milliseconds are rounded to the nearest, not truncated by floating point.
        (1_795_341_600.123, "2026-11-22T10:00:00.123Z"),
        (1_795_341_600.0, "2026-11-22T10:00:00.000Z"),
        (1_795_341_600.9996, "2026-11-22T10:00:01.000Z"),
        // The epoch, and before it.
        (0, "1970-01-01T00:00:00.000Z"),
        (-0.5, "1969-12-31T23:59:59.500Z"),
        // A leap day.
        (1_709_164_800.25, "2024-02-29T00:00:00.250Z"),
    ])
    func timestampsAreUTCWithMilliseconds(_ seconds: Double, _ written: String) {
        let lines = LineCollector()
        let logger = Logger(now: { Date(timeIntervalSince1970: seconds) }, sink: lines.sink)
        logger.info("m")
        #expect(lines.all == ["ts=\(written) level=info msg=m"])
    }

    @Test func linesBelowTheLevelAreDroppedAndTheLevelCanChangeAtRuntime() {
        let lines = LineCollector()
        let logger = Logger(level: .info, now: { Self.fixedInstant }, sink: lines.sink)
        #expect(!logger.isEnabled(.debug))
        #expect(logger.isEnabled(.info) && logger.isEnabled(.warning) && logger.isEnabled(.error))
        logger.debug("nothing to do")
        logger.info("offered")
        logger.error("failed")
        #expect(lines.all.map { $0.contains("level=info") || $0.contains("level=error") } == [true, true])

        // As a SIGHUP reload would.
        logger.level = .debug
        #expect(logger.level == .debug)
        logger.debug("nothing to do")
        logger.level = .error
        logger.warning("dropped")
        logger.error("kept")
        #expect(lines.all.count == 4)
        #expect(lines.all[2].contains("level=debug msg=\"nothing to do\""))
        #expect(lines.all[3].contains("level=error msg=kept"))
    }

    @Test func levelsAreOrderedAndParsedFromText() {
        #expect(LogLevel.debug < .info && LogLevel.info < .warning && LogLevel.warning < .error)
        #expect(LogLevel.allCases.sorted() == [.debug, .info, .warning, .error])
        let cases: [(String, LogLevel?)] = [
            ("debug", .debug), ("INFO", .info), (" Warning ", .warning), ("warn", .warning),
            ("error", .error), ("err", .error), ("verbose", nil), ("", nil),
        ]
        for (text, level) in cases {
            #expect(LogLevel(parsing: text) == level, "\(text)")
        }
        #expect(LogFormat(parsing: "JSON") == .json)
        #expect(LogFormat(parsing: "logfmt") == .logfmt)
        #expect(LogFormat(parsing: "text") == nil)
    }

    @Test func concurrentLinesReachTheDescriptorWhole() async throws {
        // A real file opened with O_APPEND, written through the same sink as stderr: each line
        // must arrive in one write(2), so no two lines are mixed.
        let path = "/tmp/siamd-log-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).log"
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        try #require(descriptor >= 0)
        defer {
            close(descriptor)
            unlink(path)
        }
        let logger = Logger(now: { Self.fixedInstant }, sink: Logger.descriptorSink(descriptor))
        let tasks = 32, perTask = 200
        let padding = String(repeating: "x", count: 300)
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<tasks {
                group.addTask {
                    for index in 0..<perTask {
                        logger.info("step done", [("task", String(task)), ("index", String(index)), ("pad", padding)])
                    }
                }
            }
        }

        let contents = try String(contentsOfFile: path, encoding: .utf8)
        #expect(contents.hasSuffix("\n"))
        let written = contents.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(written.count == tasks * perTask)
        var seen = Set<String>()
        for line in written {
            let prefix = #"ts=2026-11-22T10:00:00.123Z level=info msg="step done" task="#
            guard line.hasPrefix(prefix), line.hasSuffix(" pad=" + padding) else {
                Issue.record("mangled line: \(line.prefix(120))")
                continue
            }
            let middle = line.dropFirst(prefix.count).dropLast(padding.count + 5)  // "7 index=12"
            seen.insert(String(middle))
        }
        #expect(seen.count == tasks * perTask)
    }
}

/// A sink that keeps the lines it receives, safe to call from any thread.
private final class LineCollector: Sendable {
    private let lines = Mutex<[String]>([])

    var sink: Logger.Sink { { line in self.lines.withLock { $0.append(line) } } }
    var all: [String] { lines.withLock { $0 } }
}
