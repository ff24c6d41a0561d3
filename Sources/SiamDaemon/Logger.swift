// Structured log lines for the daemon, on stderr.
//
// Why stderr and one line per event: under systemd, journald captures stderr and stamps each line;
// elsewhere, any collector can split on newlines. So a line must never be broken by a value that
// contains a newline, and two threads logging at once must never interleave inside a line: each
// line reaches the file descriptor in a single write(2).
//
// Why a small logger of our own rather than swift-log: the daemon needs one sink, two formats and
// a level that SIGHUP can change, and the package takes no new dependencies for that.
//
// The logger reads the wall clock for its timestamps. That is fine here: it sits at the daemon's
// edge, not in the pure core, and the clock is injectable for tests.

import Foundation
import SiamCore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// How important a log line is. Ordered: `debug < info < warning < error`.
public enum LogLevel: String, Comparable, Sendable, CaseIterable {
    /// Normal operation: passes that found nothing to do, wake-ups, timings.
    case debug
    /// A decision that changed data (an offer, an expiry, an escalation), and lifecycle events.
    case info
    /// Something went wrong and was handled: a lost connection, a failed notification.
    case warning
    /// Something went wrong and was not handled.
    case error

    /// Parses a level as written in `--log-level` or `SIAMD_LOG_LEVEL`: case-insensitive,
    /// surrounding blanks ignored, `warn` and `err` accepted as aliases. Nil for anything else.
    public init?(parsing text: String) {
        switch text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "debug": self = .debug
        case "info": self = .info
        case "warning", "warn": self = .warning
        case "error", "err": self = .error
        default: return nil
        }
    }

    /// Orders levels by severity.
    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool {
        lhs.severity < rhs.severity
    }

    var severity: UInt8 {
        switch self {
        case .debug: 0
        case .info: 1
        case .warning: 2
        case .error: 3
        }
    }

    init(severity: UInt8) {
        switch severity {
        case 0: self = .debug
        case 1: self = .info
        case 2: self = .warning
        default: self = .error
        }
    }
}

/// How a log line is written.
public enum LogFormat: String, Sendable, CaseIterable {
    /// `key=value` pairs separated by spaces, values quoted when needed (the default).
    case logfmt
    /// One JSON object per line.
    case json

    /// Parses a format name (`logfmt` or `json`), case-insensitive. Nil for anything else.
    public init?(parsing text: String) {
        self.init(rawValue: text.trimmingCharacters(in: .whitespaces).lowercased())
    }
}

/// Writes structured log lines: a timestamp, a level, a message, then key–value fields in the
/// order given.
///
/// logfmt: `ts=2026-11-22T10:00:00.123Z level=info msg="offered to acme" incident=42 supplier=acme`
///
/// json: `{"ts":"2026-11-22T10:00:00.123Z","level":"info","msg":"offered to acme","incident":"42"}`
///
/// Lines below ``level`` are dropped; the level can be changed at any time (on SIGHUP) from any
/// thread. A field named `ts`, `level` or `msg` is written as `field_ts`, `field_level` or
/// `field_msg`, so that it cannot be mistaken for the line's own.
public final class Logger: Sendable {
    /// Receives each finished line, without its trailing newline.
    public typealias Sink = @Sendable (String) -> Void

    /// The format of every line.
    public let format: LogFormat

    private let minimumSeverity: Atomic<UInt8>
    private let now: @Sendable () -> Date
    private let sink: Sink

    /// Creates a logger.
    ///
    /// - Parameters:
    ///   - level: the lowest level written.
    ///   - format: logfmt (default) or JSON.
    ///   - now: the clock for timestamps; the system clock by default.
    ///   - sink: where finished lines go; standard error by default.
    public init(
        level: LogLevel = .info,
        format: LogFormat = .logfmt,
        now: @escaping @Sendable () -> Date = { Date() },
        sink: @escaping Sink = Logger.standardError
    ) {
        self.format = format
        self.minimumSeverity = Atomic(level.severity)
        self.now = now
        self.sink = sink
    }

    /// The lowest level written. Safe to change while other threads log.
    public var level: LogLevel {
        get { LogLevel(severity: minimumSeverity.load(ordering: .relaxed)) }
        set { minimumSeverity.store(newValue.severity, ordering: .relaxed) }
    }

    /// Whether a line at `level` would be written; check it before building costly fields.
    public func isEnabled(_ level: LogLevel) -> Bool {
        level.severity >= minimumSeverity.load(ordering: .relaxed)
    }

    /// Writes one line at `level` with `message` and `fields` (in order), if `level` is enabled.
    public func log(_ level: LogLevel, _ message: String, _ fields: [(String, String)] = []) {
        guard isEnabled(level) else { return }
        sink(Self.format(format, timestamp: now(), level: level, message: message, fields: fields))
    }

