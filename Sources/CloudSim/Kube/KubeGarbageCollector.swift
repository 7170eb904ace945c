import CloudWire
import Foundation

/// The garbage collector (background propagation) for the workload types: a Deployment,
/// ReplicaSet, DaemonSet, StatefulSet, Job or Pod none of whose owners (ownerReferences, matched
/// by uid) exists any more goes, and what it owned goes in the same pass. An owner whose type
/// the cluster does not serve keeps its dependents, as the real collector cannot resolve it
/// either. Also the pod GC: a pod bound to a node that is gone goes (its controller makes another).
/// `Orphan` propagation is `orphan(...)`, called by the DELETE itself.
enum KubeGarbageCollector {
    /// The types whose objects are collected (what the simulated controllers make, and what
    /// users hang off them); other objects with ownerReferences (Cluster API's) are left to the
    /// controllers that made them.
    static let collected = [KubeTypes.deployments, KubeTypes.replicaSets, KubeTypes.daemonSets, KubeTypes.statefulSets,
                            KubeTypes.jobs, KubeTypes.pods]

    static func run(_ p: KubeControllerPass) throws {
        let catalog = KubeCatalog(state: p.tx, cluster: p.cluster)
        // Repeat while something went, so a Deployment's ReplicaSets and their pods go together.
        for _ in 0..<4 {
            var removed = false
            for r in collected {
                for o in p.list(r) where !KubeFields.ownerRefs(o).isEmpty && !hasOwner(p, o, catalog) {
                    try p.remove(r, o)
                    removed = true
                }
            }
            if !removed { break }
        }
        let nodes = Set(p.list(KubeTypes.nodes).map(KubeMeta.name))
        for pod in p.list(KubeTypes.pods) {
            if let n = KubePods.nodeName(pod), !nodes.contains(n) { try p.remove(KubeTypes.pods, pod) }
        }
    }

    /// Some owner of `o` still exists (same uid), or cannot be looked up.
    static func hasOwner(_ p: KubeControllerPass, _ o: JSONValue, _ catalog: KubeCatalog) -> Bool {
        KubeFields.ownerRefs(o).contains { ref in
            let apiVersion = ref["apiVersion"]?.stringValue ?? ""
            let group = apiVersion.contains("/") ? String(apiVersion.split(separator: "/")[0]) : ""
            guard let kind = ref["kind"]?.stringValue, let name = ref["name"]?.stringValue,
                  let r = catalog.resources.first(where: { $0.group == group && $0.kind == kind }) else { return true }
            let owner = p.get(r, r.namespaced ? KubeMeta.namespace(o) : "", name)
            return owner.map { KubeFields.uid($0) == ref["uid"]?.stringValue } ?? false
        }
    }

    /// `propagationPolicy: Orphan` (or `orphanDependents: true`): the owner's dependents lose
    /// their reference to it and stay.
    static func orphan(_ tx: WriteTx, cluster: String, owner: JSONValue) throws {
        let uid = KubeFields.uid(owner)
        for r in collected {
            for stored in KubeStore.list(tx, cluster: cluster, r, namespace: KubeMeta.namespace(owner)) {
                let refs = KubeFields.ownerRefs(stored.json)
                guard refs.contains(where: { $0["uid"]?.stringValue == uid }) else { continue }
                var o = stored.json
                let kept = refs.filter { $0["uid"]?.stringValue != uid }
                KubeMeta.set(&o, "ownerReferences", kept.isEmpty ? nil : .array(kept))
                try KubeStore.put(tx, cluster: cluster, r, o)
            }
        }
    }

    /// Whether a DELETE asks to orphan the dependents (body `DeleteOptions` or query).
    static func orphans(_ request: HTTPRequestMessage) -> Bool {
        if request.query("propagationPolicy") == "Orphan" || request.query("orphanDependents") == "true" { return true }
        guard let opts = try? JSONValue.parse(request.body) else { return false }
        return opts["propagationPolicy"]?.stringValue == "Orphan" || opts["orphanDependents"] == .bool(true)
    }
}
