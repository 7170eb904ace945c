import CloudWire
import XCTest
@testable import CloudSim

final class NatRuleTests: XCTestCase {
    func testRuleTypeAloneAndBothReturned() throws {
        try bothWays { h in
            let gw = h.createGateway("t1", ips: 4)
            let ext = h.allocated(gw)[1]
            let r = h.call("POST", "/cloudapi/1.0.0/edgeGateways/\(gw)/nat/rules", token: h.capvcd, json: [
                "name": "dnat-capi-urn:vcloud:entity:vmware:capvcdCluster:1234-tcp", "enabled": true, "ruleType": "DNAT",
                "externalAddresses": ext, "internalAddresses": "192.168.8.2", "dnatExternalPort": "6443",
            ], headers: ["Accept": "*_/_*;version=36.0"])
            let (status, owner, _) = h.waitTask(r, token: h.capvcd)
            XCTAssertEqual(status, "success")
            XCTAssertEqual(owner, gw, "NAT creation reports the gateway as owner")
            let rules = h.values(h.call("GET", "/cloudapi/1.0.0/edgeGateways/\(gw)/nat/rules?pageSize=128", token: h.capvcd))
            XCTAssertEqual(rules.count, 1)
            XCTAssertEqual(rules[0]["ruleType"] as? String, "DNAT")
            XCTAssertEqual(rules[0]["type"] as? String, "DNAT")
            XCTAssertEqual(rules[0]["name"] as? String, "dnat-capi-urn:vcloud:entity:vmware:capvcdCluster:1234-tcp")
            let used = h.values(h.call("GET", "/cloudapi/1.0.0/edgeGateways/\(gw)/usedIpAddresses", token: h.capvcd))
            XCTAssertTrue(used.contains { $0["ipAddress"] as? String == ext && $0["category"] as? String == "DNAT" })
            let g = h.json(h.call("GET", "/cloudapi/1.0.0/edgeGateways/\(gw)", token: h.capvcd))
            let subnet = (((g["edgeGatewayUplinks"] as! [[String: Any]])[0]["subnets"] as! [String: Any])["values"] as! [[String: Any]])[0]
            XCTAssertEqual(subnet["usedIpCount"] as? Int, 2)
            XCTAssertEqual(subnet["totalIpCount"] as? Int, 4)
        }
    }

    func testAddressErrors() throws {
        try bothWays { h in
            let gw = h.createGateway("t1", ips: 2)
            let ext = h.allocated(gw)[1]
            func post(_ body: [String: Any]) -> HTTPResponseMessage { h.call("POST", "/cloudapi/1.0.0/edgeGateways/\(gw)/nat/rules", token: h.tenant, json: body) }
            let notOurs = post(["name": "snat", "type": "SNAT", "externalAddresses": "203.0.113.200", "internalAddresses": "10.0.0.0/24"])
            XCTAssertEqual(notOurs.status, 400)
            XCTAssertTrue(h.message(notOurs).contains("not allocated"), h.message(notOurs))
            XCTAssertEqual(h.waitTask(post(["name": "d1", "ruleType": "DNAT", "externalAddresses": ext, "internalAddresses": "10.0.0.5", "dnatExternalPort": "443"]), token: h.tenant).0, "success")
            let clash = post(["name": "d2", "ruleType": "DNAT", "externalAddresses": ext, "internalAddresses": "10.0.0.6", "dnatExternalPort": "443"])
            XCTAssertEqual(clash.status, 400)
            XCTAssertTrue(h.message(clash).contains("already in use"), h.message(clash))
            let noType = post(["name": "x", "externalAddresses": ext, "internalAddresses": "10.0.0.6"])
            XCTAssertEqual(noType.status, 400)
            // A user without NAT rights.
            XCTAssertEqual(h.call("GET", "/cloudapi/1.0.0/edgeGateways/\(gw)/nat/rules", token: h.capvcd).status, 200)
        }
    }

