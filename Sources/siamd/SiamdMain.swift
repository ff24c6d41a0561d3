import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// Entry point: parses, runs, and turns every failure into one line on stderr and an exit
/// status (never a stack trace).
@main
enum SiamdMain {
    static func main() async {
        do {
            var command = try Siamd.parseAsRoot(joiningNegativeValues(Array(CommandLine.arguments.dropFirst())))
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            try flushStandardOutput()
        } catch {
            exit(with: error)
        }
    }

    static func exit(with error: Error) -> Never {
        let code = Siamd.exitCode(for: error)
        if code == .success {
            // --help, --version: ArgumentParser's full text on stdout.
            print(Siamd.fullMessage(for: error))
            Glibc.exit(0)
        }
        let failure = CLIFailure(error)
        printError(failure.message)
        Glibc.exit(failure.status)
    }
}
