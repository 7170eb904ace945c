import Foundation

/// The 128 bits of request ids: a counter from a random start, scrambled by a bijection
/// (SplitMix64's finalizer), the first half also keyed by a random number, both drawn once per
/// process. Ids never repeat within a run (the second half alone is unique), differ between runs
/// and do not look sequential. They label logs and error messages and are no secret, so they cost
/// no system call per request.
final class RequestIDs: @unchecked Sendable {
    private let lock = NSLock()
    private let key: UInt64
    private var counter: UInt64

    init() {
        var g = SystemRandomNumberGenerator()
        key = g.next()
        counter = g.next()
    }

    /// The next id's two halves.
    func next() -> (UInt64, UInt64) {
        lock.lock()
        counter &+= 1
        let n = counter
        lock.unlock()
        return (Self.scramble(n ^ key), Self.scramble(n))
    }

    /// SplitMix64's output function: a bijection of UInt64, so distinct counters give distinct ids.
    static func scramble(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xbf58476d1ce4e5b9
        z = (z ^ (z >> 27)) &* 0x94d049bb133111eb
        return z ^ (z >> 31)
    }
}
