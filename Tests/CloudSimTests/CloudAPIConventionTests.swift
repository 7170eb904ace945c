import CloudWire
import XCTest
@testable import CloudSim

/// Conventions every cloudapi list and every versioned request follows: empty pages, the
/// provider's unfiltered network list, 406 for an API version the simulator does not serve.
final class CloudAPIConventionTests: XCTestCase {
    func testEmptyListHasNoPage() throws {
        try bothWays { h in
            let r = h.call("GET", "/cloudapi/1.0.0/edgeGateways", token: h.tenant)
            XCTAssertEqual(r.status, 200, r.text)
            let j = h.json(r)
            XCTAssertEqual(j["resultTotal"] as? Int, 0)
            XCTAssertEqual(j["pageCount"] as? Int, 0)
            XCTAssertEqual(j["page"] as? Int, 1)
            XCTAssertEqual(h.values(r).count, 0)
            // A filter that matches nothing, too; and a non-empty list still counts its pages.
            XCTAssertEqual(h.json(h.call("GET", "/cloudapi/1.0.0/vdcs?filter=name==nope", token: h.tenant))["pageCount"] as? Int, 0)
            XCTAssertEqual(h.json(h.call("GET", "/cloudapi/1.0.0/vdcs", token: h.tenant))["pageCount"] as? Int, 1)
        }
    }

    func testProviderListsEveryOrgsNetworksWithoutFilter() throws {
        try bothWays { h in
            let gw = h.createGateway("t1", ips: 1)
            let r = h.call("POST", "/cloudapi/1.0.0/orgVdcNetworks", token: h.tenant, json: [
                "name": "net-a", "ownerRef": ["id": h.vdcID], "networkType": "NAT_ROUTED",
                "connection": ["routerRef": ["id": gw], "connectionType": "INTERNAL"],
                "subnets": ["values": [["gateway": "10.9.0.1", "prefixLength": 24,
                                        "ipRanges": ["values": [["startAddress": "10.9.0.10", "endAddress": "10.9.0.20"]]]]]]])
            XCTAssertEqual(h.waitTask(r, token: h.tenant).0, "success")
            let all = h.call("GET", "/cloudapi/1.0.0/orgVdcNetworks", token: h.provider)
            XCTAssertEqual(all.status, 200, all.text)
            XCTAssertEqual(h.values(all).compactMap { $0["name"] as? String }, ["net-a"])
            XCTAssertEqual(h.values(h.call("GET", "/cloudapi/1.0.0/orgVdcNetworks?page=1&pageSize=32", token: h.provider)).count, 1)
            // The tenant context narrows it to one org (System has none).
            let system = h.call("GET", "/cloudapi/1.0.0/orgVdcNetworks", token: h.provider,
                                headers: [VCDHeader.tenantContext: Seed.systemOrgID])
            XCTAssertEqual(h.values(system).count, 0)
        }
    }

    func testUnsupportedAPIVersionIs406() throws {
        try bothWays { h in
            let token = h.tenant
            // cloudapi: VCD's JSON error.
            let j = h.call("GET", "/cloudapi/1.0.0/orgs", token: token, headers: ["Accept": "application/json;version=32.0"])
            XCTAssertEqual(j.status, 406, j.text)
            XCTAssertEqual(h.minor(j), "NOT_ACCEPTABLE")
            XCTAssertTrue(h.message(j).contains("Invalid API version requested. Supported API versions are: [38.1, 38.0, 37.3"), h.message(j))
            // Legacy /api: the XML Error.
            let x = h.call("GET", "/api/org", token: token, headers: ["Accept": "application/*+xml;version=99.0"])
            XCTAssertEqual(x.status, 406)
            XCTAssertTrue(x.headers["Content-Type"]?.contains("vnd.vmware.vcloud.error+xml") == true, "\(x.headers)")
            XCTAssertTrue(x.text.contains("majorErrorCode=\"406\"") && x.text.contains("NOT_ACCEPTABLE"), x.text)
            // Even a login is refused at an unknown version (pyvcloud pinned to 32.0 meets this on VCD 10.5).
            let basic = Data("administrator@xav_lab:\(Harness.password)".utf8).base64EncodedString()
            XCTAssertEqual(h.call("POST", "/api/sessions", token: nil,
                                  headers: ["Accept": "application/*+xml;version=32.0", "Authorization": "Basic \(basic)"]).status, 406)
            // The version list itself, every served version and a request naming none are answered.
            XCTAssertEqual(h.call("GET", "/api/versions", token: nil, headers: ["Accept": "application/*+xml;version=32.0"]).status, 200)
            for v in APIVersion.supported {
                XCTAssertEqual(h.call("GET", "/cloudapi/1.0.0/orgs", token: token, headers: ["Accept": "application/json;version=\(v)"]).status, 200, v)
            }
            XCTAssertEqual(h.call("GET", "/cloudapi/1.0.0/orgs", token: token, headers: ["Accept": "application/json"]).status, 200)
            XCTAssertEqual(h.call("GET", "/cloudapi/1.0.0/orgs", token: token, headers: ["Accept": "*_/_*;version=37.2"]).status, 200)
        }
    }
}
