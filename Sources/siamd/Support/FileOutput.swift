import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes a file the user named, failing loudly.
///
/// A regular file (or a new one) is written atomically: a temporary file beside it, then a
/// rename, so a reader never sees half a report. Anything else (`/dev/stdout`, a pipe,
/// `/dev/full`) is written in place, and every short or failed write is an error: renaming
/// over a device node would replace it, and a write that fails must never read "wrote".
func writeFile(_ data: Data, to path: String) throws {
    var status = stat()
    if stat(path, &status) != 0 || (status.st_mode & S_IFMT) == S_IFREG {
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw RefusedError("cannot write \(path): \((error as NSError).localizedDescription)")
        }
        return
    }
    let descriptor = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC)
    guard descriptor >= 0 else { throw RefusedError("cannot write \(path): \(String(cString: strerror(errno)))") }
    var failure: Int32 = 0
    data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
        var offset = 0
        while offset < buffer.count {
            let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                failure = errno
                return
            }
            offset += written
        }
    }
    if close(descriptor) != 0 && failure == 0 { failure = errno }
    if failure != 0 { throw RefusedError("cannot write \(path): \(String(cString: strerror(failure)))") }
}

/// Flushes standard output and fails when anything printed was lost (a full disk, a closed
/// pipe, `> /dev/full`): output that did not arrive must not end in exit status 0.
func flushStandardOutput() throws {
    // fflush(NULL) flushes every stream (without naming the global `stdout`, which Swift 6
    // counts as shared mutable state) and fails when a write fails.
    if fflush(nil) != 0 {
        throw RefusedError("cannot write standard output: \(String(cString: strerror(errno)))")
    }
}
