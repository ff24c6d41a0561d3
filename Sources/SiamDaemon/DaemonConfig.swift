import Foundation
import SiamCore

/// The daemon's settings file, re-read on SIGHUP: lines `key = value`, `#` comments.
/// Keys: `poll-interval` (a duration such as 30s), `batch-size`, `log-level`.
public struct DaemonConfig: Sendable, Equatable {
    public var pollInterval: BusinessDuration?
    public var batchSize: Int?
    public var logLevel: LogLevel?

    public init(pollInterval: BusinessDuration? = nil, batchSize: Int? = nil, logLevel: LogLevel? = nil) {
        self.pollInterval = pollInterval
        self.batchSize = batchSize
        self.logLevel = logLevel
    }

    public static func load(path: String) throws -> DaemonConfig {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw DaemonConfigError("cannot read settings file \(path)")
        }
        return try parse(text, source: path)
    }

    /// Parses the file's text; the first bad line is named in the error.
    public static func parse(_ text: String, source: String = "settings") throws -> DaemonConfig {
        var config = DaemonConfig()
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            let parts = trimmed.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { throw DaemonConfigError("\(source):\(number + 1): expected 'key = value'") }
            switch parts[0] {
            case "poll-interval":
                guard let value = try? BusinessDuration(parsing: parts[1]), value.seconds >= 1 else {
                    throw DaemonConfigError("\(source):\(number + 1): poll-interval must be a duration of at least 1s")
                }
                config.pollInterval = value
            case "batch-size":
                guard let value = Int(parts[1]), (1...10_000).contains(value) else {
                    throw DaemonConfigError("\(source):\(number + 1): batch-size must be from 1 to 10000")
                }
                config.batchSize = value
            case "log-level":
                guard let value = LogLevel(parsing: parts[1]) else {
                    throw DaemonConfigError("\(source):\(number + 1): log-level must be debug, info, warning or error")
                }
                config.logLevel = value
            default:
                throw DaemonConfigError("\(source):\(number + 1): unknown setting '\(parts[0])'")
            }
        }
        return config
    }

    /// The settings with this file's values in force; the log level is set on the logger.
    public func applied(to settings: DaemonSettings, logger: Logger) -> DaemonSettings {
        var settings = settings
        if let pollInterval { settings.pollInterval = .seconds(pollInterval.seconds) }
        if let batchSize { settings.engine.batchSize = batchSize }
        if let logLevel { logger.level = logLevel }
        return settings
    }
}

/// The settings file is unreadable or malformed.
public struct DaemonConfigError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
