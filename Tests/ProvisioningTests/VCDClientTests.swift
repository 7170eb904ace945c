import CloudSim
import Foundation
import ScriptCloud
import XCTest
import CloudClient
import CloudWire
import Provisioning

final class VCDClientTests: XCTestCase {
    func testVersionNegotiationPicksHighestCommonAtLeast36() {
        XCTAssertEqual(VCDClient.negotiate(server: ["35.0", "36.0", "37.2", "99.0"]), "37.2")
        XCTAssertNil(VCDClient.negotiate(server: ["33.0", "35.2"]))
        XCTAssertEqual(VCDClient.compare("37.10", "37.2"), 1)
        XCTAssertEqual(VCDClient.parseVersions("<V><Version>36.0</Version><Version>38.1</Version></V>"), ["36.0", "38.1"])
    }

    func testTenantAndProviderLogin() throws {
        let h = try SimHarness()
        let t = h.client()
        XCTAssertEqual(try t.apiVersion(), "38.1")
        XCTAssertEqual(try t.session().org?.name, "xav_lab")
        let p = h.client(org: "System")
        XCTAssertEqual(try p.session().org?.name, "System")
        XCTAssertEqual(try p.session().roles?.first, "System Administrator")
    }

    func testBadPasswordIsATypedErrorWithHintAndNoSecret() throws {
        let h = try SimHarness()
        let c = h.client(password: "wrong-secret-123")
        SecretRedactor.shared.register("wrong-secret-123")
        XCTAssertThrowsError(try c.login()) { e in
            let err = e as! VCDClientError
            XCTAssertEqual(err.status, 401)
            XCTAssertEqual(err.minorErrorCode, "UNAUTHORIZED")
            XCTAssertTrue(err.hint.contains("check the user"))
            XCTAssertFalse(err.description.contains("wrong-secret-123"))
        }
    }

    func testReloginAfter401() throws {
        let h = try SimHarness()
        let c = h.client()
        let before: [Org] = try c.list("/cloudapi/1.0.0/orgs")
        // Log the session out behind the client's back: the next call gets 401 and logs in again.
        try c.checked("DELETE", "/cloudapi/1.0.0/sessions/current")
        let after: [Org] = try c.list("/cloudapi/1.0.0/orgs")
        XCTAssertEqual(before.map(\.name), after.map(\.name))
        XCTAssertEqual(h.sim.requestLog.filter { $0.status == 401 }.count, 1)
    }

