import CloudWire
import Foundation

/// The daemon set controller: one pod `<daemonset>-<xxxxx>` per node its template accepts (node
/// selector, required node affinity, tolerated taints; nodes not yet Ready count too), pinned by
/// node affinity on `metadata.name` and bound by the scheduler. Pods on nodes that no longer
/// qualify go. A changed template replaces the pods one node at a time (RollingUpdate,
/// maxUnavailable 1 unless set) once the others are ready; `OnDelete` waits for the user.
enum KubeDaemonSetController {
    static let revisionLabel = "controller-revision-hash"

    /// The tolerations the controller adds to its pods, so that node conditions do not evict them.
    static let defaultTolerations: [(String, String)] = [
        ("node.kubernetes.io/not-ready", "NoExecute"), ("node.kubernetes.io/unreachable", "NoExecute"),
        ("node.kubernetes.io/disk-pressure", "NoSchedule"), ("node.kubernetes.io/memory-pressure", "NoSchedule"),
        ("node.kubernetes.io/pid-pressure", "NoSchedule"), ("node.kubernetes.io/unschedulable", "NoSchedule"),
    ]

    /// The template's pod spec with the daemon tolerations added.
    static func podSpec(_ ds: JSONValue) -> JSONValue {
        var spec = ds["spec"]?["template"]?["spec"] ?? .object([:])
        var tolerations = KubeFields.array(spec["tolerations"])
        var extra = defaultTolerations
        if spec["hostNetwork"] == .bool(true) { extra.append(("node.kubernetes.io/network-unavailable", "NoSchedule")) }
        for (key, effect) in extra where !tolerations.contains(where: { $0["key"]?.stringValue == key && $0["effect"]?.stringValue == effect }) {
            tolerations.append(.object(["key": .string(key), "operator": "Exists", "effect": .string(effect)]))
        }
        KubeMeta.setTop(&spec, "tolerations", .array(tolerations))
        return spec
    }

    static func hash(_ p: KubeControllerPass, _ ds: JSONValue) -> String {
        p.hash(of: ds) { KubeNames.templateHash(ds["spec"]?["template"] ?? .null) }
    }

    /// The nodes the daemon set should run on (`running`: those where a pod it has may stay, such
    /// as a node tainted `NoSchedule` after the pod came).
    static func eligible(_ ds: JSONValue, nodes: [JSONValue], running: Bool = false) -> [String] {
        let spec = podSpec(ds)
        return nodes.filter { KubeScheduler.misfit(spec, node: $0, daemon: true, running: running) == nil }.map(KubeMeta.name)
    }

    static func sync(_ p: KubeControllerPass) throws {
        let nodes = p.list(KubeTypes.nodes)
        for ds in p.list(KubeTypes.daemonSets) where !KubeFields.deleting(ds) { try sync(p, ds, nodes: nodes) }
    }

