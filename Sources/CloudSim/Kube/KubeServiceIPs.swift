import CloudWire
import Foundation

/// ClusterIP allocation, done by the apiserver when a Service is stored: a Service of type
/// ClusterIP, NodePort or LoadBalancer without `spec.clusterIP` gets the lowest free address of
/// the cluster's service network (hosts 1 and 10 are kept for `kubernetes` and `kube-dns`), with
/// `clusterIPs`, `ipFamilies`, `ipFamilyPolicy` and the other defaults the apiserver writes. An
/// update keeps the address it had. `None` (headless) and ExternalName services get none.
/// NodePort and LoadBalancer Services get their node ports here too.
enum KubeServiceIPs {
    static func assign(_ o: inout JSONValue, old: JSONValue?, state: StateView, cluster: KubeClusterRecord) {
        let type = o["spec"]?["type"]?.stringValue ?? "ClusterIP"
        guard type != "ExternalName" else { return }
        var spec: JSONObject = [:]
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
        if type == "NodePort" || type == "LoadBalancer" {
            if spec["externalTrafficPolicy"] == nil { spec["externalTrafficPolicy"] = "Cluster" }
            if case .array(let ports)? = spec["ports"] {
                spec["ports"] = .array(nodePorts(ports, old: old, state: state, cluster: cluster.name, service: KubeMeta.name(o)))
            }
        }
        KubeMeta.setTop(&o, "spec", .object(spec))
    }

    /// A NodePort or LoadBalancer Service's ports each get a node port (30000–32767, unique in the
    /// cluster) when they have none, as the apiserver allocates them when the Service is stored; an
    /// update keeps the port a same-numbered port had.
    static func nodePorts(_ ports: [JSONValue], old: JSONValue?, state: StateView, cluster: String, service: String) -> [JSONValue] {
        func nodePort(_ p: JSONValue) -> Int? { KubeFields.int(p["nodePort"]).flatMap { $0 > 0 ? $0 : nil } }
        var used = Set<Int>()
        for s in KubeStore.list(state, cluster: cluster, KubeTypes.services) where KubeMeta.name(s.json) != service || old == nil {
            for p in s.json["spec"]?["ports"]?.arrayValue ?? [] { if let n = nodePort(p) { used.insert(n) } }
        }
        let kept = old?["spec"]?["ports"]?.arrayValue ?? []
        var out = ports
        for i in out.indices { if let n = nodePort(out[i]) { used.insert(n) } }
        for i in out.indices where nodePort(out[i]) == nil {
            let previous = kept.first { $0["port"] == out[i]["port"] && ($0["protocol"] ?? "TCP") == (out[i]["protocol"] ?? "TCP") }.flatMap(nodePort)
            guard let n = previous ?? (30000...32767).first(where: { !used.contains($0) }) else { break }
            used.insert(n)
            out[i] = KubePatch.merge(out[i], .object(["nodePort": .int(n)]))
        }
        return out
    }
}
