import CloudClient
import CloudSim
import CloudWire
import Foundation

/// How the simulator's tools (`kind`, `clusterctl`, `sim kube`) reach the simulated world of a state:
/// through the running `sim serve` of that state when one answers (the world lives in its memory),
/// else in-process on the state file. Either way they speak only the world's public interfaces: the
/// container host's API (where kind makes clusters) and the clusters' Kubernetes APIs.
final class SimWorld {
    let statePath: String
    private var served: SimServedEndpoints
    private var simulator: Simulator?
    private var probed = false

    /// The world of `VCDSCRIPT_SIM_STATE`, else of the usual state (`$VCDSCRIPT_HOME/sim/state.sqlite`…).
    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        statePath = environment["VCDSCRIPT_SIM_STATE"].flatMap { $0.isEmpty ? nil : $0 } ?? Simulator.defaultStatePath(environment: environment)
        served = SimServedEndpoints.read(statePath: statePath)
    }

    /// The world of a simulator this process already has open (the embedded simulator of a run).
    init(simulator: Simulator) {
        statePath = simulator.statePath
        self.simulator = simulator
        served = SimServedEndpoints(endpoints: [:], certificate: nil)
        probed = true
    }

    /// The base URL of the served Kubernetes service, when a `sim serve` of this state answers.
    var servedKube: String? {
        probeServer()
        return served.endpoints[.kube]
    }

    /// The certificate the served simulator presents (nil over http or when not served).
    var servedCertificate: String? { servedKube == nil ? nil : served.certificate }

    /// A server killed without a clean stop leaves its endpoints recorded: check that one answers,
    /// and work on the state file when none does.
    private func probeServer() {
        guard !probed else { return }
        probed = true
        guard let base = served.endpoints[.kube] else { return }
        do {
            let r = try curl(base, connectTimeout: 3).send(HTTPRequestMessage(method: "GET", target: HostPaths.clusters, headers: try hostHeaders()), to: base)
            if r.status == 401 || r.status == 404 { served.endpoints = [:] }
        } catch {
            served.endpoints = [:]
        }
    }

    func openSimulator() throws -> Simulator {
        if let simulator { return simulator }
        let s = try Simulator(statePath: statePath, options: SimulatorOptions())
        simulator = s
        return s
    }

    private func curl(_ base: String, connectTimeout: Double = 10) -> CurlTransport {
        var o = CurlTransportOptions(caFile: base.hasPrefix("https://") ? served.certificate : nil)
        o.connectTimeout = connectTimeout
        o.userAgent = "vcdscript-sim-tools"
        return CurlTransport(options: o)
    }

    private func hostHeaders() throws -> HTTPHeaderFields {
        var h = HTTPHeaderFields()
        h["Authorization"] = "Bearer " + (try SimHostToken.load(forState: statePath))
        h["Accept"] = "application/json"
        return h
    }

    /// Retries as kubectl and clusterctl do (429, 503 with Retry-After, connection errors): a served
    /// simulator with `--faults` refuses some calls on purpose. In-process, the backoff passes on the
    /// simulated world's clock (`clock`), as every wait on the embedded simulator does.
    static func retrying(_ t: HTTPTransport, clock: WaitClock = WallClock.shared) -> HTTPTransport {
        TransportStack.wrap(t, retry: RetryPolicy(), clock: clock)
    }

    /// The Kubernetes service (clusters and container host): its transport and base URL.
    func kubeService() throws -> (transport: HTTPTransport, base: String) {
        if let base = servedKube { return (Self.retrying(curl(base)), base) }
        let s = try openSimulator()
        return (Self.retrying(InProcessTransport { s.handle($0, service: .kube) }, clock: s.clock), "https://" + SimWorld.embeddedHost)
    }

    /// One request to the container host (`/host/v1/...`).
    func host(_ method: String, _ target: String, body: JSONValue? = nil) throws -> HTTPResponseMessage {
        let (t, base) = try kubeService()
        var h = try hostHeaders()
        var data = Data()
        if let body {
            data = try JSONEncoder.vcd().encode(body)
            h["Content-Type"] = "application/json"
        }
        return try t.send(HTTPRequestMessage(method: method, target: target, headers: h, body: data), to: base)
    }

    /// The message of a host error body.
    static func hostMessage(_ r: HTTPResponseMessage) -> String {
        (try? JSONValue.parse(r.body))?["message"]?.stringValue ?? "HTTP \(r.status)"
    }

    // MARK: Kubernetes clients

    /// The host name that means "the embedded simulator's Kubernetes service" in a kubeconfig.
    static let embeddedHost = "kube.sim.test"

    /// A client for the cluster a resolved kubeconfig names. Only the simulator's clusters are
    /// reached: its served listener, the embedded host, loopback `/clusters/<name>` URLs, or a
    /// workload cluster's control-plane endpoint. Anything else is refused: these tools are the
    /// simulator's, and nothing ever connects to an address of the simulated world.
    func client(_ config: ResolvedKubeConfig) throws -> KubeClient {
        guard let u = URLComponents(string: config.server), let host = u.host else {
            throw ToolError("invalid server \"\(config.server)\" in the kubeconfig")
        }
        let path = u.percentEncodedPath
        let port = u.port ?? (u.scheme == "http" ? 80 : 443)
        let loopback = host == "127.0.0.1" || host == "localhost" || host == "::1"
        if host == Self.embeddedHost || (loopback && path.hasPrefix("/clusters/")) {
            if let base = servedKube, loopback, config.server.hasPrefix(base) {
                // The served listener, as the kubeconfig names it: its own TLS settings apply.
                var o = config.curlOptions()
                if o.caPEM == nil, !o.insecure, base.hasPrefix("https://") { o.caFile = servedCertificate }
                return KubeClient(config, transport: Self.retrying(CurlTransport(options: o)))
            }
            // The same cluster through whichever way reaches this world now (a kubeconfig made
            // while it was served, used after the server stopped, or one naming the embedded host).
            let (t, base) = try kubeService()
            config.registerSecrets()
            return KubeClient(server: base + path, transport: t, token: config.token, namespace: config.namespace, contextName: config.contextName)
        }
        if port == 6443, servedKube == nil, let name = try openSimulator().kubeCluster(atEndpoint: host, port: port) {
            let s = try openSimulator()
            let prefix = "/clusters/" + name
            let t = Self.retrying(InProcessTransport { req in
                var r = req
                if !r.target.hasPrefix(prefix + "/") { r.target = prefix + r.target }
                return s.handle(r, service: .kube)
            }, clock: s.clock)
            config.registerSecrets()
            return KubeClient(server: "https://\(host):6443", transport: t, token: config.token, namespace: config.namespace, contextName: config.contextName)
        }
        throw ToolError("the kubeconfig's server \(config.server) is not a cluster of the simulator at \(statePath)",
                        hint: servedKube == nil ? "these are the simulator's kind and clusterctl; start `vcdscript sim serve --tls` and take the cluster's kubeconfig again"
                            : "these are the simulator's kind and clusterctl: use a kubeconfig from `kind get kubeconfig` or `clusterctl get kubeconfig`")
    }
}

/// The container host's paths.
enum HostPaths {
    static let clusters = "/host/v1/clusters"
    static func cluster(_ name: String) -> String { clusters + "/" + (name.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._"))) ?? name) }
}

/// A failure of a tool, with what to do.
struct ToolError: Error, CustomStringConvertible {
    var message: String
    var hint: String?
    init(_ message: String, hint: String? = nil) {
        self.message = message
        self.hint = hint
    }
    var description: String { message }
}
