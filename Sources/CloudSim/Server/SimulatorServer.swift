import CloudWire
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL

/// The simulator served over HTTP or HTTPS on 127.0.0.1 (another address only when asked, see
/// `SimListenAddress`): one listener per service (VCD, NSX,
/// ALB), each a Hummingbird application whose single responder hands every request to
/// `Simulator.process`, so the served and in-process paths share all behaviour; a Kubernetes watch
/// then goes on streaming its live events (`KubeWatchStream`). With `tls`, every listener speaks
/// TLS (swift-nio-ssl) with that certificate and key.
public final class SimulatorServer: @unchecked Sendable {
    public let simulator: Simulator
    /// The address the simulator listens on by default: loopback only.
    public static let defaultHost = SimListenAddress.loopback.address
    /// The address this server listens on.
    public let host: String
    /// Bound ports, known once `start()` returned.
    public private(set) var ports: [SimService: Int] = [:]
    /// `https` when serving TLS, else `http`.
    public var scheme: String { tls == nil ? "http" : "https" }
    /// The certificate and key every listener presents; nil for plain HTTP.
    public let tls: SimulatorTLSFiles?
    private let requested: [SimService: Int]
    private var tasks: [Task<Void, Error>] = []
    private let lock = NSLock()
    private var flushTask: Task<Void, Never>?

    /// `ports`: wanted port per service, 0 for an ephemeral one. Services left out are not served.
    /// `tls`: serve HTTPS with this pair (checked by `start()`), or plain HTTP when nil.
    /// Every service on an ephemeral port.
    public static var everyService: [SimService: Int] { Dictionary(uniqueKeysWithValues: SimService.allCases.map { ($0, 0) }) }

    /// `listen`: the address to bind (127.0.0.1 unless the caller chose another).
    public init(simulator: Simulator, ports: [SimService: Int] = SimulatorServer.everyService, tls: SimulatorTLSFiles? = nil,
                listen: SimListenAddress = .loopback) {
        self.simulator = simulator
        host = listen.address
        requested = ports
        self.tls = tls
    }

    /// Base URL of a service as clients reach it.
    public func url(_ service: SimService) -> String? { ports[service].map { "\(scheme)://\(urlHost):\($0)" } }

    /// The host part of URLs: the bound address, bracketed for IPv6; clients of a server bound to
    /// every address (0.0.0.0, ::) on this machine reach it on loopback.
    private var urlHost: String {
        if host == "0.0.0.0" { return "127.0.0.1" }
        if host == "::" { return "[::1]" }
        return host.contains(":") ? "[\(host)]" : host
    }

