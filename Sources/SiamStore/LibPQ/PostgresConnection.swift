import CLibPQ
import Foundation

/// One connection to PostgreSQL through libpq.
///
/// Connection parameters are resolved by libpq itself: a URI or `key=value` string, or,
/// when none is given, the `PG*` environment variables, service file and password file,
/// including multi-host strings with `target_session_attrs`. siamd only adds
/// `fallback_application_name=siamd`, so a name given by the user wins.
///
/// Not thread-safe: use one connection from one task at a time.
public final class PostgresConnection {
    private let handle: OpaquePointer

    private init(handle: OpaquePointer) {
        self.handle = handle
    }

    deinit {
        PQfinish(handle)
    }

    /// Connects, then sets the session up for siamd: UTF-8, ISO dates in UTC, and a
    /// statement timeout unless the user configured one.
    ///
    /// - Parameters:
    ///   - conninfo: a URI or `key=value` string; nil leaves everything to libpq's defaults.
    ///   - statementTimeout: applied when the session has none (`statement_timeout = 0`).
    public static func connect(
        _ conninfo: String?,
        statementTimeout: String = "30s"
    ) throws -> PostgresConnection {
        let keywords = ["fallback_application_name", "dbname"]
        let values: [String?] = ["siamd", conninfo]
        let handle = withCStrings(keywords) { keywordPointers in
            withOptionalCStrings(values) { valuePointers in
                // expand_dbname = 1: a dbname holding a URI or key=value string is expanded.
                PQconnectdbParams(keywordPointers, valuePointers, 1)
            }
        }
        guard let handle else {
            throw DatabaseError(kind: .connectionFailed, message: "cannot connect to the database: out of memory")
        }
        let connection = PostgresConnection(handle: handle)
        guard PQstatus(handle) == CONNECTION_OK else {
            let reason = DatabaseError.oneLine(String(cString: PQerrorMessage(handle)))
            throw DatabaseError(kind: .connectionFailed, message: "cannot connect to the database: \(reason)")
        }
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        guard PQsetClientEncoding(handle, "UTF8") == 0 else {
            throw DatabaseError(kind: .connectionFailed, message: "cannot set client encoding UTF8")
        }
        try connection.query("SELECT set_config('TimeZone', 'UTC', false), set_config('DateStyle', 'ISO', false)")
        try connection.query(
            "SELECT set_config('statement_timeout', $1, false) WHERE current_setting('statement_timeout') = '0'",
            [statementTimeout])
        return connection
    }

    /// True while libpq considers the connection usable.
    public var isConnected: Bool { PQstatus(handle) == CONNECTION_OK }

    /// The server's process id for this session.
    public var backendPID: Int { Int(PQbackendPID(handle)) }

    /// Runs one parameterized statement and returns its rows.
    ///
    /// Parameters are sent separately from the SQL text (`PQexecParams`), in text format.
    @discardableResult
    public func query(_ sql: String, _ parameters: [any SQLParameter] = []) throws -> QueryResult {
        let texts = parameters.map(\.sqlText)
        for (position, text) in texts.enumerated() where text?.utf8.contains(0) == true {
            throw DatabaseError(
                kind: .invalidArgument, sqlState: "22021",
                message: "parameter $\(position + 1) contains a NUL character, which PostgreSQL text cannot store")
        }
        let result = withOptionalCStrings(texts) { valuePointers in
            PQexecParams(handle, sql, Int32(texts.count), nil, valuePointers, nil, nil, 0)
        }
        return try consume(result)
    }

    /// Runs a script of several statements without parameters (the embedded schema).
    ///
    /// Only for SQL text that is part of siamd itself: never for anything built from input.
    public func executeScript(_ sql: StaticOrEmbeddedSQL) throws {
        _ = try consume(PQexec(handle, sql.text))
    }

    /// Quotes an identifier (a channel or role name) with libpq's own rules.
    public func quoteIdentifier(_ name: String) throws -> String {
        guard let quoted = PQescapeIdentifier(handle, name, name.utf8.count) else {
            throw DatabaseError(kind: .invalidArgument, message: DatabaseError.oneLine(String(cString: PQerrorMessage(handle))))
        }
        defer { PQfreemem(quoted) }
        return String(cString: quoted)
    }

