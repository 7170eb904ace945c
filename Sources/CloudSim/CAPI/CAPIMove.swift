import CloudWire
import Foundation

/// `clusterctl move`: the Cluster API and CAPVCD objects of a namespace, with the secrets they own
/// (`<cluster>-kubeconfig`, the credentials a VCDCluster names, secrets labelled with a moved
/// cluster's name), go from one management cluster to another. As clusterctl does it: the source
/// Clusters are paused (`spec.paused`, and the `cluster.x-k8s.io/paused` annotation on every object),
/// the objects are created paused in the target (new uids; names, specs and statuses kept, owner
/// references rewritten), deleted from the source, then unpaused in the target, whose controllers
/// reconcile them from then on.
extension Simulator {
    public func moveClusterAPI(from: String, to: String, namespace: String) throws -> [String] {
        guard from != to else { throw KubeClusterError(description: "the source and target of a move are the same cluster \"\(from)\"") }
        typealias Item = (r: KubeResource, name: String)
        // 1. Discover, check, pause the source and create the objects paused in the target.
        let (items, lines) = try capiWrite { tx -> ([Item], [String]) in
            for c in [from, to] where KubeStore.cluster(tx, c) == nil { throw KubeClusterError(description: "no Kubernetes cluster named \"\(c)\"") }
            for c in [from, to] where !CAPIComponents.controllersRun(tx, c) {
                throw KubeClusterError(description: "cluster \"\(c)\" does not run the Cluster API and CAPVCD providers: run clusterctl init (installClusterAPI and installCAPVCD) there first")
            }
            var items: [(KubeResource, JSONValue)] = []
            for r in CAPIRes.movable { for o in KO.list(tx, from, r, namespace) { items.append((r, o)) } }
            let clusterNames = items.filter { $0.0.plural == "clusters" }.map { KubeMeta.name($0.1) }
            var secretNames = Set<String>()
            for n in clusterNames { secretNames.insert("\(n)-kubeconfig") }
            for (r, o) in items where r.plural == "vcdclusters" {
                let ref = VCDCluster(o).spec.userContext.secretRef
                if ref.namespace ?? namespace == namespace, let s = ref.name { secretNames.insert(s) }
            }
            for s in KO.list(tx, from, CAPIRes.secrets, namespace) {
                if let c = KubeMeta.labels(s)[CAPIRes.clusterNameLabel], clusterNames.contains(c) { secretNames.insert(KubeMeta.name(s)) }
            }
            for name in secretNames.sorted() {
                if let s = KO.get(tx, from, CAPIRes.secrets, namespace, name) { items.insert((CAPIRes.secrets, s), at: 0) }
            }
            for (r, o) in items where KO.get(tx, to, r, namespace, KubeMeta.name(o)) != nil {
                throw KubeClusterError(description: "\(r.kind) \(namespace)/\(KubeMeta.name(o)) already exists in cluster \"\(to)\"")
            }
            try CAPIComponents.ensureNamespace(tx, to, namespace)
            var uids: [String: String] = [:]
            var lines: [String] = []
            for (r, o) in items {
                var paused = o
                KO.setAnnotation(&paused, CAPIRes.pausedAnnotation, "")
                if r.plural == "clusters" { paused = KO.merge(paused, ["spec": .object(["paused": .bool(true)])]) }
                try KO.save(tx, from, r, old: o, paused)
                var copy = paused
                for k in ["uid", "resourceVersion", "creationTimestamp", "generation", "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields"] {
                    KubeMeta.set(&copy, k, nil)
                }
                let created = try KO.create(tx, to, r, copy)
                if let old = KubeMeta.field(o, "uid")?.stringValue, let new = KubeMeta.field(created, "uid")?.stringValue { uids[old] = new }
                lines.append("Moved \(r.kind) \(namespace)/\(KubeMeta.name(o))")
            }
            // Owner references now point at the new uids.
            for (r, o) in items {
                guard let cur = KO.get(tx, to, r, namespace, KubeMeta.name(o)), case .array(let refs)? = KubeMeta.field(cur, "ownerReferences") else { continue }
                var n = cur
                KubeMeta.set(&n, "ownerReferences", .array(refs.map { ref in
                    guard let u = ref["uid"]?.stringValue, let nu = uids[u] else { return ref }
                    return KubePatch.merge(ref, .object(["uid": .string(nu)]))
                }))
                try KO.save(tx, to, r, old: cur, n)
            }
            return (items.map { ($0.0, KubeMeta.name($0.1)) }, lines)
        }
        // 2. Delete from the source (finalizers dropped, as clusterctl does), hand the records over,
        //    unpause in the target.
        try capiWrite { tx in
            for (r, name) in items.reversed() {
                if let s = KubeStore.get(tx, cluster: from, r, namespace: namespace, name: name) { try KubeStore.remove(tx, cluster: from, s) }
            }
            for (r, name) in items {
                guard let cur = KO.get(tx, to, r, namespace, name) else { continue }
                var n = cur
                KO.setAnnotation(&n, CAPIRes.pausedAnnotation, nil)
                if r.plural == "clusters" {
                    n = KO.merge(n, ["spec": .object(["paused": .null])])
                    if let o = tx.get(CAPIClusterRecord.id(name), kind: Kind.capiRecord), var rec = try? o.decode(CAPIClusterRecord.self),
                       rec.management == from, rec.namespace == namespace {
                        rec.management = to
                        try tx.update(o, rec)
                    }
                }
                try KO.save(tx, to, r, old: cur, n)
            }
        }
        return lines
    }
}
