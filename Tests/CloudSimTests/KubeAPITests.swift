import CloudWire
import Foundation
import XCTest
@testable import CloudSim

/// The simulated Kubernetes API: discovery, auth, CRUD of built-in kinds, conflicts, selectors,
/// patches, namespaces, finalizers, persistence. Checked against the apiserver's documented
/// answers (Status bodies, reasons, codes), in-process and over loopback.
final class KubeAPITests: XCTestCase {
    func testDiscovery() throws {
        try kubeBothWays { h in
            let v = h.json(h.call("GET", "/version"))
            XCTAssertEqual(v["gitVersion"] as? String, "v1.29.2")
            XCTAssertEqual(v["major"] as? String, "1")
            XCTAssertEqual(v["minor"] as? String, "29")
            let api = h.json(h.call("GET", "/api"))
            XCTAssertEqual(api["kind"] as? String, "APIVersions")
            XCTAssertEqual(api["versions"] as? [String], ["v1"])
            let core = h.json(h.call("GET", "/api/v1"))
            XCTAssertEqual(core["kind"] as? String, "APIResourceList")
            XCTAssertEqual(core["groupVersion"] as? String, "v1")
            let res = core["resources"] as? [[String: Any]] ?? []
            let cm = res.first { $0["name"] as? String == "configmaps" }
            XCTAssertEqual(cm?["kind"] as? String, "ConfigMap")
            XCTAssertEqual(cm?["namespaced"] as? Bool, true)
            XCTAssertEqual(cm?["shortNames"] as? [String], ["cm"])
            XCTAssertTrue((cm?["verbs"] as? [String] ?? []).contains("patch"))
            XCTAssertEqual(res.first { $0["name"] as? String == "nodes" }?["namespaced"] as? Bool, false)
            XCTAssertNotNil(res.first { $0["name"] as? String == "namespaces/status" })
            let apis = h.json(h.call("GET", "/apis"))
            XCTAssertEqual(apis["kind"] as? String, "APIGroupList")
            let groups = apis["groups"] as? [[String: Any]] ?? []
            let apps = groups.first { $0["name"] as? String == "apps" }
            XCTAssertEqual((apps?["preferredVersion"] as? [String: Any])?["groupVersion"] as? String, "apps/v1")
            XCTAssertNotNil(groups.first { $0["name"] as? String == "apiextensions.k8s.io" })
            let appsV1 = h.json(h.call("GET", "/apis/apps/v1"))
            XCTAssertEqual(appsV1["groupVersion"] as? String, "apps/v1")
            XCTAssertNotNil((appsV1["resources"] as? [[String: Any]] ?? []).first { $0["name"] as? String == "deployments/status" })
            XCTAssertEqual(h.json(h.call("GET", "/apis/apps"))["kind"] as? String, "APIGroup")
            h.assertStatus(h.call("GET", "/apis/example.com/v1"), 404, "NotFound")
            h.assertStatus(h.call("GET", "/api/v1/widgets"), 404, "NotFound")
            h.assertStatus(h.call("GET", "/nothing/here"), 404, "NotFound")
            h.assertStatus(h.call("POST", "/api/v1", json: [:]), 405, "MethodNotAllowed")
            h.assertStatus(h.call("OPTIONS", "/api/v1/namespaces"), 405, "MethodNotAllowed")
            h.assertStatus(h.call("GET", "/a/b/c/d/e/f/g/h/i/j/k"), 404, "NotFound")
        }
    }

