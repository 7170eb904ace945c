import CloudWire
import Foundation

/// What made a simulated cluster: the one place that decides which system workloads it runs and
/// which address ranges its pods and services take. Stored on the cluster record
/// (`KubeClusterRecord.flavor`), set once when the cluster is made.
enum KubeClusterFlavor: String, Codable {
    /// `kind create cluster` / `vcdscript sim kube create` / `Simulator.createKubeCluster`: one
    /// node `<name>-control-plane`, untainted (kind removes the control-plane taint from a single
    /// node), kubeadm's static pods, kindnet, kube-proxy, CoreDNS and the local-path provisioner.
    case kind
    /// A workload cluster made by the simulated CAPVCD: its nodes join as machines run;
    /// kubeadm's static pods on control-plane nodes, kube-proxy, CoreDNS, Antrea (CNI), the VCD
    /// cloud provider (CPI) and the VCD named-disk CSI driver.
    case capvcd

    /// The cluster's flavour as stored; clusters stored before flavours existed count as kind
    /// for their address ranges.
    static func of(_ state: StateView, cluster: String) -> KubeClusterFlavor? {
        KubeStore.cluster(state, cluster)?.flavor
    }

    /// The first two octets of the pod network; node N gets `<prefix>.N.0/24` (kind's
    /// 10.244.0.0/16; CAPVCD's default cluster template uses 100.96.0.0/11).
    var podNetworkPrefix: String { self == .capvcd ? "100.96" : "10.244" }

    /// The first two octets of the service network (kind's 10.96.0.0/16; CAPVCD's 100.64.0.0/13).
    /// Host 1 is the `kubernetes` Service, host 10 `kube-dns`, as kubeadm assigns them.
    var serviceNetworkPrefix: String { self == .capvcd ? "100.64" : "10.96" }

    /// The service address with host number `n` (1 … 65534) of the service network.
    func serviceIP(_ n: Int) -> String { "\(serviceNetworkPrefix).\(n / 256).\(n % 256)" }

    /// The image of a Kubernetes component (`kube-apiserver`, `kube-proxy`, …) at `version`, from
    /// the registry the cluster's node image takes it from (TKG images carry `+vmware.N` as `_vmware.N`).
    func componentImage(_ component: String, version: String) -> String {
        switch self {
        case .kind: return "registry.k8s.io/\(component):\(version.split(separator: "+").first.map(String.init) ?? version)"
        case .capvcd: return "projects.registry.vmware.com/tkg/\(component):\(version.replacingOccurrences(of: "+", with: "_"))"
        }
    }
}
