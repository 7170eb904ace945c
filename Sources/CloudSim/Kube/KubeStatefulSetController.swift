import CloudWire
import Foundation

/// The stateful set controller: pods `<name>-0` … `<name>-(n-1)` with stable names, hostname and
/// subdomain (`spec.serviceName`). OrderedReady (the default) makes the next ordinal once the
/// ones before are ready and removes the highest first, one per pass; Parallel does all at once.
/// A changed template replaces the pods from the highest ordinal down, one at a time, once all are
/// ready (RollingUpdate; `OnDelete` waits for the user). No volume claims are made.
enum KubeStatefulSetController {
    static let revisionLabel = "controller-revision-hash"

    static func revision(_ p: KubeControllerPass, _ sts: JSONValue) -> String {
        p.hash(of: sts) { "\(KubeMeta.name(sts))-\(KubeNames.templateHash(sts["spec"]?["template"] ?? .null))" }
    }

    /// The ordinal of a pod named `<name>-<i>`.
    static func ordinal(_ pod: JSONValue, of sts: JSONValue) -> Int? {
        let prefix = "\(KubeMeta.name(sts))-"
        let name = KubeMeta.name(pod)
        guard name.hasPrefix(prefix) else { return nil }
        return Int(name.dropFirst(prefix.count))
    }

    static func sync(_ p: KubeControllerPass) throws {
        for sts in p.list(KubeTypes.statefulSets) where !KubeFields.deleting(sts) { try sync(p, sts) }
    }

    static func sync(_ p: KubeControllerPass, _ sts: JSONValue) throws {
        let n = KubeDeploymentController.replicas(sts)
        let parallel = sts["spec"]?["podManagementPolicy"]?.stringValue == "Parallel"
        let rev = revision(p, sts)
        var byOrdinal: [Int: JSONValue] = [:]
        for pod in p.pods(ownedBy: sts).filter(KubePods.active) {
            if let i = ordinal(pod, of: sts) { byOrdinal[i] = pod }
        }
        // Scale down: the highest ordinals first.
        let extra = byOrdinal.keys.filter { $0 >= n }.sorted(by: >)
        for i in extra.prefix(parallel ? extra.count : 1) { try p.remove(KubeTypes.pods, byOrdinal[i]!) }
        if !extra.isEmpty && !parallel { return }
        // Scale up: in order, each once the ones before it are ready.
        for i in 0..<n where byOrdinal[i] == nil {
            let before = (0..<i).allSatisfy { byOrdinal[$0].map(KubePods.ready) ?? false }
            guard parallel || before else { break }
            let name = "\(KubeMeta.name(sts))-\(i)"
            guard p.get(KubeTypes.pods, KubeMeta.namespace(sts), name) == nil else { continue }
            byOrdinal[i] = try p.create(KubeTypes.pods, pod(sts, ordinal: i, revision: rev))
            if !parallel { return }
        }
        // Rolling update: the highest outdated pod, once every pod is ready.
        guard sts["spec"]?["updateStrategy"]?["type"]?.stringValue != "OnDelete",
              (0..<n).allSatisfy({ byOrdinal[$0].map(KubePods.ready) ?? false }) else { return }
        let partition = KubeFields.int(sts["spec"]?["updateStrategy"]?["rollingUpdate"]?["partition"]) ?? 0
        if let i = (partition..<max(partition, n)).reversed().first(where: { KubeMeta.labels(byOrdinal[$0]!)[revisionLabel] != rev }) {
            try p.remove(KubeTypes.pods, byOrdinal[i]!)
        }
    }

    static func pod(_ sts: JSONValue, ordinal i: Int, revision: String) -> JSONValue {
        let name = "\(KubeMeta.name(sts))-\(i)"
        var extraSpec: [String: JSONValue] = ["hostname": .string(name)]
        if let service = sts["spec"]?["serviceName"]?.stringValue, !service.isEmpty { extraSpec["subdomain"] = .string(service) }
        return KubePods.fromTemplate(sts["spec"]?["template"], namespace: KubeMeta.namespace(sts), name: name, owner: sts,
                                     ownerType: KubeTypes.statefulSets,
                                     extraLabels: [revisionLabel: revision, "statefulset.kubernetes.io/pod-name": name,
                                                   "apps.kubernetes.io/pod-index": String(i)],
                                     extraSpec: extraSpec)
    }

    static func updateStatus(_ p: KubeControllerPass) throws {
        for sts in p.list(KubeTypes.statefulSets) where !KubeFields.deleting(sts) {
            let rev = revision(p, sts)
            let pods = p.pods(ownedBy: sts).filter(KubePods.active)
            let ready = pods.filter(KubePods.ready).count
            let updated = pods.filter { KubeMeta.labels($0)[revisionLabel] == rev }.count
            let allUpdated = updated == pods.count && pods.count == KubeDeploymentController.replicas(sts)
            let current = allUpdated ? rev : (sts["status"]?["currentRevision"]?.stringValue ?? rev)
            let currentCount = pods.filter { KubeMeta.labels($0)[revisionLabel] == current }.count
            try p.save(KubeTypes.statefulSets, old: sts, KubeFields.withStatus(sts, [
                "replicas": .int(pods.count), "readyReplicas": KubeFields.omitZero(ready), "availableReplicas": .int(ready),
                "currentReplicas": KubeFields.omitZero(currentCount), "updatedReplicas": KubeFields.omitZero(updated),
                "currentRevision": .string(current), "updateRevision": .string(rev), "collisionCount": 0,
                "observedGeneration": .int(KubeFields.generation(sts)),
            ]))
        }
    }
}