    func testAuthentication() throws {
        try kubeBothWays { h in
            h.assertStatus(h.call("GET", "/api/v1/namespaces", token: .some(nil)), 401, "Unauthorized")
            h.assertStatus(h.call("GET", "/api/v1/namespaces", token: "not-the-token"), 401, "Unauthorized")
            h.assertStatus(h.call("GET", "/version", token: "not-the-token"), 401, "Unauthorized")
            XCTAssertEqual(h.call("GET", "/version", token: .some(nil)).status, 200, "anonymous /version, as real clusters allow")
            XCTAssertEqual(h.call("GET", "/api/v1/namespaces").status, 200)
            // Another cluster's token does not open this one.
            try h.sim.createKubeCluster(name: "other")
            let other = KubeHarness.token(in: try h.sim.kubeconfig(cluster: "other", server: "http://127.0.0.1:1"))
            XCTAssertFalse(other.isEmpty)
            XCTAssertNotEqual(other, h.token)
            h.assertStatus(h.call("GET", "/api/v1/namespaces", token: other), 401, "Unauthorized")
            var r = HTTPRequestMessage(method: "GET", target: "/clusters/nope/api/v1/namespaces")
            r.headers["Authorization"] = "Bearer \(h.token)"
            h.assertStatus(h.send(r), 404, "NotFound")
            // The request log never holds a token.
            XCTAssertFalse(h.sim.requestLog.contains { "\($0)".contains(h.token) })
            XCTAssertFalse(h.sim.kubeClusters.description.contains(h.token))
        }
    }

