import Foundation

/// A benchmark's command line: what it measures, its options with their defaults, and the
/// parsing of `--name VALUE` pairs (an unknown option or a missing value is refused).
struct BenchmarkCommand: Sendable {
    struct Option: Sendable {
        let name: String
        /// Shown in the help; nil when the default is worked out at run time (`help` says how).
        let defaultValue: String?
        let help: String
    }

    let name: String
    /// One line for `siamd-bench --help`.
    let summary: String
    /// What it measures, a few lines.
    let details: String
    let options: [Option]
    let run: @Sendable (BenchmarkArguments) throws -> Void

    /// The options every benchmark takes.
    static let output = Option(name: "output", defaultValue: "BENCHMARKS.md", help: "the file whose section is rewritten")
    static let date = Option(name: "date", defaultValue: nil, help: "YYYY-MM-DD recorded as the date measured (default: today, UTC)")

    var help: String {
        // At least as wide as "help", so that "-h, --help" fits the column too.
        let width = max(4, options.map(\.name.count).max() ?? 0)
        let lines = options.map { option in
            let padded = option.name.padding(toLength: width, withPad: " ", startingAt: 0)
            return "  --\(padded)  \(option.help)" + (option.defaultValue.map { " (default: \($0))" } ?? "")
        }
        return """
            usage: siamd-bench \(name) [--OPTION VALUE ...]

            \(details)
            It rewrites its section (<!-- \(name):begin --> ... <!-- \(name):end -->) of the --output file.

            options:
            \(lines.joined(separator: "\n"))
              \("-h, --help".padding(toLength: width + 2, withPad: " ", startingAt: 0))  print this help and exit (nothing is run or written)
            """
    }

    /// The arguments as given, checked against the options; nil when help was asked for.
    func parse(_ arguments: [String]) throws -> BenchmarkArguments? {
        if arguments.contains("--help") || arguments.contains("-h") { return nil }
        var values: [String: String] = [:]
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            guard argument.hasPrefix("--"), let option = options.first(where: { "--\($0.name)" == argument }) else {
                throw BenchmarkUsageError("unknown option \(argument) (siamd-bench \(name) --help lists them)")
            }
            guard let value = rest.popFirst(), !value.hasPrefix("--") else {
                throw BenchmarkUsageError("\(argument) needs a value")
            }
            values[option.name] = value
        }
        return BenchmarkArguments(command: self, values: values)
    }
}

/// The values of one run's options, defaults filled in.
struct BenchmarkArguments: Sendable {
    let command: BenchmarkCommand
    let values: [String: String]

    /// The value given, else the default (nil for an option whose default is worked out at run time).
    func string(_ name: String) -> String? {
        guard let option = command.options.first(where: { $0.name == name }) else {
            preconditionFailure("siamd-bench \(command.name) declares no option --\(name)")
        }
        return values[name] ?? option.defaultValue
    }

    /// A whole number of at least `minimum`.
    func int(_ name: String, minimum: Int = 1) throws -> Int {
        guard let text = string(name), let value = Int(text), value >= minimum else {
            throw BenchmarkUsageError("--\(name) needs a whole number of at least \(minimum), not \(values[name] ?? "nothing")")
        }
        return value
    }

    var output: String { string("output")! }
    var date: String { string("date") ?? BenchmarkSupport.today() }
}

/// A command line the benchmark refuses (exit status 2).
struct BenchmarkUsageError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
