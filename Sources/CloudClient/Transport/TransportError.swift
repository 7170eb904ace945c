/// A request that never produced an HTTP response: the name did not resolve, the port refused, the
/// certificate was not trusted, the user pressed Ctrl-C, and so on.
///
/// The message says what failed, where (`host:port` only: never credentials, never a query string)
/// and what to do about it. HTTP error statuses are *not* transport errors: they come back as
/// responses and the VCD layer turns them into its own errors.
public struct TransportError: Error, Equatable, CustomStringConvertible {
    /// What went wrong, coarse enough to decide on retries and hints.
    public enum Kind: String, Sendable, Equatable {
        /// The host name (or the proxy's) did not resolve.
        case couldNotResolve
        /// The TCP connection was refused or unreachable.
        case couldNotConnect
        /// The connect or total timeout (or the stall limit) expired.
        case timedOut
        /// The server's certificate chain or name did not verify.
        case certificateNotTrusted
        /// The configured CA file could not be read or held no usable certificate.
        case caFileUnusable
        /// The TLS handshake failed for another reason (protocol, cipher, client certificate).
        case tlsHandshakeFailed
        /// The connection broke after it was established (reset, empty reply, send/receive failure).
        case connectionLost
        /// Ctrl-C (the CSupport SIGINT flag) stopped the transfer.
        case abortedByUser
        /// The file to upload could not be opened or read.
        case uploadFileUnreadable
        /// The URL or request could not be used as given.
        case invalidRequest
        /// Anything else libcurl reported.
        case other
    }

    /// The class of failure (decides retries and the hint).
    public var kind: Kind
    /// `host:port` of the target (or the file path for `uploadFileUnreadable`).
    public var endpoint: String
    /// The libcurl error code, when libcurl produced the error.
    public var curlCode: Int?
    /// libcurl's own words (already passed through the shared `SecretRedactor`).
    public var detail: String
    /// False when the failure happened before any byte of the request could have been sent (name
    /// resolution, connect, TLS handshake). Retrying is then safe even for a POST.
    public var requestMayHaveReachedServer: Bool

    public init(kind: Kind, endpoint: String, curlCode: Int? = nil, detail: String = "", requestMayHaveReachedServer: Bool) {
        self.kind = kind
        self.endpoint = endpoint
        self.curlCode = curlCode
        self.detail = SecretRedactor.shared.redact(detail)
        self.requestMayHaveReachedServer = requestMayHaveReachedServer
    }

    /// One line saying what failed and where.
    public var summary: String {
        switch kind {
        case .couldNotResolve: return "could not resolve the host of \(endpoint)"
        case .couldNotConnect: return "could not connect to \(endpoint) (connection refused or unreachable)"
        case .timedOut: return "the request to \(endpoint) timed out"
        case .certificateNotTrusted: return "the TLS certificate of \(endpoint) is not trusted"
        case .caFileUnusable: return "the CA file for \(endpoint) could not be used"
        case .tlsHandshakeFailed: return "the TLS handshake with \(endpoint) failed"
        case .connectionLost: return "the connection to \(endpoint) broke during the request"
        case .abortedByUser: return "the request to \(endpoint) was interrupted (Ctrl-C)"
        case .uploadFileUnreadable: return "could not read the file to upload (\(endpoint))"
        case .invalidRequest: return "the request to \(endpoint) could not be built"
        case .other: return "the request to \(endpoint) failed"
        }
    }

    /// What the user can do about it.
    public var hint: String {
        switch kind {
        case .couldNotResolve:
            return "check the host name in the URL; if you use a proxy, check https_proxy / no_proxy"
        case .couldNotConnect:
            return "is the site up? is the port right? if a proxy is in the way, check https_proxy / no_proxy"
        case .timedOut:
            return requestMayHaveReachedServer
                ? "the server did not answer in time: raise the timeout, or check the site's load"
                : "nothing answered: check the address, a firewall, or the proxy settings"
        case .certificateNotTrusted:
            return "pass caFile: <the lab CA, PEM> to trust it, or insecure: true to skip verification (lab only)"
        case .caFileUnusable:
            return "check that caFile names a readable PEM file holding the CA certificate"
        case .tlsHandshakeFailed:
            return "check that the URL really is HTTPS on that port, and the TLS settings of the site"
        case .connectionLost:
            return "try again; if it keeps happening, check a proxy or load balancer in front of the site"
        case .abortedByUser:
            return "run it again when ready"
        case .uploadFileUnreadable:
            return "check that the file exists, is readable, and did not shrink during the upload"
        case .invalidRequest:
            return "check the URL (scheme, host, port)"
        case .other:
            return "see the detail; run with --debug to see the exchange"
        }
    }

    public var description: String {
        var s = summary
        if !detail.isEmpty { s += ": " + detail }
        if let c = curlCode { s += " (curl \(c))" }
        return s + ". Hint: " + hint
    }
}
