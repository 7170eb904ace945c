import CloudWire
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The simulator served over HTTP on 127.0.0.1 only: one listener per service (VCD, NSX, ALB),
/// each a Hummingbird application whose single responder hands every request to
/// `Simulator.process`, so the served and in-process paths share all behaviour.
public final class SimulatorServer: @unchecked Sendable {
    public let simulator: Simulator
    /// The only address the simulator listens on.
    public static let host = "127.0.0.1"
    /// Bound ports, known once `start()` returned.
    public private(set) var ports: [SimService: Int] = [:]
    /// `http` or `https` (when a TLS terminator fronts the listeners, the ports it reports).
    public let scheme: String
    private let requested: [SimService: Int]
    private var tasks: [Task<Void, Error>] = []
    private let lock = NSLock()
    private var flushTask: Task<Void, Never>?

    /// `ports`: wanted port per service, 0 for an ephemeral one. Services left out are not served.
    public init(simulator: Simulator, ports: [SimService: Int] = [.vcd: 0, .nsx: 0, .alb: 0], scheme: String = "http") {
        self.simulator = simulator
        requested = ports
        self.scheme = scheme
    }

    /// Base URL of a service as clients reach it.
    public func url(_ service: SimService) -> String? { ports[service].map { "\(scheme)://\(Self.host):\($0)" } }

    /// Starts every listener and returns once all are bound.
    public func start() async throws {
        var logger = Logger(label: "vcdscript.sim.server")
        // Hummingbird logs an error for every connection a stop cancels; only critical ones matter here.
        logger.logLevel = .critical
        for (service, port) in requested.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let bound = AsyncStream<Int>.makeStream()
            let sim = simulator
            let scheme = self.scheme
            let responder = CallbackResponder<BasicRequestContext> { request, _ in
                try await Self.respond(sim: sim, service: service, scheme: scheme, request: request)
            }
            let app = Application(
                responder: responder,
                configuration: .init(address: .hostname(Self.host, port: port), serverName: nil),
                onServerRunning: { channel in
                    bound.continuation.yield(channel.localAddress?.port ?? port)
                    bound.continuation.finish()
                },
                logger: logger)
            let task = Task { try await app.run() }
            tasks.append(task)
            var it = bound.stream.makeAsyncIterator()
            guard let p = await it.next() else { throw SimulatorServerError.failedToBind(service, port) }
            lock.withLock { ports[service] = p }
        }
        var urls: [SimService: String] = [:]
        for s in ports.keys { urls[s] = url(s) }
        try simulator.recordEndpoints(urls)
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
        for t in tasks { t.cancel() }
        for t in tasks { _ = try? await t.value }
        tasks = []
        try? simulator.recordEndpoints(nil)
        try? simulator.flush()
    }

    /// Waits until the listeners stop (cancel the calling task to stop them).
    public func wait() async {
        await withTaskCancellationHandler {
            for t in tasks { _ = try? await t.value }
        } onCancel: { [tasks] in tasks.forEach { $0.cancel() } }
    }

    static func respond(sim: Simulator, service: SimService, scheme: String, request: Request) async throws -> Response {
        var req = request
        let body = try await req.collectBody(upTo: 64 << 20)
        var headers = HTTPHeaderFields()
        for f in request.headers { headers.add(f.name.rawName, f.value) }
        if headers["Host"] == nil, let a = request.head.authority { headers["Host"] = a }
        let message = HTTPRequestMessage(method: request.method.rawValue, target: request.head.path ?? "/", headers: headers,
                                         body: Data(buffer: body))
        // A TLS front on 127.0.0.1 (Tests/clients/tls_front.py) says the client spoke https.
        let proto = headers["X-Forwarded-Proto"].flatMap { $0 == "https" || $0 == "http" ? $0 : nil } ?? scheme
        let base = headers["Host"].map { "\(proto)://\($0)" }
        // Simulator calls are short and synchronous; injected latency is awaited, not slept.
        let (response, delay) = sim.process(message, service: service, baseURL: base)
        if delay > 0 { try await Task.sleep(nanoseconds: UInt64(delay * 1e9)) }
        var fields = HTTPFields()
        for (name, value) in response.headers {
            if let n = HTTPField.Name(name) { fields.append(HTTPField(name: n, value: value)) }
        }
        return Response(status: HTTPResponse.Status(code: response.status), headers: fields,
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: response.body)))
    }
}

/// Why the server could not start.
public enum SimulatorServerError: Error, CustomStringConvertible {
    case failedToBind(SimService, Int)
    public var description: String {
        switch self {
        case .failedToBind(let s, let p): return "could not listen for \(s.rawValue) on 127.0.0.1:\(p)"
        }
    }
}
