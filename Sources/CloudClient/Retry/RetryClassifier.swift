import Foundation
import CloudWire

/// Whether one outcome of a request should be tried again.
public enum RetryVerdict: Equatable, Sendable {
    /// Hand the outcome to the caller as it is.
    case giveUp
    /// Try again. `after` is a delay the server asked for (`Retry-After`), in seconds; `nil` lets
    /// the retry policy pick an exponential, jittered delay. `reason` is for logs.
    case retry(reason: String, after: Double?)
}

/// Decides retries for one outcome: the request, what came back (a response or a thrown error) and
/// the current time (to read a `Retry-After` date). Pluggable so that a layer with more knowledge
/// can extend `DefaultRetryClassifier.classify` rather than replace it.
public typealias RetryClassifier = (_ request: HTTPRequestMessage, _ outcome: Result<HTTPResponseMessage, Error>,
                                    _ now: Date) -> RetryVerdict

/// The default retry rules.
///
/// **The rule for non-idempotent requests.** A POST (or PATCH) is retried only when the outcome
/// proves that the server did nothing: the connection was never made (name resolution, connect
/// refused, a timeout or broken connection before the first request byte went out), the server
/// answered 429, 503 *with* `Retry-After`, or `BUSY_ENTITY`. After a 502, a 504, a plain 503 or
/// a connection lost mid-request, the create may have happened, so it is *not* repeated: the
/// engine looks the object up by name before creating it again.
///
/// Idempotent methods (GET, HEAD, PUT, DELETE, OPTIONS) are also retried on 502, 503, 504 and on
/// timeouts or broken connections at any point.
public enum DefaultRetryClassifier {
    /// Methods whose repetition has the same effect as one call (RFC 9110 §9.2.2).
    public static let idempotentMethods: Set<String> = ["GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"]

    /// Response statuses on which VCD may send `BUSY_ENTITY`.
    public static let busyEntityStatuses: Set<Int> = [400, 409, 500]

    /// The verdict of the rules above for one outcome; the shape of a `RetryClassifier`.
    public static func classify(_ request: HTTPRequestMessage, _ outcome: Result<HTTPResponseMessage, Error>,
                                _ now: Date) -> RetryVerdict {
        let idempotent = idempotentMethods.contains(request.method.uppercased())
        switch outcome {
        case .failure(let error):
            guard let e = error as? TransportError else { return .giveUp }
            switch e.kind {
            case .couldNotResolve, .couldNotConnect:
                return .retry(reason: e.kind.rawValue, after: nil)
            case .timedOut, .connectionLost:
                return idempotent || !e.requestMayHaveReachedServer ? .retry(reason: e.kind.rawValue, after: nil) : .giveUp
            default:
                return .giveUp
            }
        case .success(let response):
            let after = retryAfter(response.headers["Retry-After"], now: now)
            switch response.status {
            case 429:
                return .retry(reason: "429 Too Many Requests", after: after)
            case 503 where idempotent || after != nil:
                return .retry(reason: "503 Service Unavailable", after: after)
            case 502 where idempotent, 504 where idempotent:
                return .retry(reason: "\(response.status) from the gateway", after: after)
            case let s where busyEntityStatuses.contains(s) && isBusyEntity(response.body):
                return .retry(reason: "BUSY_ENTITY", after: after)
            default:
                return .giveUp
            }
        }
    }

    private static let busyEntityPattern = try! NSRegularExpression(
        pattern: "minorErrorCode\"?\\s*[:=]\\s*\"BUSY_ENTITY\"", options: [.caseInsensitive])

    /// True if a VCD error body says `BUSY_ENTITY`, in the JSON form
    /// (`{"minorErrorCode":"BUSY_ENTITY",...}`) or the XML one (`<Error minorErrorCode="BUSY_ENTITY" .../>`).
    public static func isBusyEntity(_ body: Data) -> Bool {
        guard !body.isEmpty else { return false }
        // Error bodies are small; a huge body is something else, so only its start is looked at.
        let text = String(decoding: body.prefix(64 * 1024), as: UTF8.self)
        return busyEntityPattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    /// The delay a `Retry-After` value asks for, in seconds from `now`: either a number of seconds
    /// or an HTTP date (RFC 9110 §10.2.3). `nil` if absent or unreadable; never negative.
    public static func retryAfter(_ value: String?, now: Date) -> Double? {
        guard let raw = value?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
        if let seconds = Double(raw), seconds.isFinite { return max(0, seconds) }
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.timeZone = TimeZone(identifier: "GMT")
            f.dateFormat = format
            if let date = f.date(from: raw) { return max(0, date.timeIntervalSince(now)) }
        }
        return nil
    }
}
