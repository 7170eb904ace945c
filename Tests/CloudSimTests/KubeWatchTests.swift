import CloudWire
import Foundation
import XCTest
@testable import CloudSim

/// Kubernetes watch: events after a resourceVersion (also cascades and the controllers' writes),
/// initial events, selectors with objects entering and leaving them, bookmarks, 410 Expired for a
/// history that no longer reaches back, nothing from an abandoned transaction; in-process (the
/// events available now) and served (a live chunked stream read over a plain socket).
final class KubeWatchTests: XCTestCase {
    static let cms = "/api/v1/namespaces/default/configmaps"

    /// The events of an in-process watch answer.
    func events(_ r: HTTPResponseMessage, file: StaticString = #filePath, line: UInt = #line) -> [[String: Any]] {
        XCTAssertEqual(r.status, 200, r.text, file: file, line: line)
        XCTAssertEqual(r.headers["Content-Type"], "application/json", file: file, line: line)
        return r.text.split(separator: "\n").map { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] ?? [:] }
    }

    /// `TYPE name` of each event (BOOKMARK and ERROR have no name).
    func summary(_ es: [[String: Any]]) -> [String] {
        es.map { let s = eventSummary($0); return s.name.isEmpty ? s.type : "\(s.type) \(s.name)" }
    }

    func object(_ e: [String: Any]) -> [String: Any] { e["object"] as? [String: Any] ?? [:] }

    // MARK: In-process

    func testEventsAfterResourceVersion() throws {
        let h = try KubeHarness(overSocket: false)
        defer { h.close() }
        let p = Self.cms
        XCTAssertEqual(h.call("POST", p, json: ["metadata": ["name": "a"]]).status, 201)
        let since = h.rv(h.call("GET", p))
        XCTAssertEqual(h.call("PATCH", "\(p)/a", json: ["data": ["x": "1"]], contentType: "application/merge-patch+json").status, 200)
        XCTAssertEqual(h.call("POST", p, json: ["metadata": ["name": "b"]]).status, 201)
        XCTAssertEqual(h.call("DELETE", "\(p)/a").status, 200)
        let now = h.rv(h.call("GET", p))
        let es = events(h.call("GET", "\(p)?watch=true&resourceVersion=\(since)"))
        XCTAssertEqual(summary(es), ["MODIFIED a", "ADDED b", "DELETED a"])
        let rvs = es.map { Int(eventSummary($0).rv) ?? 0 }
        XCTAssertEqual(rvs, rvs.sorted())
        XCTAssertGreaterThan(rvs.first ?? 0, since)
        XCTAssertEqual(rvs.last, now, "a deletion's event carries the deletion's resourceVersion")
        // Objects as GET shows them.
        XCTAssertEqual(object(es[0])["kind"] as? String, "ConfigMap")
        XCTAssertEqual(object(es[0])["apiVersion"] as? String, "v1")
        XCTAssertEqual((object(es[0])["data"] as? [String: Any])?["x"] as? String, "1")
        // Nothing after the newest; the same events through the deprecated /watch/ path.
        XCTAssertEqual(h.call("GET", "\(p)?watch=1&resourceVersion=\(now)").body.count, 0)
        XCTAssertEqual(summary(events(h.call("GET", "/api/v1/watch/namespaces/default/configmaps?resourceVersion=\(since)"))),
                       ["MODIFIED a", "ADDED b", "DELETED a"])
        // Watching one object: by path, and by fieldSelector as kubectl wait does.
        XCTAssertEqual(summary(events(h.call("GET", "\(p)/b?watch=true&resourceVersion=\(since)"))), ["ADDED b"])
        XCTAssertEqual(summary(events(h.call("GET", "\(p)?watch=true&resourceVersion=\(since)&fieldSelector=metadata.name%3Da"))),
                       ["MODIFIED a", "DELETED a"])
    }

    func testCascadesAndCustomResources() throws {
        let h = try KubeHarness(overSocket: false)
        defer { h.close() }
        XCTAssertEqual(h.call("POST", "/api/v1/namespaces", json: ["metadata": ["name": "team"]]).status, 201)
        XCTAssertEqual(h.call("POST", "/api/v1/namespaces/team/configmaps", json: ["metadata": ["name": "c1"]]).status, 201)
        XCTAssertEqual(h.call("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", json: KubeCRDTests.crd()).status, 201)
        XCTAssertEqual(h.call("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
                              json: KubeCRDTests.crd(plural: "gadgets", scope: "Cluster")).status, 201)
        let w = "/apis/example.com/v1/namespaces/default/widgets"
        XCTAssertEqual(h.call("POST", w, json: ["metadata": ["name": "w1"], "spec": ["size": 1]]).status, 201)
        XCTAssertEqual(h.call("POST", "/apis/example.com/v1/gadgets", json: ["metadata": ["name": "g1"]]).status, 201)
        let since = h.rv(h.call("GET", "/api/v1/namespaces"))
        // A status write on a custom resource; a finalizer holding a deletion, then released.
        XCTAssertEqual(h.call("PATCH", "\(w)/w1/status", json: ["status": ["ready": true]], contentType: "application/merge-patch+json").status, 200)
        XCTAssertEqual(h.call("PATCH", "/apis/example.com/v1/gadgets/g1", json: ["metadata": ["finalizers": ["example.com/hold"]]],
                              contentType: "application/merge-patch+json").status, 200)
        XCTAssertEqual(h.call("DELETE", "/apis/example.com/v1/gadgets/g1").status, 200)
        XCTAssertEqual(h.call("PATCH", "/apis/example.com/v1/gadgets/g1", json: ["metadata": ["finalizers": NSNull()]],
                              contentType: "application/merge-patch+json").status, 200)
        // Cascades: the namespace takes its configmap, the CRD its custom resources.
        XCTAssertEqual(h.call("DELETE", "/api/v1/namespaces/team").status, 200)
        XCTAssertEqual(h.call("DELETE", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com").status, 200)
        XCTAssertEqual(summary(events(h.call("GET", "/api/v1/configmaps?watch=true&resourceVersion=\(since)"))), ["DELETED c1"])
        XCTAssertEqual(summary(events(h.call("GET", "/api/v1/namespaces?watch=true&resourceVersion=\(since)"))), ["DELETED team"])
        XCTAssertEqual(summary(events(h.call("GET", "/apis/example.com/v1/gadgets?watch=true&resourceVersion=\(since)"))),
                       ["MODIFIED g1", "MODIFIED g1", "DELETED g1"])
        let crds = summary(events(h.call("GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions?watch=true&resourceVersion=\(since)")))
        XCTAssertEqual(crds, ["DELETED widgets.example.com"])
        // The custom resource's events were recorded under its type: watched before the CRD went,
        // they would have come at v1 and v1alpha1 alike. Recreate the CRD: history keeps the past.
        XCTAssertEqual(h.call("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", json: KubeCRDTests.crd()).status, 201)
        let ws = events(h.call("GET", "/apis/example.com/v1alpha1/widgets?watch=true&resourceVersion=\(since)"))
        XCTAssertEqual(summary(ws), ["MODIFIED w1", "DELETED w1"])
        XCTAssertEqual(object(ws[0])["apiVersion"] as? String, "example.com/v1alpha1")
        XCTAssertEqual((object(ws[0])["status"] as? [String: Any])?["ready"] as? Bool, true)
    }

    func testInitialEventsAndBookmarks() throws {
        let h = try KubeHarness(overSocket: false)
        defer { h.close() }
        let p = Self.cms
        for n in ["a", "b"] { XCTAssertEqual(h.call("POST", p, json: ["metadata": ["name": n]]).status, 201) }
        let rv = h.rv(h.call("GET", p))
        // Without a resourceVersion ("0" alike): the current objects as ADDED, then (asked) a bookmark.
        for q in ["watch=true", "watch=true&resourceVersion=0"] {
            XCTAssertEqual(summary(events(h.call("GET", "\(p)?\(q)"))), ["ADDED a", "ADDED b"], q)
        }
        let b = events(h.call("GET", "\(p)?watch=true&allowWatchBookmarks=true"))
        XCTAssertEqual(summary(b), ["ADDED a", "ADDED b", "BOOKMARK"])
        XCTAssertEqual(object(b[2])["kind"] as? String, "ConfigMap")
        XCTAssertEqual((object(b[2])["metadata"] as? [String: Any])?["resourceVersion"] as? String, String(rv))
        XCTAssertNil(object(b[2])["data"], "a bookmark carries only the resourceVersion")
        // sendInitialEvents: the initial events end with an annotated bookmark.
        let s = events(h.call("GET", "\(p)?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true"))
        XCTAssertEqual(summary(s), ["ADDED a", "ADDED b", "BOOKMARK", "BOOKMARK"])
        let ann = (object(s[2])["metadata"] as? [String: Any])?["annotations"] as? [String: Any]
        XCTAssertEqual(ann?["k8s.io/initial-events-end"] as? String, "true")
        // sendInitialEvents=false and no resourceVersion: only what comes next (nothing yet).
        XCTAssertEqual(summary(events(h.call("GET", "\(p)?watch=1&sendInitialEvents=false&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true"))),
                       ["BOOKMARK"])
        // A table watch (kubectl get -w): each event's object is a one-row Table.
        var hd = HTTPHeaderFields()
        hd["Authorization"] = "Bearer \(h.token)"
        hd["Accept"] = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"
        let t = events(h.send(HTTPRequestMessage(method: "GET", target: "/clusters/\(h.cluster)\(p)?watch=true", headers: hd)))
        XCTAssertEqual(t.map { object($0)["kind"] as? String }, ["Table", "Table"])
        XCTAssertEqual((object(t[0])["rows"] as? [Any])?.count, 1)
    }

    func testSelectorsSeeObjectsEnterAndLeave() throws {
        let h = try KubeHarness(overSocket: false)
        defer { h.close() }
        let p = Self.cms
        XCTAssertEqual(h.call("POST", "/api/v1/namespaces", json: ["metadata": ["name": "other"]]).status, 201)
        let since = h.rv(h.call("GET", p))
        func label(_ n: String, _ tier: String) {
            XCTAssertEqual(h.call("PATCH", "\(p)/\(n)", json: ["metadata": ["labels": ["tier": tier]]], contentType: "application/merge-patch+json").status, 200)
        }
        XCTAssertEqual(h.call("POST", p, json: ["metadata": ["name": "web", "labels": ["tier": "web"]]]).status, 201)
        XCTAssertEqual(h.call("POST", p, json: ["metadata": ["name": "db", "labels": ["tier": "db"]]]).status, 201)
        XCTAssertEqual(h.call("POST", "/api/v1/namespaces/other/configmaps", json: ["metadata": ["name": "far", "labels": ["tier": "web"]]]).status, 201)
        label("web", "db")   // leaves tier=web
        label("db", "web")   // enters tier=web
        label("db", "web")   // unchanged: no event at all
        XCTAssertEqual(summary(events(h.call("GET", "\(p)?watch=true&resourceVersion=\(since)&labelSelector=tier%3Dweb"))),
                       ["ADDED web", "DELETED web", "ADDED db"])
        XCTAssertEqual(summary(events(h.call("GET", "/api/v1/configmaps?watch=true&resourceVersion=\(since)&labelSelector=tier%3Dweb"))),
                       ["ADDED web", "ADDED far", "DELETED web", "ADDED db"], "an all-namespace watch sees every namespace")
        XCTAssertEqual(summary(events(h.call("GET", "\(p)?watch=true&resourceVersion=\(since)&fieldSelector=metadata.name%3Ddb"))),
                       ["ADDED db", "MODIFIED db"])
        XCTAssertEqual(summary(events(h.call("GET", "/api/v1/namespaces?watch=true&resourceVersion=\(since)"))), [],
                       "other types' events are not seen")
        // Refusals come before any event, as for a list.
        h.assertStatus(h.call("GET", "\(p)?watch=true&labelSelector=a%20in%20x"), 400, "BadRequest")
        h.assertStatus(h.call("GET", "/apis/example.com/v1/widgets?watch=true"), 404, "NotFound")
        h.assertStatus(h.call("GET", "\(p)?watch=true", token: .some(nil)), 401, "Unauthorized")
        h.assertStatus(h.call("GET", "\(p)?watch=true&timeoutSeconds=soon"), 400, "BadRequest")
        h.assertStatus(h.call("GET", "\(p)?watch=true&resourceVersion=abc"), 400, "BadRequest")
        h.assertStatus(h.call("GET", "\(p)?watch=true&resourceVersionMatch=NotOlderThan"), 422, "Invalid")
        h.assertStatus(h.call("GET", "\(p)?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan"), 422, "Invalid")
        let future = h.call("GET", "\(p)?watch=true&resourceVersion=\(since + 1000)")
        h.assertStatus(future, 504, "Timeout")
        XCTAssertTrue(future.text.contains("Too large resource version"), future.text)
    }

    func testTooOldResourceVersionIsExpired() throws {
        let h = try KubeHarness(overSocket: false)
        defer { h.close() }
        let p = Self.cms
        XCTAssertEqual(h.call("POST", p, json: ["metadata": ["name": "a"]]).status, 201)
        let old = h.rv(h.call("GET", p))
        XCTAssertEqual(h.call("POST", p, json: ["metadata": ["name": "b"]]).status, 201)
        XCTAssertEqual(summary(events(h.call("GET", "\(p)?watch=true&resourceVersion=\(old)"))), ["ADDED b"])
        // A restart keeps the objects and the counter, not the history: an older rv is 410.
        try h.reopen()
        let now = h.rv(h.call("GET", p))
        let es = events(h.call("GET", "\(p)?watch=true&resourceVersion=\(old)&allowWatchBookmarks=true"))
        XCTAssertEqual(summary(es), ["ERROR"], "the stream ends after the error, without a bookmark")
        let st = object(es[0])
        XCTAssertEqual(st["kind"] as? String, "Status")
        XCTAssertEqual(st["status"] as? String, "Failure")
        XCTAssertEqual(st["code"] as? Int, 410)
        XCTAssertEqual(st["reason"] as? String, "Expired")
        XCTAssertEqual(st["message"] as? String, "too old resource version: \(old) (\(now))")
        // From the current rv it works, and sees what comes next.
        XCTAssertEqual(h.call("POST", p, json: ["metadata": ["name": "c"]]).status, 201)
        XCTAssertEqual(summary(events(h.call("GET", "\(p)?watch=true&resourceVersion=\(now)"))), ["ADDED c"])
    }

    /// The history is bounded: once older events are dropped, a watch from before them is 410.
    func testHistoryKeepsTheLastEventsOnly() throws {
        let hub = KubeWatchHub(capacity: 3)
        let world = WorldState(objects: [], meta: [:], watchHub: hub)
        let cm = KubeBuiltins.all.first { $0.plural == "configmaps" }!
        func commit(_ names: [String]) throws {
            let tx = WriteTx(base: world, now: 0)
            for n in names { try KubeStore.put(tx, cluster: "c", cm, .object(["metadata": .object(["name": .string(n), "namespace": .string("default")])])) }
            world.apply(tx)
        }
        let log = hub.open(cluster: "c", currentRV: 1)
        try commit(["a", "b"])   // rv 2, 3
        guard case .events(let first) = hub.read(log, after: 1) else { return XCTFail("history lost too early") }
        XCTAssertEqual(first.map(\.resourceVersion), [2, 3])
        try commit(["c", "d", "e"])   // rv 4, 5, 6: 2 and 3 are dropped
        guard case .expired(let floor) = hub.read(log, after: 2) else { return XCTFail("rv 2 should be expired") }
        XCTAssertEqual(floor, 3)
        guard case .events(let kept) = hub.read(log, after: 3) else { return XCTFail("rv 3 is still served") }
        XCTAssertEqual(kept.map(\.resourceVersion), [4, 5, 6])
        XCTAssertEqual(kept.map { KubeMeta.name($0.object) }, ["c", "d", "e"])
    }

    /// Events appear only with their commit: a transaction that fails (a controller's pass that
    /// throws, a request answered with an error, a task rolled back) leaves no event and no rv.
    func testAbandonedWritesEmitNothing() throws {
        let h = try KubeHarness(overSocket: false)
        defer { h.close() }
        let p = Self.cms
        // The cluster's own controllers start its system pods on the first calls: let them settle.
        var before = h.rv(h.call("GET", p))
        for _ in 0..<20 {
            let next = h.rv(h.call("GET", p))
            if next == before { break }
            before = next
        }
        struct Boom: Error {}
        let cm = KubeBuiltins.all.first { $0.plural == "configmaps" }!
        XCTAssertThrowsError(try h.sim.capiWrite { tx -> Void in
            try KubeStore.put(tx, cluster: h.cluster, cm, .object(["metadata": .object(["name": .string("ghost"), "namespace": .string("default")])]))
            throw Boom()
        })
        try h.sim.capiWrite { tx in
            try KubeStore.put(tx, cluster: h.cluster, cm, .object(["metadata": .object(["name": .string("undone"), "namespace": .string("default")])]))
            tx.rollback()
        }
        // A request that fails: the namespace does not exist.
        h.assertStatus(h.call("POST", "/api/v1/namespaces/nowhere/configmaps", json: ["metadata": ["name": "x"]]), 404, "NotFound")
        XCTAssertEqual(h.rv(h.call("GET", p)), before)
        XCTAssertEqual(h.call("GET", "\(p)?watch=true&resourceVersion=\(before)").body.count, 0)
        // A committed controller write is an event like any other.
        _ = try h.sim.capiWrite { tx in
            try KubeStore.put(tx, cluster: h.cluster, cm, .object(["metadata": .object(["name": .string("real"), "namespace": .string("default")])]))
        }
        XCTAssertEqual(summary(events(h.call("GET", "\(p)?watch=true&resourceVersion=\(before)"))), ["ADDED real"])
    }

    /// client-go leader election: Leases and Events (core and events.k8s.io) created and updated.
    func testLeasesAndEventsForLeaderElection() throws {
        let h = try KubeHarness(overSocket: false)
        defer { h.close() }
        let leases = "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases"
        let lease: [String: Any] = ["apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": ["name": "ctrl"],
                                    "spec": ["holderIdentity": "a", "leaseDurationSeconds": 15, "acquireTime": "2024-01-01T00:00:00.000000Z",
                                             "renewTime": "2024-01-01T00:00:00.000000Z", "leaseTransitions": 0]]
        let c = h.call("POST", leases, json: lease)
        XCTAssertEqual(c.status, 201, c.text)
        var renewed = h.json(c)
        renewed["spec"] = ["holderIdentity": "a", "leaseDurationSeconds": 15, "renewTime": "2024-01-01T00:00:02.000000Z"]
        let u = h.call("PUT", "\(leases)/ctrl", json: renewed)
        XCTAssertEqual(u.status, 200, u.text)
        h.assertStatus(h.call("PUT", "\(leases)/ctrl", json: renewed), 409, "Conflict")
        let ev: [String: Any] = ["metadata": ["name": "ctrl.1"], "involvedObject": ["kind": "Lease", "name": "ctrl", "namespace": "kube-system"],
                                 "reason": "LeaderElection", "message": "a became leader", "type": "Normal"]
        XCTAssertEqual(h.call("POST", "/api/v1/namespaces/kube-system/events", json: ev).status, 201)
        let ev2: [String: Any] = ["apiVersion": "events.k8s.io/v1", "kind": "Event", "metadata": ["name": "ctrl.2"],
                                  "regarding": ["kind": "Lease", "name": "ctrl", "namespace": "kube-system"], "reason": "LeaderElection",
                                  "note": "a became leader", "type": "Normal", "action": "Leader", "reportingController": "ctrl",
                                  "reportingInstance": "a", "eventTime": "2024-01-01T00:00:00.000000Z"]
        let e2 = h.call("POST", "/apis/events.k8s.io/v1/namespaces/kube-system/events", json: ev2)
        XCTAssertEqual(e2.status, 201, e2.text)
        XCTAssertEqual(h.call("PATCH", "/apis/events.k8s.io/v1/namespaces/kube-system/events/ctrl.2", json: ["series": ["count": 2]],
                              contentType: "application/merge-patch+json").status, 200)
        let rl = h.json(h.call("GET", "/apis/events.k8s.io/v1"))["resources"] as? [[String: Any]] ?? []
        XCTAssertEqual(rl.first?["kind"] as? String, "Event")
        XCTAssertTrue((rl.first?["verbs"] as? [String] ?? []).contains("watch"))
        XCTAssertTrue((rl.first?["verbs"] as? [String] ?? []).contains("list"))
    }
}
