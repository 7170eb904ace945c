import CloudWire
import XCTest
@testable import CloudSim

final class CoreTests: XCTestCase {
    func testFIQL() throws {
        let obj = try JSONValue.parse(Data(#"{"name":"a:b:c","n":5,"gatewayRef":{"id":"urn:vcloud:gateway:1"},"tags":[{"k":"x"},{"k":"y"}]}"#.utf8))
        XCTAssertTrue(try FIQL.parse("name==a:b:c").matches(obj))
        XCTAssertTrue(try FIQL.parse("gatewayRef.id==urn:vcloud:gateway:1;n=gt=4").matches(obj))
        XCTAssertFalse(try FIQL.parse("gatewayRef.id==urn:vcloud:gateway:1;n=gt=5").matches(obj))
        XCTAssertTrue(try FIQL.parse("n=lt=1,name==a*c").matches(obj))
        XCTAssertTrue(try FIQL.parse("(n==1,n==5);tags.k==y").matches(obj))
        XCTAssertTrue(try FIQL.parse("name!=zzz").matches(obj))
        XCTAssertThrowsError(try FIQL.parse("name=xx=1"))
        XCTAssertThrowsError(try FIQL.parse("==1"))
    }

    func testFaultSpecParsing() throws {
        let s = try FaultSpec.parse("503:0.1,BUSY_ENTITY:0.05,latency:20ms,taskfail:0.2,seed:7")
        XCTAssertEqual(s.errors.map(\.code), ["503", "BUSY_ENTITY"])
        XCTAssertEqual(s.latency, 0.02, accuracy: 1e-9)
        XCTAssertEqual(s.taskFailureRate, 0.2)
        XCTAssertEqual(s.seed, 7)
        XCTAssertThrowsError(try FaultSpec.parse("503:2"))
        XCTAssertThrowsError(try FaultSpec.parse("bogus"))
    }

    func testInjectedErrorsAreSeededAndWriteNothing() throws {
        func run() throws -> [Int] {
            var o = SimulatorOptions()
            o.faults = try FaultSpec.parse("503:0.5,seed:42")
            let h = try Harness(overSocket: false, options: o)
            defer { h.close() }
            let t = h.provider
            return (0..<20).map { _ in h.call("GET", "/cloudapi/1.0.0/orgs", token: t).status }
        }
        let a = try run(), b = try run()
        XCTAssertEqual(a, b, "same seed, same faults")
        XCTAssertTrue(a.contains(503) && a.contains(200), "\(a)")
    }

    func testFailedTaskChangesNothing() throws {
        var o = SimulatorOptions()
        o.faults = try FaultSpec.parse("taskfail:1")
        try bothWays(options: o) { h in
            let r = h.call("POST", "/cloudapi/1.0.0/edgeGateways", token: h.provider, json: [
                "name": "t1", "ownerRef": ["id": h.vdcID], "edgeGatewayUplinks": [["uplinkId": h.externalNetworkID]]])
            let (status, _, _) = h.waitTask(r, token: h.provider)
            XCTAssertEqual(status, "error")
            XCTAssertEqual(h.sim.count(kind: Kind.edgeGateway), 0)
            let loc = r.headers["Location"]!
            let xml = h.call("GET", String(loc[loc.range(of: "/api/task/")!.lowerBound...]), token: h.provider, headers: ["Accept": "application/*+xml;version=37.0"])
            XCTAssertTrue(xml.text.contains("<Error minorErrorCode="), xml.text)
        }
    }

    func testTaskStatesAdvancePerRead() throws {
        var o = SimulatorOptions()
        o.fastTaskSeconds = 3600
        let h = try Harness(overSocket: false, options: o)
        defer { h.close() }
        let r = h.call("POST", "/cloudapi/1.0.0/edgeGateways", token: h.provider, json: [
            "name": "t1", "ownerRef": ["id": h.vdcID], "edgeGatewayUplinks": [["uplinkId": h.externalNetworkID]]])
        XCTAssertEqual(h.waitTask(r, token: h.provider).2, ["queued", "running", "success"])
        // Realistic timing: reads do not advance, time does.
        var real = SimulatorOptions()
        real.realisticTiming = true
        let h2 = try Harness(overSocket: false, options: real)
        defer { h2.close() }
        let r2 = h2.call("POST", "/cloudapi/1.0.0/edgeGateways", token: h2.provider, json: [
            "name": "t1", "ownerRef": ["id": h2.vdcID], "edgeGatewayUplinks": [["uplinkId": h2.externalNetworkID]]])
        let path = String(r2.headers["Location"]![r2.headers["Location"]!.range(of: "/api/task/")!.lowerBound...])
        for _ in 0..<3 { XCTAssertEqual(h2.json(h2.call("GET", path, token: h2.provider))["status"] as? String, "queued") }
        h2.sim.clock.advance(seconds: 4)
        XCTAssertEqual(h2.json(h2.call("GET", path, token: h2.provider))["status"] as? String, "running")
        h2.sim.clock.advance(seconds: 10)
        XCTAssertEqual(h2.json(h2.call("GET", path, token: h2.provider))["status"] as? String, "success")
    }

    func testReadOnlyRunCountsNoWrites() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        let gw = h.createGateway("t1")
        let before = h.sim.counters
        for p in ["/cloudapi/1.0.0/edgeGateways", "/cloudapi/1.0.0/edgeGateways/\(gw)/nat/rules", "/cloudapi/1.0.0/orgVdcNetworks", "/cloudapi/1.0.0/vdcs"] {
            XCTAssertEqual(h.call("GET", p, token: h.tenant).status, 200)
        }
        let after = h.sim.counters
        XCTAssertEqual(after.writes, before.writes)
        XCTAssertEqual(after.reads, before.reads + 4)
        h.call("POST", "/cloudapi/1.0.0/edgeGateways/\(gw)/nat/rules", token: h.tenant, json: ["name": "x"])
        XCTAssertEqual(h.sim.counters.writes, before.writes + 1, "a refused write is still a write attempt")
    }

    func testStateSurvivesRestartAndResetChangesPasswords() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("simrestart-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("state.sqlite").path
        var gw = "", token = ""
        do {
            let sim = try Simulator(statePath: path, options: SimulatorOptions(initialPassword: "first"))
            let h = HarnessOn(sim)
            token = h.login("administrator", "System", "first")
            gw = h.gateway(token)
            XCTAssertEqual(sim.personas.count, 3)
            XCTAssertTrue(sim.personas.allSatisfy { $0.password == "first" })
        }
        let sim = try Simulator(statePath: path, options: SimulatorOptions())
        XCTAssertEqual(try sim.integrityCheck(), "ok")
        let h = HarnessOn(sim)
        XCTAssertEqual(h.get("/cloudapi/1.0.0/edgeGateways/\(gw)", token).status, 200, "session and gateway survive a restart")
        XCTAssertGreaterThan(sim.counters.writes, 0)
        try sim.reset(password: "second")
        XCTAssertEqual(h.get("/cloudapi/1.0.0/edgeGateways/\(gw)", token).status, 401)
        XCTAssertTrue(sim.personas.allSatisfy { $0.password == "second" })
        XCTAssertEqual(sim.count(kind: Kind.edgeGateway), 0)
        try sim.reset()
        XCTAssertTrue(sim.personas.allSatisfy { $0.password.count >= 16 && $0.password != "second" })
        XCTAssertEqual(Set(sim.personas.map(\.password)).count, 3, "random passwords differ per persona")
    }

    func testServicesAreSeparateEndpoints() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        let r = h.sim.handle(HTTPRequestMessage(method: "GET", target: "/api/versions"), service: .nsx)
        XCTAssertEqual(r.status, 404)
        XCTAssertTrue(r.text.contains("NSX-T Policy API does not cover this path"), r.text)
        XCTAssertEqual(h.sim.handle(HTTPRequestMessage(method: "PATCH", target: "/api/versions"), service: .vcd).status, 405)
    }

