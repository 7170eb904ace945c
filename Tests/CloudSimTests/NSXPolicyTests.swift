import CloudWire
import Foundation
import XCTest
@testable import CloudSim

final class NSXPolicyTests: XCTestCase {
    private func nsx(_ h: Harness, _ method: String, _ path: String, user: String = "administrator", password: String = Harness.password,
                     json: Any? = nil) -> HTTPResponseMessage {
        var hd = HTTPHeaderFields()
        hd["Authorization"] = "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
        var body = Data()
        if let json { body = try! JSONSerialization.data(withJSONObject: json); hd["Content-Type"] = "application/json" }
        return h.sim.handle(HTTPRequestMessage(method: method, target: path, headers: hd, body: body), service: .nsx)
    }

    private func makeGateway(_ h: Harness) -> String {
        let gw = h.createGateway("gw-nsx")
        let g = h.json(h.call("GET", "/cloudapi/1.0.0/edgeGateways/\(gw)", token: h.provider))
        return (g["gatewayBacking"] as! [String: Any])["backingId"] as! String
    }

    func testTier1OfEachGatewayAndRouteAdvertisementPatch() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        let t1 = makeGateway(h)
        let list = nsx(h, "GET", "/policy/api/v1/infra/tier-1s")
        XCTAssertEqual(list.status, 200, list.text)
        let lj = h.json(list)
        XCTAssertEqual(lj["result_count"] as? Int, 1)
        let first = (lj["results"] as! [[String: Any]])[0]
        XCTAssertEqual(first["id"] as? String, t1)
        XCTAssertEqual(first["display_name"] as? String, "gw-nsx")
        XCTAssertEqual(first["path"] as? String, "/infra/tier-1s/\(t1)")

        let p = nsx(h, "PATCH", "/policy/api/v1/infra/tier-1s/\(t1)", json: ["route_advertisement_types": ["TIER1_CONNECTED", "TIER1_NAT", "TIER1_LB_VIP"]])
        XCTAssertEqual(p.status, 200, p.text)
        XCTAssertTrue(p.body.isEmpty)
        let g = h.json(nsx(h, "GET", "/policy/api/v1/infra/tier-1s/\(t1)"))
        XCTAssertEqual(g["route_advertisement_types"] as? [String], ["TIER1_CONNECTED", "TIER1_NAT", "TIER1_LB_VIP"])
        XCTAssertEqual(g["display_name"] as? String, "gw-nsx")  // other fields kept
        XCTAssertEqual(g["_revision"] as? Int, 1)
        // A second PATCH merges and replaces the array wholesale.
        XCTAssertEqual(nsx(h, "PATCH", "/policy/api/v1/infra/tier-1s/\(t1)", json: ["description": "x"]).status, 200)
        let g2 = h.json(nsx(h, "GET", "/policy/api/v1/infra/tier-1s/\(t1)"))
        XCTAssertEqual(g2["route_advertisement_types"] as? [String], ["TIER1_CONNECTED", "TIER1_NAT", "TIER1_LB_VIP"])
        XCTAssertEqual(g2["description"] as? String, "x")
        XCTAssertEqual(h.json(nsx(h, "GET", "/policy/api/v1/infra/tier-1s"))["result_count"] as? Int, 1)