    func testConcurrentChangeOnOneGatewayIsBusy() throws {
        var o = SimulatorOptions()
        o.fastTaskSeconds = 60  // tasks run for a virtual minute unless the clock moves
        try bothWays(options: o) { h in
            let gw: String = {
                let r = h.call("POST", "/cloudapi/1.0.0/edgeGateways", token: h.provider, json: [
                    "name": "t1", "ownerRef": ["id": h.vdcID], "edgeGatewayUplinks": [["uplinkId": h.externalNetworkID, "quickAddAllocatedIpCount": 3]]])
                XCTAssertEqual(r.status, 202)
                h.sim.clock.advance(seconds: 61)
                return h.id("edgeGateways", named: "t1", token: h.provider)
            }()
            let ext = h.allocated(gw)[0]
            let body: [String: Any] = ["name": "snat", "type": "SNAT", "externalAddresses": ext, "internalAddresses": "10.0.0.0/24"]
            XCTAssertEqual(h.call("POST", "/cloudapi/1.0.0/edgeGateways/\(gw)/nat/rules", token: h.tenant, json: body).status, 202)
            let busy = h.call("POST", "/cloudapi/1.0.0/edgeGateways/\(gw)/nat/rules", token: h.tenant, json: body)
            XCTAssertEqual(busy.status, 400)
            XCTAssertEqual(h.minor(busy), "BUSY_ENTITY")
            // Another gateway is not affected; this one frees up when its task ends.
            h.sim.clock.advance(seconds: 61)
            XCTAssertEqual(h.call("POST", "/cloudapi/1.0.0/edgeGateways/\(gw)/nat/rules", token: h.tenant, json: body).status, 202)
        }
    }

    func testCursorPagingAndVersionedUpdates() throws {
        var o = SimulatorOptions()
        o.fastTaskSeconds = 0
        try bothWays(options: o) { h in
            let gw = h.createGateway("t1", ips: 2)
            let ext = h.allocated(gw)[0]
            for i in 0..<60 {
                let r = h.call("POST", "/cloudapi/1.0.0/edgeGateways/\(gw)/nat/rules", token: h.tenant,
                               json: ["name": "snat-\(i)", "type": "SNAT", "externalAddresses": ext, "internalAddresses": "10.0.\(i).0/24"])
                XCTAssertEqual(r.status, 202, r.text)
            }
            var names: [String] = []
            var target: String? = "/cloudapi/1.0.0/edgeGateways/\(gw)/nat/rules?pageSize=25"
            var pages = 0
            while let t = target {
                let r = h.call("GET", t, token: h.tenant)
                XCTAssertEqual(r.status, 200, r.text)
                XCTAssertNil(h.json(r)["resultTotal"], "cursor pages carry no counters")
                names += h.values(r).map { $0["name"] as! String }
                pages += 1
                target = LinkHeader.parse(r.headers.values("Link")).first { $0.rels.contains("nextPage") }
                    .map { String($0.url[$0.url.range(of: "/cloudapi")!.lowerBound...]) }
            }
            XCTAssertEqual(pages, 3)
            XCTAssertEqual(names, (0..<60).map { "snat-\($0)" })
            // Update echoes the version; a stale one is refused.
            let rule = h.values(h.call("GET", "/cloudapi/1.0.0/edgeGateways/\(gw)/nat/rules", token: h.tenant)).first!
            let id = rule["id"] as! String
            var upd = rule
            upd["description"] = "changed"
            XCTAssertEqual(h.waitTask(h.call("PUT", "/cloudapi/1.0.0/edgeGateways/\(gw)/nat/rules/\(id)", token: h.tenant, json: upd), token: h.tenant).0, "success")
            let stale = h.call("PUT", "/cloudapi/1.0.0/edgeGateways/\(gw)/nat/rules/\(id)", token: h.tenant, json: upd)
            XCTAssertEqual(stale.status, 400)
            XCTAssertEqual(h.minor(stale), "CONFLICT")
            XCTAssertEqual(h.waitTask(h.call("DELETE", "/cloudapi/1.0.0/edgeGateways/\(gw)/nat/rules/\(id)", token: h.tenant), token: h.tenant).0, "success")
            XCTAssertEqual(h.sim.count(kind: Kind.natRule), 59)
        }
    }
}
