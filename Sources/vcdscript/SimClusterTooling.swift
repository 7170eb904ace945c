import CloudClient
import CloudSim
import Foundation
import ScriptCloud

/// The Cluster API tooling of the embedded simulator: kind clusters are its simulated Kubernetes
/// clusters, clusterctl init / CAPVCD / move are its simulated providers (CONTRACT's Simulator
/// APIs), and kubeconfigs naming a simulated API server are reached in-process.
final class SimClusterTooling: ClusterTooling {
    let simulator: () throws -> Simulator
    init(_ simulator: @escaping () throws -> Simulator) { self.simulator = simulator }

    func kindClusters() throws -> [String] { try simulator().kubeClusters.map(\.name) }
    func kindCreate(name: String, kubernetes: String?) throws {
        if let k = kubernetes { try simulator().createKubeCluster(name: name, kubernetesVersion: k) } else { try simulator().createKubeCluster(name: name) }
    }
    func kindDelete(name: String) throws { try simulator().deleteKubeCluster(name: name) }
    func kindKubeconfig(name: String) throws -> String { try simulator().kubeconfig(cluster: name, server: "https://" + CloudWiring.embeddedKubeHost) }
    func clusterctlInit(_ cluster: ClusterAccess, core: String, bootstrap: String, controlPlane: String) throws -> [String] {
        try simulator().installClusterAPI(cluster: cluster.name, core: core, bootstrap: bootstrap, controlPlane: controlPlane)
    }
    func installInfrastructure(_ cluster: ClusterAccess, provider: String, version: String) throws -> [String] {
        guard provider == "vcd" else { throw EngineError("the simulator has no infrastructure provider \(provider)", hint: "CAPVCD is provider vcd") }
        return try simulator().installCAPVCD(cluster: cluster.name, version: version)
    }
    func move(from: ClusterAccess, to: ClusterAccess, namespace: String) throws -> [String] {
        try simulator().moveClusterAPI(from: from.name, to: to.name, namespace: namespace)
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
    static let ranges: [(base: UInt32, mask: UInt32)] = [(0xC000_0200, 0xFFFF_FF00), (0xC633_6400, 0xFFFF_FF00), (0xCB00_7100, 0xFFFF_FF00)]

    static func isSimulated(_ host: String) -> Bool {
        let parts = host.split(separator: ".").compactMap { UInt32($0) }
        guard parts.count == 4, parts.allSatisfy({ $0 < 256 }) else { return false }
        let v = parts.reduce(UInt32(0)) { $0 << 8 | $1 }
        return ranges.contains { v & $0.mask == $0.base }
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
