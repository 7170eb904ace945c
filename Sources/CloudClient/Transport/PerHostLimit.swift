import CloudWire
import Foundation

/// Bounds how many requests are in flight at once to each host (host and port of `baseURL`):
/// independent reads sent together (the pages of a list, `parallel()` workers) go out
/// side by side up to `limit` per host, and the rest wait for a free slot, so that a runbook never
/// opens dozens of connections to one VCD cell, NSX Manager or ALB controller. Different hosts do
/// not share slots. Order is not changed for requests sent one after the other (writes are).
public final class PerHostLimit: HTTPTransport {
    /// The default bound: what browsers allow per host, enough to hide a slow link's round trips
    /// for the few reads a runbook has in hand at once.
    public static let defaultLimit = 6

    public let next: HTTPTransport
    public let limit: Int
    private let lock = NSLock()
    private var gates: [String: DispatchSemaphore] = [:]

    public init(wrapping next: HTTPTransport, limit: Int = PerHostLimit.defaultLimit) {
        self.next = next
        self.limit = max(1, limit)
    }

    public func send(_ request: HTTPRequestMessage, to baseURL: String) throws -> HTTPResponseMessage {
        let gate = self.gate(for: baseURL)
        gate.wait()
        defer { gate.signal() }
        return try next.send(request, to: baseURL)
    }

    public func upload(_ request: HTTPRequestMessage, file: FileUpload, to baseURL: String,
                       progress: UploadProgress?) throws -> HTTPResponseMessage {
        let gate = self.gate(for: baseURL)
        gate.wait()
        defer { gate.signal() }
        return try next.upload(request, file: file, to: baseURL, progress: progress)
    }

    /// One semaphore per host: `https://vcd.example.com/` and `https://VCD.example.com` share it.
    private func gate(for baseURL: String) -> DispatchSemaphore {
        let key = Self.hostKey(baseURL)
        lock.lock(); defer { lock.unlock() }
        if let g = gates[key] { return g }
        let g = DispatchSemaphore(value: limit)
        gates[key] = g
        return g
    }

    /// The host and port a base URL reaches (the transports' own `Endpoint.hostPort`, so that
    /// `https://vcd` and `https://vcd:443` share slots), lower-cased.
    static func hostKey(_ baseURL: String) -> String {
        Endpoint.hostPort(of: baseURL).lowercased()
    }
}
