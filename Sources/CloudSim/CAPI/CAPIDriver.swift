import CloudWire
import Foundation

/// When the simulated controllers run: before every request to the Kubernetes API of a cluster
/// (the request then sees the new state), and when the simulator is asked (`advanceClusterAPI()`).
/// No thread outlives a request; every pass is a transaction of the same SQLite state.
extension Simulator {
    /// The hook of `process` for `.kube` requests (`/clusters/<name>/...`): a request that carries
    /// the cluster's token lets its controllers take a step (an anonymous one does not).
    func advanceClusterAPI(for request: HTTPRequestMessage) {
        let parts = RouteTable.split(request.path)
        guard parts.count >= 2, parts[0] == "clusters" else { return }
        let authenticated = capiRead { s -> Bool in
            guard request.headers["Authorization"] != nil, let rec = KubeStore.cluster(s, parts[1]) else { return false }
            return (try? KubeRoutes.authenticate(request, rec, publicPath: false)) != nil
        }
        if authenticated { advanceClusterAPI(in: parts[1]) }
    }

    /// One pass of the controllers that run in `cluster`: the Cluster API + CAPVCD controllers if
    /// installed there, and the cloud provider if it is a workload cluster made by CAPVCD.
    func advanceClusterAPI(in cluster: String) {
        advanceWorkloads(in: cluster)  // the cluster's own controllers first (Kube/KubeWorkloadController.swift)
        let (keys, workload, orphans) = capiRead { s -> ([(String, String)], CAPIClusterRecord?, [CAPIClusterRecord]) in
            guard KubeStore.cluster(s, cluster) != nil else { return ([], nil, []) }
            let runs = CAPIComponents.controllersRun(s, cluster)
            let keys = runs ? KubeStore.list(s, cluster: cluster, CAPIRes.clusters).map { (KubeMeta.namespace($0.json), $0.name) } : []
            let rec = s.get(CAPIClusterRecord.id(cluster), kind: Kind.capiRecord).flatMap { try? $0.decode(CAPIClusterRecord.self) }
            let orphans = runs ? s.children(Kind.capiRecord, of: "capi/clusters").compactMap { try? $0.decode(CAPIClusterRecord.self) }.filter {
                $0.management == cluster && KubeStore.get(s, cluster: cluster, CAPIRes.clusters, namespace: $0.namespace, name: $0.name) == nil
                    && !Self.movedElsewhere(s, $0)
            } : []
            return (keys, rec, orphans)
        }
        // Which CAPVCD runs there, and whether it could start (0.5.x reads its configuration).
        let capvcd = capiRead { CAPIComponents.controllersRun($0, cluster) } ? CAPVCDRuntime.of(self, cluster: cluster) : .v1
        if capvcd.is05 { _ = try? capiWrite { tx in try CAPVCDRuntime.reportDeployment(tx, cluster: cluster, capvcd) } }
        // CAPVCD 1.x needs its RDE type in VCD; the simulated installation registers it on its first
        // run when the provider has not (as a provider admin or CSE would have before). 0.5.x
        // uses type 1.0.0 only if someone registered it, and does without otherwise.
        if case .v1 = capvcd, capiRead({ CAPIComponents.controllersRun($0, cluster) && CAPVCDEntity.existingType($0) == nil }) {
            _ = try? capiWrite { tx in try CAPVCDEntity.registerType(tx) }
        }
        // The CAPVCD controllers of this cluster are VCD's clients (CAPVCDPass.swift): one pass at a time.
        if !keys.isEmpty || !orphans.isEmpty, controllerSessions.begin("capvcd/\(cluster)") {
            defer { controllerSessions.end("capvcd/\(cluster)") }
            let pass = CAPVCDPass(sim: self, m: cluster, capvcd: capvcd)
            // Only the simulated CAPVCD cleans up after what it made.
            if case .absent = capvcd {} else { for r in orphans { pass.collectOrphan(r) } }
            for (ns, name) in keys { pass.run(ns, name) }
        }
        // A workload cluster (made by the simulated CAPVCD, or brought up by the bootstrap data a
        // real CAPVCD put on its VMs) runs the cloud provider while its Deployment has a replica.
        if workload?.workloadCreated == true || capiRead({ KubeClusterFlavor.of($0, cluster: cluster) == .capvcd }) {
            // Its kubelets post their nodes' status while their VMs run (CAPINodeHealth.swift).
            _ = try? capiWrite { tx in try CAPINodeHealth.sync(tx, cluster: cluster) }
            // The cloud provider is a client of VCD: its requests take the world lock one at a time.
            CPIServices.run(self, cluster: cluster)
        }
    }

    /// A Cluster gone from its management cluster is an orphan to clean up, unless `clusterctl move`
    /// took it to another cluster (a Cluster of that name and namespace is there, waiting to be
    /// adopted by that cluster's controllers).
    static func movedElsewhere(_ s: StateView, _ r: CAPIClusterRecord) -> Bool {
        s.all(Kind.kubeCluster).compactMap { try? $0.decode(KubeClusterRecord.self) }.contains {
            $0.name != r.management && KubeStore.get(s, cluster: $0.name, CAPIRes.clusters, namespace: r.namespace, name: r.name) != nil
        }
    }

    /// Runs one pass of every simulated controller in every cluster (what a poll of each cluster's
    /// API would do). Scripts and tests that do not read the clusters call it to let time act.
    public func advanceClusterAPI() {
        for c in kubeClusters { advanceClusterAPI(in: c.name) }
    }
}
