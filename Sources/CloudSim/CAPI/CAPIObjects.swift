import CloudWire
import Foundation

/// The Cluster API and CAPVCD types the simulated controllers read and write, and small helpers to
/// create and change Kubernetes objects inside one write transaction (the same bookkeeping as the
/// apiserver: uid, creationTimestamp, generation, resourceVersion).
enum CAPIRes {
    static func r(_ g: String, _ v: String, _ kind: String, _ plural: String) -> KubeResource {
        KubeResource(group: g, version: v, kind: kind, plural: plural, singular: kind.lowercased(), namespaced: true,
                     hasStatus: true, returnsDeleted: true, custom: true)
    }
    static let core = "cluster.x-k8s.io"
    static let bootstrap = "bootstrap.cluster.x-k8s.io"
    static let controlPlane = "controlplane.cluster.x-k8s.io"
    static let infra = "infrastructure.cluster.x-k8s.io"
    static let addons = "addons.cluster.x-k8s.io"

    static let clusters = r(core, "v1beta1", "Cluster", "clusters")
    static let machines = r(core, "v1beta1", "Machine", "machines")
    static let machineSets = r(core, "v1beta1", "MachineSet", "machinesets")
    static let machineDeployments = r(core, "v1beta1", "MachineDeployment", "machinedeployments")
    static let machineHealthChecks = r(core, "v1beta1", "MachineHealthCheck", "machinehealthchecks")
    static let clusterResourceSets = r(addons, "v1beta1", "ClusterResourceSet", "clusterresourcesets")
    static let clusterResourceSetBindings = r(addons, "v1beta1", "ClusterResourceSetBinding", "clusterresourcesetbindings")
    static let kubeadmConfigs = r(bootstrap, "v1beta1", "KubeadmConfig", "kubeadmconfigs")
    static let kubeadmConfigTemplates = r(bootstrap, "v1beta1", "KubeadmConfigTemplate", "kubeadmconfigtemplates")
    static let kubeadmControlPlanes = r(controlPlane, "v1beta1", "KubeadmControlPlane", "kubeadmcontrolplanes")
    static let vcdClusters = r(infra, "v1beta2", "VCDCluster", "vcdclusters")
    static let vcdMachines = r(infra, "v1beta2", "VCDMachine", "vcdmachines")
    static let vcdMachineTemplates = r(infra, "v1beta2", "VCDMachineTemplate", "vcdmachinetemplates")

    /// What `clusterctl move` carries, in creation order (owners before what they own).
    static let movable = [clusters, vcdClusters, vcdMachineTemplates, kubeadmConfigTemplates, kubeadmControlPlanes, machineDeployments,
                          machineSets, machineHealthChecks, kubeadmConfigs, vcdMachines, machines]

    static func builtin(_ plural: String) -> KubeResource { KubeBuiltins.all.first { $0.plural == plural }! }
    static let secrets = builtin("secrets")
    static let nodes = builtin("nodes")
    static let services = builtin("services")
    static let namespaces = builtin("namespaces")
    static let deployments = builtin("deployments")
    static let configMaps = builtin("configmaps")

    static let clusterNameLabel = "cluster.x-k8s.io/cluster-name"
    static let pausedAnnotation = "cluster.x-k8s.io/paused"
}

/// Object helpers on `JSONValue`: get, list, create, save and remove as the apiserver would, and
/// the metadata and status bookkeeping of the controllers. What they read of an object's spec and
/// status goes through its typed record (`KubeRecord`: ClusterAPIRecords, CAPVCDRecords,
/// KubeCoreRecords), not through paths.
enum KO {
    static func get(_ s: StateView, _ c: String, _ r: KubeResource, _ ns: String, _ name: String) -> JSONValue? {
        KubeStore.get(s, cluster: c, r, namespace: ns, name: name)?.json
    }

    static func list(_ s: StateView, _ c: String, _ r: KubeResource, _ ns: String? = nil) -> [JSONValue] {
        KubeStore.list(s, cluster: c, r, namespace: ns).map(\.json)
    }

    /// Creates an object as the apiserver would (it must not exist yet).
    @discardableResult
    static func create(_ tx: WriteTx, _ c: String, _ r: KubeResource, _ input: JSONValue) throws -> JSONValue {
        try KubeObjectWriter.create(tx, c, r, input)
    }

    /// Writes a changed object back (a new resourceVersion) unless nothing changed.
    @discardableResult
    static func save(_ tx: WriteTx, _ c: String, _ r: KubeResource, old: JSONValue, _ new: JSONValue) throws -> JSONValue {
        try KubeObjectWriter.save(tx, c, r, old: old, new)
    }

    static func remove(_ tx: WriteTx, _ c: String, _ r: KubeResource, _ o: JSONValue) throws {
        try KubeObjectWriter.remove(tx, c, r, o)
    }

    static func merge(_ o: JSONValue, _ patch: [String: JSONValue]) -> JSONValue { KubePatch.merge(o, .object(patch)) }

    static func annotations(_ o: JSONValue) -> [String: String] {
        guard case .object(let a)? = KubeMeta.field(o, "annotations") else { return [:] }
        return Dictionary(uniqueKeysWithValues: a.compactMap { m in m.value.stringValue.map { (m.key, $0) } })
    }

    static func setAnnotation(_ o: inout JSONValue, _ key: String, _ value: String?) {
        var a = annotations(o).mapValues { JSONValue.string($0) }
        a[key] = value.map { .string($0) }
        KubeMeta.set(&o, "annotations", a.isEmpty ? nil : .object(a))
    }

