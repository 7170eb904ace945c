import CloudWire

/// Carries one HTTP request to a target and brings back its response: libcurl for a real site or
/// `sim serve`, or in-process into the embedded simulator. The engine never knows which.
public protocol HTTPTransport: AnyObject {
    /// Sends `request` to the target. `baseURL` is the scheme, host and port of the target
    /// (for example `https://vcd.example.com`); the request carries the path and query.
    func send(_ request: HTTPRequestMessage, to baseURL: String) throws -> HTTPResponseMessage

    /// Sends `request` with `file` as its body (the request's own `body` is ignored), reporting
    /// bytes sent through `progress`. `CurlTransport` streams from disk; the default implementation
    /// reads the range into memory and calls `send`, which is right for the in-process simulator.
    /// A decorator must forward this to its inner transport, or uploads lose their streaming.
    func upload(_ request: HTTPRequestMessage, file: FileUpload, to baseURL: String,
                progress: UploadProgress?) throws -> HTTPResponseMessage
}

extension HTTPTransport {
    public func upload(_ request: HTTPRequestMessage, file: FileUpload, to baseURL: String,
                       progress: UploadProgress?) throws -> HTTPResponseMessage {
        var r = request
        r.body = try file.readAll()
        let total = Int64(r.body.count)
        progress?(0, total)
        let response = try send(r, to: baseURL)
        progress?(total, total)
        return response
    }
}

/// The in-process transport: hands requests to a closure (the executable wires it to the
/// simulator's router), so that `Provisioning` never imports `CloudSim`.
public final class InProcessTransport: HTTPTransport {
    private let handler: (HTTPRequestMessage) -> HTTPResponseMessage

    public init(handler: @escaping (HTTPRequestMessage) -> HTTPResponseMessage) { self.handler = handler }

    public func send(_ request: HTTPRequestMessage, to baseURL: String) throws -> HTTPResponseMessage {
        handler(request)
    }
}
