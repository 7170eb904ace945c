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
            } : []
            return (keys, rec, orphans)
        }
        for r in orphans {
            _ = try? capiWrite { tx in try CAPIReconciler(sim: self, tx: tx, management: cluster).collectOrphan(r) }
        }
        for (ns, name) in keys {
            var failure: CAPIFailure? = nil
            do {
                try capiWrite { tx in try CAPIReconciler(sim: self, tx: tx, management: cluster).reconcile(ns, name) }
            } catch let f as CAPIFailure {
                failure = f
            } catch let e as SimError where e.minor != VCDMinorError.busyEntity {
                failure = CAPIFailure(reason: "VCDError", message: e.message)
            } catch {
                // Busy gateway or a passing conflict: the next pass retries, as the controllers requeue.
            }
            if let failure {
                _ = try? capiWrite { tx in try CAPIReconciler(sim: self, tx: tx, management: cluster).fail(ns, name, failure) }
            }
        }
        if let rec = workload, rec.workloadCreated {
            _ = try? capiWrite { tx in try CPIServices.reconcile(self, tx, cluster: cluster, record: rec) }
        }
    }

    /// Runs one pass of every simulated controller in every cluster (what a poll of each cluster's
    /// API would do). Scripts and tests that do not read the clusters call it to let time act.
    public func advanceClusterAPI() {
        for c in kubeClusters { advanceClusterAPI(in: c.name) }
    }
}
