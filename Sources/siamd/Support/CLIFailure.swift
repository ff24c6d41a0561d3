import ArgumentParser
import Foundation
import SiamCore
import SiamDaemon
import SiamStore

/// A failure as the user sees it: one line and an exit status.
///
/// 1 refused (bad value, unknown reference, illegal change), 2 bad usage,
/// 3 database unreachable, 4 schema missing or of another version, 70 internal error.
struct CLIFailure {
    let message: String
    let status: Int32

    init(_ error: Error) {
        switch error {
        case let error as DatabaseError:
            switch error.kind {
            case .connectionFailed, .connectionLost:
                (message, status) = (error.description, 3)
            case .undefinedObject:
                (message, status) = ("\(error.description) (is the siamd schema installed? try 'siamd db status')", 4)
            default:
                (message, status) = (error.description, 1)
            }
        case let error as SchemaError:
            // A migration that failed, or one run by the wrong role, is refused (1); a
            // database this siamd cannot work on is a schema problem (4).
            switch error {
            case .migrationFailed, .notOwner: (message, status) = (error.description, 1)
            default: (message, status) = (error.description, 4)
            }
        case let error as LocalClusterError:
            (message, status) = (error.description, 3)
        case let error as CalendarError:
            (message, status) = (error.description, 2)
        case let error as TimeParseError:
            (message, status) = (error.description, 2)
        case let error as DaemonConfigError:
            (message, status) = (error.description, 2)
        case let error as RefusedError:
            (message, status) = (error.description, 1)
        case let error as MetricsServerError:
            // A port in use or an address not on this host: the command line was fine.
            (message, status) = (error.description, 1)
        case let error as RowDecodingError:
            (message, status) = ("internal error: \(error.description)", 70)
        default:
            let text = Siamd.message(for: error)
            let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? text
            // ArgumentParser's own messages start with "Error: "; keep ours uniform.
            let trimmed = line.hasPrefix("Error: ") ? String(line.dropFirst(7)) : line
            (message, status) = (trimmed, 2)
        }
    }
}

/// The CLI refuses something the database was not asked about (e.g. an unknown id on show).
struct RefusedError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Writes one warning line to stderr: the change was made, but something deserves a look.
func printWarning(_ message: String) {
    FileHandle.standardError.write(Data("siamd: warning: \(message)\n".utf8))
}

/// Writes one line to stderr, prefixed with the program's name.
func printError(_ message: String) {
    FileHandle.standardError.write(Data("siamd: error: \(message)\n".utf8))
}
