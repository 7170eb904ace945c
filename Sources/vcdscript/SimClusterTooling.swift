import CloudClient
import CloudSim
import CloudWire
import Foundation
import NetAddress
import ScriptCloud
import Provisioning

/// The Cluster API tooling of the embedded simulator: the same `kind` and `clusterctl` as the
/// programs `vcdscript sim tools` installs, run in-process. kind makes clusters on the simulated
/// container host; clusterctl installs providers and moves clusters through the clusters'
/// Kubernetes APIs. Kubeconfigs naming a simulated API server are reached in-process.
final class SimClusterTooling: ClusterTooling {
    let simulator: () throws -> Simulator
    init(_ simulator: @escaping () throws -> Simulator) { self.simulator = simulator }

    func world() throws -> SimWorld { SimWorld(simulator: try simulator()) }

    /// Runs a tool step, turning its errors into the engine's.
    func tool<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as ToolError { throw EngineError(e.message, hint: e.hint ?? "") }
    }

    func kindClusters() throws -> [String] {
        try tool {
            let r = try world().host("GET", HostPaths.clusters)
            guard r.status == 200, case .array(let items)? = (try? JSONValue.parse(r.body))?["items"] else { throw ToolError(SimWorld.hostMessage(r)) }
            return items.compactMap { $0["name"]?.stringValue }
        }
    }
    func kindCreate(name: String, kubernetes: String?) throws {
        try tool {
            var body: [String: JSONValue] = ["name": .string(name)]
            if let k = kubernetes { body["kubernetesVersion"] = .string(k) }
            let r = try world().host("POST", HostPaths.clusters, body: .object(body))
            guard r.status == 201 else { throw ToolError("kind create cluster --name \(name): \(SimWorld.hostMessage(r))") }
        }
    }
    func kindDelete(name: String) throws {
        try tool {
            let r = try world().host("DELETE", HostPaths.cluster(name))
            guard r.status == 204 || r.status == 404 else { throw ToolError("kind delete cluster --name \(name): \(SimWorld.hostMessage(r))") }
        }
    }
    func kindKubeconfig(name: String) throws -> String {
        try tool {
            let r = try world().host("GET", HostPaths.cluster(name) + "/kubeconfig")
            guard r.status == 200 else { throw ToolError("could not locate any control plane nodes for cluster named '\(name)'") }
            return try KubeconfigFiles.renamedText(String(decoding: r.body, as: UTF8.self), to: "kind-\(name)")
        }
    }

    func client(_ access: ClusterAccess, _ w: SimWorld) throws -> KubeClient {
        try w.client(try KubeConfig.parse(access.kubeconfig, source: "kubeconfig of \(access.name)").resolve())
    }

    func clusterctlInit(_ cluster: ClusterAccess, core: String, bootstrap: String, controlPlane: String) throws -> [String] {
        try tool {
            let w = try world()
            var lines: [String] = []
            var request = ClusterctlInstaller.Request()
            request.core = core
            request.bootstrap = [bootstrap]
            request.controlPlane = [controlPlane]
            try ClusterctlInstaller(kube: try client(cluster, w)).install(request) { lines.append($0) }
            return lines.filter { $0.hasPrefix("Installing") || $0.hasPrefix("Skipping") }
        }
    }
    func installInfrastructure(_ cluster: ClusterAccess, provider: String, version: String) throws -> [String] {
        try tool {
            let w = try world()
            var lines: [String] = []
            var request = ClusterctlInstaller.Request()
            request.infrastructure = ["\(provider):\(version)"]
            try ClusterctlInstaller(kube: try client(cluster, w)).install(request) { lines.append($0) }
            return lines.filter { $0.hasPrefix("Installing") || $0.hasPrefix("Skipping") }
        }
    }
    func move(from: ClusterAccess, to: ClusterAccess, namespace: String) throws -> [String] {
        try tool {
            let w = try world()
            var lines: [String] = []
            try ClusterctlMover(from: try client(from, w), to: try client(to, w)).move(namespace: namespace) { lines.append($0) }
            return lines.filter { $0.hasPrefix("Moved") }
        }
    }
    func transport(forServer server: String) -> HTTPTransport? {
        guard let sim = try? simulator() else { return nil }
        return Self.transport(sim, server: server)
    }

    /// kube.sim.test: the simulator's Kubernetes service as is; a workload cluster's control-plane
    /// endpoint (VIP:6443): that cluster's API, `/clusters/<name>` prefixed to every path.
    static func transport(_ sim: Simulator, server: String) -> HTTPTransport? {
        guard let u = URLComponents(string: server), let host = u.host else { return nil }
        if host == CloudWiring.embeddedKubeHost { return InProcessTransport { sim.handle($0, service: .kube) } }
        // A kubeconfig written while the state was served names the loopback listener: the same
        // cluster, reached in-process now (`/clusters/<name>` is already in its path).
        if host == "127.0.0.1" || host == "localhost", u.percentEncodedPath.hasPrefix("/clusters/"),
           SimServedEndpoints.read(statePath: sim.statePath).endpoints[.kube].map({ !server.hasPrefix($0) }) ?? true {
            return InProcessTransport { sim.handle($0, service: .kube) }
        }
        guard let name = sim.kubeCluster(atEndpoint: host, port: u.port ?? 443) else {
            // An address of the simulated world is data: nothing ever connects to it.
            return SimulatedAddress.isSimulated(host) ? RefusedSimulatedEndpoint(endpoint: "\(host):\(u.port ?? 443)") : nil
        }
        let prefix = "/clusters/" + name
        return InProcessTransport { req in
            var r = req
            if !r.target.hasPrefix(prefix + "/") { r.target = prefix + r.target }
            return sim.handle(r, service: .kube)
        }
    }
}

/// The addresses the simulated world is built from: the documentation ranges of RFC 5737, from
/// which the seeded world takes its external networks and so every VIP. A kubeconfig naming one
/// of them while no simulated cluster answers there (a kubeconfig left by another simulator state)
/// must fail here, not open a socket to an address that only exists as data.
enum SimulatedAddress {
    static let ranges = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"].map { try! IPv4CIDR($0) }

    static func isSimulated(_ host: String) -> Bool {
        guard let a = IPv4.parse(host) else { return false }
        return ranges.contains { $0.contains(a) }
    }
}

/// Answers every request for an endpoint of the simulated world that no simulated cluster serves.
final class RefusedSimulatedEndpoint: HTTPTransport {
    let endpoint: String
    init(endpoint: String) { self.endpoint = endpoint }
    func send(_ request: HTTPRequestMessage, to baseURL: String) throws -> HTTPResponseMessage {
        throw EngineError("no simulated Kubernetes cluster answers at \(endpoint), an address of the simulated world (nothing connects to it)",
                          hint: "the kubeconfig comes from another simulator state or from a cluster deleted since; get one with `vcdscript sim kube kubeconfig NAME --embedded`, or delete the file to start again")
    }
}
