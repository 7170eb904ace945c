import CloudWire
import Foundation

/// A workload cluster's life after creation, as Cluster API and CAPVCD do it: scale the control
/// plane and the machine deployments (their `spec.replicas`), upgrade to a new Kubernetes version
/// and node template (a new VCDMachineTemplate, then the KubeadmControlPlane's and each
/// MachineDeployment's version and template reference: the controllers roll the machines one at a
/// time), and whether a rollout is over. Each change goes through server-side apply of just the
/// fields it sets, so the plan shows exactly those and a second run is `= unchanged`.
extension CAPIClusters {
    /// The MachineDeployments of cluster `name` (label `cluster.x-k8s.io/cluster-name` or `spec.clusterName`).
    public func machineDeployments(_ name: String) throws -> [JSONValue] {
        try owned(CAPI.clusterAPI, "MachineDeployment", cluster: name)
    }

    /// What an existing cluster has now, for the settings `clusters.ensure` takes: an argument
    /// left out keeps this value (defaults apply only at creation). Nil when there is no Cluster.
    public func live(_ name: String) throws -> CAPIClusterLive? {
        guard let cluster = try find(name) else { return nil }
        func first(_ v: JSONValue?) -> JSONValue? { if case .array(let a)? = v { return a.first }; return nil }
        func int(_ v: JSONValue?) -> Int? { if case .int(let i)? = v { return i }; return nil }
        var l = CAPIClusterLive()
        l.podCIDR = first(cluster["spec"]?["clusterNetwork"]?["pods"]?["cidrBlocks"])?.stringValue
        l.serviceCIDR = first(cluster["spec"]?["clusterNetwork"]?["services"]?["cidrBlocks"])?.stringValue
        let infra = cluster["spec"]?["infrastructureRef"]
        if let vc = try get(infra?["apiVersion"]?.stringValue ?? CAPI.infrastructure, "VCDCluster", infra?["name"]?.stringValue ?? name)?["spec"] {
            l.site = vc["site"]?.stringValue
            l.org = vc["org"]?.stringValue
            l.vdc = vc["ovdc"]?.stringValue
            l.network = vc["ovdcNetwork"]?.stringValue
            l.vipSubnet = vc["loadBalancerConfigSpec"]?["vipSubnet"]?.stringValue
        }
        if let kcp = try controlPlane(cluster, name) {
            l.kubernetes = kcp["spec"]?["version"]?.stringValue
            l.controlPlane = int(kcp["spec"]?["replicas"])
            l.sshKey = first(first(kcp["spec"]?["kubeadmConfigSpec"]?["users"])?["sshAuthorizedKeys"])?.stringValue
            let ref = kcp["spec"]?["machineTemplate"]?["infrastructureRef"]
            if let t = ref?["name"]?.stringValue,
               let vmt = try get(ref?["apiVersion"]?.stringValue ?? CAPI.infrastructure, "VCDMachineTemplate", t)?["spec"]?["template"]?["spec"] {
                l.template = vmt["template"]?.stringValue
                l.catalog = vmt["catalog"]?.stringValue
                l.sizingPolicy = vmt["sizingPolicy"]?.stringValue
                l.placementPolicy = vmt["placementPolicy"]?.stringValue
                l.storageProfile = vmt["storageProfile"]?.stringValue
                l.diskSize = vmt["diskSize"]?.stringValue
            }
        }
        l.workers = int(try machineDeployments(name).first?["spec"]?["replicas"])
        return l
    }

    func controlPlane(_ cluster: JSONValue?, _ name: String) throws -> JSONValue? {
        let cp = cluster?["spec"]?["controlPlaneRef"]?["name"]?.stringValue ?? CAPI.controlPlaneName(name)
        return try get(CAPI.controlPlaneAPI, "KubeadmControlPlane", cp)
    }

    func partial(_ o: JSONValue, spec: JSONValue) -> JSONValue {
        .object(["apiVersion": o["apiVersion"] ?? .null, "kind": o["kind"] ?? .null,
                 "metadata": .object(["name": o["metadata"]?["name"] ?? .null, "namespace": .string(namespace)]), "spec": spec])
    }

