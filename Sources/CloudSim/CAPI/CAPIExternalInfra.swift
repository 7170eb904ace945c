import CloudWire
import Foundation

/// The Cluster API controllers (core, kubeadm bootstrap, kubeadm control plane) for a cluster whose
/// infrastructure another controller makes: the simulated CAPVCD is scaled to 0
/// (`CAPVCDRuntime.absent`) and a real CAPVCD, run as a host process against `sim serve`, takes its
/// place. Only Cluster API's contract with an infrastructure provider is used, through the objects:
///
/// * the Cluster owns its VCDCluster and KubeadmControlPlane (owner references, which CAPVCD
///   follows to find its Cluster); once the VCDCluster says `status.ready`, the Cluster takes its
///   `spec.controlPlaneEndpoint` and is `infrastructureReady`;
/// * each Machine comes with a KubeadmConfig, its bootstrap data secret (CAPIBootstrapData) and a
///   VCDMachine cloned from the template and owned by the Machine; the Machine is Provisioning
///   until the VCDMachine is ready, then takes its `providerID` and addresses (Provisioned);
/// * a Machine whose VCDMachine is ready ran its bootstrap (CAPVCD reports ready only after the
///   guest's `guestinfo.*.status` phases succeeded): its kubelet registers the Node, the first
///   control-plane node's `kubeadm init` having brought the workload cluster up (Running, nodeRef);
/// * deleting the Cluster deletes the Machines (each waits for its VCDMachine to go: CAPVCD deletes
///   the VM and drops its finalizer), then the VCDCluster (CAPVCD removes the vApp, load balancer
///   and RDE), then the workload cluster and the kubeconfig secret.
extension CAPIReconciler {
    /// One pass over Cluster `cl` (not being deleted, its phase set).
    func reconcileExternal(_ cl: JSONValue) throws {
        let ns = KubeMeta.namespace(cl), name = KubeMeta.name(cl)
        let (infraName, cpName) = refs(cl)
        let vc = try adopt(CAPIRes.vcdClusters, ns, infraName, by: cl, resource: CAPIRes.clusters)
        let kcp = try adopt(CAPIRes.kubeadmControlPlanes, ns, cpName, by: cl, resource: CAPIRes.clusters)
        guard let vc, VCDCluster(vc).status.ready == true else { return try waitingForInfrastructure(cl, vc) }
        var cl = cl
        let infraEndpoint = VCDCluster(vc).spec.controlPlaneEndpoint
        if (CAPICluster(cl).spec.controlPlaneEndpoint.host ?? "").isEmpty, let host = infraEndpoint.host, !host.isEmpty {
            let endpoint: JSONValue = .object(["host": .string(host), "port": .int(infraEndpoint.port ?? 6443)])
            cl = try KO.save(tx, m, CAPIRes.clusters, old: cl, KO.merge(cl, ["spec": .object(["controlPlaneEndpoint": endpoint])]))
        }
        guard let kcp else { return }
        // As soon as the endpoint is known the control plane provider makes the cluster's identity
        // and its `<cluster>-kubeconfig` secret (CAPVCD 1.x copies it into the RDE); the API
        // answers once nodes run.
        if let host = CAPICluster(cl).spec.controlPlaneEndpoint.host, !host.isEmpty {
            try ensureWorkloadCluster(name, version: KubeadmControlPlane(kcp).spec.version ?? "")
            try writeKubeconfigSecret(ns: ns, cluster: name, endpointHost: host)
        }
        let pools = try self.pools(cl, kcp: kcp)
        try remediateUnhealthyMachines(ns, cluster: name)
        try scalePools(pools, ns: ns, cluster: name, initialized: controlPlaneInitialized(ns, name),
                       retire: { try self.retireExternal($0) }) { mach, pool in
            try self.advanceExternal(mach, pool: pool, infrastructure: vc)
        }
        let initialized = controlPlaneInitialized(ns, name)
        try applyResourceSets(cl, initialized: initialized)
        _ = try aggregateStatus(cl, kcp: KO.get(tx, m, CAPIRes.kubeadmControlPlanes, ns, cpName) ?? kcp, pools: pools,
                                initialized: initialized, failure: nil)
    }

