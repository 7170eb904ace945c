import CloudWire
import XCTest
@testable import CloudSim

final class EdgeGatewayTests: XCTestCase {
    func testTenantCannotCreateAGateway() throws {
        try bothWays { h in
            let r = h.call("POST", "/cloudapi/1.0.0/edgeGateways", token: h.tenant, json: ["name": "t1", "ownerRef": ["id": "x"]])
            XCTAssertEqual(r.status, 403)
            XCTAssertEqual(h.minor(r), "ACCESS_TO_RESOURCE_IS_FORBIDDEN")
            XCTAssertTrue(h.message(r).contains("[Organization vDC Gateway: Configure System Properties]"), h.message(r))
            XCTAssertEqual(h.sim.count(kind: Kind.edgeGateway), 0)
        }
    }

    func testCreateAllocatesFromTheProviderPoolWithATask() throws {
        try bothWays { h in
            let r = h.call("POST", "/cloudapi/1.0.0/edgeGateways", token: h.provider, json: [
                "name": "t1-capvcd", "ownerRef": ["id": h.vdcID],
                "edgeGatewayUplinks": [["uplinkId": h.externalNetworkID, "quickAddAllocatedIpCount": 4]],
            ])
            XCTAssertEqual(r.status, 202, r.text)
            let loc = r.headers["Location"]!
            XCTAssertTrue(loc.contains("/api/task/"), loc)
            // The task as XML, Owner present from the first read.
            let path = String(loc[loc.range(of: "/api/task/")!.lowerBound...])
            let first = h.call("GET", path, token: h.provider, headers: ["Accept": "application/*+xml;version=37.2"])
            XCTAssertTrue(first.text.contains("<Task xmlns=\"http://www.vmware.com/vcloud/v1.5\""), first.text)
            XCTAssertTrue(first.text.contains("<Owner "), first.text)
            XCTAssertTrue(first.text.contains("status=\"queued\"") || first.text.contains("status=\"running\"") || first.text.contains("status=\"success\""))
            let (status, owner, _) = h.waitTask(r, token: h.provider)
            XCTAssertEqual(status, "success")
            let gw = h.json(h.call("GET", "/cloudapi/1.0.0/edgeGateways/\(owner!)", token: h.tenant))
            XCTAssertEqual(gw["status"] as? String, "REALIZED")
            XCTAssertEqual((gw["gatewayBacking"] as? [String: Any])?["gatewayType"] as? String, "NSXT_BACKED")
            XCTAssertEqual((gw["orgRef"] as? [String: Any])?["name"] as? String, "xav_lab")
            let ips = h.allocated(owner!)
            XCTAssertEqual(ips, ["203.0.113.10", "203.0.113.11", "203.0.113.12", "203.0.113.13"])
            let used = h.values(h.call("GET", "/cloudapi/1.0.0/edgeGateways/\(owner!)/usedIpAddresses?page=1&pageSize=25", token: h.tenant))
            XCTAssertEqual(used.map { $0["category"] as? String }, ["PRIMARY_IP"])
            XCTAssertEqual(used.first?["ipAddress"] as? String, "203.0.113.10")
            // A second gateway gets the next addresses.
            let second = h.createGateway("t1-other", ips: 2)
            XCTAssertEqual(h.allocated(second), ["203.0.113.14", "203.0.113.15"])
            // Lookups clients do.
            let byName = h.values(h.call("GET", "/cloudapi/1.0.0/edgeGateways?filter=ownerRef.id==\(h.vdcID);name==t1-capvcd", token: h.tenant))
            XCTAssertEqual(byName.count, 1)
        }
    }

