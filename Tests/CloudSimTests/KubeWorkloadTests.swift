import CloudWire
import Foundation
import XCTest
@testable import CloudSim

/// The simulated clusters' own controllers (Kube/KubeWorkloadController.swift and friends):
/// Deployments → ReplicaSets → Pods scheduled and Running, scaling, rollouts, garbage collection,
/// DaemonSets, StatefulSets, Endpoints, the system pods of kind and CAPVCD clusters, and quiet
/// passes. In-process; passes are driven with `advanceClusterAPI()` and the state is read without
/// a request (a request would run a pass first).
final class KubeWorkloadTests: XCTestCase {
    var h: KubeHarness!

    override func setUpWithError() throws { h = try KubeHarness(overSocket: false) }
    override func tearDown() { h.close() }

    // MARK: Helpers

    func objects(_ r: KubeResource, _ ns: String? = nil, cluster: String? = nil) -> [JSONValue] {
        let c = cluster ?? h.cluster
        return h.sim.capiRead { KubeStore.list($0, cluster: c, r, namespace: ns).map(\.json) }
    }

    func object(_ r: KubeResource, _ ns: String, _ name: String, cluster: String? = nil) -> JSONValue? {
        let c = cluster ?? h.cluster
        return h.sim.capiRead { KubeStore.get($0, cluster: c, r, namespace: ns, name: name)?.json }
    }

    func pods(_ prefix: String, _ ns: String = "default", cluster: String? = nil) -> [JSONValue] {
        objects(KubeTypes.pods, ns, cluster: cluster).filter { KubeMeta.name($0).hasPrefix(prefix) }
    }

    /// Runs passes until `done` holds (at most `max`); fails otherwise.
    func settle(max: Int = 20, _ what: String, file: StaticString = #filePath, line: UInt = #line, _ done: () -> Bool) {
        for _ in 0..<max {
            if done() { return }
            h.sim.advanceClusterAPI()
        }
        if !done() { XCTFail("not reached after \(max) passes: \(what)", file: file, line: line) }
    }

    func int(_ o: JSONValue?, _ path: String) -> Int { KubeFields.int(o?.value(at: path)) ?? 0 }
    func str(_ o: JSONValue?, _ path: String) -> String { o?.value(at: path)?.scalarText ?? "" }
    func condition(_ o: JSONValue?, _ type: String) -> JSONValue? {
        KubeFields.array(o?["status"]?["conditions"]).first { $0["type"]?.stringValue == type }
    }

    static func deployment(_ name: String, image: String = "nginx:1.27", replicas: Int = 3) -> [String: Any] {
        ["metadata": ["name": name, "labels": ["app": name]],
         "spec": ["replicas": replicas, "selector": ["matchLabels": ["app": name]],
                  "template": ["metadata": ["labels": ["app": name]],
                               "spec": ["containers": [["name": "web", "image": image, "ports": [["name": "http", "containerPort": 8080]]]]]]]]
    }

    @discardableResult
    func createDeployment(_ name: String, image: String = "nginx:1.27", replicas: Int = 3) -> HTTPResponseMessage {
        let r = h.call("POST", "/apis/apps/v1/namespaces/default/deployments", json: Self.deployment(name, image: image, replicas: replicas))
        XCTAssertEqual(r.status, 201, r.text)
        return r
    }

    func available(_ name: String, _ n: Int) -> Bool {
        let d = object(KubeTypes.deployments, "default", name)
        return int(d, "status.availableReplicas") == n && int(d, "status.updatedReplicas") == n && int(d, "status.replicas") == n
            && str(condition(d, "Progressing"), "reason") == "NewReplicaSetAvailable"
            && int(d, "status.observedGeneration") == int(d, "metadata.generation")
    }

    func scale(_ name: String, _ n: Int) {
        let r = h.call("PATCH", "/apis/apps/v1/namespaces/default/deployments/\(name)/scale", json: ["spec": ["replicas": n]],
                       contentType: "application/merge-patch+json")
        XCTAssertEqual(r.status, 200, r.text)
    }

