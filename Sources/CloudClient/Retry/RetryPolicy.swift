/// How often and how long `RetryingTransport` tries again.
///
/// Delays grow exponentially with *full jitter*: before retry `n` (1-based) the wait is uniform in
/// `0 ... min(maxDelay, baseDelay * 2^(n-1))`, which spreads clients that failed together. A
/// `Retry-After` from the server replaces that draw. Retrying stops when `maxAttempts` requests
/// were made, when the waits have used up `maxTotalDelay` (a jittered wait is shortened to what is
/// left), or when a `Retry-After` asks for more than is left; the last outcome is then handed back
/// as it is.
public struct RetryPolicy: Sendable, Equatable {
    /// Requests in all, the first one included (1 = never retry).
    public var maxAttempts: Int = 5
    /// Seconds: the upper bound of the first jittered wait.
    public var baseDelay: Double = 1
    /// Seconds: no jittered wait is drawn above this.
    public var maxDelay: Double = 30
    /// Seconds: the waits of one call never add up to more than this.
    public var maxTotalDelay: Double = 120

    public init(maxAttempts: Int = 5, baseDelay: Double = 1, maxDelay: Double = 30, maxTotalDelay: Double = 120) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxTotalDelay = maxTotalDelay
    }

    /// The jitter ceiling before retry number `retry` (1 for the first retry).
    public func ceiling(forRetry retry: Int) -> Double {
        let exp = baseDelay * pow2(max(0, retry - 1))
        return min(maxDelay, exp)
    }

    private func pow2(_ n: Int) -> Double {
        n >= 62 ? Double.greatestFiniteMagnitude : Double(UInt64(1) << UInt64(n))
    }
}
