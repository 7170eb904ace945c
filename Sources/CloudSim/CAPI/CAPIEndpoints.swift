import CloudWire
import Foundation

extension Simulator {
    /// The simulated cluster whose API a kubeconfig's server names: a workload cluster's
    /// control-plane endpoint (VIP:6443 chosen by the simulated CAPVCD), or nil.
    public func kubeCluster(atEndpoint host: String, port: Int) -> String? {
        guard port == 6443 else { return nil }
        return capiRead { s in
            s.children(Kind.capiRecord, of: "capi/clusters").compactMap { try? $0.decode(CAPIClusterRecord.self) }
                .first { $0.vip == host && $0.workloadCreated && KubeStore.cluster(s, $0.name) != nil }?.name
        }
    }
}