    /// Whether a transaction block is open, idle, or failed.
    var transactionStatus: PGTransactionStatusType { PQtransactionStatus(handle) }

    /// The file descriptor of the connection's socket, for waiting on notifications.
    var socket: Int32 { PQsocket(handle) }

    /// Reads whatever the server sent, without blocking.
    func consumeInput() throws {
        guard PQconsumeInput(handle) == 1 else { throw connectionError() }
    }

    /// Takes the next pending notification, if any; frees libpq's copy.
    func nextNotification() -> Notification? {
        guard let raw = PQnotifies(handle) else { return nil }
        defer { PQfreemem(raw) }
        return Notification(
            channel: String(cString: raw.pointee.relname),
            payload: String(cString: raw.pointee.extra),
            senderPID: Int(raw.pointee.be_pid))
    }

    /// Turns a result into rows or an error, freeing it exactly once.
    private func consume(_ result: OpaquePointer?) throws -> QueryResult {
        guard let result else { throw connectionError() }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            let rowCount = Int(PQntuples(result))
            let columnCount = Int(PQnfields(result))
            let columns = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
            var rows: [[String?]] = []
            rows.reserveCapacity(rowCount)
            for row in 0..<rowCount {
                var values: [String?] = []
                values.reserveCapacity(columnCount)
                for column in 0..<columnCount {
                    if PQgetisnull(result, Int32(row), Int32(column)) == 1 {
                        values.append(nil)
                    } else {
                        values.append(String(cString: PQgetvalue(result, Int32(row), Int32(column))))
                    }
                }
                rows.append(values)
            }
            let affected = Int(String(cString: PQcmdTuples(result))) ?? 0
            return QueryResult(columns: columns, rows: rows, affectedRows: affected)
        default:
            throw serverError(result)
        }
    }

    private func serverError(_ result: OpaquePointer) -> DatabaseError {
        func field(_ code: Character) -> String? {
            guard let value = PQresultErrorField(result, Int32(code.asciiValue!)) else { return nil }
            return String(cString: value)
        }
        let sqlState = field("C")
        guard let sqlState else {
            // Every error the server reports carries a SQLSTATE; one without comes from libpq
            // itself: the connection failed ("server closed the connection unexpectedly"),
            // even while PQstatus still reads OK (it does after the server died between two
            // statements). Treated as lost, so the daemon reconnects instead of giving up.
            return connectionError(assumeLost: true)
        }
        return DatabaseError(
            kind: DatabaseError.kind(forSQLState: sqlState),
            sqlState: sqlState,
            message: field("M") ?? DatabaseError.oneLine(String(cString: PQresultErrorMessage(result))),
            detail: field("D"),
            hint: field("H"),
            constraint: field("n"))
    }

    private func connectionError(assumeLost: Bool = false) -> DatabaseError {
        let message = DatabaseError.oneLine(String(cString: PQerrorMessage(handle)))
        let lost = assumeLost || PQstatus(handle) != CONNECTION_OK
        return DatabaseError(
            kind: lost ? .connectionLost : .other,
            message: lost ? "lost the database connection: \(message)" : message)
    }
}

/// SQL text that ships with siamd (never built from input), for `executeScript`.
public struct StaticOrEmbeddedSQL: Sendable {
    let text: String
    /// Wraps SQL that is part of the program.
    public init(embedded text: String) { self.text = text }
}

/// A notification received on a `LISTEN`ed channel.
public struct Notification: Sendable, Equatable {
    public let channel: String
    public let payload: String
    public let senderPID: Int
}

// MARK: - C string arrays

private func withCStrings<R>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    withOptionalCStrings(strings.map { Optional($0) }, body)
}

/// Calls body with C strings that stay valid for its duration, plus a terminating NULL.
private func withOptionalCStrings<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let copies: [UnsafeMutablePointer<CChar>?] = strings.map { $0.map { strdup($0)! } }
    defer { copies.forEach { free($0) } }
    return body(copies.map { UnsafePointer($0) } + [nil])
}
