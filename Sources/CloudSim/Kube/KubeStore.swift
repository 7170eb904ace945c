import CloudWire
import Foundation

extension Kind {
    /// A simulated Kubernetes cluster (`KubeClusterRecord`); id `k8s/<name>`.
    static let kubeCluster = "kubeCluster"
    /// One Kubernetes object of a cluster, body = the object's JSON; id
    /// `k8s/<cluster>/<group|core>/<plural>/<namespace>/<name>`, parent = its collection
    /// (`k8s/<cluster>/<group|core>/<plural>`) so that a list reads one index entry.
    static let kubeObject = "kubeObject"
}

/// A simulated cluster as stored. `tokenDigest` is the SHA-256 of the bearer token its API
/// accepts; the token itself is derived when a kubeconfig is made (`KubeClusterTokens`) and is
/// never logged (the request log keeps method, path and status only) nor in `description`.
struct KubeClusterRecord: Codable, CustomStringConvertible {
    var name: String
    var kubernetesVersion: String
    var tokenDigest: String
    /// The digest of the random token an older state stored in clear, still accepted so that the
    /// kubeconfigs handed out before the upgrade keep working.
    var previousTokenDigest: String? = nil
    var uid: String
    var creationTimestamp: String
    /// What made the cluster, which decides its system workloads and address ranges
    /// (`KubeClusterFlavor`); nil for clusters stored before flavours existed (no system pods).
    var flavor: KubeClusterFlavor? = nil

    var description: String { "KubeCluster(\(name), \(kubernetesVersion))" }
}

/// Where Kubernetes objects live in the simulator's store, and the per-cluster `resourceVersion`
/// counter (a meta value, so it survives restarts and only grows, like etcd's revision).
enum KubeStore {
    static func clusterID(_ name: String) -> String { "k8s/\(name)" }
    static func collectionID(_ cluster: String, _ r: KubeResource) -> String { "k8s/\(cluster)/\(r.storageKey)" }
    static func objectID(_ cluster: String, _ r: KubeResource, namespace: String, name: String) -> String {
        "\(collectionID(cluster, r))/\(namespace)/\(name)"
    }

    static func cluster(_ state: StateView, _ name: String) -> KubeClusterRecord? {
        try? state.get(clusterID(name), kind: Kind.kubeCluster)?.decode(KubeClusterRecord.self)
    }

    /// Objects of a type, in the apiserver's order (namespace, then name); only `namespace`'s when given.
    static func list(_ state: StateView, cluster: String, _ r: KubeResource, namespace: String? = nil) -> [StoredObject] {
        state.children(Kind.kubeObject, of: collectionID(cluster, r))
            .filter { namespace == nil || KubeMeta.namespace($0.json) == namespace }
            .sorted { (KubeMeta.namespace($0.json), $0.name) < (KubeMeta.namespace($1.json), $1.name) }
    }

    static func get(_ state: StateView, cluster: String, _ r: KubeResource, namespace: String, name: String) -> StoredObject? {
        state.get(objectID(cluster, r, namespace: namespace, name: name), kind: Kind.kubeObject)
    }

    private static let rvPrefix = "kube.rv."
    static func rvKey(_ cluster: String) -> String { rvPrefix + cluster }

    /// The cluster's latest resourceVersion (what a list reports).
    static func currentRV(_ state: StateView, cluster: String) -> String { state.meta(rvKey(cluster)) ?? "1" }

    /// Takes the next resourceVersion for a change in this transaction.
    static func nextRV(_ tx: WriteTx, cluster: String) -> String {
        let next = (Int(tx.meta(rvKey(cluster)) ?? "1") ?? 1) + 1
        tx.setMeta(rvKey(cluster), String(next))
        return String(next)
    }

    /// Writes an object (insert or replace) with a new resourceVersion; returns the stored JSON.
    /// Every object write of the simulator passes here (requests and the simulated controllers),
    /// so this is where the write becomes a watch event (published when the transaction commits).
    @discardableResult
    static func put(_ tx: WriteTx, cluster: String, _ r: KubeResource, _ object: JSONValue) throws -> JSONValue {
        var o = object
        let rv = nextRV(tx, cluster: cluster)
        KubeMeta.set(&o, "resourceVersion", .string(rv))
        let ns = KubeMeta.namespace(o), name = KubeMeta.name(o)
        let id = objectID(cluster, r, namespace: ns, name: name)
        let old = tx.get(id, kind: Kind.kubeObject)
        if let old {
            try tx.update(old, o)
        } else {
            try tx.insert(kind: Kind.kubeObject, id: id, parent: collectionID(cluster, r), name: name, o)
        }
        tx.kubeEvents.append(KubeWatchEvent(type: old == nil ? .added : .modified, resourceVersion: Int(rv) ?? 0, cluster: cluster,
                                            storageKey: r.storageKey, namespace: ns, object: o, previous: old?.json))
        return o
    }

