import Foundation
import CCurl
import CloudWire

/// The real-network transport: HTTP(S) over libcurl, to a VCD site, an NSX manager, an ALB
/// controller, or `vcdscript sim serve`.
///
/// * TLS is verified by default; `options.insecure` or `options.caFile` relax or redirect trust.
/// * Proxies come from the environment unless `options.proxy` says otherwise.
/// * Connections are reused: idle easy handles (each holding its open connections) are pooled, so
///   consecutive requests to one site share a connection. `connectionsOpened` counts new ones.
/// * `send` collects the response body in memory; `upload` streams a file range from disk.
/// * Ctrl-C (the CSupport SIGINT flag) stops a running transfer with `TransportError.abortedByUser`.
/// * Failures without a response throw `TransportError`; HTTP error statuses are returned.
///
/// Thread-safe: any number of threads may send at once, each with its own easy handle. Each call
/// blocks its thread (`curl_easy_perform`), so async callers should run it off the cooperative pool.
public final class CurlTransport: HTTPTransport, @unchecked Sendable {
    /// TLS, proxy and timeout settings, fixed for the transport's life.
    public let options: CurlTransportOptions
    private let pool: CurlHandlePool
    private let statsLock = NSLock()
    private var opened = 0

    public init(options: CurlTransportOptions = CurlTransportOptions()) {
        self.options = options
        self.pool = CurlHandlePool(maxIdle: options.maxIdleHandles)
        CurlGlobal.ensureInitialised()
    }

    /// How many TCP connections this transport has opened so far (libcurl's `NUM_CONNECTS` summed
    /// over transfers). Stays put when a request reuses a pooled connection.
    public var connectionsOpened: Int {
        statsLock.lock(); defer { statsLock.unlock() }
        return opened
    }

    public func send(_ request: HTTPRequestMessage, to baseURL: String) throws -> HTTPResponseMessage {
        try perform(request, to: baseURL, upload: nil, progress: nil)
    }

    public func upload(_ request: HTTPRequestMessage, file: FileUpload, to baseURL: String,
                       progress: UploadProgress?) throws -> HTTPResponseMessage {
        try perform(request, to: baseURL, upload: file, progress: progress)
    }

    // MARK: - One transfer

    private func perform(_ request: HTTPRequestMessage, to baseURL: String, upload: FileUpload?,
                         progress: UploadProgress?) throws -> HTTPResponseMessage {
        let endpoint = Endpoint(baseURL: baseURL, target: request.target)
        let st = CurlTransferState()
        if let upload { try openUpload(upload, into: st, progress: progress) }

        // Built before the handle is taken, so that the handle is reset (by `giveBack`, the later
        // defer, which runs first) before the list it points to is freed.
        let headerList = buildHeaderList(request, hasBody: upload != nil || !request.body.isEmpty, isFileUpload: upload != nil)
        defer { curl_slist_free_all(headerList) }

        guard let h = pool.take() else {
            throw TransportError(kind: .other, endpoint: endpoint.hostPort, detail: "curl_easy_init failed",
                                 requestMayHaveReachedServer: false)
        }
        defer { pool.giveBack(h) }

        configureConnection(h, url: endpoint.url, isUpload: upload != nil)
        _ = vcd_curl_setopt_slist(h, CURLOPT_HTTPHEADER, headerList)
        configureMethodAndBody(h, request: request, upload: upload != nil, state: st)

        let ctx = Unmanaged.passUnretained(st).toOpaque()
        _ = vcd_curl_setopt_writefn(h, CURLOPT_WRITEFUNCTION, curlWriteBody)
        _ = vcd_curl_setopt_ptr(h, CURLOPT_WRITEDATA, ctx)
        _ = vcd_curl_setopt_writefn(h, CURLOPT_HEADERFUNCTION, curlWriteHeader)
        _ = vcd_curl_setopt_ptr(h, CURLOPT_HEADERDATA, ctx)
        _ = vcd_curl_setopt_long(h, CURLOPT_NOPROGRESS, 0)
        _ = vcd_curl_setopt_xferinfofn(h, curlProgress)
        _ = vcd_curl_setopt_ptr(h, CURLOPT_XFERINFODATA, ctx)
        _ = vcd_curl_setopt_ptr(h, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(st.errorBuffer))

        let rc = curl_easy_perform(h)
        _ = vcd_curl_setopt_ptr(h, CURLOPT_ERRORBUFFER, nil)

        var connects = 0
        _ = vcd_curl_getinfo_long(h, CURLINFO_NUM_CONNECTS, &connects)
        if connects > 0 {
            statsLock.lock(); opened += connects; statsLock.unlock()
        }

        if rc != CURLE_OK {
            // PRETRANSFER is stamped just before the first request byte goes out (after connect
            // and TLS); zero means nothing was sent, which makes even a POST safe to retry.
            var pretransfer: curl_off_t = 0
            _ = vcd_curl_getinfo_off(h, CURLINFO_PRETRANSFER_TIME_T, &pretransfer)
            withExtendedLifetime(st) {}
            throw CurlErrorMapping.error(code: rc, state: st, endpoint: endpoint,
                                         requestMayHaveReachedServer: pretransfer > 0)
        }
        var status = 0
        _ = vcd_curl_getinfo_long(h, CURLINFO_RESPONSE_CODE, &status)
        if upload != nil {
            // The progress function is rate-limited; make sure the caller sees the final count.
            var sent: curl_off_t = 0
            _ = vcd_curl_getinfo_off(h, CURLINFO_SIZE_UPLOAD_T, &sent)
            st.reportUpload(sent: Int64(sent))
        }
        let result = HTTPResponseMessage(status: status, headers: st.headers, body: st.body)
        withExtendedLifetime(st) {}
        return result
    }

