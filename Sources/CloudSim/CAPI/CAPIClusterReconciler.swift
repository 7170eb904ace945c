import CloudWire
import Foundation

/// The simulated Cluster API controllers (core Cluster/MachineSet/MachineDeployment, kubeadm control
/// plane) together with CAPVCD's VCDCluster/VCDMachine controllers, for the Clusters of one
/// management cluster. They run lazily: a pass happens when the cluster's Kubernetes API is called
/// (or the simulator is asked), each Cluster in its own transaction, and each object moves at most one
/// phase per pass. With realistic timing a phase also needs its virtual time to have passed.
final class CAPIReconciler {
    let sim: Simulator
    let tx: WriteTx
    /// The management cluster whose controllers run.
    let m: String
    /// The CAPVCD controller of the management cluster, as it started (or failed to).
    let capvcd: CAPVCDRuntime

    init(sim: Simulator, tx: WriteTx, management: String, capvcd: CAPVCDRuntime = .v1) {
        self.sim = sim
        self.tx = tx
        self.m = management
        self.capvcd = capvcd
    }

    var now: Double { tx.now }
    var realistic: Bool { sim.options.realisticTiming }

    static let clusterFinalizer = "cluster.cluster.x-k8s.io"
    static let vcdClusterFinalizer = "vcdcluster.infrastructure.cluster.x-k8s.io"
    static let machineFinalizer = "machine.cluster.x-k8s.io"

    /// Virtual seconds a step needs with realistic timing (none in fast mode: one step per pass).
    func elapsed(since timestamp: String?, atLeast seconds: Double) -> Bool {
        guard realistic else { return true }
        guard let timestamp, let d = ISO8601DateFormatter().date(from: timestamp) else { return true }
        return now - d.timeIntervalSince1970 >= seconds
    }

    static func paused(_ o: JSONValue) -> Bool {
        o["spec"]?["paused"] == .bool(true) || KO.annotations(o)[CAPIRes.pausedAnnotation] != nil
    }

    func record(_ name: String) -> (StoredObject, CAPIClusterRecord)? {
        guard let o = tx.get(CAPIClusterRecord.id(name), kind: Kind.capiRecord), let r = try? o.decode(CAPIClusterRecord.self) else { return nil }
        return (o, r)
    }

    func saveRecord(_ r: CAPIClusterRecord) throws {
        if let (o, _) = record(r.name) { try tx.update(o, r) } else {
            try tx.insert(kind: Kind.capiRecord, id: CAPIClusterRecord.id(r.name), parent: "capi/clusters", name: r.name, r)
        }
    }

    // MARK: Cluster

    /// One pass over the Cluster `ns/name`.
    func reconcile(_ ns: String, _ name: String) throws {
        guard var cl = KO.get(tx, m, CAPIRes.clusters, ns, name), !Self.paused(cl) else { return }
        let rec = record(name)
        if let (_, r) = rec, r.management != m || r.namespace != ns, adoptsMoved(cl, r) {
            // Moved here by `clusterctl move`: these controllers own it from now on.
            var adopted = r
            adopted.management = m
            try saveRecord(adopted)
            return
        }
        if let (_, r) = rec, r.management != m || r.namespace != ns {
            // Another management cluster made a cluster of this name: refuse, as VCD refuses the duplicate vApp.
            if KO.deleting(cl) { try deleteCluster(cl, record: nil); return }
            if cl["status"]?["phase"]?.stringValue != "Failed" {
                throw CAPIFailure(reason: "VAppExists", message: "a cluster named \(name) already exists in VCD (managed from cluster \(r.management), namespace \(r.namespace))")
            }
            return
        }
        if KO.deleting(cl) {
            // A CAPVCD that did not start removes nothing: the VCDCluster's finalizer holds.
            if case .notRunning(let f) = capvcd { try controllerDown(cl, f, deleting: true); return }
            try deleteCluster(cl, record: rec?.1)
            return
        }
        let phase = cl["status"]?["phase"]?.stringValue
        if phase == "Failed" { return }
        if phase == nil {
            let old = cl
            KO.addFinalizer(&cl, Self.clusterFinalizer)
            cl = KO.merge(cl, ["status": .object([
                "phase": .string("Pending"), "infrastructureReady": .bool(false), "controlPlaneReady": .bool(false),
                "observedGeneration": KubeMeta.field(cl, "generation") ?? .int(1),
                "conditions": KO.conditions(old, [
                    KO.condition("Ready", false, reason: "WaitingForInfrastructure", message: "waiting for the VCDCluster", now: now, severity: "Info"),
                    KO.condition("InfrastructureReady", false, reason: "WaitingForInfrastructure", now: now, severity: "Info"),
                    KO.condition("ControlPlaneInitialized", false, reason: "WaitingForControlPlaneProviderInitialized", now: now, severity: "Info"),
                    KO.condition("ControlPlaneReady", false, reason: "WaitingForControlPlane", now: now, severity: "Info"),
                ]),
            ])])
            try KO.save(tx, m, CAPIRes.clusters, old: old, cl)
            return
        }
        switch capvcd {
        case .notRunning(let f): return try controllerDown(cl, f, deleting: false)
        case .v05(let config): if rec == nil { return try createInfrastructure05(cl, config) }
        case .v1: if rec == nil { return try createInfrastructure(cl) }
        }
        guard let (_, r) = rec else { return }
        try reconcileMachines(cl, r)
    }

