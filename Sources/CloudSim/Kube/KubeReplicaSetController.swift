import CloudWire
import Foundation

/// The replica set controller: a ReplicaSet keeps `spec.replicas` pods `<replicaset>-<xxxxx>` from
/// its template (owned through a controller reference; pods without a controller that its
/// selector matches are adopted). Missing pods are made, a pod deleted by hand is made again;
/// extra pods go, unscheduled, then not running, then not ready, then newest first.
enum KubeReplicaSetController {
    static func sync(_ p: KubeControllerPass) throws {
        for rs in p.list(KubeTypes.replicaSets) where !KubeFields.deleting(rs) { try sync(p, rs) }
    }

    static func sync(_ p: KubeControllerPass, _ rs: JSONValue) throws {
        let ns = KubeMeta.namespace(rs), uid = KubeFields.uid(rs)
        let desired = KubeDeploymentController.replicas(rs)
        let inNamespace = p.list(KubeTypes.pods, ns)
        var pods: [JSONValue] = []
        for pod in inNamespace where KubePods.active(pod) {
            if KubeFields.controllerUID(pod) == uid {
                pods.append(pod)
            } else if KubeFields.controllerUID(pod) == nil, KubeObjectSelector.matches(rs["spec"]?["selector"], KubeMeta.labels(pod)) {
                var adopted = pod
                KubeMeta.set(&adopted, "ownerReferences", .array(KubeFields.ownerRefs(pod) + [KubeFields.controllerRef(rs, KubeTypes.replicaSets)]))
                pods.append(try p.save(KubeTypes.pods, old: pod, adopted))
            }
        }
        if pods.count < desired {
            var taken = Set(inNamespace.map(KubeMeta.name))
            let seed = "\(uid)/\(p.nameSeed)"
            for _ in pods.count..<desired {
                let name = KubeNames.fresh("\(KubeMeta.name(rs))-", seed: seed, taken: taken)
                taken.insert(name)
                try p.create(KubeTypes.pods, KubePods.fromTemplate(rs["spec"]?["template"], namespace: ns, name: name, owner: rs,
                                                                   ownerType: KubeTypes.replicaSets))
            }
        } else if pods.count > desired {
            for pod in pods.sorted(by: KubePods.deletionOrder).prefix(pods.count - desired) { try p.remove(KubeTypes.pods, pod) }
        }
    }

    static func updateStatus(_ p: KubeControllerPass) throws {
        for rs in p.list(KubeTypes.replicaSets) where !KubeFields.deleting(rs) {
            let pods = p.pods(ownedBy: rs).filter(KubePods.active)
            let labels = KubeFields.strings(rs["spec"]?["template"]?["metadata"]?["labels"])
            let fullyLabeled = pods.filter { pod in labels.allSatisfy { KubeMeta.labels(pod)[$0.key] == $0.value } }.count
            let ready = pods.filter(KubePods.ready).count
            try p.save(KubeTypes.replicaSets, old: rs, KubeFields.withStatus(rs, [
                "replicas": .int(pods.count), "fullyLabeledReplicas": KubeFields.omitZero(fullyLabeled),
                "readyReplicas": KubeFields.omitZero(ready), "availableReplicas": KubeFields.omitZero(ready),
                "observedGeneration": .int(KubeFields.generation(rs)),
            ]))
        }
    }
}