    func testConfigMapLifecycleAndConflicts() throws {
        try kubeBothWays { h in
            let p = "/api/v1/namespaces/default/configmaps"
            let c = h.call("POST", p, json: ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "cfg", "labels": ["app": "a"]], "data": ["k": "v"]])
            XCTAssertEqual(c.status, 201, c.text)
            let m = h.meta(c)
            XCTAssertEqual(m["namespace"] as? String, "default")
            XCTAssertEqual((m["uid"] as? String)?.count, 36)
            XCTAssertNotNil(m["creationTimestamp"] as? String)
            let rv1 = h.rv(c)
            XCTAssertGreaterThan(rv1, 0)
            let dup = h.call("POST", p, json: ["metadata": ["name": "cfg"]])
            h.assertStatus(dup, 409, "AlreadyExists")
            XCTAssertEqual(h.json(dup)["message"] as? String, "configmaps \"cfg\" already exists")
            XCTAssertEqual((h.json(dup)["details"] as? [String: Any])?["kind"] as? String, "configmaps")
            let g = h.call("GET", "\(p)/cfg")
            XCTAssertEqual((h.json(g)["data"] as? [String: String])?["k"], "v")
            XCTAssertEqual(h.json(g)["kind"] as? String, "ConfigMap")
            // Update with the current resourceVersion, then with the stale one.
            let u = h.call("PUT", "\(p)/cfg", json: ["apiVersion": "v1", "kind": "ConfigMap",
                                                     "metadata": ["name": "cfg", "resourceVersion": String(rv1)], "data": ["k": "w"]])
            XCTAssertEqual(u.status, 200, u.text)
            XCTAssertGreaterThan(h.rv(u), rv1)
            XCTAssertEqual(h.meta(u)["uid"] as? String, m["uid"] as? String)
            let stale = h.call("PUT", "\(p)/cfg", json: ["metadata": ["name": "cfg", "resourceVersion": String(rv1)], "data": ["k": "x"]])
            h.assertStatus(stale, 409, "Conflict")
            XCTAssertTrue((h.json(stale)["message"] as? String ?? "").contains("the object has been modified"))
            // An update that changes nothing keeps the resourceVersion.
            let same = h.call("PUT", "\(p)/cfg", json: ["metadata": ["name": "cfg"], "data": ["k": "w"]])
            XCTAssertEqual(h.rv(same), h.rv(u))
            h.assertStatus(h.call("PUT", "\(p)/cfg", json: ["metadata": ["name": "other"]]), 400, "BadRequest")
            h.assertStatus(h.call("PUT", "\(p)/missing", json: ["metadata": ["name": "missing"]]), 404, "NotFound")
            h.assertStatus(h.call("POST", p, json: ["metadata": ["name": "Bad_Name"]]), 422, "Invalid")
            h.assertStatus(h.call("POST", p, json: ["kind": "Secret", "metadata": ["name": "s"]]), 400, "BadRequest")
            h.assertStatus(h.call("POST", p, json: ["metadata": ["name": "y", "namespace": "kube-system"]]), 400, "BadRequest")
            let gen = h.call("POST", p, json: ["metadata": ["generateName": "gen-"]])
            XCTAssertEqual(gen.status, 201)
            XCTAssertTrue((h.meta(gen)["name"] as? String ?? "").hasPrefix("gen-"))
            // Delete: configmaps answer a Status of success; then 404.
            let d = h.call("DELETE", "\(p)/cfg")
            XCTAssertEqual(d.status, 200, d.text)
            XCTAssertEqual(h.json(d)["status"] as? String, "Success")
            XCTAssertEqual((h.json(d)["details"] as? [String: Any])?["name"] as? String, "cfg")
            let gone = h.call("GET", "\(p)/cfg")
            h.assertStatus(gone, 404, "NotFound")
            XCTAssertEqual(h.json(gone)["message"] as? String, "configmaps \"cfg\" not found")
            h.assertStatus(h.call("DELETE", "\(p)/cfg"), 404, "NotFound")
            // Namespaced objects need an existing namespace, and a namespace in their path.
            let noNs = h.call("POST", "/api/v1/namespaces/nope/configmaps", json: ["metadata": ["name": "a"]])
            h.assertStatus(noNs, 404, "NotFound")
            XCTAssertEqual(h.json(noNs)["message"] as? String, "namespaces \"nope\" not found")
            h.assertStatus(h.call("GET", "/api/v1/configmaps/x"), 404, "NotFound")
            h.assertStatus(h.call("POST", "/api/v1/namespaces/default/nodes", json: ["metadata": ["name": "n"]]), 404, "NotFound")
            let body = h.call("POST", p, json: ["x"])
            h.assertStatus(body, 400, "BadRequest")
        }
    }

    func testNamespacesDeploymentsAndCascade() throws {
        try kubeBothWays { h in
            let ns = h.call("POST", "/api/v1/namespaces", json: ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "team"]])
            XCTAssertEqual(ns.status, 201, ns.text)
            XCTAssertEqual((h.json(ns)["status"] as? [String: Any])?["phase"] as? String, "Active")
            XCTAssertEqual(h.names(h.call("GET", "/api/v1/namespaces")), ["default", "kube-node-lease", "kube-public", "kube-system", "local-path-storage", "team"])
            let dep: [String: Any] = [
                "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "web"],
                "spec": ["replicas": 1, "selector": ["matchLabels": ["app": "web"]],
                         "template": ["metadata": ["labels": ["app": "web"]], "spec": ["containers": [["name": "web", "image": "nginx:1.25"]]]]],
                "status": ["replicas": 5],
            ]
            let d = h.call("POST", "/apis/apps/v1/namespaces/team/deployments", json: dep)
            XCTAssertEqual(d.status, 201, d.text)
            XCTAssertEqual(h.meta(d)["generation"] as? Int, 1)
            XCTAssertNil(h.json(d)["status"], "status is not set by a create when the type has a status subresource")
            XCTAssertEqual(h.call("POST", "/api/v1/namespaces/team/configmaps", json: ["metadata": ["name": "c"]]).status, 201)
            XCTAssertEqual(h.call("POST", "/api/v1/namespaces/default/configmaps", json: ["metadata": ["name": "keep"]]).status, 201)
            // All-namespace list.
            XCTAssertEqual(Set(h.names(h.call("GET", "/api/v1/configmaps"))), ["c", "keep"])
            // Status subresource: the main resource keeps status, /status keeps spec.
            let st = h.call("PUT", "/apis/apps/v1/namespaces/team/deployments/web/status",
                            json: ["metadata": ["name": "web"], "spec": ["replicas": 9], "status": ["readyReplicas": 1]])
            XCTAssertEqual(st.status, 200, st.text)
            XCTAssertEqual((h.json(st)["status"] as? [String: Any])?["readyReplicas"] as? Int, 1)
            XCTAssertEqual((h.json(st)["spec"] as? [String: Any])?["replicas"] as? Int, 1)
            XCTAssertEqual(h.meta(st)["generation"] as? Int, 1)
            let scaled = h.call("PATCH", "/apis/apps/v1/namespaces/team/deployments/web", json: ["spec": ["replicas": 3], "status": ["readyReplicas": 7]],
                                contentType: "application/merge-patch+json")
            XCTAssertEqual(scaled.status, 200, scaled.text)
            XCTAssertEqual(h.meta(scaled)["generation"] as? Int, 2)
            XCTAssertEqual((h.json(scaled)["status"] as? [String: Any])?["readyReplicas"] as? Int, 1)
            let labelled = h.call("PATCH", "/apis/apps/v1/namespaces/team/deployments/web", json: ["metadata": ["labels": ["x": "y"]]],
                                  contentType: "application/merge-patch+json")
            XCTAssertEqual(h.meta(labelled)["generation"] as? Int, 2, "metadata changes leave generation alone")
            // Deleting the namespace removes what was in it, and only that.
            let del = h.call("DELETE", "/api/v1/namespaces/team")
            XCTAssertEqual(del.status, 200, del.text)
            XCTAssertEqual(h.json(del)["kind"] as? String, "Namespace")
            XCTAssertEqual((h.json(del)["status"] as? [String: Any])?["phase"] as? String, "Terminating")
            h.assertStatus(h.call("GET", "/api/v1/namespaces/team"), 404, "NotFound")
            h.assertStatus(h.call("GET", "/apis/apps/v1/namespaces/team/deployments/web"), 404, "NotFound")
            XCTAssertEqual(h.names(h.call("GET", "/api/v1/configmaps")), ["keep"])
            XCTAssertEqual(h.call("POST", "/api/v1/namespaces", json: ["metadata": ["name": "team"]]).status, 201, "the name is free again")
            let sys = h.call("DELETE", "/api/v1/namespaces/kube-system")
            h.assertStatus(sys, 403, "Forbidden")
            h.assertStatus(h.call("DELETE", "/api/v1/namespaces"), 405, "MethodNotAllowed")
            XCTAssertEqual(h.json(sys)["message"] as? String, "namespaces \"kube-system\" is forbidden: this namespace may not be deleted")
        }
    }

    func testSelectorsPagingAndWatch() throws {
        try kubeBothWays { h in
            let p = "/api/v1/namespaces/default/configmaps"
            for (n, labels) in [("a", ["tier": "web", "env": "prod"]), ("b", ["tier": "db", "env": "prod"]), ("c", ["tier": "web"])] {
                XCTAssertEqual(h.call("POST", p, json: ["metadata": ["name": n, "labels": labels]]).status, 201)
            }
            func sel(_ q: String) -> [String] { h.names(h.call("GET", "\(p)?\(q)")) }
            XCTAssertEqual(sel("labelSelector=tier%3Dweb"), ["a", "c"])
            XCTAssertEqual(sel("labelSelector=tier%3D%3Dweb,env%3Dprod"), ["a"])
            XCTAssertEqual(sel("labelSelector=tier!%3Dweb"), ["b"])
            XCTAssertEqual(sel("labelSelector=env"), ["a", "b"])
            XCTAssertEqual(sel("labelSelector=!env"), ["c"])
            XCTAssertEqual(sel("labelSelector=tier%20in%20(db,web),env%20notin%20(prod)"), ["c"])
            XCTAssertEqual(sel("fieldSelector=metadata.name%3Db"), ["b"])
            XCTAssertEqual(sel("fieldSelector=metadata.name!%3Db"), ["a", "c"])
            XCTAssertEqual(sel("fieldSelector=metadata.namespace%3Dkube-system"), [])
            h.assertStatus(h.call("GET", "\(p)?labelSelector=a%20in%20x"), 400, "BadRequest")
            let page1 = h.call("GET", "\(p)?limit=2")
            XCTAssertEqual(h.names(page1), ["a", "b"])
            let cont = h.meta(page1)["continue"] as? String ?? ""
            XCTAssertFalse(cont.isEmpty)
            XCTAssertEqual(h.meta(page1)["remainingItemCount"] as? Int, 1)
            let page2 = h.call("GET", "\(p)?limit=2&continue=\(cont.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)")
            XCTAssertEqual(h.names(page2), ["c"])
            XCTAssertNil(h.meta(page2)["continue"])
            let list = h.json(h.call("GET", p))
            XCTAssertEqual(list["kind"] as? String, "ConfigMapList")
            XCTAssertEqual(list["apiVersion"] as? String, "v1")
            // watch: the current objects as ADDED events, one JSON document per line (served, the
            // stream stays open until timeoutSeconds; KubeWatchTests covers the live part).
            let w = h.call("GET", "\(p)?watch=1&fieldSelector=metadata.name%3Da&timeoutSeconds=1")
            let lines = w.text.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, w.text)
            let ev = (try? JSONSerialization.jsonObject(with: Data(lines[0].utf8))) as? [String: Any] ?? [:]
            XCTAssertEqual(ev["type"] as? String, "ADDED")
            XCTAssertEqual(((ev["object"] as? [String: Any])?["metadata"] as? [String: Any])?["name"] as? String, "a")
            // From a resourceVersion: the events since.
            let listRV = h.rv(h.call("GET", p))
            XCTAssertEqual(h.call("GET", "\(p)?watch=true&resourceVersion=\(listRV)&timeoutSeconds=1").body.count, 0, "nothing changed since the list")
            XCTAssertEqual(h.call("PATCH", "\(p)/b", json: ["data": ["x": "1"]], contentType: "application/merge-patch+json").status, 200)
            let since = h.call("GET", "\(p)?watch=true&resourceVersion=\(listRV)&timeoutSeconds=1").text.split(separator: "\n")
            XCTAssertEqual(since.count, 1)
            let mod = (try? JSONSerialization.jsonObject(with: Data(since[0].utf8))) as? [String: Any] ?? [:]
            XCTAssertEqual(mod["type"] as? String, "MODIFIED")
            XCTAssertEqual(((mod["object"] as? [String: Any])?["metadata"] as? [String: Any])?["name"] as? String, "b")
            // deletecollection by label.
            let dc = h.call("DELETE", "\(p)?labelSelector=tier%3Dweb")
            XCTAssertEqual(h.names(dc), ["a", "c"])
            XCTAssertEqual(sel(""), ["b"])
        }
    }

    func testPatches() throws {
        try kubeBothWays { h in
            let p = "/apis/apps/v1/namespaces/default/deployments"
            let dep: [String: Any] = [
                "metadata": ["name": "api", "labels": ["a": "1", "b": "2"]],
                "spec": ["replicas": 1, "selector": ["matchLabels": ["app": "api"]],
                         "template": ["spec": ["containers": [["name": "api", "image": "api:1", "ports": [["containerPort": 80]]],
                                                              ["name": "side", "image": "side:1"]]]]],
            ]
            XCTAssertEqual(h.call("POST", p, json: dep).status, 201)
            // Merge patch: null removes; lists are replaced.
            let m = h.call("PATCH", "\(p)/api", json: ["metadata": ["labels": ["a": NSNull(), "c": "3"]]], contentType: "application/merge-patch+json")
            XCTAssertEqual(m.status, 200, m.text)
            XCTAssertEqual(h.meta(m)["labels"] as? [String: String], ["b": "2", "c": "3"])
            // Strategic merge patch: containers merge by name (kubectl's shape, with a directive).
            let s = h.call("PATCH", "\(p)/api", json: ["spec": ["template": ["spec": [
                "$setElementOrder/containers": [["name": "api"], ["name": "side"]],
                "containers": [["name": "api", "image": "api:2"]]]]]], contentType: "application/strategic-merge-patch+json")
            XCTAssertEqual(s.status, 200, s.text)
            let containers = (((h.json(s)["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any])?["containers"] as? [[String: Any]] ?? []
            XCTAssertEqual(containers.map { $0["name"] as? String ?? "" }, ["api", "side"])
            XCTAssertEqual(containers.first?["image"] as? String, "api:2")
            XCTAssertNotNil(containers.first?["ports"], "fields the patch does not name are kept")
            XCTAssertFalse(s.text.contains("$setElementOrder"))
            let del = h.call("PATCH", "\(p)/api", json: ["spec": ["template": ["spec": ["containers": [["name": "side", "$patch": "delete"]]]]]],
                             contentType: "application/strategic-merge-patch+json")
            XCTAssertEqual(((((h.json(del)["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any])?["containers"] as? [Any])?.count, 1)
            // JSON patch: add, replace, remove, test.
            let j = h.call("PATCH", "\(p)/api", json: [
                ["op": "test", "path": "/spec/replicas", "value": 1],
                ["op": "replace", "path": "/spec/replicas", "value": 4],
                ["op": "add", "path": "/metadata/annotations", "value": ["note": "x/y"]],
                ["op": "remove", "path": "/metadata/labels/b"],
            ], contentType: "application/json-patch+json")
            XCTAssertEqual(j.status, 200, j.text)
            XCTAssertEqual((h.json(j)["spec"] as? [String: Any])?["replicas"] as? Int, 4)
            XCTAssertEqual(h.meta(j)["annotations"] as? [String: String], ["note": "x/y"])
            XCTAssertEqual(h.meta(j)["labels"] as? [String: String], ["c": "3"])
            h.assertStatus(h.call("PATCH", "\(p)/api", json: [["op": "test", "path": "/spec/replicas", "value": 1]],
                                  contentType: "application/json-patch+json"), 422, "Invalid")
            h.assertStatus(h.call("PATCH", "\(p)/api", json: [["op": "remove", "path": "/nope"]], contentType: "application/json-patch+json"), 422, "Invalid")
            h.assertStatus(h.call("PATCH", "\(p)/api", json: ["a": 1], contentType: "text/plain"), 415, "UnsupportedMediaType")
            h.assertStatus(h.call("PATCH", "\(p)/missing", json: ["a": 1], contentType: "application/merge-patch+json"), 404, "NotFound")
            h.assertStatus(h.call("PATCH", "\(p)/api", json: ["metadata": ["name": "renamed"]], contentType: "application/merge-patch+json"), 422, "Invalid")
            h.assertStatus(h.call("PATCH", "\(p)/api", json: ["metadata": ["resourceVersion": "1"]], contentType: "application/merge-patch+json"), 409, "Conflict")
            // Server-side apply creates an absent object (JSON body, as kubectl sends it).
            let a = h.call("PATCH", "/api/v1/namespaces/default/configmaps/applied?fieldManager=test",
                           json: ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "applied"], "data": ["a": "1"]],
                           contentType: "application/apply-patch+yaml")
            XCTAssertEqual(a.status, 201, a.text)
            let a2 = h.call("PATCH", "/api/v1/namespaces/default/configmaps/applied?fieldManager=test",
                            json: ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "applied"], "data": ["b": "2"]],
                            contentType: "application/apply-patch+yaml")
            XCTAssertEqual(a2.status, 200, a2.text)
            XCTAssertEqual(h.json(a2)["data"] as? [String: String], ["a": "1", "b": "2"])
        }
    }

    func testFinalizersHoldDeletion() throws {
        try kubeBothWays { h in
            let p = "/api/v1/namespaces/default/secrets"
            let c = h.call("POST", p, json: ["metadata": ["name": "s", "finalizers": ["example.com/hold"]], "stringData": ["a": "b"]])
            XCTAssertEqual(c.status, 201)
            XCTAssertEqual(h.json(c)["data"] as? [String: String], ["a": "Yg=="], "stringData is stored as base64 data")
            XCTAssertNil(h.json(c)["stringData"])
            XCTAssertEqual(h.json(c)["type"] as? String, "Opaque")
            let d = h.call("DELETE", "\(p)/s")
            XCTAssertEqual(d.status, 200, d.text)
            XCTAssertNotNil(h.meta(h.call("GET", "\(p)/s"))["deletionTimestamp"], "held by its finalizer")
            let r = h.call("PATCH", "\(p)/s", json: ["metadata": ["finalizers": NSNull()]], contentType: "application/merge-patch+json")
            XCTAssertEqual(r.status, 200, r.text)
            h.assertStatus(h.call("GET", "\(p)/s"), 404, "NotFound")
        }
    }

    func testKubeconfigAndClusters() throws {
        let h = try KubeHarness(overSocket: false)
        defer { h.close() }
        let cfg = try h.sim.kubeconfig(cluster: "mgmt", server: "http://127.0.0.1:18446/")
        XCTAssertTrue(cfg.contains("server: \"http://127.0.0.1:18446/clusters/mgmt\""), cfg)
        XCTAssertTrue(cfg.contains("current-context: \"mgmt-admin@mgmt\""))
        XCTAssertEqual(KubeHarness.token(in: cfg), h.token)
        XCTAssertEqual(KubeconfigText.quoted("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"")
        XCTAssertThrowsError(try h.sim.createKubeCluster(name: "mgmt"))
        XCTAssertThrowsError(try h.sim.createKubeCluster(name: "Bad_Name"))
        XCTAssertThrowsError(try h.sim.createKubeCluster(name: "ok", kubernetesVersion: "latest"))
        try h.sim.createKubeCluster(name: "work", kubernetesVersion: "1.30.1")
        XCTAssertEqual(h.sim.kubeClusters.map(\.name), ["mgmt", "work"])
        XCTAssertEqual(h.sim.kubeClusters.last?.kubernetesVersion, "v1.30.1")
        // Clusters are apart: an object in one is not in the other.
        XCTAssertEqual(h.call("POST", "/api/v1/namespaces/default/configmaps", json: ["metadata": ["name": "only-mgmt"]]).status, 201)
        let workToken = KubeHarness.token(in: try h.sim.kubeconfig(cluster: "work", server: "x"))
        var r = HTTPRequestMessage(method: "GET", target: "/clusters/work/api/v1/namespaces/default/configmaps")
        r.headers["Authorization"] = "Bearer \(workToken)"
        XCTAssertEqual(h.names(h.send(r)), [])
        try h.sim.deleteKubeCluster(name: "work")
        XCTAssertEqual(h.sim.kubeClusters.map(\.name), ["mgmt"])
        XCTAssertTrue(h.sim.capiRead { KubeStore.allObjects($0, cluster: "work") }.isEmpty, "work's objects went with it")
        XCTAssertEqual(h.sim.count(kind: Kind.kubeObject), h.sim.capiRead { KubeStore.allObjects($0, cluster: "mgmt") }.count, "mgmt's objects remain")
        XCTAssertEqual(h.names(h.call("GET", "/api/v1/namespaces/default/configmaps")), ["only-mgmt"])
        XCTAssertThrowsError(try h.sim.deleteKubeCluster(name: "work"))
        XCTAssertThrowsError(try h.sim.kubeconfig(cluster: "work", server: "x"))
    }

    func testPersistsAcrossReopen() throws {
        let h = try KubeHarness(overSocket: true)
        defer { h.close() }
        let c = h.call("POST", "/api/v1/namespaces/default/configmaps", json: ["metadata": ["name": "durable"], "data": ["k": "v"]])
        XCTAssertEqual(c.status, 201)
        let rv = h.rv(c)
        let token = h.token
        try h.reopen()
        XCTAssertEqual(h.token, token, "the token survives a restart")
        let g = h.call("GET", "/api/v1/namespaces/default/configmaps/durable")
        XCTAssertEqual(g.status, 200, g.text)
        XCTAssertEqual(h.rv(g), rv)
        let u = h.call("PATCH", "/api/v1/namespaces/default/configmaps/durable", json: ["data": ["k": "w"]], contentType: "application/merge-patch+json")
        XCTAssertGreaterThan(h.rv(u), rv, "resourceVersion keeps growing after a restart")
        XCTAssertEqual(try h.sim.integrityCheck(), "ok")
    }

    func testVersionPriorityAndSelectorParsing() throws {
        let sorted = ["v1alpha1", "v1beta1", "v2", "v1", "v1beta2", "foo", "v10alpha1"].sorted { KubeVersion.priority($0) > KubeVersion.priority($1) }
        XCTAssertEqual(sorted, ["v2", "v1", "v1beta2", "v1beta1", "v10alpha1", "v1alpha1", "foo"])
        XCTAssertTrue(try LabelSelector("a in (x, y),b").matches(["a": "y", "b": ""]))
        XCTAssertFalse(try LabelSelector("a in (x, y),b").matches(["a": "z", "b": ""]))
        XCTAssertThrowsError(try FieldSelector("spec.x=1", custom: true))
        XCTAssertThrowsError(try FieldSelector("nonsense", custom: false))
        XCTAssertEqual(KubePath.parse(["api", "v1", "namespaces", "x", "status"]),
                       .resource(KubeTarget(group: "", version: "v1", namespace: nil, plural: "namespaces", name: "x", subresource: "status")))
        XCTAssertEqual(KubePath.parse(["api", "v1", "namespaces", "x", "pods"]),
                       .resource(KubeTarget(group: "", version: "v1", namespace: "x", plural: "pods", name: nil, subresource: nil)))
    }
}
