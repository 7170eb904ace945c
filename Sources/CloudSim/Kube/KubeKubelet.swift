import CloudWire
import Crypto
import Foundation

/// The kubelets of a cluster's nodes, and the node-IPAM part of the controller manager they
/// depend on: every node gets a pod CIDR (`<prefix>.N.0/24`); a control-plane node runs kubeadm's
/// static pods (mirror pods); a pod bound to a Ready node is accepted (`ContainerCreating`, with
/// host IP and start time), then on the next pass Running and Ready with an address from its
/// node's pod CIDR (the node's own address with `hostNetwork`). Nothing is pulled or run: the
/// containers' IDs are hashes of what they would be made from.
enum KubeKubelet {
    static func run(_ p: KubeControllerPass) throws {
        try assignPodCIDRs(p)
        let nodes = Dictionary(p.list(KubeTypes.nodes).map { (KubeMeta.name($0), $0) }, uniquingKeysWith: { a, _ in a })
        var addresses = PodAddresses(p)
        for pod in p.list(KubeTypes.pods) where KubePods.active(pod) && KubePods.phase(pod) == "Pending" {
            guard let name = KubePods.nodeName(pod), let node = nodes[name], ready(node) else { continue }
            if pod["status"]?["startTime"] == nil {
                try p.save(KubeTypes.pods, old: pod, accept(pod, node: node, now: p.now))
            } else {
                try p.save(KubeTypes.pods, old: pod, start(pod, node: node, ip: addresses.next(for: pod, on: node), now: p.now))
            }
        }
        // After the pods above, so that a mirror pod made now starts on the next pass like any pod.
        if let flavor = p.record.flavor {
            for node in nodes.values.sorted(by: { KubeMeta.name($0) < KubeMeta.name($1) }) where ready(node) {
                // Names first: the manifests are built only when a mirror pod is missing.
                let missing = Set(KubeSystemPods.staticPodNames(node: node).filter { p.get(KubeTypes.pods, "kube-system", $0) == nil })
                guard !missing.isEmpty else { continue }
                for pod in KubeSystemPods.staticPods(node: node, version: p.record.kubernetesVersion, flavor: flavor)
                where missing.contains(KubeMeta.name(pod)) {
                    try p.create(KubeTypes.pods, accept(pod, node: node, now: p.now))
                }
            }
        }
    }

    // MARK: Nodes

    static func ready(_ node: JSONValue) -> Bool {
        KubeFields.array(node["status"]?["conditions"]).contains { $0["type"]?.stringValue == "Ready" && $0["status"]?.stringValue == "True" }
    }

    static func nodeIP(_ node: JSONValue) -> String {
        KubeFields.array(node["status"]?["addresses"]).first { $0["type"]?.stringValue == "InternalIP" }?["address"]?.stringValue ?? ""
    }

    /// Node IPAM (`--allocate-node-cidrs`): the lowest free /24 of the flavour's pod network.
    static func assignPodCIDRs(_ p: KubeControllerPass) throws {
        let nodes = p.list(KubeTypes.nodes)
        let prefix = p.flavor.podNetworkPrefix + "."
        var used = Set(nodes.compactMap { n -> Int? in
            guard let c = n["spec"]?["podCIDR"]?.stringValue, c.hasPrefix(prefix) else { return nil }
            return Int(c.dropFirst(prefix.count).split(separator: ".").first ?? "")
        })
        for node in nodes where node["spec"]?["podCIDR"] == nil {
            guard let n = (0..<256).first(where: { !used.contains($0) }) else { return }
            used.insert(n)
            let cidr = JSONValue.string("\(prefix)\(n).0/24")
            try p.save(KubeTypes.nodes, old: node, KubePatch.merge(node, ["spec": ["podCIDR": cidr, "podCIDRs": [cidr]]]))
        }
    }

    // MARK: Pod lifecycle

    /// The kubelet has taken the pod: sandbox and containers being made.
    static func accept(_ pod: JSONValue, node: JSONValue, now: Double) -> JSONValue {
        let t = KubeMeta.timestamp(now)
        let prev = KubeFields.array(pod["status"]?["conditions"])
        let names = containers(pod).map { $0["name"]?.stringValue ?? "" }
        let notReady = "containers with unready status: [\(names.joined(separator: " "))]"
        let hasInit = !KubeFields.array(pod["spec"]?["initContainers"]).isEmpty
        let status: [String: JSONValue?] = [
            "phase": "Pending", "qosClass": pod["status"]?["qosClass"] ?? .string(KubePods.qosClass(pod["spec"] ?? .null)),
            "hostIP": .string(nodeIP(node)), "hostIPs": .array([.object(["ip": .string(nodeIP(node))])]), "startTime": .string(t),
            "conditions": .array([
                KubeFields.condition("Initialized", !hasInit, reason: hasInit ? "ContainersNotInitialized" : "", message: "", previous: prev, now: now, probeTime: true),
                KubeFields.condition("Ready", false, reason: "ContainersNotReady", message: notReady, previous: prev, now: now, probeTime: true),
                KubeFields.condition("ContainersReady", false, reason: "ContainersNotReady", message: notReady, previous: prev, now: now, probeTime: true),
                KubeFields.condition("PodScheduled", true, reason: "", message: "", previous: prev, now: now, probeTime: true),
            ]),
            "containerStatuses": .array(containers(pod).map { c in
                .object(["name": c["name"] ?? "", "image": .string(KubeNames.fullImage(c["image"]?.stringValue ?? "")), "imageID": "",
                         "ready": false, "started": false, "restartCount": 0, "lastState": .object([:]),
                         "state": .object(["waiting": .object(["reason": "ContainerCreating"])])])
            }),
        ]
        return KubeFields.withStatus(pod, status)
    }

