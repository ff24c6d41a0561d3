import Foundation

/// A directory of its own for one browser test: the pages, the screenshot and Chromium's
/// throwaway profile. Tests run in parallel, so nothing is shared.
///
/// Removed by `finish()` unless `SIAMD_KEEP_BROWSER_ARTIFACTS` is set, which keeps the pages
/// and screenshots for a look after the run.
struct BrowserWorkspace {
    let directory: URL

    init(_ name: String) throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("siamd-\(name)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> URL {
        directory.appendingPathComponent(name)
    }

    /// Writes `text` as UTF-8 to `name` in the workspace.
    func write(_ text: String, to name: String) throws -> URL {
        let url = file(name)
        try Data(text.utf8).write(to: url)
        return url
    }

    static var keepsArtifacts: Bool {
        ProcessInfo.processInfo.environment["SIAMD_KEEP_BROWSER_ARTIFACTS"] != nil
    }

    /// Removes Chromium's profile always, and everything else unless asked to keep it.
    func finish() {
        try? FileManager.default.removeItem(at: file("profile"))
        if !Self.keepsArtifacts { try? FileManager.default.removeItem(at: directory) }
    }
}