    /// Sets the control plane's and/or the workers' replicas (`deployment`: one MachineDeployment by
    /// name, default every one of the cluster). Returns what changed.
    @discardableResult
    public func scale(_ name: String, controlPlane: Int?, workers: Int?, deployment: String? = nil) throws -> [Ensured<JSONValue>] {
        if let n = controlPlane, n < 1 || n % 2 == 0 {
            throw EngineError("scale(controlPlane: \(n)): a kubeadm control plane needs an odd number of machines (1, 3, 5)", hint: "etcd keeps quorum with an odd count")
        }
        if let n = workers, n < 0 { throw EngineError("scale(workers: \(n)): replicas cannot be negative") }
        let cluster = try find(name)
        if cluster == nil && !kube.isPlan { throw EngineError("there is no Cluster \(namespace)/\(name) to scale", hint: "create it with clusters.ensure(name: \"\(name)\", ...)") }
        let apply = KubeApply(kube: kube)
        var out: [Ensured<JSONValue>] = []
        if let n = controlPlane, let kcp = try self.controlPlane(cluster, name) {
            out.append(try apply.apply(object: partial(kcp, spec: .object(["replicas": .int(n)])), namespace: namespace))
        }
        if let n = workers {
            var mds = try machineDeployments(name)
            if let d = deployment {
                mds = mds.filter { $0["metadata"]?["name"]?.stringValue == d || $0["metadata"]?["name"]?.stringValue == "\(name)-\(d)" }
                if mds.isEmpty { throw EngineError("cluster \(name) has no machine deployment \(d)", hint: "its deployments: \(try machineDeployments(name).compactMap { $0["metadata"]?["name"]?.stringValue })") }
            }
            for md in mds { out.append(try apply.apply(object: partial(md, spec: .object(["replicas": .int(n)])), namespace: namespace)) }
        }
        return out
    }

