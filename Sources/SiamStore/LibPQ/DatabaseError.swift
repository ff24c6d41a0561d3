import Foundation

/// An error reported by PostgreSQL or by libpq, with the server's diagnostics.
///
/// `kind` classifies the SQLSTATE so that callers can react without string matching;
/// `description` is one line, fit for a CLI's stderr.
public struct DatabaseError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, by SQLSTATE class.
    public enum Kind: Sendable, Equatable {
        case connectionFailed
        case connectionLost
        case uniqueViolation
        case foreignKeyViolation
        case checkViolation
        case notNullViolation
        case exclusionViolation
        case invalidParameter
        case nullValueNotAllowed
        case noDataFound
        case wrongState
        case serializationFailure
        case deadlockDetected
        case queryCanceled
        case insufficientPrivilege
        case undefinedObject
        case invalidArgument
        case other
    }

    public var kind: Kind
    /// The five-character SQLSTATE, when the server sent one.
    public var sqlState: String?
    public var message: String
    public var detail: String?
    public var hint: String?
    /// The name of the violated constraint, when there is one.
    public var constraint: String?

    public init(
        kind: Kind, sqlState: String? = nil, message: String,
        detail: String? = nil, hint: String? = nil, constraint: String? = nil
    ) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.hint = hint
        self.constraint = constraint
    }

    /// Maps a SQLSTATE to its kind.
    public static func kind(forSQLState state: String) -> Kind {
        switch state {
        case "23505": return .uniqueViolation
        case "23503": return .foreignKeyViolation
        case "23514": return .checkViolation
        case "23502": return .notNullViolation
        case "23P01": return .exclusionViolation
        case "22023": return .invalidParameter
        case "22004": return .nullValueNotAllowed
        case "P0002": return .noDataFound
        case "55000": return .wrongState
        case "40001": return .serializationFailure
        case "40P01": return .deadlockDetected
        case "57014": return .queryCanceled
        case "42501": return .insufficientPrivilege
        case "42P01", "3F000", "42883", "42704": return .undefinedObject
        case "08000", "08003", "08006", "08001", "08004", "57P01", "57P02", "57P03":
            return .connectionLost
        default:
            if state.hasPrefix("22") { return .invalidArgument }
            return .other
        }
    }

    /// True for errors after which the same work may succeed when retried.
    public var isTransient: Bool {
        switch kind {
        case .serializationFailure, .deadlockDetected, .connectionLost, .connectionFailed: return true
        default: return false
        }
    }

    /// One line: the message, then the hint if any.
    public var description: String {
        var line = Self.oneLine(message)
        if let hint, !hint.isEmpty { line += " (hint: \(Self.oneLine(hint)))" }
        return line
    }

    /// Folds libpq's multi-line messages into one line.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
            .joined(separator: "; ")
    }
}