    static func sync(_ p: KubeControllerPass, _ ds: JSONValue, nodes: [JSONValue]) throws {
        let ns = KubeMeta.namespace(ds), revision = hash(p, ds)
        var wanted = eligible(ds, nodes: nodes)
        let staying = Set(eligible(ds, nodes: nodes, running: true))
        var byNode: [String: [JSONValue]] = [:]
        for pod in p.pods(ownedBy: ds).filter(KubePods.active) {
            guard let node = KubeScheduler.targetNode(pod), staying.contains(node) else { try p.remove(KubeTypes.pods, pod); continue }
            byNode[node, default: []].append(pod)
        }
        // A node that keeps its pod still counts, as the controller lets such pods continue.
        for node in byNode.keys.sorted() where !wanted.contains(node) { wanted.append(node) }
        var taken = Set(p.list(KubeTypes.pods, ns).map(KubeMeta.name))
        var template = ds["spec"]?["template"] ?? .object([:])
        KubeMeta.setTop(&template, "spec", podSpec(ds))
        var unavailable = 0
        var outdated: [JSONValue] = []
        for node in wanted {
            let pods = (byNode[node] ?? []).sorted { KubePods.deletionOrder($1, $0) }
            guard let kept = pods.first else {
                let name = KubeNames.fresh("\(KubeMeta.name(ds))-", seed: "\(KubeFields.uid(ds))/\(node)/\(p.nameSeed)", taken: taken)
                taken.insert(name)
                try p.create(KubeTypes.pods, pod(ds, template: template, name: name, node: node, revision: revision))
                unavailable += 1
                continue
            }
            for extra in pods.dropFirst() { try p.remove(KubeTypes.pods, extra) }
            if !KubePods.ready(kept) { unavailable += 1 }
            if KubeMeta.labels(kept)[revisionLabel] != revision { outdated.append(kept) }
        }
        guard ds["spec"]?["updateStrategy"]?["type"]?.stringValue != "OnDelete" else { return }
        let maxUnavailable = max(1, KubeDeploymentController.resolve(ds["spec"]?["updateStrategy"]?["rollingUpdate"]?["maxUnavailable"],
                                                                     of: wanted.count, roundUp: false, default: "1"))
        // Unready outdated pods first: replacing them costs no availability.
        let order = outdated.sorted { (KubePods.ready($0) ? 1 : 0, KubeScheduler.targetNode($0) ?? "") < (KubePods.ready($1) ? 1 : 0, KubeScheduler.targetNode($1) ?? "") }
        var budget = maxUnavailable - unavailable
        for pod in order {
            if KubePods.ready(pod) {
                guard budget > 0 else { break }
                budget -= 1
            }
            try p.remove(KubeTypes.pods, pod)
        }
    }

    static func pod(_ ds: JSONValue, template: JSONValue, name: String, node: String, revision: String) -> JSONValue {
        let pin: JSONValue = ["requiredDuringSchedulingIgnoredDuringExecution": ["nodeSelectorTerms": [
            ["matchFields": [["key": "metadata.name", "operator": "In", "values": [.string(node)]]]],
        ]]]
        let affinity = KubePatch.merge(template["spec"]?["affinity"] ?? .object([:]), ["nodeAffinity": pin])
        return KubePods.fromTemplate(template, namespace: KubeMeta.namespace(ds), name: name, owner: ds, ownerType: KubeTypes.daemonSets,
                                     extraLabels: [revisionLabel: revision, "pod-template-generation": String(KubeFields.generation(ds))],
                                     extraSpec: ["affinity": affinity])
    }

    static func updateStatus(_ p: KubeControllerPass) throws {
        let nodes = p.list(KubeTypes.nodes)
        for ds in p.list(KubeTypes.daemonSets) where !KubeFields.deleting(ds) {
            let revision = hash(p, ds)
            let pods = p.pods(ownedBy: ds).filter(KubePods.active)
            let staying = Set(eligible(ds, nodes: nodes, running: true))
            let wanted = Set(eligible(ds, nodes: nodes)).union(pods.compactMap(KubeScheduler.targetNode).filter(staying.contains))
            let placed = pods.filter { KubeScheduler.targetNode($0).map(wanted.contains) ?? false }
            let ready = placed.filter(KubePods.ready).count
            let scheduledNodes = Set(placed.compactMap(KubePods.nodeName))
            try p.save(KubeTypes.daemonSets, old: ds, KubeFields.withStatus(ds, [
                "desiredNumberScheduled": .int(wanted.count), "currentNumberScheduled": .int(scheduledNodes.count),
                "numberMisscheduled": .int(pods.count - placed.count), "numberReady": .int(ready),
                "numberAvailable": KubeFields.omitZero(ready), "numberUnavailable": KubeFields.omitZero(max(0, wanted.count - ready)),
                "updatedNumberScheduled": KubeFields.omitZero(placed.filter { KubeMeta.labels($0)[revisionLabel] == revision }.count),
                "observedGeneration": .int(KubeFields.generation(ds)),
            ]))
        }
    }
}