    /// Opens the file at the range's first byte; the read callback streams from there.
    private func openUpload(_ upload: FileUpload, into st: CurlTransferState, progress: UploadProgress?) throws {
        let count = try upload.byteCount()
        let fd = open(upload.path, O_RDONLY)
        guard fd >= 0 else {
            throw TransportError(kind: .uploadFileUnreadable, endpoint: upload.path,
                                 detail: "cannot open: " + String(cString: strerror(errno)),
                                 requestMayHaveReachedServer: false)
        }
        st.uploadFD = fd
        guard lseek(fd, off_t(upload.offset), SEEK_SET) >= 0 else {
            throw TransportError(kind: .uploadFileUnreadable, endpoint: upload.path,
                                 detail: "cannot seek to \(upload.offset)", requestMayHaveReachedServer: false)
        }
        st.uploadStart = upload.offset
        st.uploadLength = count
        st.progress = progress
        st.reportUpload(sent: 0)
    }

    /// TLS, proxy, timeouts, signals: everything that depends on the options, not the request.
    private func configureConnection(_ h: UnsafeMutableRawPointer, url: String, isUpload: Bool) {
        _ = vcd_curl_setopt_str(h, CURLOPT_URL, url)
        // Absolute targets can come from the server (task and transfer hrefs): never let one turn
        // into file://, ftp:// or anything else libcurl speaks.
        _ = vcd_curl_setopt_str(h, CURLOPT_PROTOCOLS_STR, "http,https")
        // Timeouts would otherwise use SIGALRM, which is unsafe with threads.
        _ = vcd_curl_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        _ = vcd_curl_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, Self.millis(options.connectTimeout))
        let total = isUpload ? options.uploadTimeout : options.totalTimeout
        _ = vcd_curl_setopt_long(h, CURLOPT_TIMEOUT_MS, total.map(Self.millis) ?? 0)
        if let stall = options.stallTimeout {
            _ = vcd_curl_setopt_long(h, CURLOPT_LOW_SPEED_LIMIT, 1)
            _ = vcd_curl_setopt_long(h, CURLOPT_LOW_SPEED_TIME, max(1, Int(stall.rounded(.up))))
        }
        _ = vcd_curl_setopt_long(h, CURLOPT_TCP_KEEPALIVE, 1)
        // Redirects are the caller's business (VCD answers 202 + Location for tasks).
        _ = vcd_curl_setopt_long(h, CURLOPT_FOLLOWLOCATION, 0)