    /// Whether `cl` is the cluster of record `r` moved here (`clusterctl move`): same namespace, its
    /// VCDCluster names the RDE the controllers made, and the management cluster that made it no
    /// longer has an unpaused Cluster of that name. CAPVCD finds its infrastructure again the same
    /// way, through the RDE id the moved VCDCluster carries.
    func adoptsMoved(_ cl: JSONValue, _ r: CAPIClusterRecord) -> Bool {
        guard r.namespace == KubeMeta.namespace(cl), let rde = r.rdeId,
              let vc = KO.get(tx, m, CAPIRes.vcdClusters, r.namespace, refs(cl).infra),
              KO.str(vc, "status.infraId") == rde || KO.str(vc, "spec.rdeId") == rde else { return false }
        guard let old = KO.get(tx, r.management, CAPIRes.clusters, r.namespace, r.name) else { return true }
        return Self.paused(old)
    }

    /// Names a Cluster refers to.
    func refs(_ cl: JSONValue) -> (infra: String, controlPlane: String) {
        (KO.str(cl, "spec.infrastructureRef.name") ?? KubeMeta.name(cl), KO.str(cl, "spec.controlPlaneRef.name") ?? "\(KubeMeta.name(cl))-control-plane")
    }

    func machineDeployments(_ ns: String, _ cluster: String) -> [JSONValue] {
        KO.list(tx, m, CAPIRes.machineDeployments, ns).filter {
            KO.str($0, "spec.clusterName") == cluster || KubeMeta.labels($0)[CAPIRes.clusterNameLabel] == cluster
        }
    }

    /// Sets Cluster (and VCDCluster) conditions while waiting for an object.
    func waiting(_ cl: JSONValue, _ message: String) throws {
        let old = cl
        var c = cl
        c = KO.merge(c, ["status": .object(["conditions": KO.conditions(old, [
            KO.condition("Ready", false, reason: "WaitingForInfrastructure", message: message, now: now, severity: "Info"),
            KO.condition("InfrastructureReady", false, reason: "WaitingForInfrastructure", message: message, now: now, severity: "Info"),
            KO.condition("ControlPlaneInitialized", false, reason: "WaitingForControlPlaneProviderInitialized", now: now, severity: "Info"),
            KO.condition("ControlPlaneReady", false, reason: "WaitingForControlPlane", now: now, severity: "Info"),
        ])])])
        try KO.save(tx, m, CAPIRes.clusters, old: old, c)
    }

    /// The VCDCluster controller's first reconcile: everything in VCD the cluster needs before any
    /// machine: RDE, vApp, control-plane VIP with its pool and virtual service.
    /// What the VCDCluster controller reads before acting: the VCDCluster, the KubeadmControlPlane
    /// and the names of the cluster's VCDMachineTemplates; nil (after a waiting condition) while
    /// one is missing. Throws when the workload cluster's name is taken.
    func infrastructureInputs(_ cl: JSONValue) throws -> (vc: JSONValue, kcp: JSONValue, templates: [String])? {
        let ns = KubeMeta.namespace(cl), name = KubeMeta.name(cl)
        let (infraName, cpName) = refs(cl)
        guard let vc = KO.get(tx, m, CAPIRes.vcdClusters, ns, infraName) else { try waiting(cl, "VCDCluster \(ns)/\(infraName) not found"); return nil }
        guard let kcp = KO.get(tx, m, CAPIRes.kubeadmControlPlanes, ns, cpName) else {
            try waiting(cl, "KubeadmControlPlane \(ns)/\(cpName) not found")
            return nil
        }
        var templates: [String] = [KO.str(kcp, "spec.machineTemplate.infrastructureRef.name") ?? cpName]
        for md in machineDeployments(ns, name) { if let t = KO.str(md, "spec.template.spec.infrastructureRef.name") { templates.append(t) } }
        if KubeStore.cluster(tx, name) != nil {
            throw CAPIFailure(reason: "ClusterNameInUse", message: "a Kubernetes cluster named \(name) already exists in the simulator: the workload cluster needs that name")
        }
        return (vc, kcp, templates)
    }

