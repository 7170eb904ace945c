import CloudWire
import Foundation

/// Machines: the kubeadm control plane adds its machines one at a time (the first initializes the
/// cluster), each MachineDeployment keeps a MachineSet whose machines come once the control plane is
/// initialized. A Machine goes Pending → Provisioning (VM created in the cluster's vApp, bootstrap
/// ExtraConfig set, powered on) → Provisioned (VM running, addresses known) → Running (the guest's
/// bootstrap phases all succeeded: the node joins the workload cluster). A guest whose bootstrap
/// stops (no SNAT, stripped ExtraConfig…) keeps its Machine Provisioned with the guest's reason.
extension CAPIReconciler {
    struct Pool {
        var owner: JSONValue
        var ownerResource: KubeResource
        var controlPlane: Bool
        var desired: Int
        var template: String
        var version: String
        var labels: [String: String]
        var namePrefix: String
    }

    /// The annotation Cluster API puts on an infrastructure machine: the template it was cloned from.
    static let clonedFromName = "cluster.x-k8s.io/cloned-from-name"

    /// Whether a machine is of an older Kubernetes version or machine template than its pool
    /// wants now (a rollout replaces it).
    func outdated(_ mach: JSONValue, _ pool: Pool) -> Bool {
        if CAPIMachine(mach).spec.version != pool.version { return true }
        guard let vm = KO.get(tx, m, CAPIRes.vcdMachines, KubeMeta.namespace(mach), KubeMeta.name(mach)) else { return false }
        if let from = KO.annotations(vm)[Self.clonedFromName], from != pool.template { return true }
        // The same template object changed in place: compare the catalog item it names.
        guard let template = KO.get(tx, m, CAPIRes.vcdMachineTemplates, KubeMeta.namespace(mach), pool.template),
              let want = VCDMachineTemplate(template).spec.template.spec else { return false }
        let have = VCDMachine(vm).spec
        return want.template != have.template || want.catalog != have.catalog
    }

    func machines(_ ns: String, _ cluster: String, label: String, value: String) -> [JSONValue] {
        KO.list(tx, m, CAPIRes.machines, ns).filter { CAPIMachine($0).spec.clusterName == cluster && KubeMeta.labels($0)[label] == value }
    }

    /// What VCD requests the machines of a cluster need now (CAPVCDPass sends them before
    /// `reconcileMachines`): VMs to make for Pending machines whose time has come, VMs to read for
    /// machines being provisioned, VMs to delete for machines being deleted.
    func machineWork(_ rec: CAPIClusterRecord) -> MachineWork {
        var work = MachineWork()
        for mach in KO.list(tx, m, CAPIRes.machines, rec.namespace) {
            let machine = CAPIMachine(mach)
            guard machine.spec.clusterName == rec.name else { continue }
            let name = KubeMeta.name(mach)
            let vmId = CAPVCDInfra.vmId(fromProviderID: machine.spec.providerID)
            if KO.deleting(mach) {
                if let vmId { work.deletes.append((name, vmId)) }
                continue
            }
            switch machine.phase {
            case "Pending":
                guard elapsed(since: machine.status.lastUpdated, atLeast: 5) else { continue }
                let vm = machine.spec.infrastructureRef.name.flatMap { KO.get(tx, m, CAPIRes.vcdMachines, rec.namespace, $0) }
                work.creates.append(MachineWork.Create(machine: name, spec: VCDMachine(vm).spec, controlPlane: KubeMeta.labels(mach)["cluster.x-k8s.io/control-plane"] != nil))
            case "Provisioning", "Provisioned":
                if let vmId { work.inspect.append(vmId) }
            default: break
            }
        }
        return work
    }

    func reconcileMachines(_ cl: JSONValue, _ rec: CAPIClusterRecord, _ vcd: MachineResults) throws -> AfterWork {
        let ns = KubeMeta.namespace(cl), name = KubeMeta.name(cl)
        // The kubeconfig follows where the workload cluster's API can be reached now (served or not).
        if rec.workloadCreated { try writeKubeconfigSecret(ns: ns, record: rec) }
        guard let kcp = KO.get(tx, m, CAPIRes.kubeadmControlPlanes, ns, refs(cl).controlPlane) else { return AfterWork() }
        let pools = try self.pools(cl, kcp: kcp)
        try keepEndpoint(cl, rec)
        try remediateUnhealthyMachines(ns, cluster: name)
        var rec = rec
        var after = AfterWork()
        var failure: CAPIFailure? = nil
        try scalePools(pools, ns: ns, cluster: name, initialized: rec.workloadCreated, retire: { try self.retire($0, vcd, record: rec) }) { mach, pool in
            do { try advanceMachine(mach, pool: pool, record: &rec, vcd, &after) } catch let f as CAPIFailure { failure = failure ?? f }
        }
        if let (_, stored) = record(name), stored.workloadCreated != rec.workloadCreated { try saveRecord(rec) }
        try applyResourceSets(cl, initialized: rec.workloadCreated)
        after.members = controlPlaneMembers(ns, name, rec)
        after.rdePatch = try aggregate(cl, kcp: kcp, pools: pools, record: rec, failure: failure)
        return after
    }