    /// Whether a control-plane machine of the cluster has its node (it ran `kubeadm init`).
    func controlPlaneInitialized(_ ns: String, _ cluster: String) -> Bool {
        KO.list(tx, m, CAPIRes.machines, ns).contains {
            CAPIMachine($0).spec.clusterName == cluster && KubeMeta.labels($0)["cluster.x-k8s.io/control-plane"] != nil
                && CAPIMachine($0).status.nodeRef != nil
        }
    }

    /// Makes `owner` the controlling owner of object `name` (if it has none yet); returns the object.
    @discardableResult
    func adopt(_ r: KubeResource, _ ns: String, _ name: String, by owner: JSONValue, resource: KubeResource) throws -> JSONValue? {
        guard let o = KO.get(tx, m, r, ns, name) else { return nil }
        let refs = KubeMeta.field(o, "ownerReferences")?.arrayValue ?? []
        if refs.contains(where: { $0["kind"]?.stringValue == resource.kind && $0["name"]?.stringValue == KubeMeta.name(owner) }) { return o }
        var n = o
        KubeMeta.set(&n, "ownerReferences", .array(refs + [ownerRef(owner, resource)]))
        return try KO.save(tx, m, r, old: o, n)
    }

    /// The infrastructure is not ready yet: the Cluster is Provisioning and says why, in the
    /// VCDCluster's words when it has some (the Cluster API controller mirrors its Ready condition).
    func waitingForInfrastructure(_ cl: JSONValue, _ vc: JSONValue?) throws {
        let why = (vc?["status"]?["conditions"]?.arrayValue ?? []).first { $0["status"]?.stringValue == "False" }
        let reason = why?["reason"]?.stringValue ?? "WaitingForInfrastructure"
        let message = why?["message"]?.stringValue ?? (vc == nil ? "the VCDCluster \(refs(cl).infra) does not exist" : "waiting for the VCDCluster to be ready")
        let n = KO.merge(cl, ["status": .object([
            "phase": .string(vc == nil ? "Pending" : "Provisioning"), "infrastructureReady": .bool(false),
            "conditions": KO.conditions(cl, [
                KO.condition("Ready", false, reason: reason, message: message, now: now, severity: "Info"),
                KO.condition("InfrastructureReady", false, reason: reason, message: message, now: now, severity: "Info"),
            ]),
        ])])
        try KO.save(tx, m, CAPIRes.clusters, old: cl, n)
    }