    /// Checks every VCDMachineTemplate's catalog and template; false (after a waiting condition)
    /// while a template object is missing.
    func templatesResolve(_ cl: JSONValue, _ templates: [String], orgId: String) throws -> Bool {
        let ns = KubeMeta.namespace(cl)
        for t in templates {
            guard let vmt = KO.get(tx, m, CAPIRes.vcdMachineTemplates, ns, t) else { try waiting(cl, "VCDMachineTemplate \(ns)/\(t) not found"); return false }
            _ = try CAPVCDInfra.template(tx, orgId: orgId, spec: vmt["spec"]?["template"]?["spec"])
        }
        return true
    }

    func createInfrastructure(_ cl: JSONValue) throws {
        let ns = KubeMeta.namespace(cl), name = KubeMeta.name(cl)
        guard elapsed(since: KubeMeta.field(cl, "creationTimestamp")?.stringValue, atLeast: 5) else { return }
        guard let (vc, kcp, templates) = try infrastructureInputs(cl) else { return }
        let site = try CAPVCDInfra.resolve(tx, spec: vc["spec"])
        guard try templatesResolve(cl, templates, orgId: site.org.id) else { return }
        // A change in progress on the gateway: CAPVCD retries later (BUSY_ENTITY).
        if sim.tasks.isBusy(site.gateway.id, now: now) { return }
        let user = credentialsUser(ns, vc)
        let vipSubnet = KO.str(vc, "spec.loadBalancerConfigSpec.vipSubnet")
        var vip = KO.str(vc, "spec.controlPlaneEndpoint.host") ?? ""
        if vip.isEmpty { vip = try CAPVCDInfra.freeVIP(tx, gatewayId: site.gateway.id, vipSubnet: vipSubnet) }
        let siteURL = KO.str(vc, "spec.site") ?? ""
        let version = KO.str(kcp, "spec.version") ?? ""
        var rdeId = KO.str(vc, "spec.rdeId") ?? ""
        if rdeId.isEmpty || tx.get(rdeId, kind: Kind.entity) == nil {
            rdeId = try CAPVCDEntity.create(tx, name: name, orgId: site.org.id, user: user,
                                            entity: CAPVCDEntity.body(name: name, site: site, siteURL: siteURL, phase: "provisioning", kubernetes: version,
                                                                      uid: KubeMeta.field(cl, "uid")?.stringValue ?? "", vip: vip, nodePools: [],
                                                                      errors: [], events: [event("InfraVcdClusterCreated", "VCDCluster \(name) is being created")]))
        }
        let vappId = try CAPVCDInfra.createVApp(tx, name: name, site: site, user: user, description: "Created by CAPVCD for cluster \(name)")
        let lbName = "\(name)-\(XID.uuid(rdeId))-tcp"
        let (poolId, vsId) = try CAPVCDInfra.createLB(sim, tx, orgId: site.org.id, user: user, gatewayId: site.gateway.id, segId: site.segId,
                                                      name: lbName, vip: vip, servicePort: 6443, members: [], memberPort: 6443)
        let rec = CAPIClusterRecord(name: name, management: m, namespace: ns, clusterUID: KubeMeta.field(cl, "uid")?.stringValue ?? "", user: user,
                                    orgId: site.org.id, orgName: site.org.name, vdcId: site.vdc.id, vdcName: site.vdc.name,
                                    networkId: site.network.id, networkName: site.network.name, gatewayId: site.gateway.id, segId: site.segId,
                                    vipSubnet: vipSubnet, vip: vip, vappId: vappId, poolId: poolId, vsId: vsId, rdeId: rdeId, workloadCreated: false,
                                    site: siteURL)
        try saveRecord(rec)
        let endpoint: JSONValue = .object(["host": .string(vip), "port": .int(6443)])
        var newVC = KO.merge(vc, ["spec": .object(["controlPlaneEndpoint": endpoint, "rdeId": .string(rdeId)])])
        KO.addFinalizer(&newVC, Self.vcdClusterFinalizer)
        KubeMeta.set(&newVC, "labels", KO.labels(newVC, adding: [CAPIRes.clusterNameLabel: name]))
        newVC = KO.merge(newVC, ["status": .object([
            "ready": .bool(true), "infraId": .string(rdeId), "rdeVersionInUse": .string(tx.get(rdeId)?.parentId.map { String($0.split(separator: ":").last ?? "") } ?? "1.1.0"),
            "vAppMetadataUpdated": .bool(true), "useAsManagementCluster": .bool(false),
            "loadBalancerConfig": .object(["vipSubnet": .string(vipSubnet ?? "")]),
            "site": .string(siteURL), "org": .string(site.org.name), "ovdc": .string(site.vdc.name), "ovdcNetwork": .string(site.network.name),
            "conditions": KO.conditions(vc, [
                KO.condition("Ready", true, now: now),
                KO.condition("LoadBalancerAvailable", true, now: now),
                KO.condition("InfraVcdClusterReady", true, now: now),
            ]),
        ])])
        try KO.save(tx, m, CAPIRes.vcdClusters, old: vc, newVC)
        try markInfrastructureReady(cl, endpoint: endpoint)
    }

