import CloudWire
import Foundation
import XCTest
@testable import CloudSim

/// The scale subresource, the minimal OpenAPI v3 kubectl reads, and per-type name rules.
final class KubeSubresourceTests: XCTestCase {
    func testScaleSubresource() throws {
        try kubeBothWays { h in
            let p = "/apis/apps/v1/namespaces/default/deployments"
            XCTAssertEqual(h.call("POST", p, json: ["metadata": ["name": "web"], "spec": ["replicas": 1, "selector": ["matchLabels": ["app": "web"]]]]).status, 201)
            let s = h.json(h.call("GET", "\(p)/web/scale"))
            XCTAssertEqual(s["kind"] as? String, "Scale")
            XCTAssertEqual(s["apiVersion"] as? String, "autoscaling/v1")
            XCTAssertEqual((s["spec"] as? [String: Any])?["replicas"] as? Int, 1)
            XCTAssertEqual((s["status"] as? [String: Any])?["selector"] as? String, "app=web")
            let r = h.call("PATCH", "\(p)/web/scale", json: ["spec": ["replicas": 4]], contentType: "application/merge-patch+json")
            XCTAssertEqual(r.status, 200, r.text)
            XCTAssertEqual((h.json(r)["spec"] as? [String: Any])?["replicas"] as? Int, 4)
            let d = h.json(h.call("GET", "\(p)/web"))
            XCTAssertEqual((d["spec"] as? [String: Any])?["replicas"] as? Int, 4)
            XCTAssertEqual((d["metadata"] as? [String: Any])?["generation"] as? Int, 2)
            h.assertStatus(h.call("PUT", "\(p)/web/scale", json: ["spec": ["replicas": -1]]), 422, "Invalid")
            h.assertStatus(h.call("GET", "/api/v1/namespaces/default/configmaps/x/scale"), 404, "NotFound")
            let apps = h.json(h.call("GET", "/apis/apps/v1"))["resources"] as? [[String: Any]] ?? []
            XCTAssertEqual(apps.first { $0["name"] as? String == "deployments/scale" }?["kind"] as? String, "Scale")
        }
    }

    func testCRDScaleSubresource() throws {
        try kubeBothWays { h in
            var crd = KubeCRDTests.crd(plural: "pools")
            var spec = crd["spec"] as! [String: Any]
            spec["versions"] = [["name": "v1", "served": true, "storage": true,
                                 "subresources": ["status": [:], "scale": ["specReplicasPath": ".spec.size", "statusReplicasPath": ".status.size",
                                                                          "labelSelectorPath": ".status.selector"]]]]
            crd["spec"] = spec
            XCTAssertEqual(h.call("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", json: crd).status, 201)
            let p = "/apis/example.com/v1/namespaces/default/pools"
            XCTAssertEqual(h.call("POST", p, json: ["metadata": ["name": "a"], "spec": ["size": 2]]).status, 201)
            let r = h.call("PUT", "\(p)/a/scale", json: ["spec": ["replicas": 5]])
            XCTAssertEqual(r.status, 200, r.text)
            XCTAssertEqual(((h.json(h.call("GET", "\(p)/a"))["spec"] as? [String: Any])?["size"] as? Int), 5)
        }
    }

    func testOpenAPIv3NamesPatchOperations() throws {
        try kubeBothWays { h in
            let root = h.json(h.call("GET", "/openapi/v3"))
            let paths = root["paths"] as? [String: Any] ?? [:]
            let apps = (paths["apis/apps/v1"] as? [String: Any])?["serverRelativeURL"] as? String ?? ""
            XCTAssertTrue(apps.hasPrefix("/clusters/mgmt/openapi/v3/apis/apps/v1?hash="), apps)
            var req = HTTPRequestMessage(method: "GET", target: apps)
            req.headers["Authorization"] = "Bearer \(h.token)"
            let doc = h.json(h.send(req))
            let item = (doc["paths"] as? [String: Any])?["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"] as? [String: Any]
            let patch = item?["patch"] as? [String: Any]
            XCTAssertEqual((patch?["x-kubernetes-group-version-kind"] as? [String: Any])?["kind"] as? String, "Deployment")
            XCTAssertEqual((patch?["parameters"] as? [[String: Any]])?.first?["name"] as? String, "fieldValidation")
            XCTAssertNotNil((h.json(h.call("GET", "/openapi/v3/api/v1"))["paths"] as? [String: Any])?["/api/v1/nodes/{name}"])
            h.assertStatus(h.call("GET", "/openapi/v2"), 404, "NotFound")
            h.assertStatus(h.call("GET", "/openapi/v3/apis/nope/v1"), 404, "NotFound")
        }
    }

