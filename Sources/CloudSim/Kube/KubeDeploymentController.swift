import CloudWire
import Foundation

/// The deployment controller: a Deployment owns one ReplicaSet per pod template,
/// `<deployment>-<pod-template-hash>`, whose selector, template and pods carry the
/// `pod-template-hash` label. A changed template makes a new ReplicaSet (revision + 1, in the
/// `deployment.kubernetes.io/revision` annotation of both) and the old ones are scaled down:
/// RollingUpdate within maxSurge / maxUnavailable as pods become ready, Recreate once the old pods
/// are gone. Old ReplicaSets at zero are kept up to `revisionHistoryLimit`. The status (replicas,
/// updated, ready, available, conditions Available and Progressing) is what `kubectl rollout
/// status` reads.
enum KubeDeploymentController {
    static let hashLabel = "pod-template-hash"
    static let revisionKey = "deployment.kubernetes.io/revision"

    static func sync(_ p: KubeControllerPass) throws {
        for d in p.list(KubeTypes.deployments) where !KubeFields.deleting(d) { try sync(p, d) }
    }

    static func replicas(_ o: JSONValue) -> Int { KubeFields.int(o["spec"]?["replicas"]) ?? 1 }
    static func revision(_ o: JSONValue) -> Int { Int(KubeFields.annotations(o)[revisionKey] ?? "") ?? 0 }

    /// A pod template without the hash label (and without what becomes empty without it): what
    /// a Deployment's template is compared with.
    static func withoutHash(_ template: JSONValue?) -> JSONValue {
        var t = template ?? .object([:])
        var meta = t["metadata"] ?? .object([:])
        var labels = KubeFields.strings(meta["labels"])
        labels.removeValue(forKey: hashLabel)
        KubeMeta.setTop(&meta, "labels", labels.isEmpty ? nil : .object(labels.mapValues { .string($0) }))
        if case .object(let m) = meta, m.isEmpty { KubeMeta.setTop(&t, "metadata", nil) } else { KubeMeta.setTop(&t, "metadata", meta) }
        return t
    }

    /// The ReplicaSets the Deployment controls; ReplicaSets without a controller that its selector
    /// matches are adopted.
    static func owned(_ p: KubeControllerPass, _ d: JSONValue) throws -> [JSONValue] {
        let uid = KubeFields.uid(d)
        var out: [JSONValue] = []
        for rs in p.list(KubeTypes.replicaSets, KubeMeta.namespace(d)) where !KubeFields.deleting(rs) {
            if KubeFields.controllerUID(rs) == uid {
                out.append(rs)
            } else if KubeFields.controllerUID(rs) == nil, KubeObjectSelector.matches(d["spec"]?["selector"], KubeMeta.labels(rs)) {
                var adopted = rs
                KubeMeta.set(&adopted, "ownerReferences", .array(KubeFields.ownerRefs(rs) + [KubeFields.controllerRef(d, KubeTypes.deployments)]))
                out.append(try p.save(KubeTypes.replicaSets, old: rs, adopted))
            }
        }
        return out
    }

    /// An int-or-percent of `desired` (`maxSurge` rounds up, `maxUnavailable` down).
    static func resolve(_ v: JSONValue?, of desired: Int, roundUp: Bool, default def: String) -> Int {
        let text = v?.scalarText ?? def
        guard text.hasSuffix("%"), let pct = Double(text.dropLast()) else { return Int(text) ?? 0 }
        let x = pct * Double(desired) / 100
        return Int(roundUp ? x.rounded(.up) : x.rounded(.down))
    }

    /// (maxSurge, maxUnavailable) of a RollingUpdate Deployment; Recreate replaces everything.
    static func rollingBounds(_ d: JSONValue) -> (surge: Int, unavailable: Int) {
        let desired = replicas(d)
        guard d["spec"]?["strategy"]?["type"]?.stringValue != "Recreate" else { return (0, 0) }
        let ru = d["spec"]?["strategy"]?["rollingUpdate"]
        let surge = resolve(ru?["maxSurge"], of: desired, roundUp: true, default: "25%")
        let unavailable = resolve(ru?["maxUnavailable"], of: desired, roundUp: false, default: "25%")
        return surge == 0 && unavailable == 0 ? (0, 1) : (surge, unavailable)
    }