    /// The machine pools of a Cluster: its kubeadm control plane, and one per MachineDeployment
    /// (through the MachineSet it keeps).
    func pools(_ cl: JSONValue, kcp: JSONValue) throws -> [Pool] {
        let ns = KubeMeta.namespace(cl), name = KubeMeta.name(cl)
        let cpName = KubeMeta.name(kcp)
        let cp = KubeadmControlPlane(kcp).spec
        let version = cp.version ?? "v1.27.5"
        var pools: [Pool] = [Pool(owner: kcp, ownerResource: CAPIRes.kubeadmControlPlanes, controlPlane: true,
                                  desired: cp.replicas ?? 1,
                                  template: cp.machineTemplate.infrastructureRef.name ?? cp.infrastructureTemplate.name ?? cpName,
                                  version: version,
                                  labels: [CAPIRes.clusterNameLabel: name, "cluster.x-k8s.io/control-plane": "", "cluster.x-k8s.io/control-plane-name": cpName],
                                  namePrefix: cpName)]
        for md in machineDeployments(ns, name) {
            let mdName = KubeMeta.name(md)
            let deployment = CAPIMachineDeployment(md).spec
            let ms = try ensureMachineSet(md, cluster: name)
            pools.append(Pool(owner: ms, ownerResource: CAPIRes.machineSets, controlPlane: false, desired: deployment.replicas ?? 1,
                              template: deployment.template.spec.infrastructureRef.name ?? mdName,
                              version: deployment.template.spec.version ?? version,
                              labels: [CAPIRes.clusterNameLabel: name, "cluster.x-k8s.io/deployment-name": mdName,
                                       "cluster.x-k8s.io/set-name": KubeMeta.name(ms)],
                              namePrefix: KubeMeta.name(ms)))
        }
        return pools
    }

    /// The Cluster API side of the machines, whoever makes their infrastructure: MachineSets whose
    /// deployment is gone lose their machines; each pool is scaled to its replicas (the control
    /// plane one machine at a time, workers once it is `initialized`) and rolled to its template and
    /// version (one surge machine); then `advance` steps each machine. `retire` starts or ends a
    /// machine's deletion and answers whether it is gone.
    func scalePools(_ pools: [Pool], ns: String, cluster name: String, initialized: Bool,
                    retire: (JSONValue) throws -> Bool, advance: (JSONValue, Pool) throws -> Void) throws {
        // Machines made on an earlier pass own their infrastructure machines from now on.
        for mach in KO.list(tx, m, CAPIRes.machines, ns) where CAPIMachine(mach).spec.clusterName == name && !KO.deleting(mach) {
            try adoptInfrastructure(mach)
        }
        let mdNames = Set(machineDeployments(ns, name).map(KubeMeta.name))
        for ms in KO.list(tx, m, CAPIRes.machineSets, ns) where CAPIMachineSet(ms).spec.clusterName == name {
            guard let d = KubeMeta.labels(ms)["cluster.x-k8s.io/deployment-name"], !mdNames.contains(d) else { continue }
            let owned = machines(ns, name, label: "cluster.x-k8s.io/set-name", value: KubeMeta.name(ms))
            var left = 0
            for mach in owned where !(try retire(mach)) { left += 1 }
            if left == 0 { try KO.remove(tx, m, CAPIRes.machineSets, ms) }
        }
        for pool in pools {
            let label = pool.controlPlane ? "cluster.x-k8s.io/control-plane-name" : "cluster.x-k8s.io/set-name"
            var list = machines(ns, name, label: label, value: KubeMeta.name(pool.owner))
            let live = list.filter { !KO.deleting($0) }
            let outdated = live.filter { self.outdated($0, pool) }
            let running = live.allSatisfy { CAPIMachine($0).phase == "Running" }
            func byAge(_ a: JSONValue, _ b: JSONValue) -> Bool {
                (KubeMeta.field(a, "creationTimestamp")?.stringValue ?? "", KubeMeta.name(a)) < (KubeMeta.field(b, "creationTimestamp")?.stringValue ?? "", KubeMeta.name(b))
            }
            if live.count > pool.desired {
                // Scale down, the newest first; during a rollout (one surge machine), the oldest
                // outdated one once every live machine runs (maxSurge 1, maxUnavailable 0).
                let victims = outdated.isEmpty ? Array(live.sorted(by: byAge).reversed()) : outdated.sorted(by: byAge)
                if outdated.isEmpty || running {
                    for extra in victims.prefix(live.count - pool.desired) {
                        var e = extra
                        KubeMeta.set(&e, "deletionTimestamp", .string(KubeMeta.timestamp(now)))
                        try KO.save(tx, m, CAPIRes.machines, old: extra, e)
                    }
                }
                list = machines(ns, name, label: label, value: KubeMeta.name(pool.owner))
            } else if live.count == pool.desired, !outdated.isEmpty, initialized, running, live.count == list.count {
                // A rolling replacement: one new machine (the surge) from the current template and
                // version; an outdated one goes once it runs.
                try createMachine(pool, ns: ns, cluster: name, index: list.count)
                list = machines(ns, name, label: label, value: KubeMeta.name(pool.owner))
            }
            // Scale up: the control plane one machine at a time, workers once it is initialized.
            let count = list.filter { !KO.deleting($0) }.count
            if count < pool.desired {
                if pool.controlPlane {
                    let allRunning = list.allSatisfy { CAPIMachine($0).phase == "Running" }
                    if count == 0 || (allRunning && initialized) { try createMachine(pool, ns: ns, cluster: name, index: list.count) }
                } else if initialized {
                    for i in 0..<(pool.desired - count) { try createMachine(pool, ns: ns, cluster: name, index: list.count + i) }
                }
                list = machines(ns, name, label: label, value: KubeMeta.name(pool.owner))
            }
            for mach in list { try advance(mach, pool) }
        }
    }

