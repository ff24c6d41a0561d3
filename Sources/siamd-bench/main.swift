// siamd-bench: measures the core's hot paths and the engine, and records the figures in BENCHMARKS.md.
//
// Usage: swift run -c release siamd-bench <benchmark> [options]; siamd-bench <benchmark> --help
// Each benchmark lives in its own file and owns one marked section of BENCHMARKS.md.

import Foundation

/// The benchmarks, in the order `--help` lists them.
let benchmarks: [BenchmarkCommand] = [
    EngineBenchmark.command, ApiBenchmark.command, ReportsBenchmark.command,
    MigrateBenchmark.command, CalendarBenchmark.command,
]

func fail(_ message: String, status: Int32) -> Never {
    FileHandle.standardError.write(Data("\(message)\n".utf8))
    exit(status)
}

let arguments = Array(CommandLine.arguments.dropFirst())
let names = benchmarks.map(\.name).joined(separator: "|")
if arguments.first == "--help" || arguments.first == "-h" {
    let width = benchmarks.map(\.name.count).max() ?? 0
    print("usage: siamd-bench <\(names)> [--OPTION VALUE ...]\n")
    print("Each benchmark rewrites its own section of BENCHMARKS.md (or of --output FILE).\n")
    for command in benchmarks {
        print("  \(command.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(command.summary)")
    }
    print("\nsiamd-bench NAME --help describes one benchmark and its options.")
    exit(0)
}
guard let name = arguments.first, let command = benchmarks.first(where: { $0.name == name }) else {
    fail("usage: siamd-bench <\(names)> [options] (siamd-bench --help lists them)", status: 2)
}
let parsed: BenchmarkArguments
do {
    guard let given = try command.parse(Array(arguments.dropFirst())) else {
        print(command.help)
        exit(0)
    }
    parsed = given
} catch {
    fail("siamd-bench \(name): \(error)", status: 2)
}
do {
    try command.run(parsed)
} catch let error as BenchmarkUsageError {
    fail("siamd-bench \(name): \(error)", status: 2)
} catch {
    fail("siamd-bench \(name): \(error)", status: 1)
}