    /// Starts every listener and returns once all are bound. Throws `SimulatorTLSError` when the
    /// certificate or key cannot be used, `SimulatorServerError` when a port cannot be bound.
    public func start() async throws {
        let server: HTTPServerBuilder
        // Every connection gets a hang-up detector, which a long answer (a watch) asks whether its client left.
        let http1 = HTTPServerBuilder.http1(configuration: .init(additionalChannelHandlers: [HangUpDetector()]))
        if let tls { server = try .tls(http1, tlsConfiguration: try Self.tlsConfiguration(tls)) } else { server = http1 }
        var logger = Logger(label: "vcdscript.sim.server")
        // Hummingbird logs an error for every connection a stop cancels; only critical ones matter here.
        logger.logLevel = .critical
        for (service, port) in requested.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let bound = AsyncStream<Int>.makeStream()
            let sim = simulator
            let scheme = self.scheme
            let responder = CallbackResponder<ConnectionContext> { request, context in
                try await Self.respond(sim: sim, service: service, scheme: scheme, request: request, channel: context.channel)
            }
            let app = Application(
                responder: responder,
                server: server,
                configuration: .init(address: .hostname(host, port: port), serverName: nil),
                onServerRunning: { channel in
                    bound.continuation.yield(channel.localAddress?.port ?? port)
                    bound.continuation.finish()
                },
                logger: logger)
            let task = Task {
                // A listener that cannot start ends the stream, so `start()` does not wait forever.
                defer { bound.continuation.finish() }
                try await app.run()
            }
            tasks.append(task)
            var it = bound.stream.makeAsyncIterator()
            guard let p = await it.next() else {
                let reason: String
                if case .failure(let e) = await task.result { reason = "\(e)" } else { reason = "the listener stopped" }
                // Endpoints are not recorded yet: those of another server on this state stay as they are.
                await stopListeners()
                lock.withLock { ports = [:] }
                throw SimulatorServerError.failedToBind(service, host, port, reason)
            }
            lock.withLock { ports[service] = p }
        }
        var urls: [SimService: String] = [:]
        for s in ports.keys { urls[s] = url(s) }
        try simulator.recordEndpoints(urls, certificate: tls?.certificate)
        // Counters reach the state file every few seconds while serving, so `sim status` sees them.
        flushTask = Task { [simulator] in
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: 2_000_000_000)
                try? simulator.flush()
            }
        }
    }

    /// Stops every listener.
    public func stop() async {
        flushTask?.cancel()
        await stopListeners()
        try? simulator.recordEndpoints(nil)
        try? simulator.flush()
    }

    private func stopListeners() async {
        for t in tasks { t.cancel() }
        for t in tasks { _ = try? await t.value }
        tasks = []
    }

    /// Waits until the listeners stop (cancel the calling task to stop them).
    public func wait() async {
        await withTaskCancellationHandler {
            for t in tasks { _ = try? await t.value }
        } onCancel: { [tasks] in tasks.forEach { $0.cancel() } }
    }

    /// The server side of TLS: the PEM chain and key, checked now so that a bad file or a key that
    /// does not belong to the certificate is an error of `start()`, naming the file (never its contents).
    static func tlsConfiguration(_ files: SimulatorTLSFiles) throws -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        do { chain = try NIOSSLCertificate.fromPEMFile(files.certificate) } catch {
            throw SimulatorTLSError.badCertificate(path: files.certificate)
        }
        guard !chain.isEmpty else { throw SimulatorTLSError.badCertificate(path: files.certificate) }
        let key: NIOSSLPrivateKey
        do { key = try NIOSSLPrivateKey(file: files.key, format: .pem) } catch {
            throw SimulatorTLSError.badKey(path: files.key)
        }
        let config = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        // BoringSSL checks that the key belongs to the leaf certificate when the context is made.
        do { _ = try NIOSSLContext(configuration: config) } catch {
            throw SimulatorTLSError.unusablePair(certificate: files.certificate, key: files.key)
        }
        return config
    }

    static func respond(sim: Simulator, service: SimService, scheme: String, request: Request, channel: any Channel) async throws -> Response {
        var req = request
        let body = try await req.collectBody(upTo: 64 << 20)
        var headers = HTTPHeaderFields()
        for f in request.headers { headers.add(f.name.rawName, f.value) }
        if headers["Host"] == nil, let a = request.head.authority { headers["Host"] = a }
        let message = HTTPRequestMessage(method: request.method.rawValue, target: request.head.path ?? "/", headers: headers,
                                         body: Data(buffer: body))
        // A TLS terminator in front of a plain listener says the client spoke https.
        let proto = headers["X-Forwarded-Proto"].flatMap { $0 == "https" || $0 == "http" ? $0 : nil } ?? scheme
        let base = headers["Host"].map { "\(proto)://\($0)" }
        // Simulator calls are short and synchronous; injected latency is awaited, not slept.
        let answer = sim.process(message, service: service, baseURL: base)
        if answer.delay > 0 { try await Task.sleep(nanoseconds: UInt64(answer.delay * 1e9)) }
        let response = answer.response
        var fields = HTTPFields()
        for (name, value) in response.headers {
            if let n = HTTPField.Name(name) { fields.append(HTTPField(name: n, value: value)) }
        }
        if let watch = answer.watch, response.status == 200 {
            // A watch: its first events, then the live ones, in a chunked body without a length.
            let hangUp = try? await channel.pipeline.handler(type: HangUpDetector.self).get()
            let body = KubeWatchStream.body(sim: sim, watch: watch, initial: response.body,
                                            isOpen: { channel.isActive && !(hangUp?.hungUp ?? false) })
            return Response(status: .ok, headers: fields, body: body)
        }
        return Response(status: HTTPResponse.Status(code: response.status), headers: fields,
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: response.body)))
    }
}

/// Hummingbird's basic context plus the connection, so that a long answer (a Kubernetes watch)
/// can tell when its client has gone.
struct ConnectionContext: Hummingbird.RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

/// Why the server could not start.
public enum SimulatorServerError: Error, CustomStringConvertible {
    /// The listener of a service did not start on that port (0: an ephemeral one), and why.
    case failedToBind(SimService, String, Int, String)
    public var description: String {
        switch self {
        case .failedToBind(let s, let h, let p, let why): return "could not listen for \(s.rawValue) on \(h):\(p): \(why)"
        }
    }
}
