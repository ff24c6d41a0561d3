import ArgumentParser
import SiamCore

extension Priority: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

extension TargetKind: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

extension HandoffState: ExpressibleByArgument {}

extension IncidentState: ExpressibleByArgument {
    /// `new` and `assigned` are reached otherwise (opening, a supplier accepting), never set.
    public static var allValueStrings: [String] {
        allCases.filter { $0 != .new && $0 != .assigned }.map(\.rawValue)
    }
}

extension SupplierStatus: ExpressibleByArgument {
    /// A supplier starts in onboarding and never goes back to it.
    public static var allValueStrings: [String] {
        allCases.filter { $0 != .onboarding }.map(\.rawValue)
    }
}

/// Parses a business duration (`90s`, `15m`, `4h`, `3d`, `3h30m`) for `@Option(transform:)`.
func parseDuration(_ text: String) throws -> BusinessDuration {
    try BusinessDuration(parsing: text)
}

/// Parses a paused range `START/END` for `@Option(transform:)`.
func parsePause(_ text: String) throws -> Range<Instant> {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2 else {
        throw ValidationError("invalid pause '\(text)': use START/END, two ISO-8601 instants")
    }
    let start = try Instant(parsing: String(parts[0]))
    let end = try Instant(parsing: String(parts[1]))
    guard start <= end else {
        throw ValidationError("invalid pause '\(text)': it ends before it starts")
    }
    return start..<end
}