    /// A Ready node written straight into the state (as the simulated CAPVCD's machines join).
    func addNode(_ name: String, ip: String, controlPlane: Bool = false, taints: [JSONValue] = [], cluster: String? = nil) throws {
        let c = cluster ?? h.cluster
        var labels: [String: JSONValue] = ["kubernetes.io/hostname": .string(name), "kubernetes.io/os": "linux"]
        if controlPlane { labels["node-role.kubernetes.io/control-plane"] = "" }
        try h.sim.capiWrite { tx in
            try KubeObjectWriter.create(tx, c, KubeTypes.nodes, .object([
                "metadata": .object(["name": .string(name), "labels": .object(labels)]),
                "spec": .object(["taints": .array(taints)]),
                "status": .object(["conditions": [["type": "Ready", "status": "True"]],
                                   "addresses": [["type": "InternalIP", "address": .string(ip)]],
                                   "allocatable": ["pods": "110"]]),
            ]))
        }
    }

    // MARK: Deployments

    func testDeploymentGetsReplicaSetAndRunningPods() throws {
        let created = h.json(createDeployment("web"))
        XCTAssertNil(created["status"], "status is the controllers'")
        h.sim.advanceClusterAPI()
        // One pass: the ReplicaSet and its pods, bound, containers being made.
        var d = object(KubeTypes.deployments, "default", "web")
        XCTAssertEqual(int(d, "status.replicas"), 3)
        XCTAssertEqual(int(d, "status.availableReplicas"), 0)
        XCTAssertEqual(str(condition(d, "Available"), "status"), "False")
        XCTAssertEqual(str(condition(d, "Progressing"), "reason"), "ReplicaSetUpdated")
        XCTAssertFalse(h.sim.capiRead { KubeWorkloads.deploymentAvailable($0, cluster: "mgmt", namespace: "default", name: "web") })
        XCTAssertEqual(pods("web-").map { KubePods.phase($0) }, ["Pending", "Pending", "Pending"])
        settle("web available") { available("web", 3) }
        XCTAssertTrue(h.sim.capiRead { KubeWorkloads.deploymentAvailable($0, cluster: "mgmt", namespace: "default", name: "web") })

        d = object(KubeTypes.deployments, "default", "web")
        let uid = str(d, "metadata.uid")
        XCTAssertEqual(KubeFields.annotations(d!)["deployment.kubernetes.io/revision"], "1")
        XCTAssertEqual(int(d, "status.readyReplicas"), 3)
        XCTAssertEqual(str(condition(d, "Available"), "reason"), "MinimumReplicasAvailable")
        XCTAssertEqual(str(condition(d, "Progressing"), "status"), "True")

        let sets = objects(KubeTypes.replicaSets, "default")
        XCTAssertEqual(sets.count, 1)
        let rs = sets[0]
        let hash = KubeMeta.labels(rs)["pod-template-hash"] ?? ""
        XCTAssertFalse(hash.isEmpty)
        XCTAssertEqual(KubeMeta.name(rs), "web-\(hash)")
        XCTAssertEqual(KubeFields.strings(rs["spec"]?["selector"]?["matchLabels"]), ["app": "web", "pod-template-hash": hash])
        XCTAssertEqual(KubeFields.strings(rs["spec"]?["template"]?["metadata"]?["labels"]), ["app": "web", "pod-template-hash": hash])
        let ref = KubeFields.ownerRefs(rs).first
        XCTAssertEqual(ref?["uid"]?.stringValue, uid)
        XCTAssertEqual(ref?["kind"]?.stringValue, "Deployment")
        XCTAssertEqual(ref?["controller"], .bool(true))
        XCTAssertEqual(int(rs, "status.readyReplicas"), 3)

        let running = pods("web-")
        XCTAssertEqual(running.count, 3)
        for pod in running {
            XCTAssertTrue(KubeMeta.name(pod).hasPrefix("web-\(hash)-"))
            XCTAssertEqual(KubeMeta.name(pod).count, "web-\(hash)-".count + 5)
            XCTAssertEqual(KubeMeta.labels(pod)["pod-template-hash"], hash)
            XCTAssertEqual(KubeFields.controllerUID(pod), str(rs, "metadata.uid"))
            XCTAssertEqual(str(pod, "spec.nodeName"), "mgmt-control-plane")
            XCTAssertEqual(str(pod, "status.phase"), "Running")
            XCTAssertTrue(str(pod, "status.podIP").hasPrefix("10.244.0."), str(pod, "status.podIP"))
            XCTAssertEqual(str(pod, "status.hostIP"), "172.18.0.2")
            XCTAssertFalse(str(pod, "status.startTime").isEmpty)
            for c in ["Initialized", "Ready", "ContainersReady", "PodScheduled"] {
                XCTAssertEqual(str(condition(pod, c), "status"), "True", c)
            }
            let cs = KubeFields.array(pod["status"]?["containerStatuses"]).first
            XCTAssertEqual(cs?["ready"], .bool(true))
            XCTAssertEqual(cs?["started"], .bool(true))
            XCTAssertEqual(cs?["restartCount"], .int(0))
            XCTAssertNotNil(cs?["state"]?["running"]?["startedAt"])
            XCTAssertEqual(str(cs, "image"), "docker.io/library/nginx:1.27")
            XCTAssertTrue(str(cs, "imageID").hasPrefix("docker.io/library/nginx@sha256:"))
            XCTAssertTrue(str(cs, "containerID").hasPrefix("containerd://"))
        }
        XCTAssertEqual(Set(running.map { str($0, "status.podIP") }).count, 3, "one address each")
        // kubectl's table shows them Running.
        var hd = HTTPHeaderFields()
        hd["Authorization"] = "Bearer \(h.token)"
        hd["Accept"] = "application/json;as=Table;v=v1;g=meta.k8s.io"
        let table = h.json(h.send(HTTPRequestMessage(method: "GET", target: "/clusters/mgmt/api/v1/namespaces/default/pods", headers: hd)))
        let rows = table["rows"] as? [[String: Any]] ?? []
        XCTAssertEqual(rows.map { ($0["cells"] as? [Any])?[2] as? String }, ["Running", "Running", "Running"])
    }

