import Foundation

/// Helpers shared by benchmarks: timing, machine description, options and BENCHMARKS.md sections.
enum BenchmarkSupport {
    /// Runs `body` (which performs `operations` operations) `rounds` times and returns the best
    /// rate in operations per second; the best round is the least disturbed by other processes.
    static func bestRate(operations: Int, rounds: Int = 5, _ body: () -> Void) -> Double {
        let clock = ContinuousClock()
        var best = Double.infinity
        for _ in 0..<rounds {
            let elapsed = clock.measure(body)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            best = min(best, seconds)
        }
        return Double(operations) / best
    }

    /// `1,234,567`.
    /// A figure with two decimals: `2.72`.
    static func twoDecimals(_ value: Double) -> String {
        String(format: "%.2f", value)
    }

    static func grouped(_ value: Double) -> String {
        let digits = String(Int(value.rounded()))
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }

    /// Number of processors, CPU model and OS, e.g. `nproc 2, AMD EPYC 7B13, Debian GNU/Linux 12 (bookworm)`.
    static func machine() -> String {
        let cpus = ProcessInfo.processInfo.activeProcessorCount
        var model = "unknown CPU"
        if let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
            let line = info.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
            let colon = line.firstIndex(of: ":")
        {
            model = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return "nproc \(cpus), \(model), \(ProcessInfo.processInfo.operatingSystemVersionString)"
    }

    /// The siamd binary next to this one (`.build/release/siamd` beside `siamd-bench`).
    static func siamdNextToBench() -> String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("siamd").path
    }

    /// Today's date in UTC as `YYYY-MM-DD` (the bench may read the clock; the core may not).
    static func today() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: Date())
    }

    /// Replaces the text between `<!-- NAME:begin -->` and `<!-- NAME:end -->` in the file at
    /// `path`, creating the file (with a heading) or appending the section when missing;
    /// everything outside the markers is preserved.
    static func rewriteSection(_ section: String, named name: String, in path: String) throws {
        let begin = "<!-- \(name):begin -->"
        let end = "<!-- \(name):end -->"
        let block = "\(begin)\n\(section)\n\(end)"
        var text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? "# Benchmarks\n"
        if let b = text.range(of: begin), let e = text.range(of: end, range: b.upperBound..<text.endIndex) {
            text.replaceSubrange(b.lowerBound..<e.upperBound, with: block)
        } else {
            if !text.hasSuffix("\n") { text += "\n" }
            text += "\n\(block)\n"
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}

/// A benchmark usage error.
struct BenchmarkError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
