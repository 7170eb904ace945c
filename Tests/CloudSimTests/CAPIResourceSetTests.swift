import CloudWire
import Foundation
import XCTest
@testable import CloudSim

/// ClusterResourceSets: the add-ons of a ConfigMap and a Secret applied once to the workload
/// clusters a selector matches, recorded in the Cluster's binding; a missing resource waits.
extension CAPISimTests {
    func testClusterResourceSetsApplyAddOnsOnce() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        _ = try world(h)
        try install(h, "kind")
        let addon = """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: addon-system
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: addon-settings
              namespace: addon-system
            data:
              mode: "on"
            """
        let secretAddon = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: addon-agent\n  namespace: kube-system\n"
        apply(h, "kind", [
            ("/api/v1/namespaces/default/configmaps", ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "addon", "namespace": "default"],
                                                       "data": ["addon.yaml": addon]]),
            ("/apis/addons.cluster.x-k8s.io/v1beta1/namespaces/default/clusterresourcesets", [
                "apiVersion": "addons.cluster.x-k8s.io/v1beta1", "kind": "ClusterResourceSet", "metadata": ["name": "addons", "namespace": "default"],
                "spec": ["clusterSelector": ["matchLabels": ["cni": "antrea"]], "strategy": "ApplyOnce",
                         "resources": [["kind": "ConfigMap", "name": "addon"], ["kind": "Secret", "name": "agent"]]]]),
        ])
        apply(h, "kind", manifests(name: "crs1", workers: 1))
        poll(h, "kind", "\(Self.capi)/clusters/crs1") { phase($0) == "Provisioned" }
        // The ConfigMap's objects are in the workload cluster; the missing Secret is said and waited for.
        let crs = poll(h, "kind", "/apis/addons.cluster.x-k8s.io/v1beta1/namespaces/default/clusterresourcesets/addons") { r in
            (status(obj(r))["conditions"] as? [[String: Any]] ?? []).contains { $0["type"] as? String == "ResourcesApplied" }
        }
        let applied = (status(obj(crs))["conditions"] as? [[String: Any]] ?? []).first { $0["type"] as? String == "ResourcesApplied" } ?? [:]
        XCTAssertEqual(applied["status"] as? String, "False")
        XCTAssertTrue((applied["message"] as? String ?? "").contains("Secret default/agent not found"), "\(applied)")
        XCTAssertEqual(kube(h, "crs1", "GET", "/api/v1/namespaces/addon-system").status, 200)
        let settings = obj(kube(h, "crs1", "GET", "/api/v1/namespaces/addon-system/configmaps/addon-settings"))
        XCTAssertEqual((settings["data"] as? [String: Any])?["mode"] as? String, "on")
        apply(h, "kind", [("/api/v1/namespaces/default/secrets", ["apiVersion": "v1", "kind": "Secret", "metadata": ["name": "agent", "namespace": "default"],
                                                                  "type": "addons.cluster.x-k8s.io/resource-set",
                                                                  "data": ["agent.yaml": Data(secretAddon.utf8).base64EncodedString()]])])
        poll(h, "crs1", "/api/v1/namespaces/kube-system/serviceaccounts/addon-agent") { _ = kube(h, "kind", "GET", "\(Self.capi)/clusters/crs1"); return $0.status == 200 }
        let binding = obj(kube(h, "kind", "GET", "/apis/addons.cluster.x-k8s.io/v1beta1/namespaces/default/clusterresourcesetbindings/crs1"))
        let resources = ((binding["spec"] as? [String: Any])?["bindings"] as? [[String: Any]])?.first?["resources"] as? [[String: Any]] ?? []
        XCTAssertEqual(Set(resources.compactMap { $0["name"] as? String }), ["addon", "agent"])
        XCTAssertTrue(resources.allSatisfy { $0["applied"] as? Bool == true && ($0["hash"] as? String ?? "").hasPrefix("sha256:") })
        // Applied once: an add-on object deleted in the workload cluster is not put back.
        XCTAssertEqual(kube(h, "crs1", "DELETE", "/api/v1/namespaces/addon-system/configmaps/addon-settings").status, 200)
        for _ in 0..<5 { _ = kube(h, "kind", "GET", "\(Self.capi)/clusters/crs1") }
        XCTAssertEqual(kube(h, "crs1", "GET", "/api/v1/namespaces/addon-system/configmaps/addon-settings").status, 404)
        // A cluster the selector does not match gets nothing.
        XCTAssertEqual(kube(h, "kind", "GET", "/apis/addons.cluster.x-k8s.io/v1beta1/namespaces/default/clusterresourcesetbindings/other").status, 404)
    }
}
