import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `write(path, text, mode:)` as a careful tool writes files:
/// * a regular file (or none yet) is replaced atomically: the text goes to a temporary file beside
///   it, which is then renamed over it, so a reader never sees half a file; it keeps the mode the
///   file had unless `mode` is given (a new file gets `mode`, else 0644 less the umask);
/// * a symbolic link is written through, to its target (the link stays a link);
/// * a device or a FIFO (`/dev/null`, `/dev/stdout`, a named pipe) is written in place, never
///   replaced by a regular file;
/// * a directory is refused.
enum FileWrite {
    struct Failure: Error { let message: String }

    /// Refuses what `write` would refuse whatever the text (a directory at the path), so that a
    /// plan, which writes nothing, says so too.
    static func check(_ path: String) throws {
        var st = stat()
        if lstat(try resolveLinks(path), &st) == 0, st.st_mode & S_IFMT == S_IFDIR { throw Failure(message: "it is a directory") }
    }

    static func write(_ text: String, to path: String, mode: Int?) throws {
        let target = try resolveLinks(path)
        var st = stat()
        if lstat(target, &st) == 0 {
            switch st.st_mode & S_IFMT {
            case S_IFDIR: throw Failure(message: "it is a directory")
            case S_IFREG: try replace(target, text, mode: mode ?? Int(st.st_mode & 0o7777))
            default: try inPlace(target, text)
            }
        } else {
            try replace(target, text, mode: mode)
        }
    }

    /// The path a chain of symbolic links ends at (relative targets are relative to their link's
    /// folder); the path itself when it is no link.
    static func resolveLinks(_ path: String) throws -> String {
        var current = path
        for _ in 0..<40 {
            guard let dest = try? FileManager.default.destinationOfSymbolicLink(atPath: current) else { return current }
            current = dest.hasPrefix("/") ? dest : (current as NSString).deletingLastPathComponent + "/" + dest
        }
        throw Failure(message: "too many levels of symbolic links")
    }

    private static func inPlace(_ path: String, _ text: String) throws {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(message: String(cString: strerror(errno))) }
        defer { close(fd) }
        try writeAll(fd, text)
    }

    /// Writes every byte of `text` to `fd` (short writes and interrupted calls go on).
    private static func writeAll(_ fd: Int32, _ text: String) throws {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(message: String(cString: strerror(errno)))
            }
            bytes = bytes.dropFirst(n)
        }
    }

    private static func replace(_ path: String, _ text: String, mode: Int?) throws {
        let dir = (path as NSString).deletingLastPathComponent
        let tmp = (dir.isEmpty ? "." : dir) + "/." + (path as NSString).lastPathComponent + ".tmp-" + UUID().uuidString.prefix(8)
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(mode ?? 0o666))
        guard fd >= 0 else { throw Failure(message: String(cString: strerror(errno))) }
        var ok = false
        defer { if !ok { unlink(tmp) } }
        do {
            defer { close(fd) }
            try writeAll(fd, text)
            // The mode asked for (or kept) exactly, whatever the umask.
            if let mode, fchmod(fd, mode_t(mode)) != 0 { throw Failure(message: String(cString: strerror(errno))) }
            _ = fsync(fd)
        }
        guard rename(tmp, path) == 0 else { throw Failure(message: String(cString: strerror(errno))) }
        ok = true
    }
}
