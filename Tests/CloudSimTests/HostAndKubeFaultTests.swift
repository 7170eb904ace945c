import CloudWire
import Foundation
import XCTest
@testable import CloudSim

/// The simulated container host (where kind makes clusters) and `--faults` on the clusters' APIs.
final class HostAndKubeFaultTests: XCTestCase {
    func makeSim(faults: String? = nil) throws -> (Simulator, String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hosttest-\(UUID().uuidString)").path
        var o = SimulatorOptions(initialPassword: "x")
        if let faults { o.faults = try FaultSpec.parse(faults) }
        let sim = try Simulator(statePath: dir + "/state.sqlite", options: o)
        return (sim, try SimHostToken.load(forState: sim.statePath))
    }

    func host(_ sim: Simulator, _ method: String, _ target: String, token: String?, body: String = "") -> HTTPResponseMessage {
        var h = HTTPHeaderFields()
        if let token { h["Authorization"] = "Bearer " + token }
        return sim.handle(HTTPRequestMessage(method: method, target: target, headers: h, body: Data(body.utf8)), service: .kube)
    }

    func testTheHostMakesListsAndDeletesClustersForItsTokenOnly() throws {
        let (sim, token) = try makeSim()
        let mode = try FileManager.default.attributesOfItem(atPath: SimHostToken.path(forState: sim.statePath))[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)
        XCTAssertEqual(host(sim, "GET", "/host/v1/clusters", token: nil).status, 401)
        XCTAssertEqual(host(sim, "GET", "/host/v1/clusters", token: "host-wrong").status, 401)
        XCTAssertEqual(host(sim, "POST", "/host/v1/clusters", token: token, body: #"{"name":"kind","kubernetesVersion":"v1.25.3"}"#).status, 201)
        let dup = host(sim, "POST", "/host/v1/clusters", token: token, body: #"{"name":"kind"}"#)
        XCTAssertEqual(dup.status, 409)
        XCTAssertEqual(try JSONValue.parse(dup.body)["message"]?.stringValue, "node(s) already exist for a cluster with the name \"kind\"")
        XCTAssertEqual(host(sim, "POST", "/host/v1/clusters", token: token, body: #"{"name":"Bad_Name"}"#).status, 400)
        let kc = host(sim, "GET", "/host/v1/clusters/kind/kubeconfig", token: token)
        XCTAssertEqual(kc.status, 200)
        let text = String(decoding: kc.body, as: UTF8.self)
        XCTAssertTrue(text.contains("server: \"https://kube.sim.test/clusters/kind\""), text)
        XCTAssertTrue(host(sim, "GET", "/host/v1/clusters/kind/kubeconfig?internal=true", token: token).body.count > 0)
        XCTAssertTrue(String(decoding: host(sim, "GET", "/host/v1/clusters/kind/kubeconfig?internal=true", token: token).body, as: UTF8.self)
            .contains("https://kind-control-plane:6443"))
        // A workload cluster made by CAPVCD is not the host's.
        _ = try sim.capiWrite { tx in try Simulator.insertKubeCluster(tx, name: "wc", version: "v1.22.5", flavor: .capvcd, tokens: sim.kubeTokens) }
        let list = try JSONValue.parse(host(sim, "GET", "/host/v1/clusters", token: token).body)
        guard case .array(let items)? = list["items"] else { return XCTFail("no items") }
        XCTAssertEqual(items.compactMap { $0["name"]?.stringValue }, ["kind"])
        XCTAssertEqual(host(sim, "DELETE", "/host/v1/clusters/wc", token: token).status, 404)
        XCTAssertEqual(host(sim, "DELETE", "/host/v1/clusters/kind", token: token).status, 204)
        XCTAssertEqual(sim.kubeClusters.map(\.name), ["wc"])
    }

    func testFaultsReachTheKubernetesAPIAsStatusObjects() throws {
        let (sim, token) = try makeSim(faults: "503:1,seed:3")
        XCTAssertEqual(host(sim, "POST", "/host/v1/clusters", token: token, body: #"{"name":"m"}"#).status, 201, "the host is not faulted")
        let kube = try sim.kubeconfig(cluster: "m", server: "https://kube.sim.test")
        let clusterToken = kube.split(separator: "\n").first { $0.contains("token:") }!.split(separator: "\"")[1]
        let r = host(sim, "GET", "/clusters/m/api/v1/namespaces", token: String(clusterToken))
        XCTAssertEqual(r.status, 503)
        XCTAssertEqual(r.headers["Retry-After"], "1")
        let status = try JSONValue.parse(r.body)
        XCTAssertEqual(status["kind"]?.stringValue, "Status")
        XCTAssertEqual(status["reason"]?.stringValue, "ServiceUnavailable")
        // Anonymous discovery of the version is not faulted (kubectl's dispatcher asks it first).
        XCTAssertEqual(host(sim, "GET", "/clusters/m/version", token: nil).status, 200)
    }
}
