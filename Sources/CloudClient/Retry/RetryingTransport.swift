import Foundation
import CSupport
import CloudWire

/// One retry about to happen, for logs and progress lines.
public struct RetryEvent: Sendable, Equatable {
    /// The attempt that just failed (1 for the first request).
    public var attempt: Int
    /// Seconds until the next attempt.
    public var delay: Double
    /// Why (from the classifier), e.g. `503 Service Unavailable`, `BUSY_ENTITY`, `couldNotConnect`.
    public var reason: String
    /// `METHOD host:port/path`, without the query (which may hold filters with names in it, or worse).
    public var what: String
}

/// Waits `seconds`; returns false if the wait was cut short by Ctrl-C.
public typealias RetrySleeper = (_ seconds: Double) -> Bool

/// A decorator that retries what its classifier says is worth retrying, with exponential backoff and
/// full jitter, honouring `Retry-After`. The rules of `DefaultRetryClassifier` (read them: a POST is
/// never repeated once it may have reached the server) apply unless another classifier is given.
///
/// This is the one place for retries: the clients above it do not retry on their own.
/// Backoff waits on a `WaitClock` (the wall clock; the embedded simulator's own clock in-process,
/// where a wait moves simulated time on instead of sleeping). The sleeper, the random draw and the
/// clock are injectable so tests run without waiting.
public final class RetryingTransport: HTTPTransport, @unchecked Sendable {
    /// The transport each attempt goes through.
    public let inner: HTTPTransport
    /// Attempts and delays.
    public let policy: RetryPolicy
    private let classifier: RetryClassifier
    private let sleeper: RetrySleeper
    private let random: (Double) -> Double
    private let now: () -> Date
    private let onRetry: ((RetryEvent) -> Void)?

    /// - Parameters:
    ///   - classifier: decides which outcomes are retried (default: `DefaultRetryClassifier.classify`).
    ///   - clock: the clock the waits pass on and `Retry-After` dates are read against (default:
    ///     the wall clock); Ctrl-C ends a wait at once.
    ///   - sleeper: waits between attempts, instead of `clock` (tests).
    ///   - random: returns a uniform value in `0...upper` (default: the system generator).
    ///   - now: the time used to read `Retry-After` dates, instead of `clock` (tests).
    ///   - onRetry: told before each wait (a `--debug` log line, a progress message).
    public init(wrapping inner: HTTPTransport, policy: RetryPolicy = RetryPolicy(),
                classifier: @escaping RetryClassifier = DefaultRetryClassifier.classify,
                clock: WaitClock = WallClock.shared,
                sleeper: RetrySleeper? = nil,
                random: @escaping (Double) -> Double = { $0 > 0 ? Double.random(in: 0...$0) : 0 },
                now: (() -> Date)? = nil,
                onRetry: ((RetryEvent) -> Void)? = nil) {
        self.inner = inner
        self.policy = policy
        self.classifier = classifier
        self.sleeper = sleeper ?? { clock.sleep(seconds: $0, interrupted: UserInterrupt.isPending) }
        self.random = random
        self.now = now ?? { Date(timeIntervalSince1970: clock.now()) }
        self.onRetry = onRetry
    }

    public func send(_ request: HTTPRequestMessage, to baseURL: String) throws -> HTTPResponseMessage {
        try run(request, baseURL: baseURL) { try self.inner.send(request, to: baseURL) }
    }

    /// Retries an upload as a whole, from the same `file` range; the progress restarts at 0.
    public func upload(_ request: HTTPRequestMessage, file: FileUpload, to baseURL: String,
                       progress: UploadProgress?) throws -> HTTPResponseMessage {
        try run(request, baseURL: baseURL) {
            try self.inner.upload(request, file: file, to: baseURL, progress: progress)
        }
    }

    private func run(_ request: HTTPRequestMessage, baseURL: String,
                     attempt send: () throws -> HTTPResponseMessage) throws -> HTTPResponseMessage {
        var waited = 0.0
        var attempt = 1
        while true {
            let outcome: Result<HTTPResponseMessage, Error>
            do { outcome = .success(try send()) } catch { outcome = .failure(error) }

            guard attempt < policy.maxAttempts,
                  case .retry(let reason, let serverDelay) = classifier(request, outcome, now()) else {
                return try outcome.get()
            }
            let remaining = policy.maxTotalDelay - waited
            // A spent budget ends the retries: going on with zero waits would only hammer the server.
            guard remaining > 0 else { return try outcome.get() }
            let delay: Double
            if let serverDelay {
                // The server said when; coming back earlier would only earn another refusal.
                guard serverDelay <= remaining else { return try outcome.get() }
                delay = serverDelay
            } else {
                delay = min(max(0, random(policy.ceiling(forRetry: attempt))), remaining)
            }
            let endpoint = Endpoint(baseURL: baseURL, target: request.target)
            onRetry?(RetryEvent(attempt: attempt, delay: delay, reason: reason,
                                what: "\(request.method) \(endpoint.hostPort)\(request.path)"))
            if delay > 0 && !sleeper(delay) {
                throw TransportError(kind: .abortedByUser, endpoint: endpoint.hostPort,
                                     detail: "interrupted while waiting to retry", requestMayHaveReachedServer: true)
            }
            waited += delay
            attempt += 1
        }
    }

    /// Sleeps on the wall clock in short slices and stops early when Ctrl-C raised the CSupport
    /// SIGINT flag, so a long `Retry-After` never holds the user hostage.
    public static func interruptibleSleep(_ seconds: Double) -> Bool {
        WallClock.shared.sleep(seconds: seconds, interrupted: UserInterrupt.isPending)
    }
}
