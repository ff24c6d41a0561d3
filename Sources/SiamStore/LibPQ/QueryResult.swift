import SiamCore

/// The rows of a query, decoded to text and copied out of libpq's result.
///
/// The `PGresult` is freed as soon as this value is built, so no C memory outlives the call.
public struct QueryResult: Sendable {
    public let columns: [String]
    public let rows: [Row]
    /// Rows touched by INSERT/UPDATE/DELETE, when the command reports it.
    public let affectedRows: Int

    init(columns: [String], rows: [[String?]], affectedRows: Int) {
        self.columns = columns
        let index = ColumnIndex(columns)
        self.rows = rows.map { Row(index: index, values: $0) }
        self.affectedRows = affectedRows
    }

    /// The only row, or nil when there is none.
    public var first: Row? { rows.first }
}

/// Column names to positions, shared by all rows of one result.
final class ColumnIndex: Sendable {
    let names: [String]
    let positions: [String: Int]

    init(_ names: [String]) {
        self.names = names
        var positions: [String: Int] = [:]
        for (position, name) in names.enumerated() where positions[name] == nil {
            positions[name] = position
        }
        self.positions = positions
    }
}

/// Raised when a row does not hold what the code expects: a bug, not bad input.
public struct RowDecodingError: Error, CustomStringConvertible, Sendable {
    public let description: String
}

/// One row of a result, with typed accessors by column name.
public struct Row: Sendable {
    let index: ColumnIndex
    /// The values in column order, in PostgreSQL's text format; nil is SQL NULL.
    public let values: [String?]

    /// The column names in order.
    public var columns: [String] { index.names }

    /// The raw text of a column, nil for NULL.
    public func text(_ column: String) throws -> String? {
        guard let position = index.positions[column] else {
            throw RowDecodingError(description: "no column '\(column)' in result (\(index.names.joined(separator: ", ")))")
        }
        return values[position]
    }

    public func string(_ column: String) throws -> String {
        try required(column, try text(column))
    }

    public func optionalString(_ column: String) throws -> String? {
        try text(column)
    }

    public func int(_ column: String) throws -> Int {
        try required(column, try optionalInt(column))
    }

    public func optionalInt(_ column: String) throws -> Int? {
        guard let text = try text(column) else { return nil }
        guard let value = Int(text) else {
            throw RowDecodingError(description: "column '\(column)' is not an integer: \(text)")
        }
        return value
    }

    public func int64(_ column: String) throws -> Int64 {
        Int64(try int(column))
    }

    public func bool(_ column: String) throws -> Bool {
        try required(column, try optionalBool(column))
    }

    public func optionalBool(_ column: String) throws -> Bool? {
        switch try text(column) {
        case nil: return nil
        case "t"?, "true"?: return true
        case "f"?, "false"?: return false
        case let other?: throw RowDecodingError(description: "column '\(column)' is not a boolean: \(other)")
        }
    }

    public func instant(_ column: String) throws -> Instant {
        try required(column, try optionalInstant(column))
    }

    public func optionalInstant(_ column: String) throws -> Instant? {
        guard let text = try text(column) else { return nil }
        do {
            return try Instant(parsing: text)
        } catch {
            throw RowDecodingError(description: "column '\(column)' is not a timestamp: \(text)")
        }
    }

    /// A duration selected as whole seconds (e.g. `extract(epoch FROM x)::bigint`).
    public func optionalDuration(_ column: String) throws -> BusinessDuration? {
        guard let seconds = try optionalInt(column) else { return nil }
        return BusinessDuration(seconds: Int64(seconds))
    }

    private func required<T>(_ column: String, _ value: T?) throws -> T {
        guard let value else { throw RowDecodingError(description: "column '\(column)' is NULL") }
        return value
    }
}
