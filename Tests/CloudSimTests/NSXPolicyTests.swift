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
}