    /// A machine whose VM is gone (or never was) is removed; else it is marked for deletion, its
    /// VM deleted on the next pass. True when it is gone.
    func retire(_ mach: JSONValue, _ vcd: MachineResults, record rec: CAPIClusterRecord) throws -> Bool {
        if CAPVCDInfra.vmId(fromProviderID: CAPIMachine(mach).spec.providerID) == nil || vcd.deleted.contains(KubeMeta.name(mach)) {
            try removeMachine(mach, record: rec)
            return true
        }
        if !KO.deleting(mach) {
            var e = mach
            KubeMeta.set(&e, "deletionTimestamp", .string(KubeMeta.timestamp(now)))
            try KO.save(tx, m, CAPIRes.machines, old: mach, e)
        }
        return false
    }

    /// The endpoint stays what CAPVCD chose even if the objects are re-applied without it.
    func keepEndpoint(_ cl: JSONValue, _ rec: CAPIClusterRecord) throws {
        let endpoint: JSONValue = .object(["host": .string(rec.vip), "port": .int(6443)])
        var c = cl
        if cl["spec"]?["controlPlaneEndpoint"] != endpoint { c = KO.merge(c, ["spec": .object(["controlPlaneEndpoint": endpoint])]) }
        // A PUT without the finalizer gets it back, as the cluster controller adds it on every reconcile.
        KO.addFinalizer(&c, Self.clusterFinalizer)
        try KO.save(tx, m, CAPIRes.clusters, old: cl, c)
        let (infraName, _) = refs(cl)
        if let vc = KO.get(tx, m, CAPIRes.vcdClusters, KubeMeta.namespace(cl), infraName), !KO.deleting(vc) {
            var n = vc
            if vc["spec"]?["controlPlaneEndpoint"] != endpoint { n = KO.merge(n, ["spec": .object(["controlPlaneEndpoint": endpoint])]) }
            KO.addFinalizer(&n, Self.vcdClusterFinalizer)
            // Ready again after a CAPVCD that could not start has started (controllerDown).
            if VCDCluster(vc).status.ready == false {
                n = KO.merge(n, ["status": .object(["ready": .bool(true), "conditions": KO.conditions(vc, [
                    KO.condition("Ready", true, now: now), KO.condition("LoadBalancerAvailable", true, now: now)])])])
            }
            try KO.save(tx, m, CAPIRes.vcdClusters, old: vc, n)
        }
    }

    func ensureMachineSet(_ md: JSONValue, cluster: String) throws -> JSONValue {
        let ns = KubeMeta.namespace(md), mdName = KubeMeta.name(md)
        // The MachineSet of the deployment (found by label: after a move the deployment has a new uid).
        if let ms = KO.list(tx, m, CAPIRes.machineSets, ns).first(where: {
            KubeMeta.labels($0)["cluster.x-k8s.io/deployment-name"] == mdName && CAPIMachineSet($0).spec.clusterName == cluster
        }) {
            // The set follows its deployment's template and replicas (its machines roll to them).
            let want = KO.merge(ms, ["spec": .object(["template": md["spec"]?["template"] ?? .object([:]), "replicas": md["spec"]?["replicas"] ?? .int(1)])])
            return try KO.save(tx, m, CAPIRes.machineSets, old: ms, want)
        }
        let msName = "\(mdName)-\(KO.suffix((KubeMeta.field(md, "uid")?.stringValue ?? mdName) + "/ms"))"
        var md2 = md
        KubeMeta.set(&md2, "labels", KO.labels(md, adding: [CAPIRes.clusterNameLabel: cluster]))
        try KO.save(tx, m, CAPIRes.machineDeployments, old: md, md2)
        return try KO.create(tx, m, CAPIRes.machineSets, .object([
            "metadata": .object(["name": .string(msName), "namespace": .string(ns),
                                 "labels": .object([CAPIRes.clusterNameLabel: .string(cluster), "cluster.x-k8s.io/deployment-name": .string(mdName)]),
                                 "ownerReferences": .array([ownerRef(md, CAPIRes.machineDeployments)])]),
            "spec": .object([
                "clusterName": .string(cluster), "replicas": md["spec"]?["replicas"] ?? .int(1),
                "selector": .object(["matchLabels": .object([CAPIRes.clusterNameLabel: .string(cluster), "cluster.x-k8s.io/deployment-name": .string(mdName)])]),
                "template": md["spec"]?["template"] ?? .object([:]),
            ]),
        ]))
    }

    func ownerRef(_ o: JSONValue, _ r: KubeResource, controller: Bool = true) -> JSONValue {
        var ref: [String: JSONValue] = ["apiVersion": .string(r.apiVersion), "kind": .string(r.kind), "name": .string(KubeMeta.name(o)),
                                        "uid": KubeMeta.field(o, "uid") ?? .string("")]
        if controller { ref["controller"] = .bool(true); ref["blockOwnerDeletion"] = .bool(true) }
        return .object(ref)
    }

    /// The Machine controller's first step on a machine: its infrastructure machine gets the
    /// Machine as controlling owner (the provider finds the Machine, and its Cluster, through it).
    func adoptInfrastructure(_ mach: JSONValue) throws {
        let infra = CAPIMachine(mach).spec.infrastructureRef.name ?? KubeMeta.name(mach)
        guard let vm = KO.get(tx, m, CAPIRes.vcdMachines, KubeMeta.namespace(mach), infra) else { return }
        let refs = KubeMeta.field(vm, "ownerReferences")?.arrayValue ?? []
        if refs.contains(where: { $0["kind"]?.stringValue == "Machine" }) { return }
        var n = vm
        let others = refs.map { ref -> JSONValue in
            guard case .object(var r) = ref else { return ref }
            r["controller"] = nil; r["blockOwnerDeletion"] = nil
            return .object(r)
        }
        KubeMeta.set(&n, "ownerReferences", .array(others + [ownerRef(mach, CAPIRes.machines)]))
        try KO.save(tx, m, CAPIRes.vcdMachines, old: vm, n)
    }

