import CloudWire
import Foundation

/// The default scheduler: binds each unbound pod (schedulerName `default-scheduler`) to the Ready,
/// schedulable node with the fewest pods (then by name) among those whose `NoSchedule`/`NoExecute`
/// taints it tolerates and whose labels (and name, for a DaemonSet's pods) its node selector and
/// required node affinity accept. The node's kubelet takes the pod at once (`ContainerCreating`).
/// With no such node the pod stays Pending with `PodScheduled=False`, reason `Unschedulable` and
/// the scheduler's message.
enum KubeScheduler {
    static func run(_ p: KubeControllerPass) throws {
        let nodes = p.list(KubeTypes.nodes)
        let pods = p.list(KubeTypes.pods)
        var load: [String: Int] = [:]
        for pod in pods where KubePods.active(pod) { if let n = KubePods.nodeName(pod) { load[n, default: 0] += 1 } }
        for pod in pods where KubePods.active(pod) && KubePods.nodeName(pod) == nil {
            let scheduler = pod["spec"]?["schedulerName"]?.stringValue ?? "default-scheduler"
            guard scheduler == "default-scheduler" else { continue }
            var why: [String: Int] = [:]
            var fitting: [JSONValue] = []
            for node in nodes {
                if let reason = misfit(pod["spec"], node: node, podsOnNode: load[KubeMeta.name(node)] ?? 0) {
                    why[reason, default: 0] += 1
                } else {
                    fitting.append(node)
                }
            }
            guard let node = fitting.min(by: { a, b in
                let la = load[KubeMeta.name(a)] ?? 0, lb = load[KubeMeta.name(b)] ?? 0
                return la != lb ? la < lb : KubeMeta.name(a) < KubeMeta.name(b)
            }) else {
                try p.save(KubeTypes.pods, old: pod, unschedulable(pod, message: message(nodes: nodes.count, why), now: p.now))
                continue
            }
            load[KubeMeta.name(node), default: 0] += 1
            var bound = pod
            KubeMeta.setTop(&bound, "spec", KubePatch.merge(pod["spec"] ?? .object([:]), ["nodeName": .string(KubeMeta.name(node))]))
            try p.save(KubeTypes.pods, old: pod, KubeKubelet.accept(bound, node: node, now: p.now))
        }
    }

    /// Why `node` cannot take a pod with this spec (the scheduler's wording), or nil when it can.
    /// `daemon`: a DaemonSet's view, which places pods on nodes not yet Ready too; `running`: whether
    /// a pod already there may stay (only `NoExecute` taints and the node selector count).
    static func misfit(_ spec: JSONValue?, node: JSONValue, podsOnNode: Int = 0, daemon: Bool = false, running: Bool = false) -> String? {
        let tolerations = KubeFields.array(spec?["tolerations"])
        if !daemon && !running && !KubeKubelet.ready(node)
            && !tolerations.contains(where: { tolerates($0, key: "node.kubernetes.io/not-ready", value: "", effect: "NoSchedule") }) {
            return "node(s) had untolerated taint {node.kubernetes.io/not-ready: }"
        }
        if !running, node["spec"]?["unschedulable"] == .bool(true),
           !tolerations.contains(where: { tolerates($0, key: "node.kubernetes.io/unschedulable", value: "", effect: "NoSchedule") }) {
            return "node(s) were unschedulable"
        }
        for taint in KubeFields.array(node["spec"]?["taints"]) {
            let effect = taint["effect"]?.stringValue ?? ""
            guard (effect == "NoSchedule" && !running) || effect == "NoExecute" else { continue }
            let key = taint["key"]?.stringValue ?? "", value = taint["value"]?.stringValue ?? ""
            if !tolerations.contains(where: { tolerates($0, key: key, value: value, effect: effect) }) {
                return "node(s) had untolerated taint {\(key): \(value)}"
            }
        }
        if !selects(spec, node: node) { return "node(s) didn't match Pod's node affinity/selector" }
        if !daemon && !running, let max = KubeFields.int(node["status"]?["allocatable"]?["pods"]), podsOnNode >= max { return "Too many pods" }
        return nil
    }

    /// A toleration matches a taint: same key (or an empty key with `Exists`), same effect (or
    /// none), and with `Equal` (the default) the same value.
    static func tolerates(_ t: JSONValue, key: String, value: String, effect: String) -> Bool {
        if let e = t["effect"]?.stringValue, !e.isEmpty, e != effect { return false }
        let op = t["operator"]?.stringValue ?? "Equal"
        let k = t["key"]?.stringValue ?? ""
        if k.isEmpty { return op == "Exists" }
        guard k == key else { return false }
        return op == "Exists" || (t["value"]?.stringValue ?? "") == value
    }

    /// `nodeSelector` and `affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution`.
    static func selects(_ spec: JSONValue?, node: JSONValue) -> Bool {
        let labels = KubeMeta.labels(node)
        for (k, v) in KubeFields.strings(spec?["nodeSelector"]) where labels[k] != v { return false }
        guard let required = spec?["affinity"]?["nodeAffinity"]?["requiredDuringSchedulingIgnoredDuringExecution"] else { return true }
        return KubeFields.array(required["nodeSelectorTerms"]).contains { term in
            let exprs = KubeFields.array(term["matchExpressions"]), fields = KubeFields.array(term["matchFields"])
            guard !exprs.isEmpty || !fields.isEmpty else { return false }
            return exprs.allSatisfy { KubeObjectSelector.expression($0, labels[$0["key"]?.stringValue ?? ""]) }
                && fields.allSatisfy { KubeObjectSelector.expression($0, $0["key"]?.stringValue == "metadata.name" ? KubeMeta.name(node) : nil) }
        }
    }

    /// The node a pod must run on: its `nodeName`, or the one a DaemonSet names by node affinity.
    static func targetNode(_ pod: JSONValue) -> String? {
        if let n = KubePods.nodeName(pod) { return n }
        let terms = KubeFields.array(pod["spec"]?["affinity"]?["nodeAffinity"]?["requiredDuringSchedulingIgnoredDuringExecution"]?["nodeSelectorTerms"])
        for t in terms {
            for f in KubeFields.array(t["matchFields"]) where f["key"]?.stringValue == "metadata.name" && f["operator"]?.stringValue == "In" {
                if let v = KubeFields.array(f["values"]).first?.stringValue { return v }
            }
        }
        return nil
    }

    static func message(nodes: Int, _ why: [String: Int]) -> String {
        guard nodes > 0 else { return "no nodes available to schedule pods" }
        let parts = why.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        return "0/\(nodes) nodes are available: \(parts). preemption: 0/\(nodes) nodes are available: \(nodes) Preemption is not helpful for scheduling."
    }

    static func unschedulable(_ pod: JSONValue, message: String, now: Double) -> JSONValue {
        let prev = KubeFields.array(pod["status"]?["conditions"])
        return KubeFields.withStatus(pod, [
            "phase": "Pending", "qosClass": pod["status"]?["qosClass"],
            "conditions": .array([KubeFields.condition("PodScheduled", false, reason: "Unschedulable", message: message, previous: prev, now: now,
                                                       probeTime: true)]),
        ])
    }
}