    func testAPITokenExchange() throws {
        let h = try SimHarness()
        let c = h.client()
        // Mint a refresh token the way the UI does: register a client, then a jwt-bearer grant.
        let reg = try c.checked("POST", "/oauth/tenant/xav_lab/register", body: Data(#"{"client_name":"vcdscript-test"}"#.utf8))
        let clientID = try JSONDecoder().decode(OAuthClientRegistration.self, from: reg.body).client_id!
        // The access token of the session is the assertion; read it through a fresh password login.
        let login = try h.transport.send(HTTPRequestMessage(method: "POST", target: "/cloudapi/1.0.0/sessions",
            headers: ["Accept": "application/json;version=38.1", "Authorization": "Basic " + Data("administrator@xav_lab:\(SimHarness.password)".utf8).base64EncodedString()]),
            to: "https://vcd.sim.test")
        let assertion = try XCTUnwrap(login.headers["X-VMWARE-VCLOUD-ACCESS-TOKEN"])
        let grant = try h.transport.send(HTTPRequestMessage(method: "POST", target: "/oauth/tenant/xav_lab/token",
            headers: ["Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"],
            body: Data("grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&client_id=\(clientID)&assertion=\(assertion)".utf8)),
            to: "https://vcd.sim.test")
        let refresh = try XCTUnwrap(try JSONDecoder().decode(APITokenGrant.self, from: grant.body).refresh_token)
        let tc = VCDClient(baseURL: "https://vcd.sim.test", transport: h.transport, credentials: VCDCredentials(org: "xav_lab", method: .apiToken(refresh)))
        XCTAssertEqual(try tc.session().user?.name, "administrator")
        let orgs: [Org] = try tc.list("/cloudapi/1.0.0/orgs")
        XCTAssertEqual(orgs.map(\.name), ["xav_lab"])
    }

    func testFIQLEscapesValues() {
        XCTAssertEqual(FIQLFilter.eq("name", "web").text, "name==web")
        XCTAssertEqual(FIQLFilter.eq("name", "a,b;c==d").text, "name==a%2Cb%3Bc%3D%3Dd")
        XCTAssertEqual(FIQLFilter.and(.eq("a", "1"), .eq("b", "x(y)")).text, "a==1;b==x%28y%29")
        XCTAssertFalse(FIQLFilter.eq("name", "x;y").queryValue.contains(";"))
        XCTAssertTrue(FIQLFilter.needsEscaping("a b"))
    }

    func testBothPaginationStylesAndTasks() throws {
        let h = try SimHarness()
        let e = h.engine()
        let vdcID = try XCTUnwrap(try Vdcs(engine: e, org: try Orgs(engine: e).find("xav_lab")!).find("t-tenant"))
        let gw = try EdgeGateways(engine: e, vdc: vdcID).ensure(EdgeGatewaySpec(name: "gw-page", ipCount: 4)).value
        let nat = NatRules(engine: e, gateway: gw)
        for i in 0..<7 { _ = try nat.ensure(NatRuleSpec(name: "dnat-\(i)", type: "DNAT", external: EdgeGateways.allocatedIPs(gw)[1], internal: "10.0.0.\(i + 5)", externalPort: "\(8000 + i)")) }
        e.tenant.pageSize = 3
        XCTAssertEqual(try nat.list().count, 7)                                  // cursor pages (Link rel=nextPage)
        XCTAssertEqual(h.sim.requestLog.filter { $0.path.hasSuffix("/nat/rules") && $0.method == "GET" }.suffix(3).count, 3)
        let nets = Networks(engine: e, vdc: vdcID)
        for i in 0..<5 { _ = try nets.ensure(NetworkSpec(name: "n\(i)", gateway: gw, cidr: "10.\(i + 1).0.1/24")) }
        XCTAssertEqual(try nets.list().count, 5)                                 // page/pageCount pages
    }

    func testTaskTimeoutIsAnError() throws {
        let h = try SimHarness()
        let sim2 = try Simulator(statePath: h.dir + "/slow.sqlite", options: SimulatorOptions(realisticTiming: true))
        try sim2.reset(password: SimHarness.password)
        let c = VCDClient(baseURL: "https://vcd.sim.test", transport: InProcessTransport { sim2.handle($0, service: .vcd) },
                          credentials: VCDCredentials(org: "System", method: .password(user: "administrator", password: SimHarness.password)))
        c.taskTimeout = 0.2
        c.clock = sim2.clock
        let e = Engine(tenant: c, report: { _ in })
        let vdc = try Vdcs(engine: e, org: try Orgs(engine: e).find("xav_lab")!).find("t-tenant")!
        XCTAssertThrowsError(try EdgeGateways(engine: e, vdc: vdc).ensure(EdgeGatewaySpec(name: "gw-slow"))) { err in
            let t = err as! VCDTaskError
            XCTAssertTrue(t.timedOut)
            XCTAssertTrue(t.hint.contains("--timeout"))
        }
    }
}

final class ProfileTests: XCTestCase {
    func testProfilesAreRefusedWhenOthersCanReadThem() throws {
        let dir = NSTemporaryDirectory() + "prof-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/profiles.yaml"
        try """
        # lab profile
        lab:
          url: https://vcd.lab.example
          org: xav_lab
          user: xav
          password_env: LAB_PW
          insecure: true
        other:
          url: http://127.0.0.1:1
        """.write(toFile: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file)
        XCTAssertThrowsError(try Profiles.load("lab", path: file, env: ["LAB_PW": "pw-from-env-77"])) { e in
            XCTAssertTrue((e as! EngineError).message.contains("readable or writable by others"))
            XCTAssertEqual((e as! EngineError).hint, "chmod 600 \(file)")
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
        let r = try Profiles.load("lab", path: file, env: ["LAB_PW": "pw-from-env-77"])
        XCTAssertEqual(r.url, "https://vcd.lab.example")
        XCTAssertEqual(r.org, "xav_lab")
        XCTAssertEqual(r.password, "pw-from-env-77")
        XCTAssertTrue(r.insecure)
        XCTAssertEqual(SecretRedactor.shared.redact("x pw-from-env-77 y"), "x ******** y")
        XCTAssertThrowsError(try Profiles.load("nope", path: file, env: [:]))
    }
}