    /// One step of one Machine whose infrastructure another controller makes.
    func advanceExternal(_ mach: JSONValue, pool: Pool, infrastructure vc: JSONValue) throws {
        if KO.deleting(mach) { _ = try retireExternal(mach); return }
        let record = CAPIMachine(mach)
        let machine = record.spec
        let ns = KubeMeta.namespace(mach), name = KubeMeta.name(mach), cluster = machine.clusterName ?? ""
        let vm = KO.get(tx, m, CAPIRes.vcdMachines, ns, machine.infrastructureRef.name ?? name)
        func setStatus(_ fields: [String: JSONValue], spec: [String: JSONValue] = [:]) throws {
            var n = KO.merge(mach, ["status": .object(fields.merging(["lastUpdated": .string(KubeMeta.timestamp(now))]) { a, _ in a })])
            if !spec.isEmpty { n = KO.merge(n, ["spec": .object(spec)]) }
            try KO.save(tx, m, CAPIRes.machines, old: mach, n)
        }
        switch record.phase {
        case "Pending", "Provisioning":
            guard let vm, case let infra = VCDMachine(vm), infra.status.ready == true, let pid = infra.spec.providerID else {
                // Waiting for the infrastructure provider; its words, when it has some, show.
                let why = (vm?["status"]?["conditions"]?.arrayValue ?? []).first { $0["status"]?.stringValue == "False" }
                let reason = why?["reason"]?.stringValue ?? "WaitingForInfrastructure"
                let message = why?["message"]?.stringValue ?? ""
                let conditions = KO.conditions(mach, [
                    KO.condition("Ready", false, reason: reason, message: message, now: now, severity: "Info"),
                    KO.condition("BootstrapReady", true, now: now),
                    KO.condition("InfrastructureReady", false, reason: reason, message: message, now: now, severity: "Info"),
                ])
                if record.phase == "Provisioning", mach["status"]?["conditions"] == conditions { return }
                return try setStatus(["phase": .string("Provisioning"), "bootstrapReady": .bool(true), "conditions": conditions])
            }
            try setStatus(["phase": .string("Provisioned"), "infrastructureReady": .bool(true),
                           "addresses": vm["status"]?["addresses"] ?? .array([]),
                           "conditions": KO.conditions(mach, [
                            KO.condition("Ready", false, reason: "WaitingForNodeRef", now: now, severity: "Info"),
                            KO.condition("BootstrapReady", true, now: now),
                            KO.condition("InfrastructureReady", true, now: now),
                           ])], spec: ["providerID": .string(pid)])
        case "Provisioned":
            // The guest ran its bootstrap data: the first control-plane machine's `kubeadm init`
            // brings the workload cluster up, and each kubelet registers its Node.
            if !controlPlaneInitialized(ns, cluster) {
                guard pool.controlPlane else { return }
                try bringUpWorkloadCluster(ns: ns, cluster: cluster, version: pool.version, infrastructure: vc)
            }
            let ip = record.status.addresses?.internalIP ?? ""
            let vmId = CAPVCDInfra.vmId(fromProviderID: machine.providerID) ?? ""
            let facts = CAPVCDClient.VMFacts(id: vmId, status: 4, ip: ip, computerName: name, cpus: 2, memoryMb: 4096, os: "", extraConfig: [:])
            let node = try ensureNode(cluster: cluster, name: name, vm: facts, controlPlane: pool.controlPlane,
                                      version: machine.version ?? pool.version)
            try setStatus(["phase": .string("Running"),
                           "nodeRef": .object(["apiVersion": .string("v1"), "kind": .string("Node"), "name": .string(name),
                                               "uid": KubeMeta.field(node, "uid") ?? .string("")]),
                           "nodeInfo": node["status"]?["nodeInfo"] ?? .object([:]),
                           "conditions": KO.conditions(mach, [
                            KO.condition("Ready", true, now: now), KO.condition("BootstrapReady", true, now: now),
                            KO.condition("InfrastructureReady", true, now: now), KO.condition("NodeHealthy", true, now: now),
                           ])])
        default:
            return
        }
    }

    /// `kubeadm init` on the first control-plane machine: the workload cluster (a simulated
    /// Kubernetes cluster named like the Cluster) with the cloud provider's configuration that
    /// CAPVCD's control-plane script applies (from the VCDCluster's placement and credentials).
    func bringUpWorkloadCluster(ns: String, cluster: String, version: String, infrastructure vc: JSONValue) throws {
        try ensureWorkloadCluster(cluster, version: version)
        let infra = VCDCluster(vc)
        let placement = CPIConfig.Placement(
            site: infra.spec.site ?? "", org: infra.spec.org ?? "", vdc: infra.spec.ovdc ?? "",
            network: infra.spec.ovdcNetwork ?? "", vipSubnet: infra.spec.loadBalancerConfigSpec.vipSubnet ?? "",
            clusterId: infra.status.infraId ?? infra.spec.rdeId ?? "", vAppName: cluster)
        try CPIConfig.install(tx, workload: cluster, credentials: externalCredentials(ns, vc), placement: placement)
    }

