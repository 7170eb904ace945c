import CloudWire
import Foundation

/// The CAPVCD controller of one management cluster for one pass, as it started.
enum CAPVCDRuntime {
    /// CAPVCD 1.x: starts without configuration of its own (credentials come with each cluster).
    case v1
    /// CAPVCD 0.5.x started with this configuration.
    case v05(CAPVCD05Config)
    /// CAPVCD 0.5.x could not start (missing or bad configuration, VCD unreachable, login
    /// refused): it reconciles nothing, and says why.
    case notRunning(CAPIFailure)
    /// No replica of the simulated CAPVCD runs: its Deployment is scaled to 0, so that another
    /// controller (the real CAPVCD run as a host process) makes the VCD objects. The Cluster API
    /// controllers go on with their part (CAPIExternalInfra.swift).
    case absent

    /// The controller of `cluster`: its release (CAPVCDRelease) and, for 0.5.x, its start.
    static func of(_ sim: Simulator, cluster: String) -> CAPVCDRuntime {
        if sim.capiRead({ CAPVCDRelease.scaledToZero($0, cluster) }) { return .absent }
        guard case .v05 = sim.capiRead({ CAPVCDRelease.of($0, cluster) }) else { return .v1 }
        switch CAPVCD05Login.start(sim, cluster: cluster) {
        case .success(let c): return .v05(c)
        case .failure(let f):
            let d = "\(CAPIComponents.vcd.namespace)/\(CAPIComponents.vcd.deployment)"
            return .notRunning(CAPIFailure(reason: f.reason, message: "the CAPVCD 0.5.x controller (\(d)) cannot start: \(f.message)"))
        }
    }

    /// The 0.5.x controller's configuration, if it runs.
    var config05: CAPVCD05Config? {
        if case .v05(let c) = self { return c }
        return nil
    }

    var is05: Bool {
        switch self {
        case .v1, .absent: return false
        case .v05, .notRunning: return true
        }
    }

    /// The status its Deployment shows: one ready replica, or none (the pod failing, as
    /// `kubectl get deploy` and `describe` would show it crash-looping) with the reason.
    static func reportDeployment(_ tx: WriteTx, cluster: String, _ runtime: CAPVCDRuntime) throws {
        guard runtime.is05, let d = CAPVCDRelease.deployment(tx, cluster) else { return }
        let replicas = KubeDeployment(d).spec.replicas ?? 1
        var failure: CAPIFailure? = nil
        if case .notRunning(let f) = runtime { failure = f }
        let ready = failure == nil ? replicas : 0
        let t = JSONValue.string(KubeMeta.timestamp(tx.now))
        var available: JSONObject = ["type": "Available", "status": .string(failure == nil ? "True" : "False"),
                                              "reason": .string(failure == nil ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable"),
                                              "message": .string(failure == nil ? "Deployment has minimum availability." : "Deployment does not have minimum availability: \(failure!.message)"),
                                              "lastUpdateTime": t, "lastTransitionTime": t]
        // The transition time stays while the state does.
        if let prev = (d["status"]?["conditions"]?.arrayValue ?? []).first(where: { $0["type"] == "Available" }),
           prev["status"] == available["status"], prev["message"] == available["message"] {
            if case .object(let kept) = prev { available = kept }
        }
        let status: JSONValue = .object([
            "observedGeneration": KubeMeta.field(d, "generation") ?? .int(1), "replicas": .int(replicas), "updatedReplicas": .int(replicas),
            "readyReplicas": .int(ready), "availableReplicas": .int(ready), "unavailableReplicas": .int(replicas - ready),
            "conditions": .array([.object(available)]),
        ])
        if d["status"] == status { return }
        try KO.save(tx, cluster, CAPIRes.deployments, old: d, KO.merge(d, ["status": status]))
    }
}

extension CAPIReconciler {
    /// A CAPVCD that did not start leaves the cluster where it is, with its reason on the VCDCluster
    /// (`Ready=False`) and, as the Cluster API controller mirrors it, on the Cluster
    /// (`InfrastructureReady=False`, `Ready=False`). The phase does not change: once the
    /// configuration is fixed the controller starts and the cluster carries on.
    func controllerDown(_ cl: JSONValue, _ f: CAPIFailure, deleting: Bool) throws {
        let ns = KubeMeta.namespace(cl)
        var c = cl
        if deleting, CAPICluster(cl).status.phase != "Deleting" { c = KO.merge(c, ["status": .object(["phase": .string("Deleting")])]) }
        let initialized = conditionTrue(cl, "ControlPlaneInitialized"), cpReady = conditionTrue(cl, "ControlPlaneReady")
        c = KO.merge(c, ["status": .object(["conditions": KO.conditions(cl, [
            KO.condition("Ready", false, reason: f.reason, message: f.message, now: now, severity: "Error"),
            KO.condition("InfrastructureReady", false, reason: f.reason, message: f.message, now: now, severity: "Error"),
            KO.condition("ControlPlaneInitialized", initialized, reason: initialized ? "" : "WaitingForControlPlaneProviderInitialized", now: now, severity: "Info"),
            KO.condition("ControlPlaneReady", cpReady, reason: cpReady ? "" : "WaitingForControlPlane", now: now, severity: "Info"),
        ])])])
        try KO.save(tx, m, CAPIRes.clusters, old: cl, c)
        if let vc = KO.get(tx, m, CAPIRes.vcdClusters, ns, refs(cl).infra) {
            let n = KO.merge(vc, ["status": .object([
                "ready": .bool(false),
                "conditions": KO.conditions(vc, [KO.condition("Ready", false, reason: f.reason, message: f.message, now: now, severity: "Error")]),
            ])])
            try KO.save(tx, m, CAPIRes.vcdClusters, old: vc, n)
        }
    }

    func conditionTrue(_ o: JSONValue, _ type: String) -> Bool {
        (o["status"]?["conditions"]?.arrayValue ?? []).contains { $0["type"]?.stringValue == type && $0["status"]?.stringValue == "True" }
    }
}
