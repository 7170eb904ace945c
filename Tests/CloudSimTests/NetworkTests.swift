import CloudWire
import XCTest
@testable import CloudSim

final class NetworkTests: XCTestCase {
    func network(_ h: Harness, _ gw: String, _ name: String, gateway: String, start: String, end: String) -> HTTPResponseMessage {
        h.call("POST", "/cloudapi/1.0.0/orgVdcNetworks", token: h.tenant, json: [
            "name": name, "ownerRef": ["id": h.vdcID], "networkType": "NAT_ROUTED",
            "connection": ["routerRef": ["id": gw], "connectionType": "INTERNAL"],
            "subnets": ["values": [["gateway": gateway, "prefixLength": 24, "dnsServer1": "198.51.100.53",
                                    "ipRanges": ["values": [["startAddress": start, "endAddress": end]]]]]]])
    }

    func testRoutedNetworkAndItsErrors() throws {
        try bothWays { h in
            let gw = h.createGateway("t1", ips: 2)
            let (s, net, _) = h.waitTask(network(h, gw, "capvcd-192.168.10.0", gateway: "192.168.10.1", start: "192.168.10.10", end: "192.168.10.100"), token: h.tenant)
            XCTAssertEqual(s, "success")
            let n = h.json(h.call("GET", "/cloudapi/1.0.0/orgVdcNetworks/\(net!)", token: h.capvcd))
            XCTAssertEqual(n["backingNetworkType"] as? String, "NSXT_FLEXIBLE_SEGMENT")
            XCTAssertEqual(((n["connection"] as? [String: Any])?["routerRef"] as? [String: Any])?["id"] as? String, gw)
            XCTAssertEqual((n["orgVdc"] as? [String: Any])?["name"] as? String, "t-tenant")
            XCTAssertEqual(n["totalIpCount"] as? Int, 91)
            XCTAssertEqual(h.json(h.call("GET", "/cloudapi/1.0.0/edgeGateways/\(gw)", token: h.tenant))["orgVdcNetworkCount"] as? Int, 1)
            XCTAssertEqual(h.minor(network(h, gw, "capvcd-192.168.10.0", gateway: "192.168.20.1", start: "192.168.20.10", end: "192.168.20.20")), "DUPLICATE_NAME")
            let outside = network(h, gw, "n2", gateway: "192.168.20.1", start: "192.168.21.10", end: "192.168.21.20")
            XCTAssertEqual(outside.status, 400)
            XCTAssertTrue(h.message(outside).contains("outside subnet"), h.message(outside))
            let overlap = network(h, gw, "n3", gateway: "192.168.10.254", start: "192.168.10.200", end: "192.168.10.210")
            XCTAssertEqual(overlap.status, 400)
            XCTAssertTrue(h.message(overlap).contains("overlaps"), h.message(overlap))
            // capvcd may read networks but not create them.
            let denied = h.call("POST", "/cloudapi/1.0.0/orgVdcNetworks", token: h.capvcd, json: ["name": "x"])
            XCTAssertEqual(denied.status, 403)
            XCTAssertTrue(h.message(denied).contains("Organization vDC Network: Edit Properties"))
            // Gateways with networks cannot be deleted.
            XCTAssertEqual(h.call("DELETE", "/cloudapi/1.0.0/edgeGateways/\(gw)", token: h.provider).status, 400)
        }
    }

    func testPageSizeLimitAndFilterWithColons() throws {
        var o = SimulatorOptions()
        o.fastTaskSeconds = 0
        try bothWays(options: o) { h in
            let gw = h.createGateway("t1", ips: 1)
            for i in 0..<3 {
                XCTAssertEqual(network(h, gw, "net:urn:vcloud:x:\(i)", gateway: "10.1.\(i).1", start: "10.1.\(i).10", end: "10.1.\(i).20").status, 202)
            }
            XCTAssertEqual(h.call("GET", "/cloudapi/1.0.0/orgVdcNetworks?pageSize=33", token: h.capvcd).status, 400)
            XCTAssertEqual(h.values(h.call("GET", "/cloudapi/1.0.0/orgVdcNetworks?page=1&pageSize=32", token: h.capvcd)).count, 3)
            XCTAssertEqual(h.values(h.call("GET", "/cloudapi/1.0.0/orgVdcNetworks?page=2&pageSize=32", token: h.capvcd)).count, 0)
            let f = h.values(h.call("GET", "/cloudapi/1.0.0/orgVdcNetworks?filter=name==net%3Aurn%3Avcloud%3Ax%3A1", token: h.capvcd))
            XCTAssertEqual(f.map { $0["name"] as? String }, ["net:urn:vcloud:x:1"])
            let wild = h.values(h.call("GET", "/cloudapi/1.0.0/orgVdcNetworks?filter=name==*x:2", token: h.capvcd))
            XCTAssertEqual(wild.count, 1)
            XCTAssertEqual(h.values(h.call("GET", "/cloudapi/1.0.0/orgVdcNetworks?filter=totalIpCount=ge=11;name!=net:urn:vcloud:x:0", token: h.capvcd)).count, 2)
        }
    }
}