    /// Deletes an object; a deletion takes a resourceVersion too, as in etcd, and the `DELETED`
    /// event carries the object's last state with that resourceVersion (what the apiserver sends).
    static func remove(_ tx: WriteTx, cluster: String, _ o: StoredObject) throws {
        let rv = nextRV(tx, cluster: cluster)
        tx.delete(o.id)
        var last = o.json
        KubeMeta.set(&last, "resourceVersion", .string(rv))
        let prefix = "k8s/\(cluster)/"
        let key = o.parentId.map { $0.hasPrefix(prefix) ? String($0.dropFirst(prefix.count)) : $0 } ?? ""
        tx.kubeEvents.append(KubeWatchEvent(type: .deleted, resourceVersion: Int(rv) ?? 0, cluster: cluster, storageKey: key,
                                            namespace: KubeMeta.namespace(last), object: last, previous: nil))
    }

    /// Clusters whose resourceVersion counter this transaction resets (the cluster was deleted):
    /// their watch history no longer means anything.
    static func clustersReset(in tx: WriteTx) -> [String] {
        tx.metaChanges.compactMap { k, v in k.hasPrefix(rvPrefix) && v.isEmpty ? String(k.dropFirst(rvPrefix.count)) : nil }
    }

    /// Every object of a cluster (cluster deletion).
    static func allObjects(_ state: StateView, cluster: String) -> [StoredObject] {
        let prefix = "k8s/\(cluster)/"
        return state.all(Kind.kubeObject).filter { $0.id.hasPrefix(prefix) }
    }
}

/// Reading and writing `metadata` of an object held as `JSONValue`.
enum KubeMeta {
    static func field(_ o: JSONValue, _ key: String) -> JSONValue? { o["metadata"]?[key] }
    static func name(_ o: JSONValue) -> String { field(o, "name")?.stringValue ?? "" }
    static func namespace(_ o: JSONValue) -> String { field(o, "namespace")?.stringValue ?? "" }
    static func labels(_ o: JSONValue) -> [String: String] {
        guard case .object(let l)? = field(o, "labels") else { return [:] }
        return Dictionary(uniqueKeysWithValues: l.compactMap { m in m.value.stringValue.map { (m.key, $0) } })
    }

    /// Sets (or with nil removes) `metadata.<key>`, creating `metadata` if needed.
    static func set(_ o: inout JSONValue, _ key: String, _ value: JSONValue?) {
        guard case .object(var top) = o else { return }
        var meta: JSONObject = [:]
        if case .object(let m)? = top["metadata"] { meta = m }
        meta[key] = value
        top["metadata"] = .object(meta)
        o = .object(top)
    }

    /// Sets (or removes) a top-level member.
    static func setTop(_ o: inout JSONValue, _ key: String, _ value: JSONValue?) {
        guard case .object(var top) = o else { return }
        top[key] = value
        o = .object(top)
    }

    /// RFC 3339 in seconds, UTC, as `creationTimestamp` is written. Computed from the epoch
    /// seconds (days → civil date in the proleptic Gregorian calendar) rather than with a
    /// formatter: the workload controllers write many conditions per pass and a formatter costs
    /// far more than the arithmetic.
    static func timestamp(_ t: Double) -> String {
        let secs = Int(t.rounded(.down))
        let days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400
        let rest = secs - days * 86400
        // Days since 1970-01-01 → year, month, day (eras of 400 years, years starting in March).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let y = String(year)
        return "\(String(repeating: "0", count: max(0, 4 - y.count)))\(y)-\(two(month))-\(two(day))T\(two(rest / 3600)):\(two(rest % 3600 / 60)):\(two(rest % 60))Z"
    }

    /// DNS-1123 subdomain (most names) or label (namespaces): the apiserver's rule and message
    /// (shared with the engine, which checks names before sending: `KubeNameRules`).
    static func nameProblem(_ name: String, label: Bool) -> String? { KubeNameRules.problem(name, label: label) }
}
