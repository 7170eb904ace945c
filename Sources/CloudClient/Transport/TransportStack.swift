import CloudWire

/// Builds the usual decorator stack over a base transport, in the one order that makes sense:
///
///     RetryingTransport( PerHostLimit( WireLogTransport( base ) ) )
///
/// The wire log sits *inside* the retries so that `--debug` shows every attempt, and each retry
/// notice (`~ retry ...`) goes to the same sink between them. The per-host bound sits inside the
/// retries too, so that a request waiting out its backoff holds no slot.
public enum TransportStack {
    /// - Parameters:
    ///   - base: `CurlTransport` for a real site or `sim serve`, `InProcessTransport` for the
    ///     embedded simulator.
    ///   - retry: `nil` for no retries.
    ///   - debugSink: where `--debug` entries go; `nil` for no wire log.
    ///   - redactor: the redactor of the wire log (normally `.shared`, where the CLI registers the
    ///     secrets the user passed).
    ///   - clock: what the retries' backoff waits on (the embedded simulator passes its own clock).
    ///   - perHost: how many requests may be in flight at once to one host (`PerHostLimit`); nil: no bound.
    public static func wrap(_ base: HTTPTransport, retry: RetryPolicy? = RetryPolicy(),
                            classifier: @escaping RetryClassifier = DefaultRetryClassifier.classify,
                            debugSink: ((String) -> Void)? = nil,
                            redactor: SecretRedactor = .shared,
                            clock: WaitClock = WallClock.shared,
                            perHost: Int? = PerHostLimit.defaultLimit) -> HTTPTransport {
        var t: HTTPTransport = base
        if let debugSink { t = WireLogTransport(wrapping: t, redactor: redactor, sink: debugSink) }
        if let perHost { t = PerHostLimit(wrapping: t, limit: perHost) }
        if let retry {
            t = RetryingTransport(wrapping: t, policy: retry, classifier: classifier, clock: clock, onRetry: debugSink.map { sink in
                { (e: RetryEvent) in
                    sink(redactor.redact("~ retry after attempt \(e.attempt) in \(e.delay) s (\(e.reason)): \(e.what)"))
                }
            })
        }
        return t
    }
}
