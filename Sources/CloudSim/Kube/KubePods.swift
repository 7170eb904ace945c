import CloudWire
import Foundation

/// Pods as the controllers make them from a pod template, and the questions they ask of a pod.
enum KubePods {
    /// A pod from `template` (a `PodTemplateSpec`) with the defaults the apiserver would fill in on
    /// create, so that `kubectl get pod -o yaml` shows what a real cluster shows.
    static func fromTemplate(_ template: JSONValue?, namespace: String, name: String, owner: JSONValue, ownerType: KubeResource,
                             extraLabels: [String: String] = [:], extraSpec: [String: JSONValue] = [:]) -> JSONValue {
        var labels = KubeFields.strings(template?["metadata"]?["labels"])
        for (k, v) in extraLabels { labels[k] = v }
        var meta: [String: JSONValue] = [
            "name": .string(name), "namespace": .string(namespace), "generateName": .string("\(KubeMeta.name(owner))-"),
            "labels": .object(labels.mapValues { .string($0) }),
            "ownerReferences": .array([KubeFields.controllerRef(owner, ownerType)]),
        ]
        if case .object(let a)? = template?["metadata"]?["annotations"], !a.isEmpty { meta["annotations"] = .object(a) }
        var spec = defaultedSpec(template?["spec"] ?? .object([:]))
        for (k, v) in extraSpec { KubeMeta.setTop(&spec, k, v) }
        return .object(["metadata": .object(meta), "spec": spec, "status": .object(["phase": "Pending", "qosClass": .string(qosClass(spec))])])
    }

    /// The apiserver's defaults for a pod spec (only where the template leaves a field out), and
    /// the DefaultTolerationSeconds admission plugin's tolerations.
    static func defaultedSpec(_ spec: JSONValue) -> JSONValue {
        var s = spec
        let defaults: [String: JSONValue] = [
            "restartPolicy": "Always", "dnsPolicy": "ClusterFirst", "schedulerName": "default-scheduler",
            "terminationGracePeriodSeconds": 30, "securityContext": .object([:]), "enableServiceLinks": true,
            "preemptionPolicy": "PreemptLowerPriority", "priority": 0,
        ]
        for (k, v) in defaults where s[k] == nil { KubeMeta.setTop(&s, k, v) }
        let account = s["serviceAccountName"]?.stringValue ?? "default"
        KubeMeta.setTop(&s, "serviceAccountName", .string(account))
        KubeMeta.setTop(&s, "serviceAccount", .string(account))
        for key in ["containers", "initContainers"] where s[key] != nil {
            KubeMeta.setTop(&s, key, .array(KubeFields.array(s[key]).map(defaultedContainer)))
        }
        var tolerations = KubeFields.array(s["tolerations"])
        for key in ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"]
        where !tolerations.contains(where: { $0["key"]?.stringValue == key || ($0["key"] == nil && $0["operator"]?.stringValue == "Exists") }) {
            tolerations.append(.object(["key": .string(key), "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300]))
        }
        KubeMeta.setTop(&s, "tolerations", .array(tolerations))
        return s
    }

    static func defaultedContainer(_ c: JSONValue) -> JSONValue {
        var out = c
        let image = c["image"]?.stringValue ?? ""
        let tag = image.split(separator: "/").last.flatMap { $0.split(separator: ":").dropFirst().first }.map(String.init)
        let defaults: [String: JSONValue] = [
            "imagePullPolicy": .string(tag == nil || tag == "latest" ? "Always" : "IfNotPresent"),
            "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File", "resources": .object([:]),
        ]
        for (k, v) in defaults where out[k] == nil { KubeMeta.setTop(&out, k, v) }
        return out
    }

    /// BestEffort without any requests or limits, Guaranteed when every container's limits equal
    /// its requests, Burstable otherwise.
    static func qosClass(_ spec: JSONValue) -> String {
        let containers = KubeFields.array(spec["containers"])
        let resources = containers.map { ($0["resources"]?["requests"], $0["resources"]?["limits"]) }
        let empty: (JSONValue?) -> Bool = { v in if case .object(let o)? = v { return o.isEmpty }; return true }
        if resources.allSatisfy({ empty($0.0) && empty($0.1) }) { return "BestEffort" }
        let guaranteed = resources.allSatisfy { req, lim in
            guard case .object(let l)? = lim, l["cpu"] != nil, l["memory"] != nil else { return false }
            return empty(req) || req == lim
        }
        return guaranteed ? "Guaranteed" : "Burstable"
    }

    // MARK: Questions

    static func phase(_ pod: JSONValue) -> String { pod["status"]?["phase"]?.stringValue ?? "Pending" }

    /// Not finished (Succeeded/Failed) and not being deleted: what a controller counts.
    static func active(_ pod: JSONValue) -> Bool {
        !KubeFields.deleting(pod) && !["Succeeded", "Failed"].contains(phase(pod))
    }

    static func ready(_ pod: JSONValue) -> Bool {
        phase(pod) == "Running" && KubeFields.array(pod["status"]?["conditions"]).contains {
            $0["type"]?.stringValue == "Ready" && $0["status"]?.stringValue == "True"
        }
    }

    static func nodeName(_ pod: JSONValue) -> String? {
        guard let n = pod["spec"]?["nodeName"]?.stringValue, !n.isEmpty else { return nil }
        return n
    }

    /// Newest first, as controllers pick pods to remove when scaling down: not yet scheduled,
    /// then not running, then not ready, then the most recently created (the name breaks ties
    /// of the same second).
    static func deletionOrder(_ a: JSONValue, _ b: JSONValue) -> Bool {
        func rank(_ p: JSONValue) -> Int { nodeName(p) == nil ? 0 : phase(p) != "Running" ? 1 : !ready(p) ? 2 : 3 }
        if rank(a) != rank(b) { return rank(a) < rank(b) }
        let ta = KubeMeta.field(a, "creationTimestamp")?.stringValue ?? "", tb = KubeMeta.field(b, "creationTimestamp")?.stringValue ?? ""
        if ta != tb { return ta > tb }
        return KubeMeta.name(a) > KubeMeta.name(b)
    }
}