    /// The containers run: phase Running, every condition True, an address.
    static func start(_ pod: JSONValue, node: JSONValue, ip: String, now: Double) -> JSONValue {
        let t = JSONValue.string(KubeMeta.timestamp(now))
        let prev = KubeFields.array(pod["status"]?["conditions"])
        let uid = KubeFields.uid(pod)
        func status(_ c: JSONValue, running: Bool) -> JSONValue {
            let image = c["image"]?.stringValue ?? ""
            let full = KubeNames.fullImage(image)
            let repo = full.split(separator: "@").first.map { s -> String in
                guard let colon = s.lastIndex(of: ":"), !s[colon...].contains("/") else { return String(s) }
                return String(s[..<colon])
            } ?? full
            var o: [String: JSONValue] = [
                "name": c["name"] ?? "", "image": .string(full), "imageID": .string("\(repo)@sha256:\(sha256(full))"),
                "containerID": .string("containerd://\(sha256("\(uid)/\(c["name"]?.stringValue ?? "")"))"),
                "ready": .bool(running), "restartCount": 0, "lastState": .object([:]),
                "state": running ? .object(["running": .object(["startedAt": t])])
                    : .object(["terminated": .object(["exitCode": 0, "reason": "Completed", "startedAt": t, "finishedAt": t,
                                                      "containerID": .string("containerd://\(sha256("\(uid)/\(c["name"]?.stringValue ?? "")"))")])]),
            ]
            if running { o["started"] = true }
            return .object(o)
        }
        var fields: [String: JSONValue?] = [
            "phase": "Running", "qosClass": pod["status"]?["qosClass"], "hostIP": pod["status"]?["hostIP"] ?? .string(nodeIP(node)),
            "hostIPs": pod["status"]?["hostIPs"], "startTime": pod["status"]?["startTime"] ?? t,
            "podIP": .string(ip), "podIPs": .array([.object(["ip": .string(ip)])]),
            "conditions": .array(["Initialized", "Ready", "ContainersReady", "PodScheduled"].map {
                KubeFields.condition($0, true, reason: "", message: "", previous: prev, now: now, probeTime: true)
            }),
            "containerStatuses": .array(containers(pod).map { status($0, running: true) }),
        ]
        let inits = KubeFields.array(pod["spec"]?["initContainers"])
        if !inits.isEmpty { fields["initContainerStatuses"] = .array(inits.map { status($0, running: false) }) }
        return KubeFields.withStatus(pod, fields)
    }

    static func containers(_ pod: JSONValue) -> [JSONValue] { KubeFields.array(pod["spec"]?["containers"]) }

    static func sha256(_ s: String) -> String {
        SHA256.hash(data: Data(s.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Pod addresses handed out in one pass: the lowest free host (from .2) of the node's pod CIDR.
    struct PodAddresses {
        var used: [String: Set<String>] = [:]

        init(_ p: KubeControllerPass) {
            for pod in p.list(KubeTypes.pods) {
                if let n = KubePods.nodeName(pod), let ip = pod["status"]?["podIP"]?.stringValue { used[n, default: []].insert(ip) }
            }
        }

        mutating func next(for pod: JSONValue, on node: JSONValue) -> String {
            if pod["spec"]?["hostNetwork"] == .bool(true) { return KubeKubelet.nodeIP(node) }
            let name = KubeMeta.name(node)
            guard let cidr = node["spec"]?["podCIDR"]?.stringValue, let slash = cidr.lastIndex(of: "/") else { return KubeKubelet.nodeIP(node) }
            let base = cidr[..<slash].split(separator: ".").prefix(3).joined(separator: ".")
            for host in 2..<255 {
                let ip = "\(base).\(host)"
                if !used[name, default: []].contains(ip) {
                    used[name, default: []].insert(ip)
                    return ip
                }
            }
            return KubeKubelet.nodeIP(node)
        }
    }
}