    static func addFinalizer(_ o: inout JSONValue, _ f: String) {
        var list = KubeRequest.finalizers(o)
        if !list.contains(f) { list.append(f) }
        KubeMeta.set(&o, "finalizers", .array(list.map { .string($0) }))
    }

    static func deleting(_ o: JSONValue) -> Bool { KubeMeta.field(o, "deletionTimestamp") != nil }

    static func condition(_ type: String, _ ok: Bool, reason: String = "", message: String = "", now: Double, severity: String? = nil) -> JSONValue {
        var c: [String: JSONValue] = ["type": .string(type), "status": .string(ok ? "True" : "False"),
                                      "lastTransitionTime": .string(KubeMeta.timestamp(now))]
        if !reason.isEmpty { c["reason"] = .string(reason) }
        if !message.isEmpty { c["message"] = .string(message) }
        if !ok { c["severity"] = .string(severity ?? "Warning") }
        return .object(c)
    }

    /// Sets conditions keeping `lastTransitionTime` of those whose status did not change.
    static func conditions(_ old: JSONValue?, _ new: [JSONValue]) -> JSONValue {
        let before = old?["status"]?["conditions"]?.arrayValue ?? []
        return .array(new.map { c in
            guard let prev = before.first(where: { $0["type"] == c["type"] }), prev["status"] == c["status"],
                  prev["reason"] == c["reason"], prev["message"] == c["message"] else { return c }
            return prev
        })
    }

    /// A stable five-letter suffix (what generateName would give, but reproducible).
    static func suffix(_ seed: String, length: Int = 5) -> String {
        var h: UInt64 = 1469598103934665603
        for b in seed.utf8 { h = (h ^ UInt64(b)) &* 1099511628211 }
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        var out = ""
        for _ in 0..<length {
            out.append(alphabet[Int(h % UInt64(alphabet.count))])
            h /= UInt64(alphabet.count)
            if h == 0 { h = 0x9e3779b97f4a7c15 }
        }
        return out
    }

    static func labels(_ o: JSONValue, adding extra: [String: String]) -> JSONValue {
        var l = KubeMeta.labels(o)
        for (k, v) in extra { l[k] = v }
        return .object(l.mapValues { .string($0) })
    }
}

extension Kind {
    /// State of the simulated Cluster API controllers (not a VCD or Kubernetes object): one record per
    /// CAPVCD cluster (`capi/cluster/<name>`) and one per CPI load balancer (`capi/cpi/<cluster>/<ns>/<svc>`).
    static let capiRecord = "capiRecord"
}

/// What the simulated CAPVCD knows of one cluster it made: where its VCD objects are.
struct CAPIClusterRecord: Codable {
    var name: String
    /// The Kubernetes cluster whose controllers manage it now, and the namespace of its objects.
    var management: String
    var namespace: String
    var clusterUID: String
    var user: String
    var orgId: String
    var orgName: String
    var vdcId: String
    var vdcName: String
    var networkId: String
    var networkName: String
    var gatewayId: String
    var segId: String
    var vipSubnet: String?
    var vip: String
    var vappId: String
    var poolId: String?
    var vsId: String?
    var rdeId: String?
    var workloadCreated: Bool = false
    var site: String = ""
    /// "0.5" for a cluster made by CAPVCD 0.5.x (nil: 1.x), which the teardown and RDE follow.
    var release: String? = nil
    /// 0.5.x one-arm mode: the DNAT rule from `vip` to `internalVip`, where the virtual service listens.
    var natRuleId: String? = nil
    var internalVip: String? = nil
    /// The org of the user the credentials name (nil: the cluster's org).
    var userOrg: String? = nil
    /// The control-plane pool's members when last set, and the RDE status last written (what
    /// the controller compares with before sending an update).
    var controlPlaneMembers: [String]? = nil
    var rdeStatus: JSONValue? = nil

    var isCAPVCD05: Bool { release == "0.5" }

    static func id(_ name: String) -> String { "capi/cluster/\(name)" }
}

/// One Service of type LoadBalancer backed by the simulated cloud provider (CPI).
struct CPIRecord: Codable {
    var cluster: String
    var namespace: String
    var service: String
    var vip: String
    var poolIds: [String]
    var vsIds: [String]
    /// The pools' members and the Service's nodePorts when last set (nil: unknown, checked in VCD).
    var members: [String]? = nil
    var nodePorts: [Int]? = nil
    /// false while the load balancer is half made (a refused request): the next pass resumes it.
    var complete: Bool? = nil

    var isComplete: Bool { complete ?? true }

    static func parent(_ cluster: String) -> String { "capi/cpi/\(cluster)" }
    static func id(_ cluster: String, _ ns: String, _ name: String) -> String { "capi/cpi/\(cluster)/\(ns)/\(name)" }
}

/// A refusal of VCD (or a missing prerequisite) that fails the Cluster with this message; a
/// `busy` one (a change in progress, a task still running) is retried on the next pass instead.
struct CAPIFailure: Error {
    var reason: String
    var message: String
    var busy = false
}

extension Simulator {
    /// One write transaction of the simulated controllers, committed like a request's.
    func capiWrite<T>(_ body: (WriteTx) throws -> T) throws -> T {
        try worldLock.write {
            let tx = WriteTx(base: world, now: clock.now())
            let result = try body(tx)
            if !tx.isEmpty {
                try store.commit(upserts: tx.upserts, deletions: tx.deletions, meta: tx.metaChanges, wipe: false)
                world.apply(tx)
            }
            return result
        }
    }

    func capiRead<T>(_ body: (StateView) throws -> T) rethrows -> T {
        try worldLock.read { try body(world) }
    }
}
