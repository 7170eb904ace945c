import Foundation

/// The one clock a run waits on: task polls, `waitFor`, `waitForAddress`, deletes waiting for an
/// object to go, retries' backoff, and (through the interpreter's host clock) a script's `sleep`,
/// `wait` and `now()`. Deadlines and durations are read from `now()`, pauses are `sleep`.
///
/// * `WallClock` (a real site, `sim serve`): real time; `sleep` really sleeps.
/// * The embedded simulator's `VirtualClock` (CloudSim): the simulated world's own clock; `sleep`
///   moves simulated time forward at once instead of sleeping, so a five-minute wait costs no wall
///   time and the simulated tasks, guests and controllers see the five minutes pass.
///
/// It lives here, in the lowest layer, because both sides use it: the client and the engine wait on
/// it, the simulator keeps its time on it.
public protocol WaitClock: AnyObject, Sendable {
    /// Seconds since 1970 on this clock.
    func now() -> Double
    /// Lets `seconds` pass on this clock. `interrupted` is asked first and, while a real sleep
    /// lasts, at least every 50 ms; when it answers true the wait ends there and `sleep` answers
    /// false (Ctrl-C stops a wait at once, whatever the clock).
    @discardableResult
    func sleep(seconds: Double, interrupted: () -> Bool) -> Bool
}

extension WaitClock {
    /// A pause nothing interrupts (short ones: one poll interval).
    public func sleep(seconds: Double) { sleep(seconds: seconds, interrupted: { false }) }

    /// The deadline `seconds` from now on this clock.
    public func deadline(after seconds: Double) -> Double { now() + seconds }
}

/// Real time: `now()` is the system's, `sleep` sleeps in slices of at most 50 ms.
public final class WallClock: WaitClock, @unchecked Sendable {
    /// The wall clock everyone shares (it has no state of its own but the count below).
    public static let shared = WallClock()

    private static let countLock = NSLock()
    private static var _sleeps = 0

    /// How many real sleeps every wall clock of this process has started (tests check that a wait
    /// on the embedded simulator never sleeps for real: the count does not move).
    public static var sleepsStarted: Int {
        countLock.lock(); defer { countLock.unlock() }
        return _sleeps
    }

    public init() {}

    public func now() -> Double { Date().timeIntervalSince1970 }

    @discardableResult
    public func sleep(seconds: Double, interrupted: () -> Bool) -> Bool {
        if interrupted() { return false }
        guard seconds > 0 else { return true }
        Self.countLock.lock(); Self._sleeps += 1; Self.countLock.unlock()
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(min(seconds, 1e9) * 1e9)
        while true {
            let t = DispatchTime.now().uptimeNanoseconds
            if t >= deadline { return true }
            Thread.sleep(forTimeInterval: min(Double(deadline - t) / 1e9, 0.05))
            if interrupted() { return false }
        }
    }
}