    func createMachine(_ pool: Pool, ns: String, cluster: String, index: Int) throws {
        var n = index
        var name = ""
        repeat {
            name = "\(pool.namePrefix)-\(KO.suffix("\(KubeMeta.field(pool.owner, "uid")?.stringValue ?? "")/\(n)"))"
            n += 1
        } while KO.get(tx, m, CAPIRes.machines, ns, name) != nil
        let labels: JSONValue = .object(pool.labels.mapValues { .string($0) })
        let vmt = KO.get(tx, m, CAPIRes.vcdMachineTemplates, ns, pool.template)
        let bootstrapSpec = pool.controlPlane ? (pool.owner["spec"]?["kubeadmConfigSpec"] ?? .object([:]))
            : (KO.get(tx, m, CAPIRes.kubeadmConfigTemplates, ns, CAPIMachineSet(pool.owner).spec.template.spec.bootstrap.configRef.name ?? "")?["spec"]?["template"]?["spec"] ?? .object([:]))
        let cpLabel = "cluster.x-k8s.io/control-plane-name"
        let initializes = pool.controlPlane && machines(ns, cluster, label: cpLabel, value: KubeMeta.name(pool.owner)).isEmpty
        let config = try KO.create(tx, m, CAPIRes.kubeadmConfigs, .object([
            "metadata": .object(["name": .string(name), "namespace": .string(ns), "labels": labels]),
            "spec": bootstrapSpec,
            "status": .object(["ready": .bool(true), "dataSecretName": .string(name)]),
        ]))
        // The bootstrap data the machine boots with (what the infrastructure provider reads).
        let endpoint = KO.get(tx, m, CAPIRes.clusters, ns, cluster).flatMap { cl -> String? in
            let at = CAPICluster(cl).spec.controlPlaneEndpoint
            guard let host = at.host, !host.isEmpty else { return nil }
            return "\(host):\(at.port ?? 6443)"
        } ?? ""
        try CAPIBootstrapData.ensureSecret(tx, m, ns: ns, config: config, CAPIBootstrapData.Input(
            cluster: cluster, machine: name, version: pool.version, endpoint: endpoint, controlPlane: pool.controlPlane,
            initializes: initializes, spec: bootstrapSpec, seed: KubeFields.uid(config)))
        let machine = try KO.create(tx, m, CAPIRes.machines, .object([
            "metadata": .object(["name": .string(name), "namespace": .string(ns), "labels": labels,
                                 "finalizers": .array([.string(Self.machineFinalizer)]),
                                 "ownerReferences": .array([ownerRef(pool.owner, pool.ownerResource)])]),
            "spec": .object([
                "clusterName": .string(cluster), "version": .string(pool.version),
                "bootstrap": .object(["configRef": .object(["apiVersion": .string(CAPIRes.kubeadmConfigs.apiVersion), "kind": .string("KubeadmConfig"),
                                                            "name": .string(name), "namespace": .string(ns)]),
                                      "dataSecretName": .string(name)]),
                "infrastructureRef": .object(["apiVersion": .string(vmt?["apiVersion"]?.stringValue ?? CAPIRes.vcdMachines.apiVersion), "kind": .string("VCDMachine"),
                                              "name": .string(name), "namespace": .string(ns)]),
            ]),
            "status": .object(["phase": .string("Pending"), "bootstrapReady": .bool(true), "infrastructureReady": .bool(false),
                               "lastUpdated": .string(KubeMeta.timestamp(now))]),
        ]))
        // The infrastructure machine is cloned from the template owned by the pool's owner, as
        // Cluster API clones it; the Machine controller adds the Machine as its owner on its next
        // pass (`adoptInfrastructure`), which the infrastructure provider waits for.
        _ = machine
        try KO.create(tx, m, CAPIRes.vcdMachines, .object([
            "metadata": .object(["name": .string(name), "namespace": .string(ns), "labels": labels,
                                 "annotations": .object([Self.clonedFromName: .string(pool.template)]),
                                 "finalizers": .array(external ? [] : [.string("vcdmachine.infrastructure.cluster.x-k8s.io")]),
                                 "ownerReferences": .array([ownerRef(pool.owner, pool.ownerResource, controller: false)])]),
            "spec": vmt?["spec"]?["template"]?["spec"] ?? .object([:]),
            "status": .object(external ? [:] : ["ready": .bool(false)]),
        ]))
    }

