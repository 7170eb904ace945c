import CloudWire
import Foundation
import XCTest
@testable import CloudSim

/// CustomResourceDefinitions: registration in discovery, CRUD of custom resources per scope and
/// version, status subresource, generation, validation, and removal with the CRD.
final class KubeCRDTests: XCTestCase {
    static func crd(plural: String = "widgets", group: String = "example.com", scope: String = "Namespaced", name: String? = nil) -> [String: Any] {
        [
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": ["name": name ?? "\(plural).\(group)"],
            "spec": [
                "group": group, "scope": scope,
                "names": ["plural": plural, "singular": String(plural.dropLast()), "kind": plural.prefix(1).uppercased() + plural.dropFirst().dropLast(),
                          "shortNames": ["wd"], "categories": ["cluster-api"]],
                "versions": [
                    ["name": "v1alpha1", "served": true, "storage": false, "schema": ["openAPIV3Schema": ["type": "object"]]],
                    ["name": "v1", "served": true, "storage": true, "schema": ["openAPIV3Schema": ["type": "object"]], "subresources": ["status": [:]]],
                ],
            ],
        ]
    }

    func testCRDRegistersAndServesCustomResources() throws {
        try kubeBothWays { h in
            let crds = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"
            h.assertStatus(h.call("GET", "/apis/example.com/v1"), 404, "NotFound")
            let c = h.call("POST", crds, json: Self.crd())
            XCTAssertEqual(c.status, 201, c.text)
            let conds = (h.json(c)["status"] as? [String: Any])?["conditions"] as? [[String: Any]] ?? []
            XCTAssertEqual(conds.first { $0["type"] as? String == "Established" }?["status"] as? String, "True")
            XCTAssertEqual((h.json(c)["status"] as? [String: Any])?["storedVersions"] as? [String], ["v1"])
            // Discovery: the group with v1 preferred, both versions listed, the status subresource.
            let groups = h.json(h.call("GET", "/apis"))["groups"] as? [[String: Any]] ?? []
            let g = groups.first { $0["name"] as? String == "example.com" }
            XCTAssertEqual((g?["preferredVersion"] as? [String: Any])?["version"] as? String, "v1")
            XCTAssertEqual((g?["versions"] as? [[String: Any]])?.compactMap { $0["version"] as? String }, ["v1", "v1alpha1"])
            let rl = h.json(h.call("GET", "/apis/example.com/v1"))["resources"] as? [[String: Any]] ?? []
            XCTAssertEqual(rl.compactMap { $0["name"] as? String }, ["widgets", "widgets/status"])
            XCTAssertEqual(rl.first?["kind"] as? String, "Widget")
            XCTAssertEqual(rl.first?["shortNames"] as? [String], ["wd"])
            XCTAssertEqual(rl.first?["categories"] as? [String], ["cluster-api"])
            // CRUD of a custom resource.
            let p = "/apis/example.com/v1/namespaces/default/widgets"
            let w = h.call("POST", p, json: ["apiVersion": "example.com/v1", "kind": "Widget", "metadata": ["name": "w1"],
                                             "spec": ["size": 1], "status": ["ready": true]])
            XCTAssertEqual(w.status, 201, w.text)
            XCTAssertEqual(h.meta(w)["generation"] as? Int, 1)
            XCTAssertNil(h.json(w)["status"], "status is dropped on create with a status subresource")
            h.assertStatus(h.call("POST", p, json: ["metadata": ["name": "w1"]]), 409, "AlreadyExists")
            XCTAssertEqual(h.json(h.call("POST", p, json: ["metadata": ["name": "w1"]]))["message"] as? String, "widgets.example.com \"w1\" already exists")
            // The same object through the other served version.
            let old = h.call("GET", "/apis/example.com/v1alpha1/namespaces/default/widgets/w1")
            XCTAssertEqual(old.status, 200, old.text)
            XCTAssertEqual(h.json(old)["apiVersion"] as? String, "example.com/v1alpha1")
            // Status subresource and generation.
            let st = h.call("PATCH", "\(p)/w1/status", json: ["status": ["ready": true], "spec": ["size": 99]], contentType: "application/merge-patch+json")
            XCTAssertEqual(st.status, 200, st.text)
            XCTAssertEqual((h.json(st)["status"] as? [String: Any])?["ready"] as? Bool, true)
            XCTAssertEqual((h.json(st)["spec"] as? [String: Any])?["size"] as? Int, 1)
            XCTAssertEqual(h.meta(st)["generation"] as? Int, 1)
            let sp = h.call("PATCH", "\(p)/w1", json: ["spec": ["size": 2], "status": ["ready": false]], contentType: "application/merge-patch+json")
            XCTAssertEqual(h.meta(sp)["generation"] as? Int, 2)
            XCTAssertEqual((h.json(sp)["status"] as? [String: Any])?["ready"] as? Bool, true)
            h.assertStatus(h.call("PATCH", "\(p)/w1", json: ["spec": ["size": 3]], contentType: "application/strategic-merge-patch+json"),
                           415, "UnsupportedMediaType")
            h.assertStatus(h.call("GET", "\(p)?fieldSelector=spec.size%3D2"), 400, "BadRequest")
            XCTAssertEqual(h.names(h.call("GET", "/apis/example.com/v1/widgets")), ["w1"], "all-namespace list of a custom type")
            h.assertStatus(h.call("GET", "/apis/example.com/v1/widgets/w1"), 404, "NotFound")
            // A cluster-scoped CRD.
            XCTAssertEqual(h.call("POST", crds, json: Self.crd(plural: "gadgets", scope: "Cluster")).status, 201)
            XCTAssertEqual(h.call("POST", "/apis/example.com/v1/gadgets", json: ["metadata": ["name": "g1"]]).status, 201)
            XCTAssertEqual(h.call("GET", "/apis/example.com/v1/gadgets/g1").status, 200)
            h.assertStatus(h.call("POST", "/apis/example.com/v1/namespaces/default/gadgets", json: ["metadata": ["name": "g2"]]), 404, "NotFound")
            // Custom resources answer their deletion with the object.
            let dg = h.call("DELETE", "/apis/example.com/v1/gadgets/g1")
            XCTAssertEqual(h.json(dg)["kind"] as? String, "Gadget")
            // Deleting the CRD removes its objects and its discovery entry.
            let d = h.call("DELETE", "\(crds)/widgets.example.com")
            XCTAssertEqual(d.status, 200, d.text)
            h.assertStatus(h.call("GET", p), 404, "NotFound")
            let left = h.sim.capiRead { KubeStore.allObjects($0, cluster: h.cluster).map(\.id) }
            XCTAssertEqual(left.filter { $0.contains("/example.com/") }, [], "no custom resource of either CRD remains")
            XCTAssertEqual(left.filter { $0.contains("/customresourcedefinitions/") }.count, 1, "the gadgets CRD remains")
            XCTAssertEqual(h.call("POST", crds, json: Self.crd()).status, 201)
            XCTAssertEqual(h.names(h.call("GET", p)), [], "a re-created CRD starts empty")
        }
    }