    /// The Cluster once its infrastructure is ready: the endpoint, phase Provisioning, waiting
    /// for the control plane.
    func markInfrastructureReady(_ cl: JSONValue, endpoint: JSONValue) throws {
        var c = KO.merge(cl, ["spec": .object(["controlPlaneEndpoint": endpoint])])
        c = KO.merge(c, ["status": .object([
            "phase": .string("Provisioning"), "infrastructureReady": .bool(true),
            "conditions": KO.conditions(cl, [
                KO.condition("Ready", false, reason: "WaitingForControlPlane", message: "waiting for the control plane to be initialized", now: now, severity: "Info"),
                KO.condition("InfrastructureReady", true, now: now),
                KO.condition("ControlPlaneInitialized", false, reason: "WaitingForControlPlaneProviderInitialized", now: now, severity: "Info"),
                KO.condition("ControlPlaneReady", false, reason: "WaitingForControlPlane", now: now, severity: "Info"),
            ]),
        ])])
        try KO.save(tx, m, CAPIRes.clusters, old: cl, c)
    }

    func event(_ name: String, _ detail: String) -> JSONValue {
        .object(["name": .string(name), "occurredAt": .string(KubeMeta.timestamp(now)), "additionalDetails": .object(["event": .string(detail)])])
    }

    /// The VCD user of the cluster's credentials secret (`username`, base64), or "capvcd".
    func credentialsUser(_ ns: String, _ vc: JSONValue) -> String {
        let secretName = KO.str(vc, "spec.userContext.secretRef.name") ?? "capi-user-credentials"
        let secretNS = KO.str(vc, "spec.userContext.secretRef.namespace") ?? ns
        if let s = KO.get(tx, m, CAPIRes.secrets, secretNS, secretName), let b = s["data"]?["username"]?.stringValue,
           let d = Data(base64Encoded: b), let u = String(data: d, encoding: .utf8), !u.isEmpty {
            return u
        }
        if let u = KO.str(vc, "spec.userContext.username"), !u.isEmpty { return u }
        return "capvcd"
    }

    /// Writes a Failed Cluster (and VCDCluster) with the reason VCD gave. Nothing was created.
    func fail(_ ns: String, _ name: String, _ f: CAPIFailure) throws {
        guard let cl = KO.get(tx, m, CAPIRes.clusters, ns, name), !KO.deleting(cl) else { return }
        var c = cl
        KO.addFinalizer(&c, Self.clusterFinalizer)
        c = KO.merge(c, ["status": .object([
            "phase": .string("Failed"), "failureReason": .string("CreateError"), "failureMessage": .string(f.message),
            "conditions": KO.conditions(cl, [
                KO.condition("Ready", false, reason: f.reason, message: f.message, now: now, severity: "Error"),
                KO.condition("InfrastructureReady", false, reason: f.reason, message: f.message, now: now, severity: "Error"),
                KO.condition("ControlPlaneInitialized", false, reason: "WaitingForControlPlaneProviderInitialized", now: now, severity: "Info"),
                KO.condition("ControlPlaneReady", false, reason: "WaitingForControlPlane", now: now, severity: "Info"),
            ]),
        ])])
        try KO.save(tx, m, CAPIRes.clusters, old: cl, c)
        let (infraName, _) = refs(cl)
        if let vc = KO.get(tx, m, CAPIRes.vcdClusters, ns, infraName) {
            let n = KO.merge(vc, ["status": .object([
                "ready": .bool(false),
                "conditions": KO.conditions(vc, [KO.condition("Ready", false, reason: f.reason, message: f.message, now: now, severity: "Error")]),
            ])])
            try KO.save(tx, m, CAPIRes.vcdClusters, old: vc, n)
        }
    }

    // MARK: Deletion

