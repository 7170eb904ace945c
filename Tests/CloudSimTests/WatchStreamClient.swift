import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A minimal HTTP/1.1 client over a plain loopback socket that reads a Kubernetes watch as
/// client-go does: one request, then the chunked body line by line while it arrives (URLSession on
/// Linux hands over a body only once it is complete). One reader thread fills the buffer.
final class WatchStreamClient: @unchecked Sendable {
    private let fd: Int32
    private let cond = NSCondition()
    private var raw = Data()
    private var headerDone = false
    private var chunked = false
    private var contentLength: Int?
    private var body = Data()
    private var lineStart = 0
    private var lines: [String] = []
    private var next = 0
    /// The body ended (last chunk, or Content-Length reached).
    private var complete = false
    /// The connection is closed (by either side).
    private var hungUp = false
    private var fdClosed = false
    private(set) var status = 0
    private(set) var headers: [String: String] = [:]

    /// Connects to 127.0.0.1:`port` and sends `GET path` with the bearer token.
    init(port: Int, path: String, token: String?) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { _ = Glibc.close(fd); throw POSIXError(.ECONNREFUSED) }
        var req = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAccept: application/json\r\n"
        if let token { req += "Authorization: Bearer \(token)\r\n" }
        req += "\r\n"
        let bytes = Array(req.utf8)
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        let t = Thread { [self] in readLoop() }
        t.start()
    }

    private func readLoop() {
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            cond.lock()
            if n <= 0 {
                // Only this thread closes the descriptor, so it is never reused under a recv.
                hungUp = true
                fdClosed = true
                _ = Glibc.close(fd)
                cond.broadcast()
                cond.unlock()
                return
            }
            raw.append(contentsOf: buf[0..<n])
            parse()
            cond.broadcast()
            cond.unlock()
        }
    }

    /// Headers, then de-chunked body, then lines (under the lock).
    private func parse() {
        if !headerDone {
            guard let end = raw.range(of: Data("\r\n\r\n".utf8)) else { return }
            let head = String(decoding: raw[raw.startIndex..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
            status = Int(head.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
            for l in head.dropFirst() {
                let kv = l.split(separator: ":", maxSplits: 1)
                if kv.count == 2 { headers[kv[0].lowercased()] = kv[1].trimmingCharacters(in: .whitespaces) }
            }
            chunked = headers["transfer-encoding"]?.lowercased().contains("chunked") ?? false
            contentLength = headers["content-length"].flatMap { Int($0) }
            raw = Data(raw[end.upperBound...])
            headerDone = true
        }
        if chunked {
            while !complete, let crlf = raw.range(of: Data("\r\n".utf8)) {
                let sizeText = String(decoding: raw[raw.startIndex..<crlf.lowerBound], as: UTF8.self).split(separator: ";").first ?? ""
                guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { hungUp = true; return }
                let dataStart = crlf.upperBound
                guard raw.endIndex - dataStart >= size + 2 else { return }
                body.append(raw[dataStart..<(dataStart + size)])
                raw = Data(raw[(dataStart + size + 2)...])
                if size == 0 { complete = true }
            }
        } else {
            body.append(raw)
            raw = Data()
            if let l = contentLength, body.count >= l { complete = true }
        }
        while let nl = body[lineStart...].firstIndex(of: 0x0A) {
            lines.append(String(decoding: body[lineStart..<nl], as: UTF8.self))
            lineStart = nl + 1
        }
        // A plain answer (an error Status) has no newline at its end.
        if complete && lineStart < body.count {
            lines.append(String(decoding: body[lineStart...], as: UTF8.self))
            lineStart = body.count
        }
    }

    /// Waits (at most `timeout` seconds: a bound for a failing test, not a measure) for the
    /// response head; the status code, 0 if none came.
    func waitForHead(timeout: Double = 30) -> Int {
        cond.lock(); defer { cond.unlock() }
        let deadline = Date().addingTimeInterval(timeout)
        while !headerDone && !hungUp && cond.wait(until: deadline) {}
        return status
    }

    /// The next event as a JSON object, or nil when the body ended (or `timeout` passed first).
    func nextEvent(timeout: Double = 30) -> [String: Any]? {
        cond.lock(); defer { cond.unlock() }
        let deadline = Date().addingTimeInterval(timeout)
        while next >= lines.count && !complete && !hungUp && cond.wait(until: deadline) {}
        guard next < lines.count else { return nil }
        next += 1
        return (try? JSONSerialization.jsonObject(with: Data(lines[next - 1].utf8))) as? [String: Any]
    }

    /// Reads every remaining event until the body ends; nil when it did not end within `timeout`.
    func rest(timeout: Double = 30) -> [[String: Any]]? {
        var out: [[String: Any]] = []
        let deadline = Date().addingTimeInterval(timeout)
        while let e = nextEvent(timeout: max(0, deadline.timeIntervalSinceNow)) { out.append(e) }
        cond.lock(); defer { cond.unlock() }
        return complete || hungUp ? out : nil
    }

    /// Whether the body ended with the terminating chunk (a clean end of the stream).
    var endedCleanly: Bool {
        cond.lock(); defer { cond.unlock() }
        return complete
    }

    /// Hangs up (the client going away); the reader thread then closes the socket.
    func close() {
        cond.lock(); defer { cond.unlock() }
        if !fdClosed { shutdown(fd, Int32(SHUT_RDWR)) }
    }
}

/// Type, name and resourceVersion of a watch event (`object.metadata`).
func eventSummary(_ e: [String: Any]?) -> (type: String, name: String, rv: String) {
    let meta = (e?["object"] as? [String: Any])?["metadata"] as? [String: Any]
    return (e?["type"] as? String ?? "", meta?["name"] as? String ?? "", meta?["resourceVersion"] as? String ?? "")
}
