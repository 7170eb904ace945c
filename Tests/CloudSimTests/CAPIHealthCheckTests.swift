import CloudWire
import Foundation
import XCTest
@testable import CloudSim

/// A worker whose VM is powered off through VCD's API: its node turns NotReady (Unknown), and a
/// MachineHealthCheck past its timeout has the machine replaced; too many unhealthy machines for
/// `maxUnhealthy` stop remediation.
extension CAPISimTests {
    private func healthCheck(_ name: String, cluster: String, deployment: String, maxUnhealthy: Any? = nil) -> [String: Any] {
        var spec: [String: Any] = ["clusterName": cluster,
                                   "selector": ["matchLabels": ["cluster.x-k8s.io/deployment-name": deployment]],
                                   "unhealthyConditions": [["type": "Ready", "status": "Unknown", "timeout": "5m"],
                                                           ["type": "Ready", "status": "False", "timeout": "5m"]]]
        if let maxUnhealthy { spec["maxUnhealthy"] = maxUnhealthy }
        return ["apiVersion": "cluster.x-k8s.io/v1beta1", "kind": "MachineHealthCheck",
                "metadata": ["name": name, "namespace": "default"], "spec": spec]
    }

    private func powerOff(_ h: Harness, providerID: String) {
        let uuid = String(providerID.dropFirst("vmware-cloud-director://".count)).replacingOccurrences(of: "urn:vcloud:vm:", with: "")
        let r = h.call("POST", "/api/vApp/vm-\(uuid)/power/action/powerOff", token: h.provider, headers: ["Accept": "application/*+xml;version=36.0"])
        XCTAssertEqual(h.waitTask(r, token: h.provider).0, "success", r.text)
    }

    private func workers(_ h: Harness, _ cluster: String) -> [[String: Any]] {
        items(kube(h, "kind", "GET", "\(Self.capi)/machines")).filter { name($0).hasPrefix("\(cluster)-md-0-") }
    }

    func testAMachineWhoseVMIsPoweredOffIsReplacedByItsHealthCheck() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        _ = try world(h)
        try install(h, "kind")
        apply(h, "kind", manifests(name: "mhc1", workers: 2))
        poll(h, "kind", "\(Self.capi)/clusters/mhc1") { phase($0) == "Provisioned" }
        apply(h, "kind", [("\(Self.capi)/machinehealthchecks", healthCheck("mhc1-md-0", cluster: "mhc1", deployment: "mhc1-md-0"))])
        let mhc = poll(h, "kind", "\(Self.capi)/machinehealthchecks/mhc1-md-0") { (status(obj($0))["expectedMachines"] as? Int) == 2 }
        XCTAssertEqual(status(obj(mhc))["currentHealthy"] as? Int, 2)

        let victim = workers(h, "mhc1")[0]
        let victimName = name(victim)
        let nodeName = (status(victim)["nodeRef"] as? [String: Any])?["name"] as? String ?? ""
        powerOff(h, providerID: (victim["spec"] as? [String: Any])?["providerID"] as? String ?? "")
        // The kubelet stops posting: the node's Ready turns Unknown, tainted unreachable.
        let node = poll(h, "mhc1", "/api/v1/nodes/\(nodeName)") { r in
            (status(obj(r))["conditions"] as? [[String: Any]] ?? []).contains { $0["type"] as? String == "Ready" && $0["status"] as? String == "Unknown" }
        }
        XCTAssertTrue(((obj(node)["spec"] as? [String: Any])?["taints"] as? [[String: Any]] ?? []).contains { $0["key"] as? String == "node.kubernetes.io/unreachable" })
        // Within the timeout the machine stays.
        for _ in 0..<5 { _ = kube(h, "kind", "GET", "\(Self.capi)/machines") }
        XCTAssertTrue(workers(h, "mhc1").contains { name($0) == victimName })
        XCTAssertEqual(status(obj(kube(h, "kind", "GET", "\(Self.capi)/machinehealthchecks/mhc1-md-0")))["currentHealthy"] as? Int, 2)
        // Past it, the machine is replaced: a new worker runs, the old VM is gone with its machine.
        h.sim.clock.advance(seconds: 301)
        poll(h, "kind", "\(Self.capi)/machines") { r in
            let ws = items(r).filter { name($0).hasPrefix("mhc1-md-0-") }
            return !ws.contains { name($0) == victimName } && ws.count == 2 && ws.allSatisfy { status($0)["phase"] as? String == "Running" }
        }
        XCTAssertEqual(phase(kube(h, "kind", "GET", "\(Self.capi)/clusters/mhc1")), "Provisioned")
        let nodes = items(kube(h, "mhc1", "GET", "/api/v1/nodes")).map(name)
        XCTAssertFalse(nodes.contains(nodeName), "the old node went with its machine: \(nodes)")
        XCTAssertEqual(nodes.count, 3)
        let after = poll(h, "kind", "\(Self.capi)/machinehealthchecks/mhc1-md-0") { (status(obj($0))["currentHealthy"] as? Int) == 2 }
        XCTAssertEqual(status(obj(after))["expectedMachines"] as? Int, 2)
    }

    func testTooManyUnhealthyMachinesStopRemediation() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        _ = try world(h)
        try install(h, "kind")
        apply(h, "kind", manifests(name: "mhc2", workers: 2))
        poll(h, "kind", "\(Self.capi)/clusters/mhc2") { phase($0) == "Provisioned" }
        apply(h, "kind", [("\(Self.capi)/machinehealthchecks", healthCheck("mhc2-md-0", cluster: "mhc2", deployment: "mhc2-md-0", maxUnhealthy: "40%"))])
        let before = Set(workers(h, "mhc2").map(name))
        for w in workers(h, "mhc2") { powerOff(h, providerID: (w["spec"] as? [String: Any])?["providerID"] as? String ?? "") }
        _ = kube(h, "kind", "GET", "\(Self.capi)/machinehealthchecks/mhc2-md-0")  // a pass sees the nodes stop
        h.sim.clock.advance(seconds: 301)
        let mhc = poll(h, "kind", "\(Self.capi)/machinehealthchecks/mhc2-md-0") { r in
            (status(obj(r))["conditions"] as? [[String: Any]] ?? []).contains { $0["type"] as? String == "RemediationAllowed" && $0["status"] as? String == "False" }
        }
        XCTAssertEqual(status(obj(mhc))["currentHealthy"] as? Int, 0)
        XCTAssertEqual(status(obj(mhc))["remediationsAllowed"] as? Int, 0)
        for _ in 0..<5 { _ = kube(h, "kind", "GET", "\(Self.capi)/machines") }
        XCTAssertEqual(Set(workers(h, "mhc2").map(name)), before, "no machine is deleted while remediation is not allowed")
    }
}
