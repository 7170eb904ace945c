import CloudWire
import Foundation
import XCTest
@testable import CloudSim

/// The simulated CAPVCD scaled to 0, another infrastructure provider in its place (the real CAPVCD
/// run as a host process, played here by the test through the Kubernetes API only): the Cluster
/// API controllers keep to Cluster API's contract with it, and the simulated CAPVCD makes nothing.
extension CAPISimTests {
    private func mergePatch(_ h: Harness, _ path: String, _ patch: [String: Any], file: StaticString = #filePath, line: UInt = #line) {
        let r = kube(h, "kind", "PATCH", path, json: patch, contentType: "application/merge-patch+json")
        XCTAssertEqual(r.status, 200, "\(path): \(r.text)", file: file, line: line)
    }

    private func meta(_ o: [String: Any]) -> [String: Any] { o["metadata"] as? [String: Any] ?? [:] }
    private func owners(_ o: [String: Any]) -> [String] { (meta(o)["ownerReferences"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String } }
    private func secretText(_ s: [String: Any], _ key: String) -> String {
        ((s["data"] as? [String: Any])?[key] as? String).flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    /// Plays the provider for one machine: its VM is made and bootstrapped (finalizer, providerID,
    /// addresses, ready), as CAPVCD reports it once the guest's phases succeeded.
    private func provide(_ h: Harness, machine: String, ip: String) {
        let path = "\(Self.infra)/vcdmachines/\(machine)"
        mergePatch(h, path, ["metadata": ["finalizers": ["vcdmachine.infrastructure.cluster.x-k8s.io"]],
                             "spec": ["providerID": "vmware-cloud-director://urn:vcloud:vm:\(UUID().uuidString.lowercased())", "bootstrapped": true]])
        mergePatch(h, path + "/status", ["status": ["ready": true, "addresses": [["type": "InternalIP", "address": ip], ["type": "Hostname", "address": machine]]]])
    }

    private func machines(_ h: Harness) -> [[String: Any]] { items(kube(h, "kind", "GET", "\(Self.capi)/machines")) }

    func testScaledToZeroTheSimulatedCAPVCDLeavesTheInfrastructureToAnotherProvider() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        _ = try world(h)
        try install(h, "kind")
        mergePatch(h, "/apis/apps/v1/namespaces/capvcd-system/deployments/capvcd-controller-manager", ["spec": ["replicas": 0]])
        let vmsBefore = h.sim.count(kind: Kind.vm), vappsBefore = h.sim.count(kind: Kind.vApp)
        apply(h, "kind", manifests(name: "ext1", workers: 1))

        // The Cluster owns its infrastructure and control plane; nothing is made in VCD meanwhile.
        let vc = poll(h, "kind", "\(Self.infra)/vcdclusters/ext1") { owners(obj($0)).contains("Cluster") }
        XCTAssertNil(status(obj(vc))["ready"], "the simulated CAPVCD does not reconcile: \(vc.text)")
        for _ in 0..<10 { _ = kube(h, "kind", "GET", "\(Self.capi)/clusters/ext1") }
        XCTAssertEqual(h.sim.count(kind: Kind.vm), vmsBefore)
        XCTAssertEqual(h.sim.count(kind: Kind.vApp), vappsBefore)
        XCTAssertTrue(machines(h).isEmpty, "no machine before the infrastructure is ready")
        XCTAssertTrue(owners(obj(kube(h, "kind", "GET", "/apis/controlplane.cluster.x-k8s.io/v1beta1/namespaces/default/kubeadmcontrolplanes/ext1-control-plane"))).contains("Cluster"))
        let waiting = poll(h, "kind", "\(Self.capi)/clusters/ext1") { phase($0) == "Provisioning" }
        XCTAssertEqual(status(obj(waiting))["infrastructureReady"] as? Bool, false)

        // The provider makes the cluster's infrastructure: endpoint, ready, its finalizer.
        mergePatch(h, "\(Self.infra)/vcdclusters/ext1", ["metadata": ["finalizers": ["vcdcluster.infrastructure.cluster.x-k8s.io"]],
                                                         "spec": ["controlPlaneEndpoint": ["host": "203.0.113.50", "port": 6443]]])
        mergePatch(h, "\(Self.infra)/vcdclusters/ext1/status", ["status": ["ready": true, "infraId": "NO_RDE_6d1c2f0e-5b7a-4f7e-9a51-0c3b1d9e8f21"]])
        poll(h, "kind", "\(Self.capi)/machines") { items($0).count == 1 }
        let cl = obj(kube(h, "kind", "GET", "\(Self.capi)/clusters/ext1"))
        XCTAssertEqual((cl["spec"] as? [String: Any]).flatMap { ($0["controlPlaneEndpoint"] as? [String: Any])?["host"] as? String }, "203.0.113.50")
        XCTAssertEqual(status(cl)["infrastructureReady"] as? Bool, true)

        // The first control-plane machine: bootstrap data to `kubeadm init`, its VCDMachine cloned
        // from the template, adopted by the Machine on the next pass; the kubeconfig secret exists.
        let cp = name(machines(h)[0])
        XCTAssertTrue(cp.hasPrefix("ext1-control-plane-"), cp)
        let m0 = machines(h)[0]
        let dataSecret = ((m0["spec"] as? [String: Any])?["bootstrap"] as? [String: Any])?["dataSecretName"] as? String ?? ""
        let boot = obj(kube(h, "kind", "GET", "/api/v1/namespaces/default/secrets/\(dataSecret)"))
        XCTAssertEqual(boot["type"] as? String, "cluster.x-k8s.io/secret")
        XCTAssertEqual(secretText(boot, "format"), "cloud-config")
        let cloudConfig = secretText(boot, "value")
        XCTAssertTrue(cloudConfig.hasPrefix("## template: jinja\n#cloud-config"), cloudConfig)
        XCTAssertTrue(cloudConfig.contains("kubeadm init --config /run/kubeadm/kubeadm.yaml"), cloudConfig)
        XCTAssertTrue(cloudConfig.contains("controlPlaneEndpoint: 203.0.113.50:6443"), cloudConfig)
        XCTAssertFalse(cloudConfig.contains("kubeadm join"), cloudConfig)
        XCTAssertEqual(owners(boot), ["KubeadmConfig"])
        let vm0 = poll(h, "kind", "\(Self.infra)/vcdmachines/\(cp)") { owners(obj($0)).contains("Machine") }
        XCTAssertTrue(owners(obj(vm0)).contains("KubeadmControlPlane"), "cloned owned by the control plane first: \(owners(obj(vm0)))")
        XCTAssertEqual(((obj(vm0)["spec"] as? [String: Any])?["template"] as? String), "ubuntu-k8s", "cloned from the machine template")
        XCTAssertEqual(kube(h, "kind", "GET", "/api/v1/namespaces/default/secrets/ext1-kubeconfig").status, 200)
        XCTAssertEqual(phase(kube(h, "kind", "GET", "\(Self.capi)/machines/\(cp)")), "Provisioning")
        XCTAssertEqual(h.sim.count(kind: Kind.vm), vmsBefore, "the simulated CAPVCD made no VM")

        // The provider made and bootstrapped the VM: the node registers, the worker comes.
        provide(h, machine: cp, ip: "192.168.10.20")
        let running = poll(h, "kind", "\(Self.capi)/machines/\(cp)") { phase($0) == "Running" }
        let spec0 = obj(running)["spec"] as? [String: Any] ?? [:]
        XCTAssertTrue((spec0["providerID"] as? String ?? "").hasPrefix("vmware-cloud-director://urn:vcloud:vm:"), "\(spec0)")
        XCTAssertEqual((status(obj(running))["nodeRef"] as? [String: Any])?["name"] as? String, cp)
        poll(h, "kind", "\(Self.capi)/machines") { items($0).count == 2 }
        let worker = name(machines(h).first { name($0) != cp }!)
        let workerBoot = obj(kube(h, "kind", "GET", "/api/v1/namespaces/default/secrets/\(worker)"))
        XCTAssertTrue(secretText(workerBoot, "value").contains("kubeadm join --config"), secretText(workerBoot, "value"))
        poll(h, "kind", "\(Self.infra)/vcdmachines/\(worker)") { owners(obj($0)).contains("Machine") }
        provide(h, machine: worker, ip: "192.168.10.21")
        let done = poll(h, "kind", "\(Self.capi)/clusters/ext1") { phase($0) == "Provisioned" }
        XCTAssertEqual(status(obj(done))["controlPlaneReady"] as? Bool, true)
        let nodes = items(kube(h, "ext1", "GET", "/api/v1/nodes")).map(name).sorted()
        XCTAssertEqual(nodes, [cp, worker].sorted())
        XCTAssertEqual(h.sim.count(kind: Kind.vm), vmsBefore)

        // The simulated CAPVCD scaled up again takes over what another controller made, found in
        // VCD by name; here the provider played by the test made nothing in VCD, so it says so
        // (retried, not Failed) and makes nothing; scaled back to 0, the Cluster API side carries on.
        mergePatch(h, "/apis/apps/v1/namespaces/capvcd-system/deployments/capvcd-controller-manager", ["spec": ["replicas": 1]])
        let refused = poll(h, "kind", "\(Self.capi)/clusters/ext1") { r in
            (status(obj(r))["conditions"] as? [[String: Any]] ?? []).contains { $0["reason"] as? String == "InfrastructureNotFound" }
        }
        XCTAssertEqual(phase(refused), "Provisioned", refused.text)
        XCTAssertEqual(h.sim.count(kind: Kind.vm), vmsBefore)
        XCTAssertEqual(h.sim.count(kind: Kind.vApp), vappsBefore)
        mergePatch(h, "/apis/apps/v1/namespaces/capvcd-system/deployments/capvcd-controller-manager", ["spec": ["replicas": 0]])
        poll(h, "kind", "\(Self.capi)/clusters/ext1") { r in
            (status(obj(r))["conditions"] as? [[String: Any]] ?? []).contains { $0["type"] as? String == "Ready" && $0["status"] as? String == "True" }
        }

        // Deletion: the machines wait for the provider to drop its finalizers, then the VCDCluster.
        XCTAssertEqual(kube(h, "kind", "DELETE", "\(Self.capi)/clusters/ext1").status, 200)
        poll(h, "kind", "\(Self.infra)/vcdmachines") { r in
            items(r).count == 2 && items(r).allSatisfy { meta($0)["deletionTimestamp"] != nil }
        }
        XCTAssertEqual(kube(h, "kind", "GET", "\(Self.infra)/vcdclusters/ext1").status, 200, "the VCDCluster waits for the machines")
        for m in [cp, worker] { mergePatch(h, "\(Self.infra)/vcdmachines/\(m)", ["metadata": ["finalizers": [String]()]]) }
        poll(h, "kind", "\(Self.infra)/vcdclusters/ext1") { meta(obj($0))["deletionTimestamp"] != nil }
        XCTAssertTrue(machines(h).isEmpty)
        XCTAssertEqual(kube(h, "kind", "GET", "\(Self.capi)/clusters/ext1").status, 200, "the Cluster waits for its infrastructure")
        mergePatch(h, "\(Self.infra)/vcdclusters/ext1", ["metadata": ["finalizers": [String]()]])
        poll(h, "kind", "\(Self.capi)/clusters/ext1") { $0.status == 404 }
        XCTAssertEqual(kube(h, "kind", "GET", "/api/v1/namespaces/default/secrets/ext1-kubeconfig").status, 404)
        XCTAssertEqual(kube(h, "kind", "GET", "/api/v1/namespaces/default/secrets/\(dataSecret)").status, 404)
        XCTAssertFalse(h.sim.kubeClusters.contains { $0.name == "ext1" }, "the workload cluster went with its machines")
    }
}
