import Foundation

/// How `CurlTransport` reaches a site: TLS trust, proxy, timeouts.
///
/// The defaults are the safe ones: certificates verified against the system store, proxies taken
/// from `http_proxy` / `https_proxy` / `no_proxy` (libcurl reads them itself), 15 s to connect and
/// 5 min for a whole ordinary request.
public struct CurlTransportOptions: Sendable, Equatable {
    /// Skip certificate *and* host name verification. For labs with self-signed certificates only;
    /// prefer `caFile`.
    public var insecure: Bool = false
    /// A PEM file of CA certificates to trust instead of the system store (a lab's CA, or the
    /// self-signed certificate itself). Verification stays on.
    public var caFile: String? = nil
    /// PEM CA certificates to trust, given as bytes (a kubeconfig's `certificate-authority-data`);
    /// handed to libcurl as `CURLOPT_CAINFO_BLOB`, never written to disk. Verification stays on.
    public var caPEM: Data? = nil
    /// A client certificate (PEM) and its unencrypted private key (PEM) for mutual TLS (a
    /// kubeconfig's `client-certificate(-data)` / `client-key(-data)`); copied into libcurl as
    /// `CURLOPT_SSLCERT_BLOB` / `CURLOPT_SSLKEY_BLOB`, never written to disk. Both or neither.
    public var clientCertificatePEM: Data? = nil
    public var clientKeyPEM: Data? = nil
    /// `nil`: use the proxy environment variables. `""`: no proxy at all, whatever the environment
    /// says. Otherwise a proxy URL such as `http://proxy.example:3128`.
    public var proxy: String? = nil
    /// Hosts that bypass the proxy (comma-separated, as `no_proxy`). `nil` leaves libcurl's default,
    /// which reads `no_proxy`.
    public var noProxy: String? = nil
    /// Seconds allowed for name resolution, TCP and TLS setup.
    public var connectTimeout: Double = 15
    /// Seconds allowed for a whole request sent with `send` (not for file uploads). `nil`: no limit.
    public var totalTimeout: Double? = 300
    /// Seconds allowed for a whole file upload. `nil` (the default): no limit, since an OVA may take
    /// an hour; `stallTimeout` still catches a dead transfer.
    public var uploadTimeout: Double? = nil
    /// Abort a transfer that moves less than one byte per second for this many seconds (libcurl's
    /// low-speed limit). `nil`: no stall detection.
    public var stallTimeout: Double? = 60
    /// Sent as `User-Agent` unless the request sets its own.
    public var userAgent: String = "vcdscript"
    /// Idle easy handles (each with its connection cache) kept for reuse across requests.
    public var maxIdleHandles: Int = 8

    public init(insecure: Bool = false, caFile: String? = nil, proxy: String? = nil, noProxy: String? = nil,
                connectTimeout: Double = 15, totalTimeout: Double? = 300, uploadTimeout: Double? = nil,
                stallTimeout: Double? = 60, userAgent: String = "vcdscript", maxIdleHandles: Int = 8,
                caPEM: Data? = nil, clientCertificatePEM: Data? = nil, clientKeyPEM: Data? = nil) {
        self.insecure = insecure
        self.caFile = caFile
        self.proxy = proxy
        self.noProxy = noProxy
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.uploadTimeout = uploadTimeout
        self.stallTimeout = stallTimeout
        self.userAgent = userAgent
        self.maxIdleHandles = maxIdleHandles
        self.caPEM = caPEM
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
    }
}