    /// Writes a line at ``LogLevel/debug``.
    public func debug(_ message: String, _ fields: [(String, String)] = []) {
        log(.debug, message, fields)
    }

    /// Writes a line at ``LogLevel/info``.
    public func info(_ message: String, _ fields: [(String, String)] = []) {
        log(.info, message, fields)
    }

    /// Writes a line at ``LogLevel/warning``.
    public func warning(_ message: String, _ fields: [(String, String)] = []) {
        log(.warning, message, fields)
    }

    /// Writes a line at ``LogLevel/error``.
    public func error(_ message: String, _ fields: [(String, String)] = []) {
        log(.error, message, fields)
    }

    // MARK: - Sinks

    /// Writes each line, newline included, to standard error in one write(2).
    public static let standardError: Sink = descriptorSink(STDERR_FILENO)

    /// Writes each line, newline included, to `descriptor` in one write(2), so that lines from
    /// concurrent callers do not interleave (on a pipe, up to PIPE_BUF bytes; on a file opened
    /// with O_APPEND, always). The descriptor is not closed.
    public static func descriptorSink(_ descriptor: Int32) -> Sink {
        { line in
            var bytes = Array(line.utf8)
            bytes.append(UInt8(ascii: "\n"))
            bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                    if written < 0 {
                        // Nowhere left to report a failure to log: drop the line.
                        if errno == EINTR { continue }
                        return
                    }
                    offset += written
                }
            }
        }
    }

    // MARK: - Formatting

    static let reservedKeys: Set<String> = ["ts", "level", "msg"]

    static func format(
        _ format: LogFormat, timestamp: Date, level: LogLevel, message: String, fields: [(String, String)]
    ) -> String {
        let ts = iso8601(timestamp)
        let renamed = fields.map { key, value in
            (reservedKeys.contains(key) ? "field_" + key : key, value)
        }
        switch format {
        case .logfmt:
            var line = "ts=\(ts) level=\(level.rawValue) msg=\(logfmtValue(message))"
            for (key, value) in renamed {
                line += " " + logfmtKey(key) + "=" + logfmtValue(value)
            }
            return line
        case .json:
            var line = "{\"ts\":\"\(ts)\",\"level\":\"\(level.rawValue)\",\"msg\":" + jsonString(message)
            for (key, value) in renamed {
                line += "," + jsonString(key) + ":" + jsonString(value)
            }
            return line + "}"
        }
    }

    /// `2026-11-22T10:00:00.123Z`: UTC, milliseconds, rounded to the nearest.
    static func iso8601(_ date: Date) -> String {
        let totalMilliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let (seconds, milliseconds) = floorDivide(totalMilliseconds, 1000)
        var epochSeconds = time_t(seconds)
        var parts = tm()
        gmtime_r(&epochSeconds, &parts)
        let year = pad(Int(parts.tm_year) + 1900, 4)
        let date = year + "-" + pad(Int(parts.tm_mon) + 1, 2) + "-" + pad(Int(parts.tm_mday), 2)
        let time = pad(Int(parts.tm_hour), 2) + ":" + pad(Int(parts.tm_min), 2) + ":" + pad(Int(parts.tm_sec), 2)
        return date + "T" + time + "." + pad(Int(milliseconds), 3) + "Z"
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let remainder = value % divisor
        return remainder < 0 ? (value / divisor - 1, remainder + divisor) : (value / divisor, remainder)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// Whether `scalar` is a control character (C0, DEL, C1) or a line or paragraph separator,
    /// any of which a log viewer may show as a line break or not at all.
    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        isEscapedControl(scalar)
    }

    /// A logfmt key: anything that would end the key or start a value becomes `_`.
    static func logfmtKey(_ key: String) -> String {
        guard !key.isEmpty else { return "_" }
        var result = String.UnicodeScalarView()
        for scalar in key.unicodeScalars {
            let unsafe = scalar == "=" || scalar == "\"" || scalar == " " || isControl(scalar)
                || scalar.properties.isWhitespace
            result.append(unsafe ? "_" : scalar)
        }
        return String(result)
    }

    /// A logfmt value: bare when it is safe, otherwise double-quoted with `\"`, `\\`, `\n`, `\r`,
    /// `\t` and `\uXXXX` escapes (the ones Go's logfmt readers understand). An empty value is `""`.
    static func logfmtValue(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.unicodeScalars.contains { scalar in
            scalar == " " || scalar == "=" || scalar == "\"" || isControl(scalar) || scalar.properties.isWhitespace
        }
        // logfmt's quoted values use JSON's escapes.
        return needsQuotes ? jsonQuoted(value) : value
    }

    /// A JSON string literal (see ``jsonQuoted(_:)``).
    static func jsonString(_ value: String) -> String {
        jsonQuoted(value)
    }
}
