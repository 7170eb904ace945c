import CloudWire
import Foundation

/// The kubelets of a workload cluster run on its VMs. A VM that is not powered on (powered off or
/// suspended through VCD's API, or deleted) posts no node status: its Node's `Ready` condition
/// turns `Unknown` (reason `NodeStatusUnknown`, "Kubelet stopped posting node status.") with the
/// `node.kubernetes.io/unreachable` taint, as the node lifecycle controller marks it; powered on
/// again, the kubelet posts `Ready` again and the taint goes. (Kubernetes waits its 40 s grace
/// period first; here the change shows on the next pass, its time in `lastTransitionTime`.)
/// A MachineHealthCheck then counts its timeout from that transition (CAPIHealthChecks.swift).
enum CAPINodeHealth {
    static let unreachableTaint = "node.kubernetes.io/unreachable"

    /// One pass over the Nodes of workload cluster `cluster` whose providerID names a VM.
    static func sync(_ tx: WriteTx, cluster: String) throws {
        for node in KO.list(tx, cluster, CAPIRes.nodes) {
            guard let vmId = CAPVCDInfra.vmId(fromProviderID: KubeNode(node).spec.providerID) else { continue }
            let status = tx.get(vmId, kind: Kind.vm)?.json["status"]?.scalarText.flatMap(Int.init)
            let running = status == 4
            let conditions = node["status"]?["conditions"]?.arrayValue ?? []
            guard let i = conditions.firstIndex(where: { $0["type"]?.stringValue == "Ready" }) else { continue }
            let ready = conditions[i]["status"]?.stringValue == "True"
            guard ready != running else { continue }
            let t = JSONValue.string(KubeMeta.timestamp(tx.now))
            var list = conditions
            list[i] = running
                ? .object(["type": "Ready", "status": "True", "reason": "KubeletReady", "message": "kubelet is posting ready status",
                           "lastHeartbeatTime": t, "lastTransitionTime": t])
                : .object(["type": "Ready", "status": "Unknown", "reason": "NodeStatusUnknown", "message": "Kubelet stopped posting node status.",
                           "lastHeartbeatTime": conditions[i]["lastHeartbeatTime"] ?? t, "lastTransitionTime": t])
            var taints = (node["spec"]?["taints"]?.arrayValue ?? []).filter { $0["key"]?.stringValue != unreachableTaint }
            if !running {
                taints.append(.object(["key": .string(unreachableTaint), "effect": "NoExecute", "timeAdded": t]))
            }
            var n = KO.merge(node, ["status": .object(["conditions": .array(list)])])
            n = KO.merge(n, ["spec": .object(["taints": .array(taints)])])
            try KO.save(tx, cluster, CAPIRes.nodes, old: node, n)
        }
    }
}