    func testNameRulesPerType() throws {
        try kubeBothWays { h in
            let rbac = "/apis/rbac.authorization.k8s.io/v1/clusterroles"
            XCTAssertEqual(h.call("POST", rbac, json: ["metadata": ["name": "system:controller:x"], "rules": []]).status, 201)
            h.assertStatus(h.call("POST", rbac, json: ["metadata": ["name": "a/b"]]), 422, "Invalid")
            h.assertStatus(h.call("POST", "/api/v1/namespaces", json: ["metadata": ["name": "a.b"]]), 422, "Invalid")
            XCTAssertEqual(h.call("POST", "/api/v1/namespaces/default/configmaps", json: ["metadata": ["name": "a.b"]]).status, 201)
        }
    }
}

/// Server-side printing (`as=Table`) and refused body formats.
final class KubeTableTests: XCTestCase {
    static let tableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"

    func get(_ h: KubeHarness, _ path: String) -> [String: Any] {
        var r = HTTPRequestMessage(method: "GET", target: "/clusters/mgmt\(path)")
        r.headers["Authorization"] = "Bearer \(h.token)"
        r.headers["Accept"] = Self.tableAccept
        return h.json(h.send(r))
    }

    func testTables() throws {
        try kubeBothWays { h in
            let t = get(h, "/api/v1/namespaces")
            XCTAssertEqual(t["kind"] as? String, "Table")
            XCTAssertEqual(t["apiVersion"] as? String, "meta.k8s.io/v1")
            XCTAssertEqual((t["columnDefinitions"] as? [[String: Any]])?.compactMap { $0["name"] as? String }, ["Name", "Status", "Age"])
            let rows = t["rows"] as? [[String: Any]] ?? []
            XCTAssertEqual(rows.count, 5, "kind's four and local-path-storage")
            XCTAssertEqual((rows.first?["cells"] as? [Any])?.prefix(2).compactMap { $0 as? String }, ["default", "Active"])
            let obj = rows.first?["object"] as? [String: Any]
            XCTAssertEqual(obj?["kind"] as? String, "PartialObjectMetadata")
            XCTAssertEqual((obj?["metadata"] as? [String: Any])?["name"] as? String, "default")
            XCTAssertEqual(h.call("POST", "/api/v1/namespaces/default/services", json: [
                "metadata": ["name": "lb"], "spec": ["type": "LoadBalancer", "ports": [["port": 80, "nodePort": 30080]]]]).status, 201)
            let svc = get(h, "/api/v1/namespaces/default/services/lb")
            let cells = (svc["rows"] as? [[String: Any]])?.first?["cells"] as? [Any] ?? []
            XCTAssertEqual(cells.prefix(5).compactMap { $0 as? String }, ["lb", "LoadBalancer", "10.96.0.11", "<pending>", "80:30080/TCP"])
            XCTAssertEqual(cells.count, 6, "and the age")
            // A CRD's printer columns.
            var crd = KubeCRDTests.crd(plural: "boxes")
            var spec = crd["spec"] as! [String: Any]
            spec["versions"] = [["name": "v1", "served": true, "storage": true,
                                 "additionalPrinterColumns": [["name": "Phase", "type": "string", "jsonPath": ".status.phase"],
                                                              ["name": "Size", "type": "integer", "jsonPath": ".spec.size"]]]]
            crd["spec"] = spec
            XCTAssertEqual(h.call("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", json: crd).status, 201)
            XCTAssertEqual(h.call("POST", "/apis/example.com/v1/namespaces/default/boxes", json: ["metadata": ["name": "b"], "spec": ["size": 3],
                                                                                                   "status": ["phase": "Ready"]]).status, 201)
            let b = get(h, "/apis/example.com/v1/namespaces/default/boxes")
            XCTAssertEqual((b["columnDefinitions"] as? [[String: Any]])?.compactMap { $0["name"] as? String }, ["Name", "Phase", "Size"])
            let bc = (b["rows"] as? [[String: Any]])?.first?["cells"] as? [Any] ?? []
            XCTAssertEqual(bc.first as? String, "b")
            XCTAssertEqual(bc.dropFirst().first as? String, "Ready")
            XCTAssertEqual(bc.last as? Int, 3)
        }
    }

    func testAgeLikeKubectl() {
        let t0 = ISO8601DateFormatter().date(from: "2024-01-01T00:00:00Z")!.timeIntervalSince1970
        let ts = "2024-01-01T00:00:00Z"
        XCTAssertEqual(KubeTable.age(ts, now: t0 + 45), "45s")
        XCTAssertEqual(KubeTable.age(ts, now: t0 + 310), "5m10s")
        XCTAssertEqual(KubeTable.age(ts, now: t0 + 3 * 3600), "3h")
        XCTAssertEqual(KubeTable.age(ts, now: t0 + 52 * 3600), "2d4h")
        XCTAssertEqual(KubeTable.age("garbage", now: t0), "<unknown>")
    }

