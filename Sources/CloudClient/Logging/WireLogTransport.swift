import Foundation
import Logging
import CloudWire

/// The `--debug` wire log: a decorator that writes every request and its response (method, URL,
/// status, header fields, body up to `bodyLimit` bytes) with every secret passed through one
/// `SecretRedactor` first.
///
/// Output goes to a *sink*, a closure that receives one finished multi-line entry per request and
/// one per response (or failure). A sink is the simplest thing the CLI (stderr), tests (an array)
/// and swift-log (`init(wrapping:logger:)`, at `.debug`) can all provide; nothing reaches the sink
/// before redaction.
///
/// Entry format:
/// ```
/// > POST https://vcd.example.com:443/cloudapi/1.0.0/sessions
/// > Accept: application/json;version=37.2
/// > Authorization: Basic ********
/// (0 bytes)
/// < 200 POST https://vcd.example.com:443/cloudapi/1.0.0/sessions (0.123 s)
/// < X-Vmware-Vcloud-Access-Token: ********
/// {"name":"admin", ...}
/// ```
public final class WireLogTransport: HTTPTransport, @unchecked Sendable {
    /// The transport whose traffic is logged.
    public let inner: HTTPTransport
    /// Hides secrets before anything reaches the sink.
    public let redactor: SecretRedactor
    /// Bytes of a body shown; the rest is summarised as a count.
    public let bodyLimit: Int
    private let sink: (String) -> Void

    public init(wrapping inner: HTTPTransport, redactor: SecretRedactor = .shared, bodyLimit: Int = 4096,
                sink: @escaping (String) -> Void) {
        self.inner = inner
        self.redactor = redactor
        self.bodyLimit = max(0, bodyLimit)
        self.sink = sink
    }

    /// Logs each entry through swift-log at `.debug`.
    public convenience init(wrapping inner: HTTPTransport, redactor: SecretRedactor = .shared, bodyLimit: Int = 4096,
                            logger: Logger) {
        self.init(wrapping: inner, redactor: redactor, bodyLimit: bodyLimit) { entry in
            logger.debug("\(entry)")
        }
    }

    public func send(_ request: HTTPRequestMessage, to baseURL: String) throws -> HTTPResponseMessage {
        let url = redactor.redact(Endpoint(baseURL: baseURL, target: request.target).url)
        sink(requestEntry(request, url: url, bodyNote: nil))
        return try logged(request, url: url) { try inner.send(request, to: baseURL) }
    }

    public func upload(_ request: HTTPRequestMessage, file: FileUpload, to baseURL: String,
                       progress: UploadProgress?) throws -> HTTPResponseMessage {
        let url = redactor.redact(Endpoint(baseURL: baseURL, target: request.target).url)
        let count = (try? file.byteCount()).map { "\($0)" } ?? "?"
        sink(requestEntry(request, url: url,
                          bodyNote: "(file \(file.path), \(count) bytes from offset \(file.offset))"))
        return try logged(request, url: url) { try inner.upload(request, file: file, to: baseURL, progress: progress) }
    }

    private func logged(_ request: HTTPRequestMessage, url: String,
                        _ call: () throws -> HTTPResponseMessage) throws -> HTTPResponseMessage {
        let start = Date()
        do {
            let response = try call()
            sink(responseEntry(response, request: request, url: url, seconds: Date().timeIntervalSince(start)))
            return response
        } catch {
            sink("! \(request.method) \(url) failed: " + redactor.redact("\(error)"))
            throw error
        }
    }

    private func requestEntry(_ r: HTTPRequestMessage, url: String, bodyNote: String?) -> String {
        var lines = ["> \(r.method) \(url)"]
        for (name, value) in r.headers { lines.append("> \(name): \(redactor.redactHeader(name: name, value: value))") }
        lines.append(bodyNote ?? bodyText(r.body))
        return lines.joined(separator: "\n")
    }

    private func responseEntry(_ r: HTTPResponseMessage, request: HTTPRequestMessage, url: String, seconds: Double) -> String {
        var lines = ["< \(r.status) \(request.method) \(url) (\(String(format: "%.3f", seconds)) s)"]
        for (name, value) in r.headers { lines.append("< \(name): \(redactor.redactHeader(name: name, value: value))") }
        lines.append(bodyText(r.body))
        return lines.joined(separator: "\n")
    }

    /// The body as redacted text, cut at `bodyLimit`. Redaction runs *before* the cut (a secret
    /// split by the cut would no longer be recognised), on a bounded prefix so a 1 GB download does
    /// not get scanned whole.
    private func bodyText(_ body: Data) -> String {
        if body.isEmpty { return "(0 bytes)" }
        let window = body.prefix(bodyLimit + 4096)
        // A window cut in the middle of a UTF-8 sequence is still text: drop up to 3 trailing bytes.
        let decoded = (0...3).lazy.compactMap { String(data: window.dropLast($0), encoding: .utf8) }.first
        guard let text = decoded, !text.contains("\u{0}") else {
            return "(\(body.count) bytes of binary data)"
        }
        let redacted = redactor.redact(text)
        if body.count <= bodyLimit && redacted.utf8.count <= bodyLimit + 64 { return redacted }
        let cut = String(decoding: Data(redacted.utf8).prefix(bodyLimit), as: UTF8.self)
        return cut + "\n(… \(body.count) bytes in all)"
    }
}