    /// One step of one Machine.
    func advanceMachine(_ mach: JSONValue, pool: Pool, record rec: inout CAPIClusterRecord, _ vcd: MachineResults, _ after: inout AfterWork) throws {
        let ns = KubeMeta.namespace(mach), name = KubeMeta.name(mach)
        if KO.deleting(mach) { _ = try retire(mach, vcd, record: rec); return }
        let record = CAPIMachine(mach)
        let phase = record.phase, last = record.status.lastUpdated
        let machine = record.spec
        func setStatus(_ fields: [String: JSONValue], spec: [String: JSONValue] = [:]) throws {
            var n = KO.merge(mach, ["status": .object(fields.merging(["lastUpdated": .string(KubeMeta.timestamp(now))]) { a, _ in a })])
            if !spec.isEmpty { n = KO.merge(n, ["spec": .object(spec)]) }
            try KO.save(tx, m, CAPIRes.machines, old: mach, n)
        }
        func setVCDMachine(_ status: [String: JSONValue], spec: [String: JSONValue] = [:]) throws {
            guard let vm = KO.get(tx, m, CAPIRes.vcdMachines, ns, name) else { return }
            var n = KO.merge(vm, ["status": .object(status)])
            if !spec.isEmpty { n = KO.merge(n, ["spec": .object(spec)]) }
            try KO.save(tx, m, CAPIRes.vcdMachines, old: vm, n)
        }
        switch phase {
        case "Pending":
            guard let made = vcd.created[name] else { return }
            switch made {
            case .success(let vmId):
                let pid = CAPVCDInfra.providerID(vmId)
                try setVCDMachine(["ready": .bool(false), "template": .string(VCDMachine(KO.get(tx, m, CAPIRes.vcdMachines, ns, name)).spec.template ?? "")],
                                  spec: ["providerID": .string(pid)])
                try setStatus(["phase": .string("Provisioning"), "conditions": KO.conditions(mach, [
                    KO.condition("Ready", false, reason: "WaitingForInfrastructure", message: "VM \(name) is powering on", now: now, severity: "Info"),
                    KO.condition("BootstrapReady", true, now: now),
                    KO.condition("InfrastructureReady", false, reason: "WaitingForInfrastructure", now: now, severity: "Info"),
                ])], spec: ["providerID": .string(pid)])
            case .failure(let f) where f.busy || CAPVCDPass.retried.contains(f.reason):
                return  // retried on the next pass; the Cluster's Ready condition says why
            case .failure(let f):
                try setStatus(["phase": .string("Failed"), "failureReason": .string("CreateError"), "failureMessage": .string(f.message)])
                throw f
            }
        case "Provisioning":
            guard let vmId = CAPVCDInfra.vmId(fromProviderID: machine.providerID), let known = vcd.facts[vmId] else { return }
            guard let vm = known else {
                return try setStatus(["phase": .string("Failed"), "failureReason": .string("UpdateError"),
                                      "failureMessage": .string("the VM of machine \(name) no longer exists in VCD")])
            }
            guard vm.status == 4, elapsed(since: last, atLeast: 20) else { return }
            let ip = vm.ip
            let addresses: JSONValue = .array([.object(["type": .string("InternalIP"), "address": .string(ip)]),
                                               .object(["type": .string("Hostname"), "address": .string(vm.computerName)])])
            try setVCDMachine(["ready": .bool(true), "addresses": addresses, "bootstrapped": .bool(false)])
            try setStatus(["phase": .string("Provisioned"), "infrastructureReady": .bool(true), "addresses": addresses,
                           "conditions": KO.conditions(mach, [
                            KO.condition("Ready", false, reason: "WaitingForNodeRef", message: "bootstrap of \(name) in progress", now: now, severity: "Info"),
                            KO.condition("BootstrapReady", true, now: now),
                            KO.condition("InfrastructureReady", true, now: now),
                           ])])
        case "Provisioned":
            guard let vmId = CAPVCDInfra.vmId(fromProviderID: machine.providerID), let known = vcd.facts[vmId] else { return }
            guard let vm = known else {
                return try setStatus(["phase": .string("Failed"), "failureReason": .string("UpdateError"),
                                      "failureMessage": .string("the VM of machine \(name) no longer exists in VCD")])
            }
            if vm.extraConfig[Guest.failureKey] == "1" {
                let why = vm.extraConfig[Guest.failureReasonKey] ?? "the bootstrap script failed"
                try setVCDMachine(["ready": .bool(true), "bootstrapped": .bool(false),
                                   "conditions": .array([KO.condition("BootstrapExecSucceeded", false, reason: "BootstrapExecError", message: why, now: now, severity: "Error")])])
                let n = KO.merge(mach, ["status": .object(["conditions": KO.conditions(mach, [
                    KO.condition("Ready", false, reason: "BootstrapFailed", message: why, now: now, severity: "Error"),
                    KO.condition("BootstrapReady", true, now: now),
                    KO.condition("InfrastructureReady", true, now: now),
                ])])])
                try KO.save(tx, m, CAPIRes.machines, old: mach, n)
                // CAPVCD 0.5.x keeps no error set in its RDE.
                if rec.isCAPVCD05 { return }
                after.rdeErrors.append(.object(["name": .string("VCDMachineScriptExecutionError"), "occurredAt": .string(KubeMeta.timestamp(now)),
                                                "additionalDetails": .object(["machine": .string(name), "error": .string(why)])]))
                return
            }
            guard vm.extraConfig[Guest.failureKey] == "0" else { return }
            if !rec.workloadCreated {
                guard pool.controlPlane else { return }
                try createWorkloadCluster(ns: ns, record: &rec, version: pool.version)
            }
            let node = try ensureNode(cluster: rec.name, name: name, vm: vm, controlPlane: pool.controlPlane, version: machine.version ?? pool.version)
            try setVCDMachine(["ready": .bool(true), "bootstrapped": .bool(true),
                               "conditions": .array([KO.condition("BootstrapExecSucceeded", true, now: now)])])
            try setStatus(["phase": .string("Running"), "bootstrapReady": .bool(true), "infrastructureReady": .bool(true),
                           "nodeRef": .object(["apiVersion": .string("v1"), "kind": .string("Node"), "name": .string(name),
                                               "uid": KubeMeta.field(node, "uid") ?? .string("")]),
                           "nodeInfo": node["status"]?["nodeInfo"] ?? .object([:]),
                           "conditions": KO.conditions(mach, [
                            KO.condition("Ready", true, now: now),
                            KO.condition("BootstrapReady", true, now: now),
                            KO.condition("InfrastructureReady", true, now: now),
                            KO.condition("NodeHealthy", true, now: now),
                           ])])
        default:
            return
        }
    }

