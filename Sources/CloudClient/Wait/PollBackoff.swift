/// The pauses of a poll loop: short at first, then growing by `factor` up to `maximum`. A wait that
/// is over at once (a task of a few milliseconds, a service whose address came with the first
/// answer after it) is seen after one short pause rather than a full interval; a long one (a
/// cluster's minutes) settles at `maximum` and does not flood the site.
///
/// ```swift
/// var pauses = PollBackoff(first: 0.25, maximum: 5)
/// while !done() { try clock.pause(pauses.next(), waitingFor: "the cluster", at: url) }   // 0.25, 0.375, 0.5625, … 5, 5
/// ```
public struct PollBackoff: Sendable {
    public let maximum: Double
    public let factor: Double
    private var upcoming: Double

    /// `first` is clamped to `maximum` (a caller asking for long pauses gets no short one above it).
    public init(first: Double, maximum: Double, factor: Double = 1.5) {
        self.maximum = max(0, maximum)
        self.factor = max(1, factor)
        upcoming = min(max(0, first), self.maximum)
    }

    /// The pause to take now; the one after it is `factor` times longer, at most `maximum`.
    public mutating func next() -> Double {
        let d = upcoming
        upcoming = min(maximum, upcoming * factor)
        return d
    }
}