        _ = vcd_curl_setopt_long(h, CURLOPT_SSL_VERIFYPEER, options.insecure ? 0 : 1)
        _ = vcd_curl_setopt_long(h, CURLOPT_SSL_VERIFYHOST, options.insecure ? 0 : 2)
        if let ca = options.caFile { _ = vcd_curl_setopt_str(h, CURLOPT_CAINFO, ca) }
        // PEM bytes (kubeconfig *-data fields) go to libcurl as blobs it copies: nothing on disk.
        if let pem = options.caPEM { Self.setBlob(h, CURLOPT_CAINFO_BLOB, pem) }
        if let cert = options.clientCertificatePEM {
            Self.setBlob(h, CURLOPT_SSLCERT_BLOB, cert)
            _ = vcd_curl_setopt_str(h, CURLOPT_SSLCERTTYPE, "PEM")
        }
        if let key = options.clientKeyPEM {
            Self.setBlob(h, CURLOPT_SSLKEY_BLOB, key)
            _ = vcd_curl_setopt_str(h, CURLOPT_SSLKEYTYPE, "PEM")
        }
        if let proxy = options.proxy { _ = vcd_curl_setopt_str(h, CURLOPT_PROXY, proxy) }
        if let noProxy = options.noProxy { _ = vcd_curl_setopt_str(h, CURLOPT_NOPROXY, noProxy) }
    }

    /// Picks the libcurl mode for the method: in-memory bodies are copied into libcurl (so it can
    /// resend them on a fresh connection), file bodies are streamed through the read callback.
    private func configureMethodAndBody(_ h: UnsafeMutableRawPointer, request: HTTPRequestMessage, upload: Bool,
                                        state st: CurlTransferState) {
        let method = request.method.uppercased()
        if upload {
            _ = vcd_curl_setopt_long(h, CURLOPT_UPLOAD, 1)
            _ = vcd_curl_setopt_off(h, CURLOPT_INFILESIZE_LARGE, curl_off_t(st.uploadLength))
            _ = vcd_curl_setopt_readfn(h, CURLOPT_READFUNCTION, curlReadFile)
            _ = vcd_curl_setopt_ptr(h, CURLOPT_READDATA, Unmanaged.passUnretained(st).toOpaque())
            _ = vcd_curl_setopt_seekfn(h, curlSeekFile)
            _ = vcd_curl_setopt_ptr(h, CURLOPT_SEEKDATA, Unmanaged.passUnretained(st).toOpaque())
            if method != "PUT" { _ = vcd_curl_setopt_str(h, CURLOPT_CUSTOMREQUEST, method) }
            return
        }
        switch method {
        case "HEAD":
            _ = vcd_curl_setopt_long(h, CURLOPT_NOBODY, 1)
        case "GET" where request.body.isEmpty:
            _ = vcd_curl_setopt_long(h, CURLOPT_HTTPGET, 1)
        case "DELETE" where request.body.isEmpty, "OPTIONS" where request.body.isEmpty:
            _ = vcd_curl_setopt_str(h, CURLOPT_CUSTOMREQUEST, method)
        default:
            // POST, PUT, PATCH (and any method with a body): libcurl's POST machinery with the
            // verb overridden. COPYPOSTFIELDS copies POSTFIELDSIZE bytes, so the size goes first.
            _ = vcd_curl_setopt_off(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count))
            if request.body.isEmpty {
                _ = vcd_curl_setopt_str(h, CURLOPT_COPYPOSTFIELDS, "")
            } else {
                request.body.withUnsafeBytes { raw in
                    _ = vcd_curl_setopt_ptr(h, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: raw.baseAddress))
                }
            }
            if method != "POST" { _ = vcd_curl_setopt_str(h, CURLOPT_CUSTOMREQUEST, method) }
        }
    }

    /// The request's header fields as a curl list, plus the fields we always control.
    private func buildHeaderList(_ request: HTTPRequestMessage, hasBody: Bool, isFileUpload: Bool) -> UnsafeMutablePointer<curl_slist>? {
        var list: UnsafeMutablePointer<curl_slist>? = nil
        func append(_ line: String) { list = curl_slist_append(list, line) }
        var hasUserAgent = false, hasContentType = false
        for (name, value) in request.headers {
            let lname = name.lowercased()
            // libcurl computes the framing itself; a second Content-Length would corrupt the request.
            if lname == "content-length" || lname == "transfer-encoding" { continue }
            if lname == "user-agent" { hasUserAgent = true }
            if lname == "content-type" { hasContentType = true }
            // CR or LF in a field would let a value inject other fields. Filter scalars, not
            // Characters: "\r\n" is a single Character and would slip past a Character test.
            var scalars = String.UnicodeScalarView()
            scalars.append(contentsOf: value.unicodeScalars.filter { $0 != "\r" && $0 != "\n" })
            let clean = String(scalars)
            // "Name:" with nothing after it means "remove" to libcurl; "Name;" sends it empty.
            append(clean.isEmpty ? "\(name);" : "\(name): \(clean)")
        }
        if !hasUserAgent { append("User-Agent: \(options.userAgent)") }
        // Without this libcurl labels every body as a form (application/x-www-form-urlencoded).
        if hasBody && !hasContentType { append("Content-Type:") }
        // File uploads keep libcurl's "Expect: 100-continue": a server that refuses the upload
        // (expired session, no such transfer) says so before gigabytes are sent, and the caller
        // gets that status instead of a broken pipe. Small in-memory bodies skip the round trip
        // (a server that ignores Expect would cost a second per request).
        if !isFileUpload { append("Expect:") }
        return list
    }

    /// Sets a blob option; libcurl copies the bytes (`CURL_BLOB_COPY`) before this returns.
    private static func setBlob(_ h: UnsafeMutableRawPointer, _ option: CURLoption, _ data: Data) {
        data.withUnsafeBytes { raw in _ = vcd_curl_setopt_blob(h, option, raw.baseAddress, raw.count) }
    }

    private static func millis(_ seconds: Double) -> Int {
        max(1, Int((seconds * 1000).rounded()))
    }
}