    static func sync(_ p: KubeControllerPass, _ d: JSONValue) throws {
        let sets = try owned(p, d)
        let desired = replicas(d)
        let template = withoutHash(d["spec"]?["template"])
        let recreate = d["spec"]?["strategy"]?["type"]?.stringValue == "Recreate"
        let bounds = rollingBounds(d)
        let maxRevision = sets.map(revision).max() ?? 0
        var current = sets.first { withoutHash($0["spec"]?["template"]) == template }
        if current == nil && d["spec"]?["paused"] != .bool(true) {
            current = try createReplicaSet(p, d, sets: sets, template: template, revision: maxRevision + 1, bounds: bounds, recreate: recreate)
            guard current != nil else { return }
        } else if let rs = current, revision(rs) < maxRevision, d["spec"]?["paused"] != .bool(true) {
            // A rollback to an older template: its ReplicaSet becomes the newest revision.
            var n = rs
            KubeFields.setAnnotation(&n, revisionKey, String(maxRevision + 1))
            current = try p.save(KubeTypes.replicaSets, old: rs, n)
        }
        let olds = sets.filter { KubeMeta.name($0) != current.map(KubeMeta.name) }
        if let rs = current {
            let target = newReplicas(d, rs, olds: olds, desired: desired, bounds: bounds, recreate: recreate, p: p)
            current = try scale(p, rs, to: target, d: d, surge: bounds.surge)
            var withRevision = d
            KubeFields.setAnnotation(&withRevision, revisionKey, String(revision(current!)))
            try p.save(KubeTypes.deployments, old: d, withRevision)
        }
        try scaleDownOld(p, d, olds: olds, current: current, desired: desired, bounds: bounds, recreate: recreate)
        try cleanHistory(p, d, olds: olds)
    }

    private static func createReplicaSet(_ p: KubeControllerPass, _ d: JSONValue, sets: [JSONValue], template: JSONValue, revision: Int,
                                         bounds: (surge: Int, unavailable: Int), recreate: Bool) throws -> JSONValue? {
        let ns = KubeMeta.namespace(d), desired = replicas(d)
        let collisions = KubeFields.int(d["status"]?["collisionCount"]) ?? 0
        let hash = KubeNames.templateHash(template, collisionCount: collisions)
        let name = "\(KubeMeta.name(d))-\(hash)"
        if p.get(KubeTypes.replicaSets, ns, name) != nil {
            // Another template hashed to the same name: count the collision, try again next pass.
            try p.save(KubeTypes.deployments, old: d, KubePatch.merge(d, ["status": ["collisionCount": .int(collisions + 1)]]))
            return nil
        }
        let oldTotal = sets.reduce(0) { $0 + replicas($1) }
        let initial = recreate ? (oldTotal == 0 ? desired : 0) : oldTotal == 0 ? desired : min(desired, max(0, desired + bounds.surge - oldTotal))
        var labels = KubeFields.strings(template["metadata"]?["labels"])
        labels[hashLabel] = hash
        let labelsJSON = JSONValue.object(labels.mapValues { .string($0) })
        let rsTemplate = KubePatch.merge(template, ["metadata": ["labels": labelsJSON]])
        let selector = KubePatch.merge(d["spec"]?["selector"] ?? .object([:]), ["matchLabels": [hashLabel: .string(hash)]])
        var spec: [String: JSONValue] = ["replicas": .int(initial), "selector": selector, "template": rsTemplate]
        if let m = d["spec"]?["minReadySeconds"] { spec["minReadySeconds"] = m }
        return try p.create(KubeTypes.replicaSets, .object([
            "metadata": .object([
                "name": .string(name), "namespace": .string(ns), "labels": labelsJSON,
                "annotations": .object([revisionKey: .string(String(revision)), "deployment.kubernetes.io/desired-replicas": .string(String(desired)),
                                        "deployment.kubernetes.io/max-replicas": .string(String(desired + bounds.surge))]),
                "ownerReferences": .array([KubeFields.controllerRef(d, KubeTypes.deployments)]),
            ]),
            "spec": .object(spec),
        ]))
    }

    /// The new ReplicaSet's size: everything at once when there is nothing old to replace;
    /// otherwise up to `desired + maxSurge` pods in all (Recreate: once no old pod is left).
    private static func newReplicas(_ d: JSONValue, _ rs: JSONValue, olds: [JSONValue], desired: Int,
                                    bounds: (surge: Int, unavailable: Int), recreate: Bool, p: KubeControllerPass) -> Int {
        let oldTotal = olds.reduce(0) { $0 + replicas($1) }
        if recreate {
            let oldPods = olds.reduce(0) { $0 + p.pods(ownedBy: $1).filter(KubePods.active).count }
            return oldTotal == 0 && oldPods == 0 ? desired : replicas(rs)
        }
        if oldTotal == 0 { return desired }
        let current = replicas(rs)
        if current >= desired { return desired }
        let room = desired + bounds.surge - (oldTotal + current)
        return room > 0 ? min(desired, current + room) : current
    }

    private static func scale(_ p: KubeControllerPass, _ rs: JSONValue, to n: Int, d: JSONValue, surge: Int) throws -> JSONValue {
        var out = KubePatch.merge(rs, ["spec": ["replicas": .int(n)]])
        KubeFields.setAnnotation(&out, "deployment.kubernetes.io/desired-replicas", String(replicas(d)))
        KubeFields.setAnnotation(&out, "deployment.kubernetes.io/max-replicas", String(replicas(d) + surge))
        return try p.save(KubeTypes.replicaSets, old: rs, out)
    }

