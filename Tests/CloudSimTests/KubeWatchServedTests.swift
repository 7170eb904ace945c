import CloudWire
import Foundation
import XCTest
@testable import CloudSim

/// A served watch, read as it arrives over a plain loopback socket: live events of writes made
/// meanwhile, the end after `timeoutSeconds`, refusals before any event, and watches that end when
/// their client leaves or the server stops. Waits are bounded (to fail, not to measure).
final class KubeWatchServedTests: XCTestCase {
    func port(_ h: KubeHarness) -> Int { URL(string: h.base)!.port! }

    func open(_ h: KubeHarness, _ path: String, token: String?? = .none) throws -> WatchStreamClient {
        try WatchStreamClient(port: port(h), path: "/clusters/\(h.cluster)\(path)", token: token ?? h.token)
    }

    func summary(_ e: [String: Any]?) -> String {
        let s = eventSummary(e)
        return s.name.isEmpty ? s.type : "\(s.type) \(s.name)"
    }

    /// Waits until `cond` holds (at most `seconds`).
    func eventually(_ seconds: Double = 20, _ cond: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while !cond() {
            if Date() > deadline { return false }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return true
    }

    func testLiveEvents() throws {
        let h = try KubeHarness(overSocket: true)
        defer { h.close() }
        let p = KubeWatchTests.cms
        XCTAssertEqual(h.call("POST", p, json: ["metadata": ["name": "old"]]).status, 201)
        let rv = h.rv(h.call("GET", p))
        let reads = h.sim.counters.reads
        let w = try open(h, "\(p)?watch=true&resourceVersion=\(rv)&allowWatchBookmarks=true&timeoutSeconds=120")
        defer { w.close() }
        XCTAssertEqual(w.waitForHead(), 200)
        XCTAssertEqual(w.headers["content-type"], "application/json")
        XCTAssertEqual(w.headers["transfer-encoding"], "chunked")
        XCTAssertTrue(eventually { h.sim.watchHub.waiting(h.cluster) == 1 }, "the served watch waits for events")
        // Writes made while the watch is open arrive on it, in order.
        XCTAssertEqual(h.call("POST", p, json: ["metadata": ["name": "live"]]).status, 201)
        XCTAssertEqual(summary(w.nextEvent()), "ADDED live")
        XCTAssertEqual(h.call("DELETE", "\(p)/old").status, 200)
        XCTAssertEqual(summary(w.nextEvent()), "DELETED old")
        // A write from another thread while the test waits on the stream.
        DispatchQueue.global().async {
            _ = h.call("PATCH", "\(p)/live", json: ["data": ["k": "v"]], contentType: "application/merge-patch+json")
        }
        let mod = w.nextEvent()
        XCTAssertEqual(summary(mod), "MODIFIED live")
        XCTAssertEqual(((mod?["object"] as? [String: Any])?["data"] as? [String: Any])?["k"] as? String, "v")
        // Events of other types or namespaces do not show.
        XCTAssertEqual(h.call("POST", "/api/v1/namespaces/kube-system/configmaps", json: ["metadata": ["name": "elsewhere"]]).status, 201)
        XCTAssertEqual(h.call("POST", p, json: ["metadata": ["name": "next"]]).status, 201)
        XCTAssertEqual(summary(w.nextEvent()), "ADDED next")
        XCTAssertEqual(h.sim.counters.reads - reads, 1, "a watch counts as one read however long it streams")
    }

    func testStreamEndsAfterTimeoutSeconds() throws {
        let h = try KubeHarness(overSocket: true)
        defer { h.close() }
        let p = KubeWatchTests.cms
        XCTAssertEqual(h.call("POST", p, json: ["metadata": ["name": "a"]]).status, 201)
        let rv = h.rv(h.call("GET", p))
        // Initial events, then (timeoutSeconds later) the closing bookmark and the end of the body.
        let w = try open(h, "\(p)?watch=true&allowWatchBookmarks=true&timeoutSeconds=1")
        let all = w.rest(timeout: 60)
        XCTAssertNotNil(all, "the stream did not end")
        XCTAssertEqual(all?.map(summary), ["ADDED a", "BOOKMARK"])
        XCTAssertEqual(eventSummary(all?.last).rv, String(rv))
        XCTAssertTrue(w.endedCleanly, "the chunked body ends with its last chunk")
        let quiet = try open(h, "\(p)?watch=1&resourceVersion=\(rv)&timeoutSeconds=1")
        XCTAssertEqual(quiet.rest(timeout: 60)?.count, 0)
        XCTAssertTrue(quiet.endedCleanly)
        XCTAssertTrue(eventually { h.sim.watchHub.waiting(h.cluster) == 0 })
    }

    func testRefusalsComeBeforeAnyEvent() throws {
        let h = try KubeHarness(overSocket: true)
        defer { h.close() }
        let p = KubeWatchTests.cms
        for (path, token, code) in [("\(p)?watch=true", nil, 401), ("/apis/example.com/v1/widgets?watch=true", h.token, 404),
                                    ("\(p)?watch=true&labelSelector=a%20in%20x", h.token, 400)] as [(String, String?, Int)] {
            let w = try open(h, path, token: .some(token))
            XCTAssertEqual(w.waitForHead(), code, path)
            let status = w.nextEvent()
            XCTAssertEqual(status?["kind"] as? String, "Status", path)
            XCTAssertEqual(status?["code"] as? Int, code, path)
            w.close()
        }
        // A history that does not reach back (a restart): one ERROR event, then the end.
        XCTAssertEqual(h.call("POST", p, json: ["metadata": ["name": "a"]]).status, 201)
        let old = h.rv(h.call("GET", p)) - 1
        try h.reopen()
        let w = try open(h, "\(p)?watch=true&resourceVersion=\(old)&timeoutSeconds=60")
        XCTAssertEqual(w.waitForHead(), 200)
        let es = w.rest(timeout: 30)
        XCTAssertEqual(es?.map(summary), ["ERROR"])
        XCTAssertEqual((es?.first?["object"] as? [String: Any])?["code"] as? Int, 410)
    }

    func testClientLeavingAndServerStoppingEndTheWatch() throws {
        let h = try KubeHarness(overSocket: true)
        defer { h.close() }
        let p = KubeWatchTests.cms
        let gone = try open(h, "\(p)?watch=true&timeoutSeconds=600")
        XCTAssertEqual(gone.waitForHead(), 200)
        XCTAssertTrue(eventually { h.sim.watchHub.waiting(h.cluster) == 1 })
        gone.close()
        XCTAssertTrue(eventually { h.sim.watchHub.waiting(h.cluster) == 0 }, "the watch of a client that left goes on")
        let w = try open(h, "\(p)?watch=true&timeoutSeconds=600")
        XCTAssertEqual(w.waitForHead(), 200)
        XCTAssertTrue(eventually { h.sim.watchHub.waiting(h.cluster) == 1 })
        let sim = h.sim
        h.close()
        XCTAssertNotNil(w.rest(timeout: 30), "stopping the server ends its watches")
        XCTAssertEqual(sim.watchHub.waiting("mgmt"), 0)
    }
}

extension CAPISimTests {
    /// `kubectl wait --for=jsonpath='{.status.phase}'=Provisioned cluster/x` sends one request and
    /// then only waits on its watch: the open watch alone must let the controllers run.
    func testOpenWatchAloneLetsControllersRun() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        _ = try world(h)
        try install(h, "kind")
        // Applied paused, then resumed: every step towards Provisioned is left to the watch.
        var objects = manifests(name: "net1", workers: 1)
        if let i = objects.firstIndex(where: { $0.0.hasSuffix("/clusters") }), var spec = objects[i].1["spec"] as? [String: Any] {
            spec["paused"] = true
            objects[i].1["spec"] = spec
        }
        apply(h, "kind", objects)
        XCTAssertEqual(kube(h, "kind", "PATCH", "\(Self.capi)/clusters/net1", json: ["spec": ["paused": false]],
                            contentType: "application/merge-patch+json").status, 200)
        let server = SimulatorServer(simulator: h.sim, ports: [.kube: 0])
        try Harness.blocking { try await server.start() }
        defer { try? Harness.blocking { await server.stop() } }
        let port = URL(string: server.url(.kube)!)!.port!
        let token = KubeHarness.token(in: try h.sim.kubeconfig(cluster: "kind", server: "http://127.0.0.1"))
        let before = h.sim.counters
        let startedAt = h.sim.clock.now()
        let w = try WatchStreamClient(port: port, path: "/clusters/kind\(Self.capi)/clusters?watch=true&fieldSelector=metadata.name%3Dnet1&timeoutSeconds=300",
                                      token: token)
        defer { w.close() }
        var phases: [String] = []
        while let e = w.nextEvent(timeout: 120) {
            let phase = ((e["object"] as? [String: Any])?["status"] as? [String: Any])?["phase"] as? String ?? ""
            if phases.last != phase { phases.append(phase) }
            if phase == "Provisioned" || phase == "Failed" { break }
        }
        XCTAssertEqual(phases.last, "Provisioned", "phases seen: \(phases)")
        XCTAssertGreaterThan(phases.count, 1, "the phase moved while the watch was open")
        // Besides the watch, only the controllers sent requests: CAPVCD and CPI, as VCD's clients,
        // logged in with the cluster's credentials (none of them to the Kubernetes API).
        let since = h.sim.requestLog.filter { $0.time >= startedAt }
        XCTAssertEqual(since.filter { $0.service == .kube }.count, 1, "no Kubernetes request but the watch")
        let others = since.filter { $0.service != .kube }
        XCTAssertFalse(others.isEmpty, "the controllers reached VCD")
        XCTAssertTrue(others.allSatisfy { $0.service == .vcd }, "\(Set(others.map { "\($0.service) \($0.path)" }))")
        XCTAssertTrue(others.contains { $0.user == "capvcd@xav_lab" }, "\(Set(others.map { $0.user ?? "-" }))")
        XCTAssertGreaterThanOrEqual(h.sim.counters.writes, before.writes)
    }
}
