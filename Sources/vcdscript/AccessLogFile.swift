import ArgumentParser
import CloudSim
import Foundation

/// The file `sim serve --access-log` appends to: one line per request (`RequestLogEntry.accessLogLine`),
/// created with mode 0600, written whole under a lock so that lines of concurrent requests never mix.
final class AccessLogFile: @unchecked Sendable {
    private let handle: FileHandle
    private let lock = NSLock()

    init(path: String) throws {
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw ValidationError("cannot create the access log \(path): check that its folder exists and is writable")
            }
        }
        guard let h = FileHandle(forWritingAtPath: path) else {
            throw ValidationError("cannot open the access log \(path) for writing")
        }
        h.seekToEndOfFile()
        handle = h
    }

    func append(_ entry: RequestLogEntry) {
        let line = Data((entry.accessLogLine + "\n").utf8)
        lock.lock(); defer { lock.unlock() }
        handle.write(line)
    }
}