    /// Old ReplicaSets shrink: their unready pods at once, then as far as `maxUnavailable` allows
    /// given the pods ready now (oldest revision first); all of them at once for Recreate.
    private static func scaleDownOld(_ p: KubeControllerPass, _ d: JSONValue, olds: [JSONValue], current: JSONValue?, desired: Int,
                                     bounds: (surge: Int, unavailable: Int), recreate: Bool) throws {
        let live = olds.filter { replicas($0) > 0 }
        // Paused with a template not rolled out yet: the old pods stay.
        guard !live.isEmpty, current != nil else { return }
        if recreate || desired == 0 {
            for rs in live { try p.save(KubeTypes.replicaSets, old: rs, KubePatch.merge(rs, ["spec": ["replicas": 0]])) }
            return
        }
        func readyPods(_ rs: JSONValue) -> Int { p.pods(ownedBy: rs).filter(KubePods.ready).count }
        let available = (live + (current.map { [$0] } ?? [])).reduce(0) { $0 + readyPods($1) }
        var budget = available - (desired - bounds.unavailable)
        for rs in live.sorted(by: { revision($0) < revision($1) }) {
            var n = replicas(rs)
            let ready = readyPods(rs)
            n -= max(0, n - ready)                       // unready old pods help no one
            let cut = min(n, max(0, budget))
            n -= cut
            budget -= cut
            try p.save(KubeTypes.replicaSets, old: rs, KubePatch.merge(rs, ["spec": ["replicas": .int(n)]]))
        }
    }

    /// Old ReplicaSets at zero beyond `revisionHistoryLimit` (default 10) go, oldest first.
    private static func cleanHistory(_ p: KubeControllerPass, _ d: JSONValue, olds: [JSONValue]) throws {
        let limit = KubeFields.int(d["spec"]?["revisionHistoryLimit"]) ?? 10
        let idle = olds.compactMap { p.get(KubeTypes.replicaSets, KubeMeta.namespace($0), KubeMeta.name($0)) }
            .filter { replicas($0) == 0 && p.pods(ownedBy: $0).isEmpty }
            .sorted { revision($0) < revision($1) }
        for rs in idle.prefix(max(0, idle.count - limit)) { try p.remove(KubeTypes.replicaSets, rs) }
    }

    // MARK: Status

    static func updateStatus(_ p: KubeControllerPass) throws {
        for d in p.list(KubeTypes.deployments) where !KubeFields.deleting(d) {
            let uid = KubeFields.uid(d)
            let sets = p.list(KubeTypes.replicaSets, KubeMeta.namespace(d)).filter { KubeFields.controllerUID($0) == uid }
            let template = withoutHash(d["spec"]?["template"])
            let newRS = sets.first { withoutHash($0["spec"]?["template"]) == template }
            func sum(_ key: String) -> Int { sets.reduce(0) { $0 + (KubeFields.int($1["status"]?[key]) ?? 0) } }
            let desired = replicas(d)
            let total = sum("replicas"), ready = sum("readyReplicas"), available = sum("availableReplicas")
            let updated = KubeFields.int(newRS?["status"]?["replicas"]) ?? 0
            let prev = KubeFields.array(d["status"]?["conditions"])
            let minAvailable = desired - rollingBounds(d).unavailable
            let isAvailable = available >= minAvailable
            var conditions = [KubeFields.condition("Available", isAvailable,
                                                   reason: isAvailable ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                                                   message: isAvailable ? "Deployment has minimum availability." : "Deployment does not have minimum availability.",
                                                   previous: prev, now: p.now, updateTime: true)]
            if let rs = newRS {
                let complete = updated == desired && total == desired && available >= desired
                conditions.append(KubeFields.condition("Progressing", true, reason: complete ? "NewReplicaSetAvailable" : "ReplicaSetUpdated",
                                                       message: complete ? "ReplicaSet \"\(KubeMeta.name(rs))\" has successfully progressed."
                                                           : "ReplicaSet \"\(KubeMeta.name(rs))\" is progressing.",
                                                       previous: prev, now: p.now, updateTime: true))
            } else if let old = prev.first(where: { $0["type"]?.stringValue == "Progressing" }) {
                conditions.append(old)
            }
            let status = KubeFields.withStatus(d, [
                "observedGeneration": .int(KubeFields.generation(d)),
                "replicas": KubeFields.omitZero(total), "updatedReplicas": KubeFields.omitZero(updated),
                "readyReplicas": KubeFields.omitZero(ready), "availableReplicas": KubeFields.omitZero(available),
                "unavailableReplicas": KubeFields.omitZero(max(0, desired - available)),
                "collisionCount": d["status"]?["collisionCount"], "conditions": .array(conditions),
            ])
            try p.save(KubeTypes.deployments, old: d, status)
        }
    }
}
