import CloudWire
import Foundation

/// The simulated world's clock: wall time plus an offset that waits make grow. Everything in the world
/// that depends on time reads it (task states, the guests' phases, session idle expiry, the
/// Kubernetes and Cluster API controllers through `WriteTx.now`).
///
/// It is also a `WaitClock`: on the embedded simulator the engine waits on it, and a wait moves
/// simulated time forward at once instead of sleeping, so a task that takes minutes ends at once
/// and the world sees the minutes pass. `sim serve` is never advanced by its clients: its time
/// runs with the wall clock.
///
/// Never backwards, even across runs: each commit stores the clock's reading in the state
/// (`Store.clockReading`), and a simulator opening the state first moves its clock to it.
public final class VirtualClock: WaitClock, @unchecked Sendable {
    private let lock = NSLock()
    private var offset: Double = 0

    public init() {}

    /// Seconds since 1970, virtual.
    public func now() -> Double {
        lock.lock(); defer { lock.unlock() }
        return Date().timeIntervalSince1970 + offset
    }

    /// Moves virtual time forward (tests may also move it back a little, with a negative value).
    public func advance(seconds: Double) {
        lock.lock(); offset += seconds; lock.unlock()
    }

    /// Moves virtual time forward to `time` if it is earlier (never backwards).
    public func advance(to time: Double) {
        lock.lock(); defer { lock.unlock() }
        let now = Date().timeIntervalSince1970 + offset
        if time > now { offset += time - now }
    }

    /// Seconds the clock is ahead of the wall clock.
    public var lead: Double {
        lock.lock(); defer { lock.unlock() }
        return offset
    }

    /// A wait on the simulated world: the clock moves on by `seconds` at once, nothing sleeps.
    @discardableResult
    public func sleep(seconds: Double, interrupted: () -> Bool) -> Bool {
        if interrupted() { return false }
        guard seconds > 0, seconds.isFinite else { return true }
        advance(seconds: seconds)
        return true
    }

    static func iso8601(_ t: Double) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: Date(timeIntervalSince1970: t))
    }
}