    func testScaleDownAndUpRemovesTheNewestFirst() throws {
        createDeployment("web")
        settle("3 available") { available("web", 3) }
        scale("web", 1)
        settle("1 available") { available("web", 1) && pods("web-").count == 1 }
        let survivor = KubeMeta.name(pods("web-")[0])
        h.sim.clock.advance(seconds: 30)
        scale("web", 3)
        settle("3 again") { available("web", 3) && pods("web-").count == 3 }
        XCTAssertTrue(pods("web-").map(KubeMeta.name).contains(survivor))
        XCTAssertEqual(objects(KubeTypes.replicaSets, "default").count, 1, "scaling makes no new ReplicaSet")
        h.sim.clock.advance(seconds: 30)
        scale("web", 1)
        settle("1 again") { available("web", 1) && pods("web-").count == 1 }
        XCTAssertEqual(pods("web-").map(KubeMeta.name), [survivor], "the newest pods go first")
    }

    func testTemplateChangeRollsToANewReplicaSet() throws {
        createDeployment("web")
        settle("available") { available("web", 3) }
        let first = objects(KubeTypes.replicaSets, "default")[0]
        let r = h.call("PATCH", "/apis/apps/v1/namespaces/default/deployments/web", json: [
            "spec": ["template": ["spec": ["containers": [["name": "web", "image": "nginx:1.28"]]]]]], contentType: "application/strategic-merge-patch+json")
        XCTAssertEqual(r.status, 200, r.text)
        var peak = 0
        settle(max: 40, "rolled out") {
            peak = max(peak, pods("web-").count)
            return available("web", 3) && pods("web-").count == 3
        }
        XCTAssertLessThanOrEqual(peak, 4, "at most maxSurge (25% of 3 → 1) extra pod")
        let d = object(KubeTypes.deployments, "default", "web")
        XCTAssertEqual(KubeFields.annotations(d!)["deployment.kubernetes.io/revision"], "2")
        XCTAssertEqual(int(d, "status.observedGeneration"), 2)
        let sets = objects(KubeTypes.replicaSets, "default")
        XCTAssertEqual(sets.count, 2)
        let new = sets.first { KubeMeta.name($0) != KubeMeta.name(first) }
        XCTAssertEqual(KubeFields.annotations(new!)["deployment.kubernetes.io/revision"], "2")
        XCTAssertEqual(int(object(KubeTypes.replicaSets, "default", KubeMeta.name(first)), "spec.replicas"), 0)
        XCTAssertTrue(pods("web-").allSatisfy { KubeMeta.name($0).hasPrefix(KubeMeta.name(new!) + "-") })
        XCTAssertTrue(pods("web-").allSatisfy { str(KubeFields.array($0["spec"]?["containers"]).first, "image") == "nginx:1.28" })
        XCTAssertEqual(str(condition(d, "Progressing"), "message"), "ReplicaSet \"\(KubeMeta.name(new!))\" has successfully progressed.")
    }