    func testCRDValidation() throws {
        try kubeBothWays { h in
            let crds = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"
            let bad = h.call("POST", crds, json: Self.crd(name: "wrong.example.com"))
            h.assertStatus(bad, 422, "Invalid")
            XCTAssertTrue((h.json(bad)["message"] as? String ?? "").contains("must be spec.names.plural+\".\"+spec.group"), bad.text)
            let causes = (h.json(bad)["details"] as? [String: Any])?["causes"] as? [[String: Any]] ?? []
            XCTAssertEqual(causes.first?["field"] as? String, "metadata.name")
            h.assertStatus(h.call("POST", crds, json: Self.crd(scope: "Everywhere")), 422, "Invalid")
            h.assertStatus(h.call("POST", crds, json: Self.crd(group: "nodot")), 422, "Invalid")
            var twoStorage = Self.crd()
            var spec = twoStorage["spec"] as! [String: Any]
            spec["versions"] = [["name": "v1", "served": true, "storage": true], ["name": "v2", "served": true, "storage": true]]
            twoStorage["spec"] = spec
            h.assertStatus(h.call("POST", crds, json: twoStorage), 422, "Invalid")
            XCTAssertEqual(h.names(h.call("GET", crds)), [], "nothing stored by refused creates")
        }
    }

    func testCustomResourcesPersist() throws {
        let h = try KubeHarness(overSocket: false)
        defer { h.close() }
        XCTAssertEqual(h.call("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", json: Self.crd()).status, 201)
        XCTAssertEqual(h.call("POST", "/apis/example.com/v1/namespaces/default/widgets", json: ["metadata": ["name": "keep"], "spec": ["a": 1]]).status, 201)
        try h.reopen()
        XCTAssertEqual(h.names(h.call("GET", "/apis/example.com/v1/namespaces/default/widgets")), ["keep"])
        XCTAssertNotNil((h.json(h.call("GET", "/apis/example.com/v1"))["resources"] as? [Any]))
    }
}
