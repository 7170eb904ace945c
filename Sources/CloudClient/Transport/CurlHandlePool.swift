import Foundation
import CCurl

/// Idle libcurl easy handles kept for reuse. An easy handle carries its own connection cache,
/// so handing the same handle to the next request reuses the open (TLS) connection to the same
/// host instead of connecting again. A handle is used by one thread at a time: `take` hands it out,
/// `giveBack` resets its options (connections, DNS and TLS session caches survive
/// `curl_easy_reset`) and parks it. Most recently used first, so that a sequence of requests on
/// one thread keeps hitting the same warm handle.
final class CurlHandlePool: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [UnsafeMutableRawPointer] = []
    private let maxIdle: Int

    init(maxIdle: Int) {
        self.maxIdle = max(0, maxIdle)
    }

    deinit {
        for h in idle { curl_easy_cleanup(h) }
    }

    /// A handle ready for options: a warm idle one, or a new one.
    func take() -> UnsafeMutableRawPointer? {
        lock.lock()
        let h = idle.popLast()
        lock.unlock()
        if let h { return h }
        CurlGlobal.ensureInitialised()
        return curl_easy_init()
    }

    /// Returns a handle after a transfer; closes it if enough are parked already.
    func giveBack(_ h: UnsafeMutableRawPointer) {
        curl_easy_reset(h)
        lock.lock()
        if idle.count < maxIdle {
            idle.append(h)
            lock.unlock()
        } else {
            lock.unlock()
            curl_easy_cleanup(h)
        }
    }
}