    /// A machine template name for `base` at `version` / `template` (DNS-1123, stable).
    static func templateName(_ base: String, version: String, template: String, catalog: String) -> String {
        var h: UInt64 = 1469598103934665603
        for b in "\(catalog)/\(template)/\(version)".utf8 { h = (h ^ UInt64(b)) &* 1099511628211 }
        let root = base.replacingOccurrences(of: #"-[0-9a-f]{6}$"#, with: "", options: .regularExpression)
        return "\(root)-\(String(String(h, radix: 16).suffix(6)))"
    }

    /// Upgrades the cluster: for the control plane and every MachineDeployment, a new
    /// VCDMachineTemplate (a copy of the current one with `template` / `catalog` when given), then
    /// the version and the reference to it. The controllers roll the machines one at a time.
    @discardableResult
    public func upgrade(_ name: String, kubernetes: String?, template: String?, catalog: String?) throws -> [Ensured<JSONValue>] {
        guard kubernetes != nil || template != nil else { throw EngineError("upgrade(): give kubernetes: and/or template:") }
        if let v = kubernetes, v.range(of: #"^v\d+\.\d+\.\d+"#, options: .regularExpression) == nil {
            throw EngineError("upgrade(kubernetes: \"\(v)\"): a Kubernetes version looks like v1.23.8 (or v1.23.8+vmware.1)")
        }
        guard let cluster = try find(name) else {
            if kube.isPlan { return [] }
            throw EngineError("there is no Cluster \(namespace)/\(name) to upgrade", hint: "create it with clusters.ensure(name: \"\(name)\", ...)")
        }
        guard let kcp = try controlPlane(cluster, name) else { throw EngineError("cluster \(name) has no KubeadmControlPlane") }
        let apply = KubeApply(kube: kube)
        var out: [Ensured<JSONValue>] = []
        /// The template to use for an owner whose current one is `current`: itself when nothing of it changes.
        func newTemplate(_ current: String, version: String) throws -> String {
            guard let vmt = try get(CAPI.infrastructure, "VCDMachineTemplate", current) else {
                throw EngineError("VCDMachineTemplate \(namespace)/\(current) is missing", hint: "the cluster's objects are incomplete: ensure the cluster again")
            }
            var spec = vmt["spec"]?["template"]?["spec"] ?? .object([:])
            let tpl = template ?? spec["template"]?.stringValue ?? ""
            let cat = catalog ?? spec["catalog"]?.stringValue ?? ""
            if spec["template"]?.stringValue == tpl && spec["catalog"]?.stringValue == cat { return current }
            if case .object(var fields) = spec {
                fields["template"] = .string(tpl)
                fields["catalog"] = .string(cat)
                spec = .object(fields)
            }
            let n = Self.templateName(current, version: version, template: tpl, catalog: cat)
            out.append(try apply.apply(object: .object([
                "apiVersion": .string(CAPI.infrastructure), "kind": .string("VCDMachineTemplate"),
                "metadata": .object(["name": .string(n), "namespace": .string(namespace)]),
                "spec": .object(["template": .object(["spec": spec])]),
            ]), namespace: namespace))
            return n
        }
        let cpVersion = kubernetes ?? kcp["spec"]?["version"]?.stringValue ?? ""
        let cpTemplate = try newTemplate(kcp["spec"]?["machineTemplate"]?["infrastructureRef"]?["name"]?.stringValue ?? CAPI.controlPlaneName(name), version: cpVersion)
        out.append(try apply.apply(object: partial(kcp, spec: .object([
            "version": .string(cpVersion),
            "machineTemplate": .object(["infrastructureRef": .object(["apiVersion": .string(CAPI.infrastructure), "kind": .string("VCDMachineTemplate"),
                                                                      "name": .string(cpTemplate), "namespace": .string(namespace)])]),
        ])), namespace: namespace))
        for md in try machineDeployments(name) {
            let version = kubernetes ?? md["spec"]?["template"]?["spec"]?["version"]?.stringValue ?? cpVersion
            let current = md["spec"]?["template"]?["spec"]?["infrastructureRef"]?["name"]?.stringValue ?? ""
            let t = try newTemplate(current, version: version)
            out.append(try apply.apply(object: partial(md, spec: .object(["template": .object(["spec": .object([
                "version": .string(version),
                "infrastructureRef": .object(["apiVersion": .string(CAPI.infrastructure), "kind": .string("VCDMachineTemplate"),
                                              "name": .string(t), "namespace": .string(namespace)]),
            ])])])), namespace: namespace))
        }
        return out
    }

    /// Why the cluster's machines are not yet what its objects ask for (a rollout or scaling in
    /// progress), or nil when the control plane and every MachineDeployment have all their
    /// replicas updated and ready and have seen their latest change.
    public func unsettled(_ name: String) throws -> String? {
        func check(_ o: JSONValue?, _ label: String) -> String? {
            // No status at all: no controller reports on it (nothing to compare).
            guard let o, case .object(let fields)? = o["status"], !fields.isEmpty else { return nil }
            let want = o["spec"]?["replicas"]?.scalarText.flatMap(Int.init) ?? 1
            let st = o["status"]
            let updated = st?["updatedReplicas"]?.scalarText.flatMap(Int.init) ?? 0
            let ready = st?["readyReplicas"]?.scalarText.flatMap(Int.init) ?? 0
            let total = st?["replicas"]?.scalarText.flatMap(Int.init) ?? 0
            let gen = o["metadata"]?["generation"]?.scalarText.flatMap(Int.init) ?? 0
            let seen = st?["observedGeneration"]?.scalarText.flatMap(Int.init) ?? gen
            if seen < gen { return "\(label): change not seen yet" }
            if updated != want || ready != want || total != want { return "\(label): \(updated)/\(want) updated, \(ready) ready, \(total) machines" }
            return nil
        }
        let cluster = try find(name)
        if let r = check(try controlPlane(cluster, name), "control plane") { return r }
        for md in try machineDeployments(name) {
            if let r = check(md, "machine deployment \(md["metadata"]?["name"]?.stringValue ?? "?")") { return r }
        }
        return nil
    }
}

/// The settings of an existing Cluster API cluster that `clusters.ensure` can be given
/// (`CAPIClusters.live`); nil where the cluster's objects do not say.
public struct CAPIClusterLive: Sendable {
    public var site: String?
    public var org: String?
    public var vdc: String?
    public var network: String?
    public var vipSubnet: String?
    public var kubernetes: String?
    public var controlPlane: Int?
    public var workers: Int?
    public var template: String?
    public var catalog: String?
    public var sshKey: String?
    public var sizingPolicy: String?
    public var placementPolicy: String?
    public var storageProfile: String?
    public var diskSize: String?
    public var podCIDR: String?
    public var serviceCIDR: String?
    public init() {}
}
