// TEMPORARY — DELETE AT MERGE. Stand-ins, with the contract's exact signatures, for the simulated
// Cluster API / CAPVCD controllers that branch `capvcd-sim` adds to CloudSim (CONTRACT between the
// branches). installClusterAPI only creates the namespaces and CRDs; the rest is not simulated.
import CloudSim
import CloudWire
import Foundation

extension Simulator {
    public func installClusterAPI(cluster: String, core: String, bootstrap: String, controlPlane: String) throws -> [String] {
        guard let token = SimCAPIShim.token(self, cluster) else { throw SimCAPIShim.Failure(description: "no Kubernetes cluster named \"\(cluster)\"") }
        for ns in ["capi-system", "capi-kubeadm-bootstrap-system", "capi-kubeadm-control-plane-system"] {
            _ = handle(SimCAPIShim.post(cluster, token, "/api/v1/namespaces", ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": ns]]), service: .kube)
        }
        let crds: [(String, String, String)] = [
            ("cluster.x-k8s.io", "Cluster", "clusters"), ("cluster.x-k8s.io", "Machine", "machines"), ("cluster.x-k8s.io", "MachineSet", "machinesets"),
            ("cluster.x-k8s.io", "MachineDeployment", "machinedeployments"), ("cluster.x-k8s.io", "MachineHealthCheck", "machinehealthchecks"),
            ("bootstrap.cluster.x-k8s.io", "KubeadmConfig", "kubeadmconfigs"), ("bootstrap.cluster.x-k8s.io", "KubeadmConfigTemplate", "kubeadmconfigtemplates"),
            ("controlplane.cluster.x-k8s.io", "KubeadmControlPlane", "kubeadmcontrolplanes"),
        ]
        for (group, kind, plural) in crds {
            let crd: [String: Any] = [
                "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "metadata": ["name": "\(plural).\(group)"],
                "spec": ["group": group, "scope": "Namespaced", "names": ["kind": kind, "plural": plural, "singular": kind.lowercased(), "listKind": kind + "List"],
                         "versions": [["name": "v1beta1", "served": true, "storage": true,
                                       "schema": ["openAPIV3Schema": ["type": "object", "x-kubernetes-preserve-unknown-fields": true]],
                                       "subresources": ["status": [:] as [String: Any]]]]],
            ]
            _ = handle(SimCAPIShim.post(cluster, token, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd), service: .kube)
        }
        return ["Installing Provider=\(core) TargetNamespace=capi-system (namespaces and CRDs only: not simulated yet)"]
    }

    public func installCAPVCD(cluster: String, version: String) throws -> [String] { throw SimCAPIShim.notSimulated("installCAPVCD") }
    public func moveClusterAPI(from: String, to: String, namespace: String) throws -> [String] { throw SimCAPIShim.notSimulated("moveClusterAPI") }
    public func kubeCluster(atEndpoint host: String, port: Int) -> String? { nil }
}

enum SimCAPIShim {
    struct Failure: Error, CustomStringConvertible { var description: String }
    static func notSimulated(_ what: String) -> Failure {
        Failure(description: "\(what): the CAPVCD controllers are not simulated yet (branch capvcd-sim)")
    }
    static func token(_ sim: Simulator, _ cluster: String) -> String? {
        guard let text = try? sim.kubeconfig(cluster: cluster, server: "https://kube.sim.test"),
              let line = text.split(separator: "\n").first(where: { $0.contains("token:") }) else { return nil }
        return String(line.split(separator: ":", maxSplits: 1)[1]).trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
    }
    static func post(_ cluster: String, _ token: String, _ path: String, _ body: [String: Any]) -> HTTPRequestMessage {
        HTTPRequestMessage(method: "POST", target: "/clusters/\(cluster)" + path,
                           headers: ["Authorization": "Bearer " + token, "Content-Type": "application/json"],
                           body: (try? JSONSerialization.data(withJSONObject: body)) ?? Data())
    }
}
