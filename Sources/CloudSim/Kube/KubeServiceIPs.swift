import CloudWire
import Foundation

/// ClusterIP allocation, done by the apiserver when a Service is stored: a Service of type
/// ClusterIP, NodePort or LoadBalancer without `spec.clusterIP` gets the lowest free address of
/// the cluster's service network (hosts 1 and 10 are kept for `kubernetes` and `kube-dns`), with
/// `clusterIPs`, `ipFamilies`, `ipFamilyPolicy` and the other defaults the apiserver writes. An
/// update keeps the address it had. `None` (headless) and ExternalName services get none.
enum KubeServiceIPs {
    static func assign(_ o: inout JSONValue, old: JSONValue?, state: StateView, cluster: KubeClusterRecord) {
        let type = o["spec"]?["type"]?.stringValue ?? "ClusterIP"
        guard type != "ExternalName" else { return }
        var spec: [String: JSONValue] = [:]
        if case .object(let s)? = o["spec"] { spec = s }
        var ip = spec["clusterIP"]?.stringValue ?? ""
        if ip.isEmpty, let kept = old?["spec"]?["clusterIP"]?.stringValue, !kept.isEmpty { ip = kept }
        if ip.isEmpty {
            let flavor = cluster.flavor ?? .kind
            let used = Set(KubeStore.list(state, cluster: cluster.name, KubeTypes.services).compactMap { $0.json["spec"]?["clusterIP"]?.stringValue })
            guard let n = (11..<65535).first(where: { !used.contains(flavor.serviceIP($0)) }) else { return }
            ip = flavor.serviceIP(n)
        }
        spec["clusterIP"] = .string(ip)
        if spec["clusterIPs"] == nil { spec["clusterIPs"] = .array([.string(ip)]) }
        if ip != "None" {
            if spec["ipFamilies"] == nil { spec["ipFamilies"] = ["IPv4"] }
            if spec["ipFamilyPolicy"] == nil { spec["ipFamilyPolicy"] = "SingleStack" }
        }
        if spec["sessionAffinity"] == nil { spec["sessionAffinity"] = "None" }
        if spec["internalTrafficPolicy"] == nil { spec["internalTrafficPolicy"] = "Cluster" }
        if type == "NodePort" || type == "LoadBalancer", spec["externalTrafficPolicy"] == nil { spec["externalTrafficPolicy"] = "Cluster" }
        KubeMeta.setTop(&o, "spec", .object(spec))
    }
}
