// siamd-bench: measures the core's hot paths and the engine, and records the figures in BENCHMARKS.md.
//
// Usage: swift run -c release siamd-bench <benchmark> [options]
// Each benchmark lives in its own file and owns one marked section of BENCHMARKS.md.

import Foundation

/// The benchmarks by subcommand name.
let benchmarks: [String: (_ arguments: [String]) throws -> Void] = [
    "api": ApiBenchmark.run,
    "calendar": CalendarBenchmark.run,
    "engine": EngineBenchmark.run,
    "migrate": MigrateBenchmark.run,
    "reports": ReportsBenchmark.run,
]

let arguments = Array(CommandLine.arguments.dropFirst())
guard let name = arguments.first, let benchmark = benchmarks[name] else {
    let names = benchmarks.keys.sorted().joined(separator: "|")
    FileHandle.standardError.write(Data("usage: siamd-bench <\(names)> [options]\n".utf8))
    exit(2)
}
do {
    try benchmark(Array(arguments.dropFirst()))
} catch {
    FileHandle.standardError.write(Data("siamd-bench \(name): \(error)\n".utf8))
    exit(1)
}