    func testSmallerFamilies() throws {
        try bothWays { h in
            // Compute policies (CAPVCD matches names client-side).
            let pols = h.values(h.call("GET", "/cloudapi/1.0.0/vdcComputePolicies", token: h.capvcd)).compactMap { $0["name"] as? String }
            XCTAssertTrue(pols.contains("capvcd-small"), "\(pols)")
            XCTAssertEqual(h.call("POST", "/cloudapi/1.0.0/vdcComputePolicies", token: h.tenant, json: ["name": "x"]).status, 403)
            // Application port profiles.
            let body: [String: Any] = ["name": "appPort_dnat-vs", "scope": "TENANT", "contextEntityId": h.vdcID,
                                       "applicationPorts": [["protocol": "TCP", "destinationPorts": ["6443"]]]]
            XCTAssertEqual(h.waitTask(h.call("POST", "/cloudapi/1.0.0/applicationPortProfiles", token: h.capvcd, json: body), token: h.capvcd).0, "success")
            XCTAssertEqual(h.minor(h.call("POST", "/cloudapi/1.0.0/applicationPortProfiles", token: h.capvcd, json: body)), "DUPLICATE_NAME")
            let tenantOnes = h.values(h.call("GET", "/cloudapi/1.0.0/applicationPortProfiles?filter=name==appPort_dnat-vs;scope==TENANT", token: h.capvcd))
            XCTAssertEqual(tenantOnes.count, 1)
            var badPort = body; badPort["name"] = "p2"; badPort["applicationPorts"] = [["protocol": "TCP", "destinationPorts": ["70000"]]]
            XCTAssertEqual(h.call("POST", "/cloudapi/1.0.0/applicationPortProfiles", token: h.capvcd, json: badPort).status, 400)
            // Firewall and route advertisement.
            let gw = h.createGateway("t1", ips: 1)
            let fw = h.json(h.call("GET", "/cloudapi/1.0.0/edgeGateways/\(gw)/firewall/rules", token: h.tenant))
            XCTAssertEqual((fw["defaultRules"] as? [[String: Any]])?.first?["actionValue"] as? String, "DROP")
            let put = h.call("PUT", "/cloudapi/1.0.0/edgeGateways/\(gw)/firewall/rules", token: h.tenant, json: [
                "userDefinedRules": [["name": "allow-out", "actionValue": "ALLOW", "direction": "OUT", "ipProtocol": "IPV4"]]])
            XCTAssertEqual(h.waitTask(put, token: h.tenant).0, "success")
            XCTAssertEqual((h.json(h.call("GET", "/cloudapi/1.0.0/edgeGateways/\(gw)/firewall/rules", token: h.tenant))["userDefinedRules"] as? [[String: Any]])?.count, 1)
            XCTAssertEqual(h.call("PUT", "/cloudapi/1.0.0/edgeGateways/\(gw)/firewall/rules", token: h.capvcd, json: ["userDefinedRules": []]).status, 403)
            XCTAssertEqual(h.call("PUT", "/cloudapi/1.0.0/edgeGateways/\(gw)/routing/advertisement", token: h.tenant, json: ["enable": true, "subnets": ["10.0.0.1/24"]]).status, 400)
            XCTAssertEqual(h.waitTask(h.call("PUT", "/cloudapi/1.0.0/edgeGateways/\(gw)/routing/advertisement", token: h.tenant,
                                             json: ["enable": true, "subnets": ["10.0.0.0/24"]]), token: h.tenant).0, "success")
            XCTAssertEqual(h.json(h.call("GET", "/cloudapi/1.0.0/edgeGateways/\(gw)/routing/advertisement", token: h.tenant))["enable"] as? Bool, true)
            // Roles: a tenant cannot grant a right it does not hold.
            let role = h.values(h.call("GET", "/cloudapi/1.0.0/roles?filter=name==capvcd", token: h.tenant)).first!["id"] as! String
            let grant = h.call("POST", "/cloudapi/1.0.0/roles/\(role)/rights", token: h.tenant, json: ["values": [["name": "Organization vDC Gateway: Configure System Properties"]]])
            XCTAssertEqual(grant.status, 403)
            XCTAssertEqual(h.call("GET", "/cloudapi/1.0.0/rightsBundles", token: h.tenant).status, 403)
        }
    }
}