    /// The workload cluster comes up with the first control-plane node: a simulated Kubernetes
    /// cluster named like the Cluster, and the `<cluster>-kubeconfig` secret naming VIP:6443.
    func createWorkloadCluster(ns: String, record rec: inout CAPIClusterRecord, version: String) throws {
        if KubeStore.cluster(tx, rec.name) == nil {
            let v = version.range(of: #"^v?\d+\.\d+\.\d+"#, options: .regularExpression) != nil ? version : "v1.27.5"
            _ = try Simulator.insertKubeCluster(tx, name: rec.name, version: v.hasPrefix("v") ? v : "v" + v, flavor: .capvcd,
                                             tokens: sim.kubeTokens)
        }
        rec.workloadCreated = true
        try saveRecord(rec)
        try writeKubeconfigSecret(ns: ns, record: rec)
        try CPIConfig.install(tx, workload: rec.name, credentials: cpiCredentials(ns: ns, record: rec), record: rec)
    }

    /// The credentials CAPVCD hands to the workload cluster's cloud provider: the data of the
    /// VCDCluster's `userContext.secretRef` secret, or its inline `userContext` (0.5.x).
    func cpiCredentials(ns: String, record rec: CAPIClusterRecord) -> JSONValue? {
        let cl = KO.get(tx, m, CAPIRes.clusters, ns, rec.name)
        let vc = KO.get(tx, m, CAPIRes.vcdClusters, ns, cl.map { refs($0).infra } ?? rec.name)
        let user = VCDCluster(vc).spec.userContext
        let secretName = user.secretRef.name ?? "capi-user-credentials"
        let secretNS = user.secretRef.namespace ?? ns
        if let s = KO.get(tx, m, CAPIRes.secrets, secretNS, secretName) { return s }
        return user.asSecret
    }

    func writeKubeconfigSecret(ns: String, record rec: CAPIClusterRecord) throws {
        try writeKubeconfigSecret(ns: ns, cluster: rec.name, endpointHost: rec.vip)
    }

    /// The `<cluster>-kubeconfig` secret of workload cluster `name`, whose API is at
    /// `endpointHost`:6443 in the simulated world (see `workloadServer`).
    func writeKubeconfigSecret(ns: String, cluster name: String, endpointHost: String) throws {
        guard let k = KubeStore.cluster(tx, name) else { return }
        let (server, ca) = workloadServer(cluster: name, endpointHost: endpointHost)
        let yaml = KubeconfigText.yaml(cluster: name, server: server, token: sim.kubeTokens.token(for: k), caData: ca)
        let data: JSONValue = .object(["value": .string(Data(yaml.utf8).base64EncodedString())])
        var owner: [JSONValue] = []
        if let cl = KO.get(tx, m, CAPIRes.clusters, ns, name) { owner = [ownerRef(cl, CAPIRes.clusters)] }
        if let old = KO.get(tx, m, CAPIRes.secrets, ns, "\(name)-kubeconfig") {
            try KO.save(tx, m, CAPIRes.secrets, old: old, KO.merge(old, ["data": data]))
            return
        }
        try KO.create(tx, m, CAPIRes.secrets, .object([
            "metadata": .object(["name": .string("\(name)-kubeconfig"), "namespace": .string(ns),
                                 "labels": .object([CAPIRes.clusterNameLabel: .string(name)]), "ownerReferences": .array(owner)]),
            "type": .string("cluster.x-k8s.io/secret"),
            "data": data,
        ]))
    }

    /// Where clients reach a workload cluster's API. In the simulated world it is the control-plane
    /// VIP on 6443, an address nothing connects to: vcdscript's in-process transport maps it to the
    /// cluster. While the simulator is served, the kubeconfig names the served Kubernetes listener on
    /// loopback instead (with the served certificate as its CA over https), as kind's kubeconfig
    /// names the port Docker forwards, so that kubectl and other programs reach the cluster.
    func workloadServer(cluster name: String, endpointHost: String) -> (server: String, caData: String?) {
        guard let base = tx.meta("endpoint.kube"), !base.isEmpty else { return ("https://\(endpointHost):6443", nil) }
        var ca: String? = nil
        if base.hasPrefix("https://"), let file = tx.meta("endpoint.certificate"), !file.isEmpty,
           let pem = try? String(contentsOfFile: file, encoding: .utf8) {
            ca = Data(pem.utf8).base64EncodedString()
        }
        return ("\(base)/clusters/\(name)", ca)
    }

    /// A Ready Node in the workload cluster for a machine.
    @discardableResult
    func ensureNode(cluster: String, name: String, vm: CAPVCDClient.VMFacts, controlPlane: Bool, version: String) throws -> JSONValue {
        if let n = KO.get(tx, cluster, CAPIRes.nodes, "", name) { return n }
        var labels: [String: JSONValue] = ["kubernetes.io/hostname": .string(name), "kubernetes.io/os": .string("linux"),
                                           "kubernetes.io/arch": .string("amd64"), "beta.kubernetes.io/os": .string("linux")]
        if controlPlane { labels["node-role.kubernetes.io/control-plane"] = .string("") }
        let t = JSONValue.string(KubeMeta.timestamp(now))
        let ip = vm.ip
        return try KO.create(tx, cluster, CAPIRes.nodes, .object([
            "metadata": .object(["name": .string(name), "labels": .object(labels),
                                 "annotations": .object(["cluster.x-k8s.io/cluster-name": .string(cluster), "cluster.x-k8s.io/machine": .string(name)])]),
            "spec": .object(["providerID": .string(CAPVCDInfra.providerID(vm.id)),
                             "taints": .array(controlPlane ? [.object(["key": .string("node-role.kubernetes.io/control-plane"), "effect": .string("NoSchedule")])] : [])]),
            "status": .object([
                "conditions": .array([.object(["type": .string("Ready"), "status": .string("True"), "reason": .string("KubeletReady"),
                                               "message": .string("kubelet is posting ready status"), "lastHeartbeatTime": t, "lastTransitionTime": t])]),
                "addresses": .array([.object(["type": .string("InternalIP"), "address": .string(ip)]),
                                     .object(["type": .string("Hostname"), "address": .string(name)])]),
                "nodeInfo": .object(["kubeletVersion": .string(version), "kubeProxyVersion": .string(version), "operatingSystem": .string("linux"),
                                     "architecture": .string("amd64"), "osImage": .string(vm.os.isEmpty ? "Ubuntu 22.04 LTS" : vm.os),
                                     "containerRuntimeVersion": .string("containerd://1.6.18")]),
                "capacity": .object(["cpu": .string(String(vm.cpus)), "memory": .string("\(vm.memoryMb * 1024)Ki"), "pods": .string("110")]),
                "allocatable": .object(["cpu": .string(String(vm.cpus)), "memory": .string("\(vm.memoryMb * 1024)Ki"), "pods": .string("110")]),
            ]),
        ]))
    }

    /// Deletes a machine's node and objects (its VM is gone: CAPVCDPass deleted it, or the vApp).
    func removeMachine(_ mach: JSONValue, record rec: CAPIClusterRecord?) throws {
        let ns = KubeMeta.namespace(mach), name = KubeMeta.name(mach)
        if let rec, KubeStore.cluster(tx, rec.name) != nil, let node = KO.get(tx, rec.name, CAPIRes.nodes, "", name) {
            try KO.remove(tx, rec.name, CAPIRes.nodes, node)
        }
        for r in [CAPIRes.vcdMachines, CAPIRes.kubeadmConfigs] {
            if let o = KO.get(tx, m, r, ns, name) { try KO.remove(tx, m, r, o) }
        }
        try KO.remove(tx, m, CAPIRes.machines, mach)
    }

    /// The addresses of the Running control-plane machines, which the control-plane pool holds.
    func controlPlaneMembers(_ ns: String, _ cluster: String, _ rec: CAPIClusterRecord) -> [String] {
        KO.list(tx, m, CAPIRes.machines, ns).compactMap { o -> String? in
            let machine = CAPIMachine(o)
            guard machine.spec.clusterName == cluster, KubeMeta.labels(o)["cluster.x-k8s.io/control-plane"] != nil,
                  machine.phase == "Running", !KO.deleting(o) else { return nil }
            return machine.status.addresses?.internalIP
        }.sorted()
    }

    /// Status of the control plane, the deployments and the Cluster from the machines; returns the
    /// RDE status to merge (sent by CAPVCDPass).
    func aggregate(_ cl: JSONValue, kcp: JSONValue, pools: [Pool], record rec: CAPIClusterRecord, failure: CAPIFailure?) throws -> JSONValue? {
        guard let (provisioned, nodePools) = try aggregateStatus(cl, kcp: kcp, pools: pools, initialized: rec.workloadCreated, failure: failure) else { return nil }
        if rec.isCAPVCD05 {
            return CAPVCD05Entity.status(provisioned: provisioned, clusterPhase: provisioned ? "Provisioned" : failure != nil ? "Failed" : "Provisioning",
                                         endpoint: rec.vip, port: 6443)
        }
        let phase = failure != nil ? "error" : provisioned ? "provisioned" : "provisioning"
        return .object(["status": .object(["capvcd": .object([
            "phase": .string(phase), "nodePool": .array(nodePools),
            "kubernetes": .string(KubeadmControlPlane(kcp).spec.version ?? ""),
            "clusterApiStatus": .object(["phase": .string(provisioned ? "Provisioned" : failure != nil ? "Failed" : "Provisioning"),
                                         "apiEndpoints": .array([.object(["host": .string(rec.vip), "port": .int(6443)])])]),
        ])])])
    }

    /// The status of the control plane, the MachineSets and MachineDeployments and the Cluster,
    /// from their machines (the Cluster API side, whoever makes the infrastructure); nil when the
    /// Cluster is gone. `initialized`: the control plane's first node has run `kubeadm init`.
    func aggregateStatus(_ cl: JSONValue, kcp: JSONValue, pools: [Pool], initialized: Bool, failure: CAPIFailure?) throws -> (provisioned: Bool, nodePools: [JSONValue])? {
        let ns = KubeMeta.namespace(cl), name = KubeMeta.name(cl)
        var allRunning = true
        var cpReady = false
        var nodePools: [JSONValue] = []
        for pool in pools {
            let label = pool.controlPlane ? "cluster.x-k8s.io/control-plane-name" : "cluster.x-k8s.io/set-name"
            let list = machines(ns, name, label: label, value: KubeMeta.name(pool.owner)).filter { !KO.deleting($0) }
            let ready = list.filter { CAPIMachine($0).phase == "Running" }.count
            // Machines of the version and template the pool wants now (the rest are rolled out).
            let updated = list.filter { !outdated($0, pool) }.count
            if ready != pool.desired || list.count != pool.desired || updated != pool.desired { allRunning = false }
            let vmt = VCDMachineTemplate(KO.get(tx, m, CAPIRes.vcdMachineTemplates, ns, pool.template)).spec.template.spec ?? VCDMachineSpec()
            nodePools.append(.object([
                "name": .string(KubeMeta.name(pool.controlPlane ? kcp : pool.owner)), "desiredReplicas": .int(pool.desired), "availableReplicas": .int(ready),
                "sizingPolicy": .string(vmt.sizingPolicyName ?? ""), "placementPolicy": .string(vmt.placementPolicy ?? ""),
                "storageProfile": .string(vmt.storageProfile ?? ""), "diskSizeMb": .int((vmt.diskBytes ?? 0) / (1024 * 1024)),
                "nvidiaGpuEnabled": .bool(false),
            ]))
            let selector = pool.labels.sorted { $0.key < $1.key }.map { $0.value.isEmpty ? $0.key : "\($0.key)=\($0.value)" }.joined(separator: ",")
            if pool.controlPlane {
                cpReady = ready == pool.desired && list.count == pool.desired && updated == pool.desired
                // status.version: the oldest version the control plane still runs.
                let oldest = list.compactMap { CAPIMachine($0).spec.version }.filter { $0 != pool.version }.first ?? pool.version
                let n = KO.merge(kcp, ["status": .object([
                    "replicas": .int(list.count), "readyReplicas": .int(ready), "updatedReplicas": .int(updated),
                    "unavailableReplicas": .int(list.count - ready), "initialized": .bool(initialized), "ready": .bool(ready > 0),
                    "version": .string(oldest), "selector": .string(selector),
                    "observedGeneration": KubeMeta.field(kcp, "generation") ?? .int(1),
                    "conditions": KO.conditions(kcp, [
                        KO.condition("Ready", cpReady, reason: cpReady ? "" : "ScalingUp", message: cpReady ? "" : "\(ready) of \(pool.desired) control plane machines ready", now: now, severity: "Info"),
                        KO.condition("Available", initialized, reason: initialized ? "" : "WaitingForKubeadmInit", now: now, severity: "Info"),
                        KO.condition("MachinesReady", ready == list.count && !list.isEmpty, reason: ready == list.count ? "" : "WaitingForNodeRef", now: now, severity: "Info"),
                    ]),
                ])])
                try KO.save(tx, m, CAPIRes.kubeadmControlPlanes, old: kcp, n)
            } else {
                let ms = pool.owner
                let msStatus: [String: JSONValue] = ["replicas": .int(list.count), "readyReplicas": .int(ready), "availableReplicas": .int(ready),
                                                     "fullyLabeledReplicas": .int(list.count), "selector": .string(selector),
                                                     "observedGeneration": KubeMeta.field(ms, "generation") ?? .int(1)]
                if let cur = KO.get(tx, m, CAPIRes.machineSets, ns, KubeMeta.name(ms)) {
                    try KO.save(tx, m, CAPIRes.machineSets, old: cur, KO.merge(cur, ["status": .object(msStatus)]))
                }
                if let mdName = pool.labels["cluster.x-k8s.io/deployment-name"], let md = KO.get(tx, m, CAPIRes.machineDeployments, ns, mdName) {
                    let phase = list.count < pool.desired ? "ScalingUp" : list.count > pool.desired ? "ScalingDown"
                        : (ready == pool.desired && updated == pool.desired ? "Running" : "ScalingUp")
                    let n = KO.merge(md, ["status": .object(msStatus.merging([
                        "observedGeneration": KubeMeta.field(md, "generation") ?? .int(1),
                        "updatedReplicas": .int(updated), "unavailableReplicas": .int(max(0, pool.desired - ready)), "phase": .string(phase),
                        "conditions": KO.conditions(md, [KO.condition("Ready", phase == "Running", reason: phase == "Running" ? "" : "WaitingForAvailableMachines", now: now, severity: "Info"),
                                                         KO.condition("Available", ready >= pool.desired, reason: ready >= pool.desired ? "" : "WaitingForAvailableMachines", now: now, severity: "Info")]),
                    ]) { _, b in b })])
                    try KO.save(tx, m, CAPIRes.machineDeployments, old: md, n)
                }
            }
        }
        guard let cur = KO.get(tx, m, CAPIRes.clusters, ns, name) else { return nil }
        let provisioned = initialized && cpReady && allRunning
        var status: [String: JSONValue] = [
            "infrastructureReady": .bool(true), "controlPlaneReady": .bool(cpReady),
            "phase": .string(provisioned ? "Provisioned" : "Provisioning"),
            "observedGeneration": KubeMeta.field(cur, "generation") ?? .int(1),
            "conditions": KO.conditions(cur, [
                provisioned ? KO.condition("Ready", true, now: now)
                    : KO.condition("Ready", false, reason: initialized ? "WaitingForMachines" : "WaitingForControlPlane",
                                   message: initialized ? "waiting for all machines to run" : "waiting for the control plane to be initialized",
                                   now: now, severity: "Info"),
                KO.condition("InfrastructureReady", true, now: now),
                KO.condition("ControlPlaneInitialized", initialized, reason: initialized ? "" : "WaitingForControlPlaneProviderInitialized", now: now, severity: "Info"),
                KO.condition("ControlPlaneReady", cpReady, reason: cpReady ? "" : "WaitingForControlPlane", now: now, severity: "Info"),
            ]),
        ]
        if let f = failure {
            status["phase"] = .string("Failed")
            status["failureReason"] = .string("CreateError")
            status["failureMessage"] = .string(f.message)
            status["conditions"] = KO.conditions(cur, [
                KO.condition("Ready", false, reason: f.reason, message: f.message, now: now, severity: "Error"),
                KO.condition("InfrastructureReady", true, now: now),
                KO.condition("ControlPlaneInitialized", initialized, reason: initialized ? "" : "WaitingForControlPlaneProviderInitialized", now: now, severity: "Info"),
                KO.condition("ControlPlaneReady", cpReady, reason: cpReady ? "" : "WaitingForControlPlane", now: now, severity: "Info"),
            ])
        }
        try KO.save(tx, m, CAPIRes.clusters, old: cur, KO.merge(cur, ["status": .object(status)]))
        return (provisioned, nodePools)
    }
}