        XCTAssertEqual(nsx(h, "PATCH", "/policy/api/v1/infra/tier-1s/\(t1)", json: ["route_advertisement_types": ["BOGUS"]]).status, 400)
        XCTAssertEqual(nsx(h, "GET", "/policy/api/v1/infra/tier-1s/nope").status, 404)
    }

    /// Deleting a VCD edge gateway deletes its Tier-1 in NSX, also once NSX stored it (a PATCH of
    /// its route advertisement): no T1 is left behind by a teardown.
    func testTier1GoesWithItsGateway() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        let gw = h.createGateway("gw-gone")
        let t1 = (h.json(h.call("GET", "/cloudapi/1.0.0/edgeGateways/\(gw)", token: h.provider))["gatewayBacking"] as! [String: Any])["backingId"] as! String
        XCTAssertEqual(nsx(h, "PATCH", "/policy/api/v1/infra/tier-1s/\(t1)", json: ["route_advertisement_types": ["TIER1_LB_VIP"]]).status, 200)
        let d = h.call("DELETE", "/cloudapi/1.0.0/edgeGateways/\(gw)", token: h.provider)
        XCTAssertTrue([200, 202, 204].contains(d.status), d.text)
        XCTAssertEqual(nsx(h, "GET", "/policy/api/v1/infra/tier-1s/\(t1)").status, 404)
        XCTAssertEqual(h.json(nsx(h, "GET", "/policy/api/v1/infra/tier-1s"))["result_count"] as? Int, 0)
    }

    func testWrongCredentialsAre403() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        let bad = nsx(h, "GET", "/policy/api/v1/infra/tier-1s", password: "wrong")
        XCTAssertEqual(bad.status, 403)
        XCTAssertEqual(h.json(bad)["error_code"] as? Int, 403)
        XCTAssertEqual(nsx(h, "GET", "/policy/api/v1/infra/tier-1s", user: "capvcd").status, 403)  // tenant persona
        let none = h.sim.handle(HTTPRequestMessage(method: "GET", target: "/policy/api/v1/infra/tier-1s"), service: .nsx)
        XCTAssertEqual(none.status, 403)
        XCTAssertEqual(nsx(h, "GET", "/policy/api/v1/infra/tier-1s", user: "administrator@System").status, 200)
    }

    func testAdminIsTheManagersOwnAccount() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        XCTAssertEqual(nsx(h, "GET", "/policy/api/v1/infra/tier-1s", user: "admin").status, 200)
        XCTAssertEqual(nsx(h, "GET", "/policy/api/v1/infra/tier-1s", user: "admin", password: "wrong").status, 403)
        XCTAssertEqual(nsx(h, "GET", "/policy/api/v1/infra/tier-1s", user: "admin@System").status, 403)
        // `sim status` and `sim env` take it from here: one NSX and one ALB persona named admin.
        let products = h.sim.servicePersonas
        XCTAssertEqual(products.map(\.service), ["nsx", "alb"])
        XCTAssertTrue(products.allSatisfy { $0.user == "admin" && $0.password == Harness.password && !$0.provider && $0.org.isEmpty })
        XCTAssertTrue(h.sim.personas.allSatisfy { $0.service == "vcd" })
        let decoded = try JSONDecoder().decode(Persona.self, from: Data(#"{"org":"System","user":"administrator","password":"p","role":"r","provider":true}"#.utf8))
        XCTAssertEqual(decoded.service, "vcd", "reports written before `service` read as VCD personas")
    }

    func testStaleRevisionIsRefusedWith412OnPatchAndPut() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        let t1 = makeGateway(h)
        let path = "/policy/api/v1/infra/tier-1s/\(t1)"
        XCTAssertEqual(h.json(nsx(h, "GET", path))["_revision"] as? Int, 0)
        // A PATCH with the current revision passes and bumps it; one without a revision merges as before.
        XCTAssertEqual(nsx(h, "PATCH", path, json: ["description": "a", "_revision": 0]).status, 200)
        XCTAssertEqual(nsx(h, "PATCH", path, json: ["description": "b"]).status, 200)
        XCTAssertEqual(h.json(nsx(h, "GET", path))["_revision"] as? Int, 2)

        // Someone else changed it since revision 1 was read: 412 with NSX's error body, nothing changes.
        let stale = nsx(h, "PATCH", path, json: ["description": "c", "_revision": 1])
        XCTAssertEqual(stale.status, 412, stale.text)
        let e = h.json(stale)
        XCTAssertEqual(e["httpStatus"] as? String, "PRECONDITION_FAILED")
        XCTAssertEqual(e["error_code"] as? Int, 604)
        XCTAssertTrue((e["error_message"] as? String ?? "").contains("modified by somebody else"), stale.text)
        XCTAssertEqual(h.json(nsx(h, "GET", path))["description"] as? String, "b")

        // PUT replaces the object and must carry the current revision (none or a stale one: 412).
        XCTAssertEqual(nsx(h, "PUT", path, json: ["display_name": "gw-nsx", "route_advertisement_types": ["TIER1_NAT"]]).status, 412)
        XCTAssertEqual(nsx(h, "PUT", path, json: ["display_name": "gw-nsx", "_revision": 1]).status, 412)
        let put = nsx(h, "PUT", path, json: ["display_name": "gw-nsx", "route_advertisement_types": ["TIER1_NAT"], "_revision": 2])
        XCTAssertEqual(put.status, 200, put.text)
        let after = h.json(put)
        XCTAssertEqual(after["_revision"] as? Int, 3)
        XCTAssertEqual(after["route_advertisement_types"] as? [String], ["TIER1_NAT"])
        XCTAssertNil(after["description"], "PUT replaces: fields not sent are gone")
        XCTAssertEqual(after["id"] as? String, t1)
        XCTAssertEqual(h.json(nsx(h, "GET", path))["_revision"] as? Int, 3)
        // PUT of a T1 that does not exist creates it.
        let created = nsx(h, "PUT", "/policy/api/v1/infra/tier-1s/t1-new", json: ["display_name": "t1-new"])
        XCTAssertEqual(created.status, 200, created.text)
        XCTAssertEqual(h.json(created)["_revision"] as? Int, 1)
    }
}