    func testDeleteGarbageCollectsAndOrphanKeeps() throws {
        createDeployment("web")
        createDeployment("keep", replicas: 2)
        settle("both available") { available("web", 3) && available("keep", 2) }
        XCTAssertEqual(h.call("DELETE", "/apis/apps/v1/namespaces/default/deployments/web").status, 200)
        h.sim.advanceClusterAPI()
        XCTAssertEqual(pods("web-").count, 0)
        XCTAssertFalse(objects(KubeTypes.replicaSets, "default").contains { KubeMeta.name($0).hasPrefix("web-") })
        // Orphan: the ReplicaSet and pods stay, without their owner reference.
        XCTAssertEqual(h.call("DELETE", "/apis/apps/v1/namespaces/default/deployments/keep", json: ["propagationPolicy": "Orphan"]).status, 200)
        h.sim.advanceClusterAPI()
        h.sim.advanceClusterAPI()
        let kept = objects(KubeTypes.replicaSets, "default").filter { KubeMeta.name($0).hasPrefix("keep-") }
        XCTAssertEqual(kept.count, 1)
        XCTAssertTrue(KubeFields.ownerRefs(kept[0]).isEmpty)
        XCTAssertEqual(pods("keep-").count, 2)
    }

    func testAPodDeletedByHandIsMadeAgain() throws {
        createDeployment("web")
        settle("available") { available("web", 3) }
        let gone = KubeMeta.name(pods("web-")[0])
        XCTAssertEqual(h.call("DELETE", "/api/v1/namespaces/default/pods/\(gone)").status, 200)
        settle("3 ready again") { pods("web-").filter(KubePods.ready).count == 3 && available("web", 3) }
        XCTAssertFalse(pods("web-").map(KubeMeta.name).contains(gone), "the new pod has a new name")
    }

    func testPodsWithoutANodeArePendingUnschedulable() throws {
        XCTAssertEqual(h.call("DELETE", "/api/v1/nodes/mgmt-control-plane").status, 200)
        createDeployment("web", replicas: 2)
        h.sim.advanceClusterAPI()
        h.sim.advanceClusterAPI()
        var list = pods("web-")
        XCTAssertEqual(list.count, 2)
        for pod in list {
            XCTAssertEqual(KubePods.phase(pod), "Pending")
            XCTAssertEqual(str(condition(pod, "PodScheduled"), "status"), "False")
            XCTAssertEqual(str(condition(pod, "PodScheduled"), "reason"), "Unschedulable")
            XCTAssertEqual(str(condition(pod, "PodScheduled"), "message"), "no nodes available to schedule pods")
        }
        // A tainted node takes none of them; without the taint it takes both.
        try addNode("n1", ip: "192.168.0.11", taints: [["key": "dedicated", "value": "db", "effect": "NoSchedule"]])
        h.sim.advanceClusterAPI()
        list = pods("web-")
        XCTAssertTrue(list.allSatisfy { str(condition($0, "PodScheduled"), "message").contains("1 node(s) had untolerated taint {dedicated: db}") },
                      "\(list.map { str(condition($0, "PodScheduled"), "message") })")
        let node = object(KubeTypes.nodes, "", "n1")!
        XCTAssertEqual(h.call("PATCH", "/api/v1/nodes/n1", json: ["spec": ["taints": NSNull()]], contentType: "application/merge-patch+json").status, 200,
                       "\(node)")
        settle("scheduled and running") { available("web", 2) }
        XCTAssertEqual(Set(pods("web-").map { str($0, "spec.nodeName") }), ["n1"])
        XCTAssertTrue(pods("web-").allSatisfy { str($0, "status.podIP").hasPrefix("10.244.") })
    }

