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
    /// Whether the infrastructure is another controller's (the simulated CAPVCD scaled to 0, a
    /// real CAPVCD in its place): the Cluster API side only (CAPIExternalInfra.swift).
    var external: Bool { if case .absent = capvcd { return true } else { return false } }
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

    /// One pass over the Cluster `ns/name` on the management cluster's side: what needs no VCD
    /// request is done here; what does is returned for the pass to do as VCD's client
    /// (CAPVCDPass.swift).
    func reconcile(_ ns: String, _ name: String) throws -> CAPVCDStep {
        guard var cl = KO.get(tx, m, CAPIRes.clusters, ns, name), !Self.paused(cl) else { return .none }
        let rec = record(name)
        if let (_, r) = rec, r.management != m || r.namespace != ns, adoptsMoved(cl, r) {
            // Moved here by `clusterctl move`: these controllers own it from now on.
            var adopted = r
            adopted.management = m
            try saveRecord(adopted)
            return .none
        }
        if let (_, r) = rec, r.management != m || r.namespace != ns {
            // Another management cluster made a cluster of this name: refuse, as VCD refuses the duplicate vApp.
            if KO.deleting(cl) { if try markDeleting(cl) { try finishDelete(cl, record: nil) }; return .none }
            if CAPICluster(cl).status.phase != "Failed" {
                throw CAPIFailure(reason: "VAppExists", message: "a cluster named \(name) already exists in VCD (managed from cluster \(r.management), namespace \(r.namespace))")
            }
            return .none
        }
        if KO.deleting(cl), external { try deleteExternal(cl); return .none }
        if KO.deleting(cl) {
            // A CAPVCD that did not start removes nothing: the VCDCluster's finalizer holds.
            if case .notRunning(let f) = capvcd { try controllerDown(cl, f, deleting: true); return .none }
            guard try markDeleting(cl) else { return .none }
            guard let r = rec?.1 else {
                // A cluster whose first reconcile failed halfway: what it made is found by name.
                if let input = deletionInput(cl) { return .deleteUnrecorded(input) }
                try finishDelete(cl, record: nil)
                return .none
            }
            return .delete(r)
        }
        let phase = CAPICluster(cl).status.phase
        if phase == "Failed" { return .none }
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
            return .none
        }
        if rec == nil, let infraId = madeByAnotherController(cl) {
            // Scaled up again after another controller made this cluster: taken over as it is.
            switch capvcd {
            case .v05(let config): return try infrastructureInput05(cl, config).map { .adopt($0, infraId: infraId) } ?? .none
            case .v1: return try infrastructureInput(cl).map { .adopt($0, infraId: infraId) } ?? .none
            case .absent, .notRunning: break
            }
        }
        switch capvcd {
        case .absent: try reconcileExternal(cl); return .none
        case .notRunning(let f): try controllerDown(cl, f, deleting: false); return .none
        case .v05(let config): if rec == nil { return try infrastructureInput05(cl, config).map { .createInfra($0) } ?? .none }
        case .v1: if rec == nil { return try infrastructureInput(cl).map { .createInfra($0) } ?? .none }
        }
        guard let (_, r) = rec else { return .none }
        return .machines(r)
    }

    /// Whether `cl` is the cluster of record `r` moved here (`clusterctl move`): same namespace, its
    /// VCDCluster names the RDE the controllers made, and the management cluster that made it no
    /// longer has an unpaused Cluster of that name. CAPVCD finds its infrastructure again the same
    /// way, through the RDE id the moved VCDCluster carries.
    func adoptsMoved(_ cl: JSONValue, _ r: CAPIClusterRecord) -> Bool {
        guard r.namespace == KubeMeta.namespace(cl), let rde = r.rdeId,
              let vc = KO.get(tx, m, CAPIRes.vcdClusters, r.namespace, refs(cl).infra),
              case let infra = VCDCluster(vc), infra.status.infraId == rde || infra.spec.rdeId == rde else { return false }
        guard let old = KO.get(tx, r.management, CAPIRes.clusters, r.namespace, r.name) else { return true }
        return Self.paused(old)
    }

    /// Names a Cluster refers to.
    func refs(_ cl: JSONValue) -> (infra: String, controlPlane: String) {
        let spec = CAPICluster(cl).spec
        return (spec.infrastructureRef.name ?? KubeMeta.name(cl), spec.controlPlaneRef.name ?? "\(KubeMeta.name(cl))-control-plane")
    }

    func machineDeployments(_ ns: String, _ cluster: String) -> [JSONValue] {
        KO.list(tx, m, CAPIRes.machineDeployments, ns).filter {
            CAPIMachineDeployment($0).spec.clusterName == cluster || KubeMeta.labels($0)[CAPIRes.clusterNameLabel] == cluster
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
        var templates: [String] = [KubeadmControlPlane(kcp).spec.machineTemplate.infrastructureRef.name ?? cpName]
        for md in machineDeployments(ns, name) {
            if let t = CAPIMachineDeployment(md).spec.template.spec.infrastructureRef.name { templates.append(t) }
        }
        // The workload cluster of a cluster another controller made is this cluster's own.
        if KubeStore.cluster(tx, name) != nil, madeByAnotherController(cl) == nil {
            throw CAPIFailure(reason: "ClusterNameInUse", message: "a Kubernetes cluster named \(name) already exists in the simulator: the workload cluster needs that name")
        }
        return (vc, kcp, templates)
    }

    /// The catalog and template of every VCDMachineTemplate; nil (after a waiting condition)
    /// while a template object is missing.
    func templateNames(_ cl: JSONValue, _ templates: [String]) throws -> [TemplateName]? {
        let ns = KubeMeta.namespace(cl)
        var out: [TemplateName] = []
        for t in templates {
            guard let vmt = KO.get(tx, m, CAPIRes.vcdMachineTemplates, ns, t) else { try waiting(cl, "VCDMachineTemplate \(ns)/\(t) not found"); return nil }
            let spec = VCDMachineTemplate(vmt).spec.template.spec
            let name = TemplateName(catalog: spec?.catalog ?? "", template: spec?.template ?? "")
            if !out.contains(name) { out.append(name) }
        }
        return out
    }

    /// What the VCDCluster controller of 1.x needs to make the cluster's infrastructure: read
    /// from the Cluster, the VCDCluster, its credentials secret, the KubeadmControlPlane and the
    /// VCDMachineTemplates. Nil while something is missing (or virtual time has not passed).
    func infrastructureInput(_ cl: JSONValue) throws -> InfraInput? {
        let ns = KubeMeta.namespace(cl), name = KubeMeta.name(cl)
        guard elapsed(since: KubeMeta.field(cl, "creationTimestamp")?.stringValue, atLeast: 5) else { return nil }
        guard let (vc, kcp, templates) = try infrastructureInputs(cl), let names = try templateNames(cl, templates) else { return nil }
        let infra = VCDCluster(vc).spec
        let org = infra.org ?? ""
        var creds = credentials(ns, vc)
        creds.host = infra.site ?? ""
        if creds.userOrg.isEmpty { creds.userOrg = org }
        return InfraInput(namespace: ns, name: name, uid: KubeMeta.field(cl, "uid")?.stringValue ?? "", org: org,
                          vdc: infra.ovdc ?? "", network: infra.ovdcNetwork ?? "",
                          vipSubnet: infra.loadBalancerConfigSpec.vipSubnet, vip: infra.controlPlaneEndpoint.host ?? "",
                          siteURL: creds.host, rdeId: infra.rdeId ?? "", kubernetes: KubeadmControlPlane(kcp).spec.version ?? "",
                          templates: names, credentials: creds, config05: nil, workers05: [], controlPlane05: [])
    }

    /// What a Cluster without a record may have left in VCD (an RDE id on its VCDCluster, objects
    /// named after it), with the credentials to remove them; nil when its VCDCluster is gone.
    func deletionInput(_ cl: JSONValue) -> InfraInput? {
        let ns = KubeMeta.namespace(cl), name = KubeMeta.name(cl)
        guard let vc = KO.get(tx, m, CAPIRes.vcdClusters, ns, refs(cl).infra) else { return nil }
        let config = capvcd.config05
        let infra = VCDCluster(vc)
        func pick(_ value: String?, _ fallback: String?) -> String {
            let v = value ?? ""
            return v.isEmpty ? (fallback ?? "") : v
        }
        var creds: VCDCredentials
        if let config {
            let org = pick(infra.spec.org, config.org)
            let (user, userOrg) = (try? userContext(vc, clusterOrg: org, cluster: name)) ?? ("", org)
            creds = VCDCredentials(user: user, userOrg: userOrg, password: infra.spec.userContext.password ?? "",
                                   refreshToken: infra.spec.userContext.refreshToken ?? "")
        } else {
            creds = credentials(ns, vc)
        }
        creds.host = pick(infra.spec.site, config?.host)
        let org = pick(infra.spec.org, config?.org)
        if creds.userOrg.isEmpty { creds.userOrg = org }
        let rde = config != nil ? (infra.status.infraId ?? "") : (infra.spec.rdeId ?? "")
        return InfraInput(namespace: ns, name: name, uid: KubeMeta.field(cl, "uid")?.stringValue ?? "", org: org, vdc: pick(infra.spec.ovdc, config?.vdc),
                          network: pick(infra.spec.ovdcNetwork, config?.network), vipSubnet: nil, vip: "", siteURL: creds.host, rdeId: rde, kubernetes: "",
                          templates: [], credentials: creds, config05: config, workers05: [], controlPlane05: [])
    }

    /// The infrastructure id of a Cluster whose VCDCluster another controller made ready while
    /// the simulated CAPVCD did not run (it has no record of it); nil otherwise.
    func madeByAnotherController(_ cl: JSONValue) -> String? {
        guard record(KubeMeta.name(cl)) == nil, let vc = KO.get(tx, m, CAPIRes.vcdClusters, KubeMeta.namespace(cl), refs(cl).infra),
              case let infra = VCDCluster(vc), infra.status.ready == true,
              let host = infra.spec.controlPlaneEndpoint.host, !host.isEmpty else { return nil }
        return infra.status.infraId ?? ""
    }

    /// A cluster another controller made, found in VCD (CAPVCDPass.adoptInfrastructure): its
    /// record, so that the simulated CAPVCD reconciles it from now on. The objects stay as they are.
    func adopted(_ input: InfraInput, _ made: InfraMade) throws {
        guard let cl = KO.get(tx, m, CAPIRes.clusters, input.namespace, input.name), !KO.deleting(cl), record(input.name) == nil else { return }
        try saveRecord(newRecord(input, made, workloadCreated: KubeStore.cluster(tx, input.name) != nil))
    }

    /// The record of a cluster whose infrastructure is `made` in VCD.
    func newRecord(_ input: InfraInput, _ made: InfraMade, workloadCreated: Bool) -> CAPIClusterRecord {
        var rec = CAPIClusterRecord(name: input.name, management: m, namespace: input.namespace, clusterUID: input.uid, user: input.credentials.user,
                                    orgId: made.site.orgId, orgName: made.site.orgName, vdcId: made.site.vdcId, vdcName: made.site.vdcName,
                                    networkId: made.site.networkId, networkName: made.site.networkName, gatewayId: made.site.gatewayId,
                                    segId: made.site.segId, vipSubnet: input.config05?.vipSubnet ?? input.vipSubnet, vip: made.lb.externalIP,
                                    vappId: made.vappId, poolId: made.lb.poolId.isEmpty ? nil : made.lb.poolId,
                                    vsId: made.lb.vsId.isEmpty ? nil : made.lb.vsId, rdeId: made.rdeId,
                                    workloadCreated: workloadCreated, site: input.siteURL)
        if input.config05 != nil {
            rec.release = "0.5"
            rec.natRuleId = made.lb.natRuleId
            rec.internalVip = made.lb.internalIP
        }
        rec.userOrg = input.credentials.userOrg
        return rec
    }

    /// The infrastructure made in VCD (CAPVCDPass): the record, the VCDCluster ready with its
    /// endpoint and RDE, the Cluster provisioning.
    func infrastructureMade(_ input: InfraInput, _ made: InfraMade) throws {
        guard let cl = KO.get(tx, m, CAPIRes.clusters, input.namespace, input.name), !KO.deleting(cl),
              let vc = KO.get(tx, m, CAPIRes.vcdClusters, input.namespace, refs(cl).infra) else { return }
        try saveRecord(newRecord(input, made, workloadCreated: false))
        let endpoint: JSONValue = .object(["host": .string(made.lb.externalIP), "port": .int(6443)])
        var newVC = KO.merge(vc, ["spec": .object(input.config05 == nil ? ["controlPlaneEndpoint": endpoint, "rdeId": .string(made.rdeId)]
                                                  : ["controlPlaneEndpoint": endpoint])])
        KO.addFinalizer(&newVC, Self.vcdClusterFinalizer)
        KubeMeta.set(&newVC, "labels", KO.labels(newVC, adding: [CAPIRes.clusterNameLabel: input.name]))
        if input.config05 != nil {
            newVC = KO.merge(newVC, ["status": .object([
                "ready": .bool(true), "infraId": .string(made.rdeId),
                "conditions": KO.conditions(vc, [KO.condition("Ready", true, now: now), KO.condition("LoadBalancerAvailable", true, now: now)]),
            ])])
        } else {
            newVC = KO.merge(newVC, ["status": .object([
                "ready": .bool(true), "infraId": .string(made.rdeId), "rdeVersionInUse": .string(made.rdeVersion),
                "vAppMetadataUpdated": .bool(true), "useAsManagementCluster": .bool(false),
                "loadBalancerConfig": .object(["vipSubnet": .string(input.vipSubnet ?? "")]),
                "site": .string(input.siteURL), "org": .string(made.site.orgName), "ovdc": .string(made.site.vdcName),
                "ovdcNetwork": .string(made.site.networkName),
                "conditions": KO.conditions(vc, [
                    KO.condition("Ready", true, now: now),
                    KO.condition("LoadBalancerAvailable", true, now: now),
                    KO.condition("InfraVcdClusterReady", true, now: now),
                ]),
            ])])
        }
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

    /// The credentials of the VCDCluster: its `userContext.secretRef` secret (`username`,
    /// `password`, `refreshToken`, base64), else the inline `userContext`. A username `org/user`
    /// names the user's org (`system/administrator`: the provider); else the org is left empty
    /// for the cluster's org.
    func credentials(_ ns: String, _ vc: JSONValue) -> VCDCredentials {
        let user = VCDCluster(vc).spec.userContext
        let secretName = user.secretRef.name ?? "capi-user-credentials"
        let secretNS = user.secretRef.namespace ?? ns
        var c = VCDCredentials()
        if let s = KO.get(tx, m, CAPIRes.secrets, secretNS, secretName) {
            func field(_ k: String) -> String {
                guard let b = s["data"]?[k]?.stringValue, let d = Data(base64Encoded: b) else { return "" }
                return String(decoding: d, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            }
            c.user = field("username")
            c.password = field("password")
            c.refreshToken = field("refreshToken")
        } else {
            c.user = user.username ?? ""
            c.password = user.password ?? ""
            c.refreshToken = user.refreshToken ?? ""
        }
        let parts = c.user.split(separator: "/", maxSplits: 1).map(String.init)
        if parts.count == 2 { c.userOrg = parts[0]; c.user = parts[1] }
        return c
    }

    /// Keeps the RDE id on the VCDCluster as soon as it exists (`spec.rdeId` for 1.x,
    /// `status.infraId` for 0.5.x), so that a pass that fails later finds it again.
    func rememberInfraId(_ input: InfraInput, _ id: String) throws {
        guard let cl = KO.get(tx, m, CAPIRes.clusters, input.namespace, input.name),
              let vc = KO.get(tx, m, CAPIRes.vcdClusters, input.namespace, refs(cl).infra) else { return }
        let n = input.config05 != nil ? KO.merge(vc, ["status": .object(["infraId": .string(id)])]) : KO.merge(vc, ["spec": .object(["rdeId": .string(id)])])
        try KO.save(tx, m, CAPIRes.vcdClusters, old: vc, n)
    }

    /// A refusal the controllers retry (a server error, throttling, a failed task, a busy
    /// gateway): the Cluster's Ready condition says what happened and that it is retried; the
    /// phase does not change.
    func retrying(_ ns: String, _ name: String, _ f: CAPIFailure) throws {
        guard let cl = KO.get(tx, m, CAPIRes.clusters, ns, name), CAPICluster(cl).status.phase != "Failed" else { return }
        let kept = (cl["status"]?["conditions"]?.arrayValue ?? []).filter { $0["type"]?.stringValue != "Ready" }
        let n = KO.merge(cl, ["status": .object(["conditions": .array([
            KO.condition("Ready", false, reason: f.reason, message: "\(f.message) (retrying)", now: now,
                         severity: ["VCDLoginFailed", "VCDAccessDenied"].contains(f.reason) ? "Error" : "Warning"),
        ] + kept)])])
        try KO.save(tx, m, CAPIRes.clusters, old: cl, n)
    }

    /// Writes a Failed Cluster (and VCDCluster) with the reason VCD gave. A Cluster being deleted
    /// keeps its phase and shows why its deletion does not go on (retried on the next pass).
    func fail(_ ns: String, _ name: String, _ f: CAPIFailure) throws {
        guard let cl = KO.get(tx, m, CAPIRes.clusters, ns, name) else { return }
        if KO.deleting(cl) {
            let n = KO.merge(cl, ["status": .object(["conditions": KO.conditions(cl, [
                KO.condition("Ready", false, reason: f.reason, message: "unable to delete the cluster's objects in VCD: \(f.message)", now: now, severity: "Error"),
            ])])])
            try KO.save(tx, m, CAPIRes.clusters, old: cl, n)
            return
        }
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

    /// Deletion of a Cluster: first marked Deleting (true once it is); then CAPVCD removes what
    /// VCD holds (CAPVCDPass) and `finishDelete` the rest.
    func markDeleting(_ cl: JSONValue) throws -> Bool {
        if CAPICluster(cl).status.phase == "Deleting" { return true }
        let n = KO.merge(cl, ["status": .object([
            "phase": .string("Deleting"),
            "conditions": KO.conditions(cl, [KO.condition("Ready", false, reason: "Deleting", message: "the cluster is being deleted", now: now, severity: "Info")]),
        ])])
        try KO.save(tx, m, CAPIRes.clusters, old: cl, n)
        return false
    }

    /// VCD cleaned up: machines, machine sets, the control plane, the VCDCluster, the kubeconfig,
    /// the workload cluster and record go, then the finalizer and the Cluster.
    func finishDelete(_ cl: JSONValue, record: CAPIClusterRecord?) throws {
        let ns = KubeMeta.namespace(cl), name = KubeMeta.name(cl)
        let (infraName, cpName) = refs(cl)
        for mach in KO.list(tx, m, CAPIRes.machines, ns) where CAPIMachine(mach).spec.clusterName == name {
            try removeMachine(mach, record: record)
        }
        for r in [CAPIRes.machineSets, CAPIRes.machineDeployments, CAPIRes.machineHealthChecks, CAPIRes.clusterResourceSetBindings] {
            for o in KO.list(tx, m, r, ns) where CAPIClusterPart.of(o, cluster: name) { try KO.remove(tx, m, r, o) }
        }
        if let kcp = KO.get(tx, m, CAPIRes.kubeadmControlPlanes, ns, cpName) { try KO.remove(tx, m, CAPIRes.kubeadmControlPlanes, kcp) }
        if let vc = KO.get(tx, m, CAPIRes.vcdClusters, ns, infraName) { try KO.remove(tx, m, CAPIRes.vcdClusters, vc) }
        if let s = KO.get(tx, m, CAPIRes.secrets, ns, "\(name)-kubeconfig") { try KO.remove(tx, m, CAPIRes.secrets, s) }
        if let r = record { try CAPIReconciler.forget(tx, r) }
        if let o = KubeStore.get(tx, cluster: m, CAPIRes.clusters, namespace: ns, name: name) { try KubeStore.remove(tx, cluster: m, o) }
    }

    /// A Cluster gone without its finalizer (removed behind the controllers' back): once CAPVCD
    /// removed what VCD holds (CAPVCDPass), what it owned goes as garbage collection and the
    /// VCDCluster's finalizer would take it: machines, machine sets, the VCDCluster, the
    /// kubeconfig secret, the workload cluster and the record.
    func collectOrphan(_ r: CAPIClusterRecord) throws {
        guard KO.get(tx, m, CAPIRes.clusters, r.namespace, r.name) == nil else { return }
        for mach in KO.list(tx, m, CAPIRes.machines, r.namespace) where CAPIMachine(mach).spec.clusterName == r.name {
            try removeMachine(mach, record: r)
        }
        for ms in KO.list(tx, m, CAPIRes.machineSets, r.namespace) where CAPIMachineSet(ms).spec.clusterName == r.name {
            try KO.remove(tx, m, CAPIRes.machineSets, ms)
        }
        for vc in KO.list(tx, m, CAPIRes.vcdClusters, r.namespace) where KubeMeta.labels(vc)[CAPIRes.clusterNameLabel] == r.name {
            try KO.remove(tx, m, CAPIRes.vcdClusters, vc)
        }
        if let s = KO.get(tx, m, CAPIRes.secrets, r.namespace, "\(r.name)-kubeconfig") { try KO.remove(tx, m, CAPIRes.secrets, s) }
        try Self.forget(tx, r)
    }

    /// The workload cluster, the CPI's records and the cluster's record go (VCD is clean already).
    static func forget(_ tx: WriteTx, _ r: CAPIClusterRecord) throws {
        for o in tx.children(Kind.capiRecord, of: CPIRecord.parent(r.name)) { tx.delete(o.id) }
        if KubeStore.cluster(tx, r.name) != nil { try Simulator.removeKubeCluster(tx, name: r.name) }
        tx.delete(CAPIClusterRecord.id(r.name))
    }
}
