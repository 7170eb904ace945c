import CloudWire
import Foundation

extension Simulator {
    /// One pass of a cluster's own controllers (`KubeWorkloads.pass`) in its own transaction,
    /// committed like a request's. Called from `advanceClusterAPI(in:)`, so it runs before every
    /// authenticated request to the cluster's API and on `advanceClusterAPI()`. A cluster in which
    /// nothing changed since the last pass that found nothing to do is skipped after one read; that
    /// mark is kept in the in-memory world only (not committed: a pass that writes nothing costs no
    /// disk write, and after a restart the first pass simply runs).
    func advanceWorkloads(in cluster: String) {
        if capiRead({ KubeWorkloads.quiet($0, cluster: cluster) }) { return }
        try? worldLock.write {
            let tx = WriteTx(base: world, now: clock.now())
            if try KubeWorkloads.pass(tx, cluster: cluster) {
                try store.commit(upserts: tx.upserts, deletions: tx.deletions, meta: tx.metaChanges, wipe: false)
            }
            world.apply(tx)
        }
    }
}

/// The simulated kube-controller-manager, scheduler and kubelets of a cluster: Deployments make
/// ReplicaSets, ReplicaSets, DaemonSets and StatefulSets make Pods, the scheduler binds Pods to
/// Ready nodes, the kubelets start them (a bound pod is `ContainerCreating` for one pass, then
/// Running) and run the static pods of control-plane nodes, the garbage collector follows
/// ownerReferences, the endpoints controller follows ready pods.
///
/// Deterministic (names come from the state, never from a clock or a random source) and quiet: a
/// pass writes an object only when it changes, so a second pass with nothing to do changes no
/// resourceVersion.
enum KubeWorkloads {
    /// One pass: each controller acts once, in the order a change flows (owners before what they
    /// own, scheduling before status), so a new Deployment has its pods bound after one pass and
    /// Running and Available after the next. Returns whether an object was written; when none
    /// was, the transaction holds only the quiet mark.
    @discardableResult
    static func pass(_ tx: WriteTx, cluster: String) throws -> Bool {
        guard let rec = KubeStore.cluster(tx, cluster) else { return false }
        let before = KubeStore.currentRV(tx, cluster: cluster)
        let p = KubeControllerPass(tx: tx, record: rec)
        try KubeGarbageCollector.run(p)
        try KubeKubelet.run(p)
        try KubeDeploymentController.sync(p)
        try KubeReplicaSetController.sync(p)
        try KubeDaemonSetController.sync(p)
        try KubeStatefulSetController.sync(p)
        try KubeScheduler.run(p)
        try KubeReplicaSetController.updateStatus(p)
        try KubeDaemonSetController.updateStatus(p)
        try KubeStatefulSetController.updateStatus(p)
        try KubeDeploymentController.updateStatus(p)
        try KubeEndpointsController.run(p)
        guard KubeStore.currentRV(tx, cluster: cluster) == before else { return true }
        if let m = marker(tx, cluster: cluster), tx.meta(quietKey(cluster)) != m { tx.setMeta(quietKey(cluster), m) }
        return false
    }

    private static func quietKey(_ cluster: String) -> String { "kube.workloads.quiet.\(cluster)" }

    /// The cluster's identity and latest resourceVersion: unchanged means no object changed.
    private static func marker(_ s: StateView, cluster: String) -> String? {
        guard let rec = KubeStore.cluster(s, cluster) else { return nil }
        return "\(rec.uid):\(KubeStore.currentRV(s, cluster: cluster))"
    }

    /// Whether the last pass found nothing to do and no object changed since (or the cluster is gone).
    static func quiet(_ s: StateView, cluster: String) -> Bool {
        guard let m = marker(s, cluster: cluster) else { return true }
        return s.meta(quietKey(cluster)) == m
    }

    /// Whether Deployment `namespace/name` of `cluster` has a ready replica and `Available=True`:
    /// what decides that the controller it runs is up.
    static func deploymentAvailable(_ state: StateView, cluster: String, namespace: String, name: String) -> Bool {
        guard let d = KubeStore.get(state, cluster: cluster, KubeTypes.deployments, namespace: namespace, name: name)?.json else { return false }
        let available = KubeFields.array(d["status"]?["conditions"]).contains {
            $0["type"]?.stringValue == "Available" && $0["status"]?.stringValue == "True"
        }
        return available && (KubeFields.int(d["status"]?["readyReplicas"]) ?? 0) >= 1
    }
}

/// What one pass works on: the transaction, the cluster, and reads and writes of its objects.
final class KubeControllerPass {
    let tx: WriteTx
    let record: KubeClusterRecord
    var cluster: String { record.name }
    var now: Double { tx.now }
    /// Clusters stored before flavours existed take kind's address ranges and run no static pods.
    var flavor: KubeClusterFlavor { record.flavor ?? .kind }

    init(tx: WriteTx, record: KubeClusterRecord) {
        self.tx = tx
        self.record = record
    }

    func list(_ r: KubeResource, _ namespace: String? = nil) -> [JSONValue] {
        KubeStore.list(tx, cluster: cluster, r, namespace: namespace).map(\.json)
    }

    func get(_ r: KubeResource, _ namespace: String, _ name: String) -> JSONValue? {
        KubeStore.get(tx, cluster: cluster, r, namespace: namespace, name: name)?.json
    }

    @discardableResult
    func create(_ r: KubeResource, _ o: JSONValue) throws -> JSONValue { try KubeObjectWriter.create(tx, cluster, r, o) }

    @discardableResult
    func save(_ r: KubeResource, old: JSONValue, _ new: JSONValue) throws -> JSONValue {
        try KubeObjectWriter.save(tx, cluster, r, old: old, new)
    }

    func remove(_ r: KubeResource, _ o: JSONValue) throws { try KubeObjectWriter.remove(tx, cluster, r, o) }

    /// The pods a controller owns (controller reference with its uid), not being deleted.
    func pods(ownedBy owner: JSONValue) -> [JSONValue] {
        let uid = KubeFields.uid(owner)
        return list(KubeTypes.pods, KubeMeta.namespace(owner)).filter { KubeFields.controllerUID($0) == uid && !KubeFields.deleting($0) }
    }

    private var hashes: [String: String] = [:]

    /// A template hash of `o` computed once per pass and object version (encoding a template is
    /// the costly part of a hash, and several controllers ask for the same one).
    func hash(of o: JSONValue, _ make: () -> String) -> String {
        let key = "\(KubeFields.uid(o))@\(KubeMeta.field(o, "resourceVersion")?.stringValue ?? "")"
        if let h = hashes[key] { return h }
        let h = make()
        hashes[key] = h
        return h
    }

    /// A seed for generated names that differs from one write to the next (the cluster's
    /// resourceVersion counter), so a pod made again after a deletion gets a new name.
    var nameSeed: String { KubeStore.currentRV(tx, cluster: cluster) }
}
