import CloudWire
import Foundation

/// Cluster API's MachineHealthCheck controller: for each MachineHealthCheck of a cluster, the
/// machines its selector matches are checked against their nodes. A machine is unhealthy when its
/// node is gone, or when one of `spec.unhealthyConditions` (type, status, timeout) has held on its
/// node for longer than the timeout. Unless more machines are unhealthy than `spec.maxUnhealthy`
/// allows (an int or a percentage; remediation then stops, as it does in Cluster API, so that a
/// broken network does not replace every node), each unhealthy machine gets
/// `HealthCheckSucceeded=False` and `OwnerRemediated=False` and is deleted: its MachineSet or
/// control plane makes a new one (the pools' scaling, CAPIMachines.swift). The status shows
/// `expectedMachines`, `currentHealthy`, `remediationsAllowed` and the targets.
extension CAPIReconciler {
    func remediateUnhealthyMachines(_ ns: String, cluster: String) throws {
        let checks = KO.list(tx, m, CAPIRes.machineHealthChecks, ns).filter { CAPIClusterPart.of($0, cluster: cluster) }
        // Reading the workload cluster's nodes is a request to its API: its node lifecycle
        // controller takes its step first, as on every request to that cluster.
        if !checks.isEmpty, KubeStore.cluster(tx, cluster) != nil { try CAPINodeHealth.sync(tx, cluster: cluster) }
        for mhc in checks {
            let targets = KO.list(tx, m, CAPIRes.machines, ns).filter {
                CAPIMachine($0).spec.clusterName == cluster && !KO.deleting($0)
                    && KubeObjectSelector.matches(mhc["spec"]?["selector"], KubeMeta.labels($0))
            }
            var unhealthy: [(machine: JSONValue, why: String)] = []
            for mach in targets {
                if let why = unhealthyReason(mach, check: mhc, cluster: cluster) { unhealthy.append((mach, why)) }
            }
            let allowed = Self.allowed(mhc["spec"]?["maxUnhealthy"], of: targets.count)
            let remediate = unhealthy.count <= allowed
            if remediate {
                for (mach, why) in unhealthy {
                    var e = KO.merge(mach, ["status": .object(["conditions": KO.conditions(mach, [
                        KO.condition("HealthCheckSucceeded", false, reason: "UnhealthyNode", message: why, now: now, severity: "Warning"),
                        KO.condition("OwnerRemediated", false, reason: "WaitingForRemediation", message: "MachineHealthCheck \(KubeMeta.name(mhc)) asks for a new machine", now: now, severity: "Warning"),
                    ])])])
                    KubeMeta.set(&e, "deletionTimestamp", .string(KubeMeta.timestamp(now)))
                    try KO.save(tx, m, CAPIRes.machines, old: mach, e)
                }
            }
            let healthy = targets.count - unhealthy.count
            let status: JSONValue = .object([
                "expectedMachines": .int(targets.count), "currentHealthy": .int(healthy),
                "remediationsAllowed": .int(max(0, allowed - unhealthy.count)),
                "observedGeneration": KubeMeta.field(mhc, "generation") ?? .int(1),
                "targets": .array(targets.map { .string(KubeMeta.name($0)) }),
                "conditions": KO.conditions(mhc, [remediate
                    ? KO.condition("RemediationAllowed", true, now: now)
                    : KO.condition("RemediationAllowed", false, reason: "TooManyUnhealthy",
                                   message: "Remediation is not allowed, the number of not started or unhealthy machines exceeds maxUnhealthy (total: \(targets.count), unhealthy: \(unhealthy.count), maxUnhealthy: \(CAPIMachineHealthCheck(mhc).spec.maxUnhealthy ?? "100%"))",
                                   now: now, severity: "Warning")]),
            ])
            try KO.save(tx, m, CAPIRes.machineHealthChecks, old: mhc, KO.merge(mhc, ["status": status]))
        }
    }

    /// Why a machine is unhealthy by check `mhc`, or nil. Only machines with a node are judged
    /// (a machine still coming up is the provisioning's business).
    func unhealthyReason(_ mach: JSONValue, check mhc: JSONValue, cluster: String) -> String? {
        guard let nodeName = CAPIMachine(mach).status.nodeRef?.name else { return nil }
        guard KubeStore.cluster(tx, cluster) != nil, let node = KO.get(tx, cluster, CAPIRes.nodes, "", nodeName) else {
            return "the node \(nodeName) has been deleted"
        }
        let conditions = node["status"]?["conditions"]?.arrayValue ?? []
        for want in mhc["spec"]?["unhealthyConditions"]?.arrayValue ?? [] {
            guard let type = want["type"]?.stringValue, let status = want["status"]?.stringValue,
                  let c = conditions.first(where: { $0["type"]?.stringValue == type }), c["status"]?.stringValue == status else { continue }
            let timeout = Self.seconds(want["timeout"]?.stringValue) ?? 0
            let since = c["lastTransitionTime"]?.stringValue.flatMap { ISO8601DateFormatter().date(from: $0)?.timeIntervalSince1970 } ?? now
            if now - since >= timeout {
                return "Condition \(type) on node \(nodeName) is reporting status \(status) for more than \(want["timeout"]?.stringValue ?? "0s")"
            }
        }
        return nil
    }

    /// `maxUnhealthy`: an int, or a percentage of the targets (rounded down); 100% when absent.
    static func allowed(_ v: JSONValue?, of total: Int) -> Int {
        guard let v else { return total }
        let text = v.scalarText ?? ""
        if text.hasSuffix("%"), let p = Double(text.dropLast()) { return Int((p * Double(total) / 100).rounded(.down)) }
        return Int(text) ?? total
    }

    /// A Go duration as Kubernetes writes them (`300s`, `5m`, `1m30s`, `1h`) in seconds.
    static func seconds(_ text: String?) -> Double? {
        guard let text, !text.isEmpty else { return nil }
        var rest = Substring(text)
        var total: Double = 0
        let units: [(name: String, factor: Double)] = [("ms", 0.001), ("h", 3600), ("m", 60), ("s", 1)]
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isNumber || $0 == "." }
            guard let n = Double(String(digits)) else { return nil }
            rest = rest.dropFirst(digits.count)
            guard let unit = units.first(where: { rest.hasPrefix($0.name) }) else { return nil }
            total += n * unit.factor
            rest = rest.dropFirst(unit.name.count)
        }
        return total
    }
}