/// Minimal in-process caller on a given simulator (for restart tests).
struct HarnessOn {
    let sim: Simulator
    init(_ sim: Simulator) { self.sim = sim }
    func login(_ user: String, _ org: String, _ password: String) -> String {
        let basic = Data("\(user)@\(org):\(password)".utf8).base64EncodedString()
        let r = sim.handle(HTTPRequestMessage(method: "POST", target: "/cloudapi/1.0.0/sessions/provider", headers: ["Authorization": "Basic \(basic)"]), service: .vcd)
        return r.headers[VCDHeader.accessToken] ?? ""
    }
    func get(_ target: String, _ token: String) -> HTTPResponseMessage {
        sim.handle(HTTPRequestMessage(method: "GET", target: target, headers: ["Authorization": "Bearer \(token)"]), service: .vcd)
    }
    func gateway(_ token: String) -> String {
        func first(_ p: String) -> String {
            let j = (try? JSONSerialization.jsonObject(with: get(p, token).body)) as? [String: Any]
            return ((j?["values"] as? [[String: Any]])?.first?["id"] as? String) ?? ""
        }
        let body = try! JSONSerialization.data(withJSONObject: [
            "name": "t1", "ownerRef": ["id": first("/cloudapi/1.0.0/vdcs")],
            "edgeGatewayUplinks": [["uplinkId": first("/cloudapi/1.0.0/externalNetworks")]]])
        let r = sim.handle(HTTPRequestMessage(method: "POST", target: "/cloudapi/1.0.0/edgeGateways",
                                              headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json"], body: body), service: .vcd)
        precondition(r.status == 202, r.text)
        return first("/cloudapi/1.0.0/edgeGateways")
    }
}