    /// Deletion of a Cluster: first marked Deleting, then everything goes in one step: machines and
    /// their VMs, the control-plane virtual service and pool, the CPI's load balancers, the vApp, the
    /// RDE, the workload cluster, the CAPI objects; then the finalizer and the Cluster.
    func deleteCluster(_ cl: JSONValue, record: CAPIClusterRecord?) throws {
        let ns = KubeMeta.namespace(cl), name = KubeMeta.name(cl)
        if cl["status"]?["phase"]?.stringValue != "Deleting" {
            let n = KO.merge(cl, ["status": .object([
                "phase": .string("Deleting"),
                "conditions": KO.conditions(cl, [KO.condition("Ready", false, reason: "Deleting", message: "the cluster is being deleted", now: now, severity: "Info")]),
            ])])
            try KO.save(tx, m, CAPIRes.clusters, old: cl, n)
            return
        }
        let (infraName, cpName) = refs(cl)
        for mach in KO.list(tx, m, CAPIRes.machines, ns) where KO.str(mach, "spec.clusterName") == name {
            try removeMachine(mach, record: record)
        }
        for r in [CAPIRes.machineSets, CAPIRes.machineDeployments, CAPIRes.machineHealthChecks] {
            for o in KO.list(tx, m, r, ns) where KO.str(o, "spec.clusterName") == name { try KO.remove(tx, m, r, o) }
        }
        if let kcp = KO.get(tx, m, CAPIRes.kubeadmControlPlanes, ns, cpName) { try KO.remove(tx, m, CAPIRes.kubeadmControlPlanes, kcp) }
        if let vc = KO.get(tx, m, CAPIRes.vcdClusters, ns, infraName) { try KO.remove(tx, m, CAPIRes.vcdClusters, vc) }
        if let s = KO.get(tx, m, CAPIRes.secrets, ns, "\(name)-kubeconfig") { try KO.remove(tx, m, CAPIRes.secrets, s) }
        if let r = record { try CAPIReconciler.teardownVCD(sim, tx, r) }
        if let o = KubeStore.get(tx, cluster: m, CAPIRes.clusters, namespace: ns, name: name) { try KubeStore.remove(tx, cluster: m, o) }
    }

    /// A Cluster gone without its finalizer (removed behind the controllers' back): what it owned
    /// goes as garbage collection and the VCDCluster's finalizer would take it: machines, machine
    /// sets, the VCDCluster, the kubeconfig secret, and everything in VCD.
    func collectOrphan(_ r: CAPIClusterRecord) throws {
        guard KO.get(tx, m, CAPIRes.clusters, r.namespace, r.name) == nil else { return }
        for mach in KO.list(tx, m, CAPIRes.machines, r.namespace) where KO.str(mach, "spec.clusterName") == r.name {
            try removeMachine(mach, record: r)
        }
        for ms in KO.list(tx, m, CAPIRes.machineSets, r.namespace) where KO.str(ms, "spec.clusterName") == r.name {
            try KO.remove(tx, m, CAPIRes.machineSets, ms)
        }
        for vc in KO.list(tx, m, CAPIRes.vcdClusters, r.namespace) where KubeMeta.labels(vc)[CAPIRes.clusterNameLabel] == r.name {
            try KO.remove(tx, m, CAPIRes.vcdClusters, vc)
        }
        if let s = KO.get(tx, m, CAPIRes.secrets, r.namespace, "\(r.name)-kubeconfig") { try KO.remove(tx, m, CAPIRes.secrets, s) }
        try Self.teardownVCD(sim, tx, r)
    }

    /// Removes what VCD holds for a cluster, and its workload cluster and record.
    static func teardownVCD(_ sim: Simulator, _ tx: WriteTx, _ r: CAPIClusterRecord) throws {
        for o in tx.children(Kind.capiRecord, of: CPIRecord.parent(r.name)) {
            if let c = try? o.decode(CPIRecord.self) {
                for vs in c.vsIds { try CAPVCDInfra.deleteLB(tx, poolId: nil, vsId: vs) }
                for p in c.poolIds { try CAPVCDInfra.deleteLB(tx, poolId: p, vsId: nil) }
            }
            tx.delete(o.id)
        }
        try CAPVCDInfra.deleteLB(tx, poolId: r.poolId, vsId: r.vsId)
        try CAPVCDInfra.deleteNATRule(tx, r.natRuleId)
        CAPVCDInfra.deleteVApp(tx, r.vappId)
        if let id = r.rdeId, tx.get(id, kind: Kind.entity) != nil { tx.delete(id) }
        if KubeStore.cluster(tx, r.name) != nil { try Simulator.removeKubeCluster(tx, name: r.name) }
        tx.delete(CAPIClusterRecord.id(r.name))
    }
}
