import Foundation

/// Runs a program to completion with `posix_spawn` and `waitpid`, capturing its output in
/// temporary files.
///
/// Files rather than pipes, because a child that daemonizes (pg_ctl starting the server) would
/// keep a pipe open; `waitpid` rather than Foundation's `Process`, whose exit monitoring on
/// Linux can miss a child's exit and wait forever.
public enum ChildProcess {
    /// What a finished child did.
    public struct Result: Sendable {
        /// The exit status, or 128 + the signal number when a signal ended it.
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    /// Runs `path` with `arguments`; `environment` nil inherits this process's.
    public static func run(
        _ path: String, _ arguments: [String], environment: [String: String]? = nil, directory: String? = nil
    ) throws -> Result {
        try start(path, arguments, environment: environment, directory: directory).wait()
    }

    /// Starts `path` without waiting for it; `wait()` collects it.
    public static func start(
        _ path: String, _ arguments: [String], environment: [String: String]? = nil, directory: String? = nil
    ) throws -> Running {
        if let directory {
            // glibc's posix_spawn_file_actions_addchdir_np is not visible to Swift; env -C does the same.
            return try start("/usr/bin/env", ["-C", directory, path] + arguments, environment: environment)
        }
        let outPath = try temporaryFile(), errPath = try temporaryFile()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_TRUNC, 0o600)

        let environmentList = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environmentList.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        // A clean signal mask and default dispositions: the calling thread may block signals
        // (Swift's task threads block SIGTERM, SIGINT and SIGHUP), and a child must not inherit that.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        guard spawned == 0 else {
            unlink(outPath)
            unlink(errPath)
            throw ChildProcessError("cannot run \(path): \(String(cString: strerror(spawned)))")
        }
        return Running(pid: pid, path: path, outPath: outPath, errPath: errPath)
    }

    /// A started child.
    public struct Running: Sendable {
        public let pid: pid_t
        let path: String
        let outPath: String
        let errPath: String

        /// Sends a signal to the child.
        public func signal(_ signal: Int32) {
            kill(pid, signal)
        }

        /// Waits for the child to end and returns what it did.
        public func wait() throws -> Result {
            defer {
                unlink(outPath)
                unlink(errPath)
            }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 {
                guard errno == EINTR else {
                    throw ChildProcessError("waiting for \(path) failed: \(String(cString: strerror(errno)))")
                }
            }
            // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import as macros.
            let signal = status & 0x7f
            let exitStatus = signal == 0 ? (status >> 8) & 0xff : 128 + signal
            return Result(
                status: exitStatus,
                stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
                stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
        }
    }

    private static func temporaryFile() throws -> String {
        var template = Array((NSTemporaryDirectory() + "/siamd-child-XXXXXX").utf8CString)
        let descriptor = mkstemp(&template)
        guard descriptor >= 0 else {
            throw ChildProcessError("cannot create a temporary file: \(String(cString: strerror(errno)))")
        }
        close(descriptor)
        return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// A child process could not be started or waited for.
public struct ChildProcessError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
