import Foundation
import Logging

/// Files and folders only their owner may read: the simulator's state, its WAL and shared-memory
/// files, the owner's copy of the personas' passwords and the key files beside them. Modes are
/// set with `chmod`, not left to `open`/`mkdir`, because the umask can only narrow what those ask
/// for and a umask of 0 would otherwise be the caller's choice for us.
public enum PrivateFiles {
    /// Mode of a private file.
    public static let fileMode: mode_t = 0o600
    /// Mode of a folder holding private files.
    public static let folderMode: mode_t = 0o700

    /// Where the notices about tightened modes go; the command line sets it to print on stderr.
    /// Nil: they only reach the log (swift-log, label `vcdscript.sim`).
    nonisolated(unsafe) public static var noticeHandler: ((String) -> Void)?

    /// The permission bits of `path`, or nil when it does not exist.
    static func mode(_ path: String) -> mode_t? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return st.st_mode & 0o7777
    }

    /// Creates `path` and its missing parents as folders with `folderMode`. Existing folders are
    /// left as they are (a folder such as `/tmp` or a project folder is not ours to narrow).
    static func makeFolders(_ path: String) throws {
        guard !path.isEmpty, mode(path) == nil else { return }
        let parent = (path as NSString).deletingLastPathComponent
        if parent != path { try makeFolders(parent) }
        if mkdir(path, folderMode) != 0 && errno != EEXIST {
            throw PrivateFileError(description: "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        chmod(path, folderMode)
    }

    /// Narrows `path` to `mode` when it is wider (any bit for group or others); returns a
    /// one-line notice when it did, nil when nothing was needed or the path does not exist.
    @discardableResult
    static func tighten(_ path: String, to wanted: mode_t) -> String? {
        guard let m = mode(path), m & ~wanted & 0o777 != 0 else { return nil }
        guard chmod(path, wanted) == 0 else { return nil }
        let notice = "vcdscript: \(path) was readable by others (mode \(String(m & 0o777, radix: 8))); now \(String(wanted, radix: 8))"
        report(notice)
        return notice
    }

    /// Creates an empty private file at `path` unless one exists (then it is only tightened).
    static func createFile(_ path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, fileMode)
        if fd >= 0 {
            fchmod(fd, fileMode)
            close(fd)
        } else if errno != EEXIST {
            throw PrivateFileError(description: "cannot create \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Replaces `path` with `data` atomically (a temporary file of mode 0600 renamed over it), so a
    /// reader never sees half a file and the content is never readable by others, not even briefly.
    static func write(_ data: Data, to path: String) throws {
        let tmp = "\(path).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, fileMode)
        guard fd >= 0 else { throw PrivateFileError(description: "cannot create \(tmp): \(String(cString: strerror(errno)))") }
        fchmod(fd, fileMode)
        let written = data.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == data.count, synced, rename(tmp, path) == 0 else {
            unlink(tmp)
            throw PrivateFileError(description: "cannot write \(path)")
        }
    }

    /// The secret in the file at `path` (one line), made on first use from 32 random bytes as
    /// `prefix` + hex. Two processes racing both end with the first one's.
    static func secret(at path: String, prefix: String) throws -> String {
        func read() -> String? {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
            let s = text.trimmingCharacters(in: .whitespacesAndNewlines)
            return s.isEmpty ? nil : s
        }
        if let s = read() { return s }
        try makeFolders((path as NSString).deletingLastPathComponent)
        var g = SystemRandomNumberGenerator()
        let token = prefix + (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &g)) }.joined()
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, fileMode)
        if fd < 0 {
            if errno == EEXIST, let s = read() { return s }
            throw PrivateFileError(description: "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        fchmod(fd, fileMode)
        let bytes = Array((token + "\n").utf8)
        let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == bytes.count else { throw PrivateFileError(description: "cannot write \(path)") }
        return token
    }

    static func report(_ notice: String) {
        if let h = noticeHandler { h(notice) } else { logger.notice("\(notice)") }
    }

    private static let logger = Logging.Logger(label: "vcdscript.sim")
}

/// A private file or folder that could not be made.
public struct PrivateFileError: Error, CustomStringConvertible {
    public var description: String
}