    /// The workload cluster's record (a simulated Kubernetes cluster named like the Cluster, of
    /// CAPVCD's flavour), made once.
    func ensureWorkloadCluster(_ cluster: String, version: String) throws {
        guard KubeStore.cluster(tx, cluster) == nil else { return }
        let v = version.range(of: #"^v?\d+\.\d+\.\d+"#, options: .regularExpression) != nil ? version : "v1.27.5"
        _ = try Simulator.insertKubeCluster(tx, name: cluster, version: v.hasPrefix("v") ? v : "v" + v, flavor: .capvcd, tokens: sim.kubeTokens)
    }

    /// The credentials the VCDCluster names (its `userContext.secretRef` secret, else its inline
    /// `userContext`), as the cloud provider's secret wants them.
    func externalCredentials(_ ns: String, _ vc: JSONValue) -> JSONValue {
        let user = VCDCluster(vc).spec.userContext
        if let secretName = user.secretRef.name,
           let s = KO.get(tx, m, CAPIRes.secrets, user.secretRef.namespace ?? ns, secretName) { return s }
        return user.asSecret
    }

    /// Deletes a machine as Cluster API does when another controller holds its infrastructure: its
    /// VCDMachine is deleted first (the provider deletes the VM and drops its finalizer); once it is
    /// gone the Node, the bootstrap config and its secret go, then the Machine. True when gone.
    func retireExternal(_ mach: JSONValue) throws -> Bool {
        let ns = KubeMeta.namespace(mach), name = KubeMeta.name(mach)
        var mach = mach
        if !KO.deleting(mach) {
            var e = mach
            KubeMeta.set(&e, "deletionTimestamp", .string(KubeMeta.timestamp(now)))
            mach = try KO.save(tx, m, CAPIRes.machines, old: mach, e)
        }
        if CAPIMachine(mach).status.phase != "Deleting" {
            mach = try KO.save(tx, m, CAPIRes.machines, old: mach, KO.merge(mach, ["status": .object(["phase": .string("Deleting")])]))
        }
        let machine = CAPIMachine(mach).spec
        if let vm = KO.get(tx, m, CAPIRes.vcdMachines, ns, machine.infrastructureRef.name ?? name) {
            try requestDeletion(CAPIRes.vcdMachines, vm)
            return false
        }
        let cluster = machine.clusterName ?? ""
        if KubeStore.cluster(tx, cluster) != nil, let node = KO.get(tx, cluster, CAPIRes.nodes, "", name) {
            try KO.remove(tx, cluster, CAPIRes.nodes, node)
        }
        let configName = machine.bootstrap.configRef.name ?? name
        if let c = KO.get(tx, m, CAPIRes.kubeadmConfigs, ns, configName) { try KO.remove(tx, m, CAPIRes.kubeadmConfigs, c) }
        if let s = KO.get(tx, m, CAPIRes.secrets, ns, machine.bootstrap.dataSecretName ?? configName) {
            try KO.remove(tx, m, CAPIRes.secrets, s)
        }
        try KO.remove(tx, m, CAPIRes.machines, mach)
        return true
    }

    /// A delete as the API server takes it: an object with finalizers gets its
    /// `deletionTimestamp` (its controller finishes and drops them), one without goes at once.
    func requestDeletion(_ r: KubeResource, _ o: JSONValue) throws {
        let finalizers = KubeMeta.field(o, "finalizers")?.arrayValue ?? []
        if finalizers.isEmpty { return try KO.remove(tx, m, r, o) }
        guard !KO.deleting(o) else { return }
        var e = o
        KubeMeta.set(&e, "deletionTimestamp", .string(KubeMeta.timestamp(now)))
        try KO.save(tx, m, r, old: o, e)
    }

    /// A Cluster being deleted: its machines first, then the VCDCluster (the provider removes what
    /// VCD holds), then the workload cluster, the kubeconfig, the control plane and the Cluster.
    func deleteExternal(_ cl: JSONValue) throws {
        _ = try markDeleting(cl)
        let ns = KubeMeta.namespace(cl), name = KubeMeta.name(cl)
        let (infraName, cpName) = refs(cl)
        var machinesLeft = 0
        for mach in KO.list(tx, m, CAPIRes.machines, ns) where CAPIMachine(mach).spec.clusterName == name {
            if !(try retireExternal(mach)) { machinesLeft += 1 }
        }
        guard machinesLeft == 0 else { return }
        if let vc = KO.get(tx, m, CAPIRes.vcdClusters, ns, infraName) { return try requestDeletion(CAPIRes.vcdClusters, vc) }
        for r in [CAPIRes.machineSets, CAPIRes.machineDeployments, CAPIRes.machineHealthChecks, CAPIRes.clusterResourceSetBindings] {
            for o in KO.list(tx, m, r, ns) where CAPIClusterPart.of(o, cluster: name) { try KO.remove(tx, m, r, o) }
        }
        if let kcp = KO.get(tx, m, CAPIRes.kubeadmControlPlanes, ns, cpName) { try KO.remove(tx, m, CAPIRes.kubeadmControlPlanes, kcp) }
        if let s = KO.get(tx, m, CAPIRes.secrets, ns, "\(name)-kubeconfig") { try KO.remove(tx, m, CAPIRes.secrets, s) }
        if KubeStore.cluster(tx, name) != nil { try Simulator.removeKubeCluster(tx, name: name) }
        if let o = KubeStore.get(tx, cluster: m, CAPIRes.clusters, namespace: ns, name: name) { try KubeStore.remove(tx, cluster: m, o) }
    }
}