    func testUndecodableBodiesAre415() throws {
        try kubeBothWays { h in
            for type in ["application/vnd.kubernetes.protobuf", "application/yaml"] {
                var r = HTTPRequestMessage(method: "POST", target: "/clusters/mgmt/api/v1/namespaces/default/configmaps", body: Data("k8s\u{0}\u{1}".utf8))
                r.headers["Authorization"] = "Bearer \(h.token)"
                r.headers["Content-Type"] = type
                h.assertStatus(h.send(r), 415, "UnsupportedMediaType")
            }
        }
    }

    // MARK: Protobuf bodies (kubectl 1.3x's typed create commands)

    static func varint(_ v: UInt64) -> [UInt8] {
        var v = v, out: [UInt8] = []
        while v >= 0x80 { out.append(UInt8(v & 0x7f) | 0x80); v >>= 7 }
        return out + [UInt8(v)]
    }
    static func bytesField(_ n: Int, _ b: [UInt8]) -> [UInt8] { varint(UInt64(n << 3 | 2)) + varint(UInt64(b.count)) + b }
    static func str(_ n: Int, _ s: String) -> [UInt8] { bytesField(n, Array(s.utf8)) }
    static func int(_ n: Int, _ v: UInt64) -> [UInt8] { varint(UInt64(n << 3)) + varint(v) }
    static func envelope(_ apiVersion: String, _ kind: String, _ raw: [UInt8]) -> Data {
        Data([0x6b, 0x38, 0x73, 0x00] + bytesField(1, str(1, apiVersion) + str(2, kind)) + bytesField(2, raw))
    }

    func post(_ h: KubeHarness, _ path: String, _ body: Data) -> HTTPResponseMessage {
        var r = HTTPRequestMessage(method: "POST", target: "/clusters/mgmt\(path)", body: body)
        r.headers["Authorization"] = "Bearer \(h.token)"
        r.headers["Content-Type"] = "application/vnd.kubernetes.protobuf"
        r.headers["Accept"] = "application/vnd.kubernetes.protobuf,application/json"
        return h.send(r)
    }

    func testProtobufBodies() throws {
        try kubeBothWays { h in
            typealias T = KubeTableTests
            // ConfigMap{metadata{name, labels{app: pb}}, data{a: b}}
            let meta = T.str(1, "pb") + T.str(2, "") + T.bytesField(11, T.str(1, "app") + T.str(2, "pb"))
            let cm = T.bytesField(1, meta) + T.bytesField(2, T.str(1, "a") + T.str(2, "b"))
            let r = post(h, "/api/v1/namespaces/default/configmaps", T.envelope("v1", "ConfigMap", cm))
            XCTAssertEqual(r.status, 201, r.text)
            let j = h.json(h.call("GET", "/api/v1/namespaces/default/configmaps/pb"))
            XCTAssertEqual(j["data"] as? [String: String], ["a": "b"])
            XCTAssertEqual((j["metadata"] as? [String: Any])?["labels"] as? [String: String], ["app": "pb"])
            XCTAssertNil((j["metadata"] as? [String: Any])?["generateName"], "empty strings are left out, as omitempty does")
            // Deployment{metadata{name}, spec{replicas: 0, template{spec{containers[{name, image, ports[{containerPort: 80}]}]}}}}
            let container = T.str(1, "web") + T.str(2, "nginx:1.27") + T.bytesField(6, T.int(3, 80))
            let spec = T.int(1, 0) + T.bytesField(3, T.bytesField(2, T.bytesField(2, container)))
            let d = post(h, "/apis/apps/v1/namespaces/default/deployments", T.envelope("apps/v1", "Deployment", T.bytesField(1, T.str(1, "pbd")) + T.bytesField(2, spec)))
            XCTAssertEqual(d.status, 201, d.text)
            let ds = h.json(d)["spec"] as? [String: Any]
            XCTAssertEqual(ds?["replicas"] as? Int, 0, "a meaningful zero is kept")
            let c = (((ds?["template"] as? [String: Any])?["spec"] as? [String: Any])?["containers"] as? [[String: Any]])?.first
            XCTAssertEqual(c?["image"] as? String, "nginx:1.27")
            XCTAssertEqual((c?["ports"] as? [[String: Any]])?.first?["containerPort"] as? Int, 80)
            // A field the schema does not know: refused, never dropped.
            h.assertStatus(post(h, "/api/v1/namespaces/default/configmaps", T.envelope("v1", "ConfigMap", T.bytesField(1, T.str(1, "x")) + T.str(99, "?"))),
                           415, "UnsupportedMediaType")
            h.assertStatus(post(h, "/api/v1/namespaces/default/configmaps", T.envelope("v1", "Widget", [])), 415, "UnsupportedMediaType")
        }
    }