    func testAllocationErrors() throws {
        try bothWays { h in
            let gw1 = h.createGateway("t1-a", ips: 3)
            XCTAssertFalse(gw1.isEmpty)
            func create(_ name: String, _ uplink: [String: Any]) -> HTTPResponseMessage {
                h.call("POST", "/cloudapi/1.0.0/edgeGateways", token: h.provider, json: ["name": name, "ownerRef": ["id": h.vdcID], "edgeGatewayUplinks": [uplink]])
            }
            func subnet(_ start: String, _ end: String, gateway: String = "203.0.113.1") -> [String: Any] {
                ["uplinkId": h.externalNetworkID, "subnets": ["values": [["gateway": gateway, "prefixLength": 24, "ipRanges": ["values": [["startAddress": start, "endAddress": end]]]]]]]
            }
            let taken = create("t1-b", subnet("203.0.113.11", "203.0.113.12"))
            XCTAssertEqual(taken.status, 400)
            XCTAssertTrue(h.message(taken).contains("already allocated"), h.message(taken))
            let outside = create("t1-b", subnet("198.51.100.5", "198.51.100.6"))
            XCTAssertEqual(outside.status, 400)
            XCTAssertTrue(h.message(outside).contains("outside subnet"), h.message(outside))
            let wrongSubnet = create("t1-b", subnet("10.0.0.5", "10.0.0.6", gateway: "10.0.0.1"))
            XCTAssertEqual(wrongSubnet.status, 400)
            let exhausted = create("t1-b", ["uplinkId": h.externalNetworkID, "quickAddAllocatedIpCount": 500])
            XCTAssertEqual(exhausted.status, 400)
            XCTAssertTrue(h.message(exhausted).contains("Not enough free IP addresses"), h.message(exhausted))
            let dup = create("t1-a", ["uplinkId": h.externalNetworkID, "quickAddAllocatedIpCount": 1])
            XCTAssertEqual(dup.status, 400)
            XCTAssertEqual(h.minor(dup), "DUPLICATE_NAME")
            XCTAssertEqual(h.sim.count(kind: Kind.edgeGateway), 1)
            // Explicit free range works.
            let ok = create("t1-b", subnet("203.0.113.100", "203.0.113.101"))
            XCTAssertEqual(h.waitTask(ok, token: h.provider).0, "success")
        }
    }

    func testPagingLinksAndOutOfRangePages() throws {
        try bothWays { h in
            for i in 0..<3 { _ = h.createGateway("gw-\(i)", ips: 1) }
            let p1 = h.call("GET", "/cloudapi/1.0.0/edgeGateways?page=1&pageSize=2&sortAsc=name", token: h.provider)
            let j = h.json(p1)
            XCTAssertEqual(j["resultTotal"] as? Int, 3)
            XCTAssertEqual(j["pageCount"] as? Int, 2)
            XCTAssertEqual(h.values(p1).map { $0["name"] as? String }, ["gw-0", "gw-1"])
            let links = LinkHeader.parse(p1.headers.values("Link").flatMap { $0.components(separatedBy: ", <").enumerated().map { $0.offset == 0 ? $0.element : "<" + $0.element } })
            let next = links.first { $0.rels.contains("nextPage") }
            XCTAssertNotNil(next)
            let target = String(next!.url[next!.url.range(of: "/cloudapi")!.lowerBound...])
            XCTAssertEqual(h.values(h.call("GET", target, token: h.provider)).map { $0["name"] as? String }, ["gw-2"])
            let beyond = h.call("GET", "/cloudapi/1.0.0/edgeGateways?page=9&pageSize=2", token: h.provider)
            XCTAssertEqual(beyond.status, 200)
            XCTAssertEqual(h.values(beyond).count, 0)
            XCTAssertEqual(h.call("GET", "/cloudapi/1.0.0/edgeGateways?pageSize=129", token: h.provider).status, 400)
            let desc = h.values(h.call("GET", "/cloudapi/1.0.0/edgeGateways?sortDesc=name", token: h.provider)).map { $0["name"] as? String }
            XCTAssertEqual(desc, ["gw-2", "gw-1", "gw-0"])
            let or = h.values(h.call("GET", "/cloudapi/1.0.0/edgeGateways?filter=(name==gw-0,name==gw-2)", token: h.provider))
            XCTAssertEqual(or.count, 2)
        }
    }
}
