import Foundation

/// When each session was last used, on the virtual clock, to end sessions left idle (VCD's idle
/// timeout, the ALB controller's `api_idle_timeout`). Kept in memory: reads have no write
/// transaction to record a use in. A session never used since this simulator started counts from
/// its login or from the start, whichever is later, so a restart of the simulator counts as a use.
final class IdleTracker: @unchecked Sendable {
    /// Seconds of virtual time without a use after which a session is over.
    let timeout: Double

    private let lock = NSLock()
    private var lastUsed: [String: Double] = [:]
    private let startedAt: Double

    init(timeout: Double, startedAt: Double) {
        self.timeout = timeout
        self.startedAt = startedAt
    }

    /// True when the session was used within the timeout before `now`; then `now` becomes its last
    /// use. An expired session is forgotten.
    func touch(_ id: String, created: Double, now: Double) -> Bool {
        lock.lock(); defer { lock.unlock() }
        let last = max(lastUsed[id] ?? created, created, startedAt)
        guard now - last <= timeout else {
            lastUsed[id] = nil
            return false
        }
        lastUsed[id] = max(now, last)
        return true
    }

    /// True when the session has been idle longer than the timeout (it is not touched).
    func isExpired(_ id: String, created: Double, now: Double) -> Bool {
        lock.lock(); defer { lock.unlock() }
        return now - max(lastUsed[id] ?? created, created, startedAt) > timeout
    }

    func forget(_ id: String) { lock.lock(); lastUsed[id] = nil; lock.unlock() }
}
