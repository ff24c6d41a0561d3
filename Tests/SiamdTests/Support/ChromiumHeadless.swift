import Foundation
import SiamStore

/// A real headless Chromium (Debian's `chromium` package), run once per page to load it, let
/// its scripts run, dump the resulting DOM and save a screenshot.
///
/// Runs under coreutils' `timeout`, which puts Chromium and all its helper processes in one
/// process group and kills the whole group when time is up, so a hung browser can neither
/// hang the test run nor leave renderers behind.
enum ChromiumHeadless {
    /// `SIAMD_CHROMIUM`, else Debian's `/usr/bin/chromium`.
    static var binary: String {
        ProcessInfo.processInfo.environment["SIAMD_CHROMIUM"] ?? "/usr/bin/chromium"
    }

    /// The viewport: a common laptop width, tall enough for most of the page.
    static let windowSize = (width: 1280, height: 2000)

    /// What one run of the browser did.
    struct Run: Sendable {
        let arguments: [String]
        let status: Int32
        /// The DOM after scripts ran, serialised (`--dump-dom`).
        let dom: String
        let stderr: String

        /// `timeout` exits 124 when it had to stop the browser (137 when even SIGTERM failed).
        var timedOut: Bool { status == 124 || status == 137 }

        /// For failure messages: the command and the end of the browser's stderr.
        var diagnosis: String {
            "chromium exited \(status)\(timedOut ? " (killed after the time limit)" : ""): \(arguments.joined(separator: " "))\n"
                + "stderr (last 4000 characters):\n\(String(stderr.suffix(4000)))"
        }
    }

    /// Chromium is missing; the message says how to install it.
    struct Missing: Error, CustomStringConvertible {
        let path: String
        var description: String {
            "no headless Chromium at \(path): install it with `apt-get install chromium` "
                + "(or point SIAMD_CHROMIUM at a Chromium or Chrome binary); the HTML report's browser tests need a real browser"
        }
    }

    /// The arguments for loading `page`: headless without GPU or sandbox (tests run as root),
    /// a throwaway profile, and a virtual time budget, which lets load handlers and timers run
    /// before the DOM is dumped without waiting for real time.
    static func arguments(page: URL, screenshot: URL, profile: URL) -> [String] {
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
            "--disable-extensions", "--disable-background-networking", "--disable-sync", "--mute-audio",
            "--hide-scrollbars", "--user-data-dir=\(profile.path)",
            "--window-size=\(windowSize.width),\(windowSize.height)",
            "--virtual-time-budget=5000",
            "--screenshot=\(screenshot.path)",
            "--dump-dom", page.absoluteString,
        ]
    }

    /// Loads `page` in Chromium and returns what it did, killing it after `timeoutSeconds`.
    ///
    /// The wait happens on a thread of its own, not on Swift's cooperative pool, which other
    /// tests running in parallel need.
    static func load(page: URL, screenshot: URL, profile: URL, timeoutSeconds: Int = 60) async throws -> Run {
        let browser = binary
        guard FileManager.default.isExecutableFile(atPath: browser) else { throw Missing(path: browser) }
        let browserArguments = arguments(page: page, screenshot: screenshot, profile: profile)
        let timeoutArguments = ["--kill-after=5s", "\(timeoutSeconds)s", browser] + browserArguments
        let finished = try await onOwnThread {
            try ChildProcess.run("/usr/bin/timeout", timeoutArguments)
        }
        return Run(arguments: [browser] + browserArguments, status: finished.status, dom: finished.stdout, stderr: finished.stderr)
    }

    /// Runs blocking `work` on a new thread and resumes when it is done.
    private static func onOwnThread<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result { try work() })
            }.start()
        }
    }
}
