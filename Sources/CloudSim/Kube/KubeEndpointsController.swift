import CloudWire
import Foundation

/// The endpoints controller: for every Service with a selector, an Endpoints object of the same
/// name listing the matching pods that have an address (ready ones in `addresses`, the others in
/// `notReadyAddresses`, all ready with `publishNotReadyAddresses`), with the service's ports
/// resolved against each pod (named target ports included). The `kubernetes` Service's endpoints
/// are the control-plane nodes on 6443, as the apiserver keeps them. Endpoints this controller
/// wrote (marked with `endpoints.kubernetes.io/last-change-trigger-time`) go with their Service.
/// EndpointSlices are not made: the simulated clusters do not serve `discovery.k8s.io`.
enum KubeEndpointsController {
    static let triggerKey = "endpoints.kubernetes.io/last-change-trigger-time"

    static func run(_ p: KubeControllerPass) throws {
        let services = p.list(KubeTypes.services)
        let names = Set(services.map { "\(KubeMeta.namespace($0))/\(KubeMeta.name($0))" })
        for svc in services where !KubeFields.deleting(svc) {
            if KubeMeta.namespace(svc) == "default" && KubeMeta.name(svc) == "kubernetes" && svc["spec"]?["selector"] == nil {
                try write(p, svc, subsets: apiserverSubsets(p))
                continue
            }
            guard case .object(let sel)? = svc["spec"]?["selector"], !sel.isEmpty,
                  svc["spec"]?["type"]?.stringValue != "ExternalName" else { continue }
            try write(p, svc, subsets: subsets(p, svc, selector: KubeFields.strings(svc["spec"]?["selector"])))
        }
        for ep in p.list(KubeTypes.endpoints) where KubeFields.annotations(ep)[triggerKey] != nil {
            if !names.contains("\(KubeMeta.namespace(ep))/\(KubeMeta.name(ep))") { try p.remove(KubeTypes.endpoints, ep) }
        }
    }

    /// Stores the Endpoints when their content changed (the trigger time alone changes nothing).
    static func write(_ p: KubeControllerPass, _ svc: JSONValue, subsets: [JSONValue]) throws {
        let ns = KubeMeta.namespace(svc), name = KubeMeta.name(svc)
        var meta: [String: JSONValue] = ["name": .string(name), "namespace": .string(ns)]
        if case .object(let l)? = KubeMeta.field(svc, "labels"), !l.isEmpty { meta["labels"] = .object(l) }
        var fresh: JSONValue = .object(["metadata": .object(meta)])
        if !subsets.isEmpty { KubeMeta.setTop(&fresh, "subsets", .array(subsets)) }
        guard let old = p.get(KubeTypes.endpoints, ns, name) else {
            KubeFields.setAnnotation(&fresh, triggerKey, KubeMeta.timestamp(p.now))
            try p.create(KubeTypes.endpoints, fresh)
            return
        }
        var n = old
        KubeMeta.setTop(&n, "subsets", fresh["subsets"])
        KubeMeta.set(&n, "labels", KubeMeta.field(fresh, "labels"))
        guard n != old else { return }
        KubeFields.setAnnotation(&n, triggerKey, KubeMeta.timestamp(p.now))
        try p.save(KubeTypes.endpoints, old: old, n)
    }

    /// Pods grouped by the ports the service resolves to on them (one subset per distinct set).
    static func subsets(_ p: KubeControllerPass, _ svc: JSONValue, selector: [String: String]) -> [JSONValue] {
        let publishAll = svc["spec"]?["publishNotReadyAddresses"] == .bool(true)
        // Keyed by the ports' JSON text (JSONValue is not Hashable).
        var groups: [String: (ports: [JSONValue], ready: [JSONValue], notReady: [JSONValue])] = [:]
        for pod in p.list(KubeTypes.pods, KubeMeta.namespace(svc)) where KubePods.active(pod) {
            let labels = KubeMeta.labels(pod)
            guard selector.allSatisfy({ labels[$0.key] == $0.value }), let ip = pod["status"]?["podIP"]?.stringValue, !ip.isEmpty else { continue }
            let ports = KubeFields.array(svc["spec"]?["ports"]).compactMap { resolve($0, on: pod) }
            var address: [String: JSONValue] = ["ip": .string(ip),
                                                "targetRef": .object(["kind": "Pod", "namespace": .string(KubeMeta.namespace(pod)),
                                                                      "name": .string(KubeMeta.name(pod)), "uid": .string(KubeFields.uid(pod))])]
            if let node = KubePods.nodeName(pod) { address["nodeName"] = .string(node) }
            let key = String(decoding: KubeJSON.encode(.array(ports)), as: UTF8.self)
            if publishAll || KubePods.ready(pod) { groups[key, default: (ports, [], [])].ready.append(.object(address)) } else {
                groups[key, default: (ports, [], [])].notReady.append(.object(address))
            }
        }
        func byIP(_ a: JSONValue, _ b: JSONValue) -> Bool { (a["ip"]?.stringValue ?? "") < (b["ip"]?.stringValue ?? "") }
        return groups.sorted { $0.key < $1.key }.map { _, pods in
            let ports = pods.ports
            var s: [String: JSONValue] = [:]
            if !pods.ready.isEmpty { s["addresses"] = .array(pods.ready.sorted(by: byIP)) }
            if !pods.notReady.isEmpty { s["notReadyAddresses"] = .array(pods.notReady.sorted(by: byIP)) }
            if !ports.isEmpty { s["ports"] = .array(ports) }
            return .object(s)
        }
    }

    /// A service port as an endpoint port on `pod` (a named target port looked up in its
    /// containers); nil when the pod has no port of that name.
    static func resolve(_ port: JSONValue, on pod: JSONValue) -> JSONValue? {
        var target = KubeFields.int(port["targetPort"]) ?? KubeFields.int(port["port"])
        if case .string(let name)? = port["targetPort"], Int(name) == nil {
            target = KubeKubelet.containers(pod).flatMap { KubeFields.array($0["ports"]) }
                .first { $0["name"]?.stringValue == name }.flatMap { KubeFields.int($0["containerPort"]) }
        }
        guard let target else { return nil }
        var out: [String: JSONValue] = ["port": .int(target), "protocol": port["protocol"] ?? "TCP"]
        if let n = port["name"]?.stringValue, !n.isEmpty { out["name"] = .string(n) }
        return .object(out)
    }

    /// The apiserver's own endpoints: every Ready control-plane node's address on 6443.
    static func apiserverSubsets(_ p: KubeControllerPass) -> [JSONValue] {
        let ips = p.list(KubeTypes.nodes).filter {
            KubeMeta.labels($0)["node-role.kubernetes.io/control-plane"] != nil && KubeKubelet.ready($0)
        }.map(KubeKubelet.nodeIP).filter { !$0.isEmpty }.sorted()
        guard !ips.isEmpty else { return [] }
        return [.object(["addresses": .array(ips.map { .object(["ip": .string($0)]) }),
                         "ports": .array([.object(["name": "https", "port": 6443, "protocol": "TCP"])])])]
    }
}