    /// What the VCD cloud provider 1.4 (client-go 0.22) sends: core v1 Events in protobuf, whose
    /// ObjectMeta carries the `clusterName` field Kubernetes has since removed (dropped, not refused).
    func testProtobufEventFromAnOlderClient() throws {
        try kubeBothWays { h in
            typealias T = KubeTableTests
            let meta = T.str(1, "test-lb-svc.18eef9") + T.str(3, "default") + T.str(15, "")
            let involved = T.str(1, "Service") + T.str(2, "default") + T.str(3, "test-lb-svc") + T.str(5, "v1")
            let event = T.bytesField(1, meta) + T.bytesField(2, involved) + T.str(3, "EnsuredLoadBalancer") + T.str(4, "Ensured load balancer")
                + T.bytesField(5, T.str(1, "service-controller")) + T.int(8, 1) + T.str(9, "Normal")
            let r = post(h, "/api/v1/namespaces/default/events", T.envelope("v1", "Event", event))
            XCTAssertEqual(r.status, 201, r.text)
            let e = h.json(h.call("GET", "/api/v1/namespaces/default/events/test-lb-svc.18eef9"))
            XCTAssertEqual(e["reason"] as? String, "EnsuredLoadBalancer")
            XCTAssertEqual((e["involvedObject"] as? [String: Any])?["name"] as? String, "test-lb-svc")
            XCTAssertNil((e["metadata"] as? [String: Any])?["clusterName"])
        }
    }

    /// Through `/status` a built-in type takes its metadata changes too (the cloud provider adds
    /// its finalizer through services/status); a custom resource takes only its status.
    func testStatusSubresourceMetadataOfBuiltinsAndCustomResources() throws {
        try kubeBothWays { h in
            let p = "/api/v1/namespaces/default/services"
            XCTAssertEqual(h.call("POST", p, json: ["metadata": ["name": "lb"], "spec": ["type": "LoadBalancer", "ports": [["port": 80]]]]).status, 201)
            let r = h.call("PATCH", "\(p)/lb/status", json: ["metadata": ["finalizers": ["service.kubernetes.io/load-balancer-cleanup"]],
                                                             "spec": ["type": "ClusterIP"], "status": ["loadBalancer": ["ingress": [["ip": "203.0.113.9"]]]]],
                           contentType: "application/strategic-merge-patch+json")
            XCTAssertEqual(r.status, 200, r.text)
            let svc = h.json(h.call("GET", "\(p)/lb"))
            XCTAssertEqual((svc["metadata"] as? [String: Any])?["finalizers"] as? [String], ["service.kubernetes.io/load-balancer-cleanup"])
            XCTAssertEqual((svc["spec"] as? [String: Any])?["type"] as? String, "LoadBalancer", "the spec stays")
            let ports = (svc["spec"] as? [String: Any])?["ports"] as? [[String: Any]] ?? []
            XCTAssertEqual(ports.first?["nodePort"] as? Int, 30000, "the apiserver allocated the node port")
            var crd = KubeCRDTests.crd(plural: "pools")
            var spec = crd["spec"] as! [String: Any]
            spec["versions"] = [["name": "v1", "served": true, "storage": true, "subresources": ["status": [:]]]]
            crd["spec"] = spec
            XCTAssertEqual(h.call("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", json: crd).status, 201)
            let cp = "/apis/example.com/v1/namespaces/default/pools"
            XCTAssertEqual(h.call("POST", cp, json: ["metadata": ["name": "a"], "spec": ["size": 2]]).status, 201)
            XCTAssertEqual(h.call("PATCH", "\(cp)/a/status", json: ["metadata": ["finalizers": ["x/y"]], "status": ["size": 2]],
                                  contentType: "application/merge-patch+json").status, 200)
            let pool = h.json(h.call("GET", "\(cp)/a"))
            XCTAssertNil((pool["metadata"] as? [String: Any])?["finalizers"], "a custom resource's /status takes only status")
            XCTAssertEqual((pool["status"] as? [String: Any])?["size"] as? Int, 2)
        }
    }

    /// A program that builds its client from the in-cluster environment has no path prefix: a
    /// request at the root of the listener goes to the cluster whose token it carries.
    func testRootPathsGoToTheClusterOfTheToken() throws {
        try kubeBothWays { h in
            var r = HTTPRequestMessage(method: "GET", target: "/api/v1/namespaces/default/configmaps")
            r.headers["Authorization"] = "Bearer \(h.token)"
            let ok = h.send(r)
            XCTAssertEqual(ok.status, 200, ok.text)
            XCTAssertEqual(h.json(ok)["kind"] as? String, "ConfigMapList")
            r.headers["Authorization"] = "Bearer not-a-token"
            XCTAssertEqual(h.send(r).status, 404, "an unknown token reaches no cluster")
            r.headers["Authorization"] = nil
            XCTAssertEqual(h.send(r).status, 404)
        }
    }
}
