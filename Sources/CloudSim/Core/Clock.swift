import Foundation

/// The simulator's clock: wall time plus an offset tests can advance, so a task that would take
/// minutes ends at once without sleeping.
public final class VirtualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var offset: Double = 0

    public init() {}

    /// Seconds since 1970, virtual.
    public func now() -> Double {
        lock.lock(); defer { lock.unlock() }
        return Date().timeIntervalSince1970 + offset
    }

    /// Moves virtual time forward.
    public func advance(seconds: Double) {
        lock.lock(); offset += seconds; lock.unlock()
    }

    static func iso8601(_ t: Double) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: Date(timeIntervalSince1970: t))
    }
}