    // MARK: System pods and quiet passes

    func testKindClusterRunsItsSystemPods() throws {
        let node = object(KubeTypes.nodes, "", "mgmt-control-plane")
        XCTAssertNotNil(node)
        XCTAssertNotNil(KubeMeta.labels(node!)["node-role.kubernetes.io/control-plane"])
        XCTAssertTrue(KubeFields.array(node?["spec"]?["taints"]).isEmpty, "kind leaves its single node untainted")
        settle("system pods running") {
            let all = objects(KubeTypes.pods)
            return all.count == 9 && all.allSatisfy { KubePods.ready($0) }
        }
        let all = objects(KubeTypes.pods)
        let names = all.map { "\(KubeMeta.namespace($0))/\(KubeMeta.name($0))" }
        for n in ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"] {
            XCTAssertTrue(names.contains("kube-system/\(n)-mgmt-control-plane"), "\(n) in \(names)")
        }
        func count(_ prefix: String) -> Int { names.filter { $0.hasPrefix(prefix) }.count }
        XCTAssertEqual(count("kube-system/coredns-"), 2)
        XCTAssertEqual(count("kube-system/kindnet-"), 1)
        XCTAssertEqual(count("kube-system/kube-proxy-"), 1)
        XCTAssertEqual(count("local-path-storage/local-path-provisioner-"), 1)
        let etcd = all.first { KubeMeta.name($0) == "etcd-mgmt-control-plane" }
        XCTAssertEqual(str(etcd, "status.podIP"), "172.18.0.2", "static pods use the host network")
        XCTAssertEqual(KubeFields.ownerRefs(etcd!).first?["kind"]?.stringValue, "Node")
        // kube-dns has the CoreDNS pods as endpoints; `kubernetes` the control plane.
        let dns = object(KubeTypes.endpoints, "kube-system", "kube-dns")
        XCTAssertEqual(KubeFields.array(KubeFields.array(dns?["subsets"]).first?["addresses"]).count, 2)
        XCTAssertEqual(str(object(KubeTypes.services, "kube-system", "kube-dns"), "spec.clusterIP"), "10.96.0.10")
        let api = object(KubeTypes.endpoints, "default", "kubernetes")
        XCTAssertEqual(str(KubeFields.array(KubeFields.array(api?["subsets"]).first?["addresses"]).first, "ip"), "172.18.0.2")
        // The same through the API (what `kubectl get pod -A` lists).
        XCTAssertEqual(h.names(h.call("GET", "/api/v1/pods")).count, 9)
    }

    func testASecondPassWithNothingToDoWritesNothing() throws {
        createDeployment("web")
        settle("available") { available("web", 3) }
        h.sim.advanceClusterAPI()
        let rv = h.sim.capiRead { KubeStore.currentRV($0, cluster: "mgmt") }
        let versions = objects(KubeTypes.pods).map { str($0, "metadata.resourceVersion") }
        // A pass forced past the quiet check changes nothing either.
        let (wrote, upserts, deletions) = try h.sim.capiWrite { tx in (try KubeWorkloads.pass(tx, cluster: "mgmt"), tx.upserts.count, tx.deletions.count) }
        XCTAssertFalse(wrote)
        XCTAssertEqual(upserts + deletions, 0, "a pass with nothing to do writes nothing")
        h.sim.advanceClusterAPI()
        XCTAssertEqual(h.sim.capiRead { KubeStore.currentRV($0, cluster: "mgmt") }, rv)
        XCTAssertEqual(objects(KubeTypes.pods).map { str($0, "metadata.resourceVersion") }, versions)
        XCTAssertEqual(h.rv(h.call("GET", "/api/v1/pods")), Int(rv))
    }

    // MARK: DaemonSets, StatefulSets, Services

    func testDaemonSetRunsOnePodPerMatchingNode() throws {
        try addNode("w1", ip: "192.168.0.21")
        try addNode("w2", ip: "192.168.0.22")
        let ds: [String: Any] = ["metadata": ["name": "agent"],
                                 "spec": ["selector": ["matchLabels": ["app": "agent"]],
                                          "template": ["metadata": ["labels": ["app": "agent"]],
                                                       "spec": ["containers": [["name": "a", "image": "busybox:1.36"]]]]]]
        XCTAssertEqual(h.call("POST", "/apis/apps/v1/namespaces/default/daemonsets", json: ds).status, 201)
        func ready() -> Bool {
            let d = object(KubeTypes.daemonSets, "default", "agent")
            return int(d, "status.numberReady") == 3 && int(d, "status.desiredNumberScheduled") == 3 && int(d, "status.updatedNumberScheduled") == 3
        }
        settle("one per node") { ready() }
        XCTAssertEqual(Set(pods("agent-").map { str($0, "spec.nodeName") }), ["mgmt-control-plane", "w1", "w2"])
        // A node selector narrows it; a node going takes its pod.
        XCTAssertEqual(h.call("PATCH", "/apis/apps/v1/namespaces/default/daemonsets/agent", json: [
            "spec": ["template": ["spec": ["nodeSelector": ["kubernetes.io/hostname": "w1"]]]]], contentType: "application/merge-patch+json").status, 200)
        settle("on w1 only") { pods("agent-").count == 1 && pods("agent-").allSatisfy(KubePods.ready) }
        XCTAssertEqual(str(pods("agent-")[0], "spec.nodeName"), "w1")
        XCTAssertEqual(h.call("DELETE", "/api/v1/nodes/w1").status, 200)
        settle("none left") { pods("agent-").isEmpty && int(object(KubeTypes.daemonSets, "default", "agent"), "status.desiredNumberScheduled") == 0 }
    }

    func testStatefulSetMakesOrdinalPodsInOrder() throws {
        let sts: [String: Any] = ["metadata": ["name": "db"],
                                  "spec": ["replicas": 3, "serviceName": "db", "selector": ["matchLabels": ["app": "db"]],
                                           "template": ["metadata": ["labels": ["app": "db"]],
                                                        "spec": ["containers": [["name": "db", "image": "postgres:16"]]]]]]
        XCTAssertEqual(h.call("POST", "/apis/apps/v1/namespaces/default/statefulsets", json: sts).status, 201)
        h.sim.advanceClusterAPI()
        XCTAssertEqual(pods("db-").map(KubeMeta.name), ["db-0"], "one at a time")
        settle("3 ready") { int(object(KubeTypes.statefulSets, "default", "db"), "status.readyReplicas") == 3 }
        XCTAssertEqual(pods("db-").map(KubeMeta.name), ["db-0", "db-1", "db-2"])
        XCTAssertEqual(str(pods("db-")[1], "spec.hostname"), "db-1")
        XCTAssertEqual(str(pods("db-")[1], "spec.subdomain"), "db")
        let s = object(KubeTypes.statefulSets, "default", "db")
        XCTAssertEqual(str(s, "status.currentRevision"), str(s, "status.updateRevision"))
    }

    func testEndpointsFollowReadyPods() throws {
        createDeployment("web")
        let svc: [String: Any] = ["metadata": ["name": "web"],
                                  "spec": ["selector": ["app": "web"], "ports": [["name": "http", "port": 80, "targetPort": "http"]]]]
        let created = h.json(h.call("POST", "/api/v1/namespaces/default/services", json: svc))
        XCTAssertEqual((created["spec"] as? [String: Any])?["clusterIP"] as? String, "10.96.0.11", "the first free service address")
        settle("3 endpoints") {
            let ep = object(KubeTypes.endpoints, "default", "web")
            return KubeFields.array(KubeFields.array(ep?["subsets"]).first?["addresses"]).count == 3
        }
        var ep = object(KubeTypes.endpoints, "default", "web")
        let subset = KubeFields.array(ep?["subsets"]).first
        XCTAssertEqual(KubeFields.array(subset?["ports"]), [["name": "http", "port": 8080, "protocol": "TCP"]], "the named port resolved")
        let ips = KubeFields.array(subset?["addresses"]).map { str($0, "ip") }
        XCTAssertEqual(Set(ips), Set(pods("web-").map { str($0, "status.podIP") }))
        XCTAssertEqual(str(KubeFields.array(subset?["addresses"]).first?["targetRef"], "kind"), "Pod")
        scale("web", 1)
        settle("1 endpoint") {
            ep = object(KubeTypes.endpoints, "default", "web")
            return KubeFields.array(KubeFields.array(ep?["subsets"]).first?["addresses"]).count == 1
        }
        XCTAssertEqual(h.call("DELETE", "/api/v1/namespaces/default/services/web").status, 200)
        h.sim.advanceClusterAPI()
        XCTAssertNil(object(KubeTypes.endpoints, "default", "web"), "endpoints go with their service")
    }

    /// The arithmetic RFC 3339 timestamps agree with Foundation's formatter (leap days, centuries).
    func testTimestampsMatchTheFormatter() {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        for t in [0, 59, 86_399, 951_782_400, 951_868_799, 1_709_251_199, 1_709_251_200, 1_700_000_000.7, 4_102_444_800, 4_107_542_399, -1, -86_401] as [Double] {
            XCTAssertEqual(KubeMeta.timestamp(t), f.string(from: Date(timeIntervalSince1970: t.rounded(.down))), "\(t)")
        }
    }

    // MARK: CAPVCD flavour

    func testCAPVCDWorkloadClusterRunsItsAddOnsOnceNodesJoin() throws {
        _ = try h.sim.capiWrite { tx in try Simulator.insertKubeCluster(tx, name: "wl", version: "v1.22.5+vmware.1", flavor: .capvcd, tokens: h.sim.kubeTokens) }
        h.sim.advanceClusterAPI()
        XCTAssertTrue(objects(KubeTypes.nodes, cluster: "wl").isEmpty, "nodes come from the machines")
        let waiting = objects(KubeTypes.pods, "kube-system", cluster: "wl")
        XCTAssertFalse(waiting.isEmpty)
        XCTAssertTrue(waiting.allSatisfy { str(condition($0, "PodScheduled"), "reason") == "Unschedulable" })
        try addNode("wl-control-plane-abcde", ip: "192.168.10.10", controlPlane: true,
                    taints: [["key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"]], cluster: "wl")
        try addNode("wl-md-0-xyz12", ip: "192.168.10.11", cluster: "wl")
        settle("add-ons running") {
            let all = objects(KubeTypes.pods, "kube-system", cluster: "wl")
            return all.count == 14 && all.allSatisfy(KubePods.ready)
        }
        let all = objects(KubeTypes.pods, "kube-system", cluster: "wl")
        func on(_ prefix: String) -> [String] { all.filter { KubeMeta.name($0).hasPrefix(prefix) }.map { str($0, "spec.nodeName") }.sorted() }
        for n in ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"] {
            XCTAssertEqual(on("\(n)-"), ["wl-control-plane-abcde"], n)
        }
        XCTAssertEqual(on("kube-proxy-"), ["wl-control-plane-abcde", "wl-md-0-xyz12"])
        XCTAssertEqual(on("antrea-agent-"), ["wl-control-plane-abcde", "wl-md-0-xyz12"])
        XCTAssertEqual(on("csi-vcd-nodeplugin-"), ["wl-md-0-xyz12"], "the node plugin does not tolerate the control-plane taint")
        XCTAssertEqual(on("vmware-cloud-director-ccm-"), ["wl-control-plane-abcde"], "the CPI runs on the control plane")
        XCTAssertEqual(on("antrea-controller-").count, 1)
        XCTAssertEqual(on("csi-vcd-controllerplugin-").count, 1)
        XCTAssertEqual(on("coredns-").count, 2)
        let coredns = all.first { KubeMeta.name($0).hasPrefix("coredns-") }
        XCTAssertTrue(str(coredns, "status.podIP").hasPrefix("100.96."), "Antrea's pod network")
        XCTAssertEqual(str(object(KubeTypes.services, "kube-system", "kube-dns", cluster: "wl"), "spec.clusterIP"), "100.64.0.10")
        let apiserver = all.first { KubeMeta.name($0).hasPrefix("kube-apiserver-") }
        XCTAssertEqual(str(KubeFields.array(apiserver?["spec"]?["containers"]).first, "image"),
                       "projects.registry.vmware.com/tkg/kube-apiserver:v1.22.5_vmware.1")
    }
}
