import CloudWire
import XCTest
@testable import CloudSim

final class SessionTests: XCTestCase {
    func testVersionsListsLoginURLsUnauthenticated() throws {
        try bothWays { h in
            let r = h.send(HTTPRequestMessage(method: "GET", target: "/api/versions"))
            XCTAssertEqual(r.status, 200)
            XCTAssertTrue(r.text.contains("<SupportedVersions xmlns=\"http://www.vmware.com/vcloud/versions\""))
            for v in ["36.0", "37.2", "38.1"] { XCTAssertTrue(r.text.contains("<Version>\(v)</Version>"), v) }
            XCTAssertTrue(r.text.contains("/cloudapi/1.0.0/sessions</LoginUrl>"))
            if h.overSocket { XCTAssertTrue(r.text.contains("<LoginUrl>\(h.base)/cloudapi/1.0.0/sessions")) }
        }
    }

    func testLoginTokenAndEveryWayToSendIt() throws {
        try bothWays { h in
            let token = h.tenant
            XCTAssertGreaterThan(token.count, 32)
            let forms: [[String: String]] = [
                ["Authorization": "Bearer \(token)"], ["Authorization": "bearer \(token)"],
                ["X-Vmware-Vcloud-Access-Token": token], ["X-Vcloud-Authorization": token],
            ]
            for f in forms {
                let r = h.call("GET", "/cloudapi/1.0.0/sessions/current", token: nil, headers: f.merging(["Accept": "*_/_*;version=36.0"]) { a, _ in a })
                XCTAssertEqual(r.status, 200, "\(f.keys): \(r.text)")
                XCTAssertEqual((h.json(r)["org"] as? [String: Any])?["name"] as? String, "xav_lab")
                XCTAssertEqual((h.json(r)["user"] as? [String: Any])?["name"] as? String, "administrator")
            }
            XCTAssertEqual(h.call("GET", "/cloudapi/1.0.0/sessions/current", token: "nope").status, 401)
            XCTAssertEqual(h.call("GET", "/cloudapi/1.0.0/sessions/current", token: nil).status, 401)
        }
    }

    func testBadCredentialsAndWrongEndpoint() throws {
        try bothWays { h in
            func login(_ who: String, _ path: String) -> Int {
                h.call("POST", path, token: nil, headers: ["Authorization": "Basic \(Data(who.utf8).base64EncodedString())"]).status
            }
            XCTAssertEqual(login("administrator@xav_lab:wrong", "/cloudapi/1.0.0/sessions"), 401)
            XCTAssertEqual(login("nobody@xav_lab:\(Harness.password)", "/cloudapi/1.0.0/sessions"), 401)
            XCTAssertEqual(login("administrator@System:\(Harness.password)", "/cloudapi/1.0.0/sessions"), 401)
            XCTAssertEqual(login("administrator@xav_lab:\(Harness.password)", "/cloudapi/1.0.0/sessions/provider"), 401)
            XCTAssertEqual(login("administrator@System:\(Harness.password)", "/cloudapi/1.0.0/sessions/provider"), 200)
        }
    }

    func testLogoutInvalidatesTheToken() throws {
        try bothWays { h in
            let t = h.tenant
            let info = h.json(h.call("GET", "/cloudapi/1.0.0/sessions/current", token: t))
            let id = info["id"] as! String
            XCTAssertEqual(h.call("DELETE", "/cloudapi/1.0.0/sessions/\(id)", token: t).status, 204)
            XCTAssertEqual(h.call("GET", "/cloudapi/1.0.0/sessions/current", token: t).status, 401)
            // Legacy session API accepts the token too.
            let t2 = h.login("capvcd", "xav_lab")
            let legacy = h.call("GET", "/api/session", token: t2, headers: ["Accept": "application/*+xml;version=37.0"])
            XCTAssertEqual(legacy.status, 200)
            XCTAssertTrue(legacy.text.contains("user=\"capvcd\""))
            XCTAssertEqual(h.call("DELETE", "/api/session", token: t2).status, 204)
            XCTAssertEqual(h.call("GET", "/api/session", token: t2).status, 401)
        }
    }

    func testTenantContextAsUUIDOrURN() throws {
        try bothWays { h in
            let labOrg = h.values(h.call("GET", "/cloudapi/1.0.0/orgs?filter=name==xav_lab", token: h.provider)).first!["id"] as! String
            XCTAssertEqual(h.values(h.call("GET", "/cloudapi/1.0.0/orgs", token: h.provider)).count, 2)
            for ctx in [labOrg, URN(labOrg)!.uuid] {
                let r = h.call("GET", "/cloudapi/1.0.0/vdcs", token: h.provider, headers: [VCDHeader.tenantContext: ctx])
                XCTAssertEqual(h.values(r).map { $0["name"] as? String }, ["t-tenant"])
            }
            // A tenant sees its own org only.
            XCTAssertEqual(h.values(h.call("GET", "/cloudapi/1.0.0/orgs", token: h.tenant)).map { $0["name"] as? String }, ["xav_lab"])
        }
    }

    func testAPITokenExchangeAndWrongOrg() throws {
        try bothWays { h in
            let t = h.capvcd
            let reg = h.call("POST", "/oauth/tenant/xav_lab/register", token: t, json: ["client_name": "capvcd-token"])
            XCTAssertEqual(reg.status, 200, reg.text)
            let clientId = h.json(reg)["client_id"] as! String
            let form = "grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=\(t)&client_id=\(clientId)"
            let issued = h.call("POST", "/oauth/tenant/xav_lab/token", token: nil, body: Data(form.utf8),
                                headers: ["Content-Type": "application/x-www-form-urlencoded"])
            XCTAssertEqual(issued.status, 200, issued.text)
            let refresh = h.json(issued)["refresh_token"] as! String
            let body = Data("grant_type=refresh_token&refresh_token=\(refresh)".utf8)
            // CAPVCD tries the provider endpoint first: it must fail for a tenant token.
            let wrong = h.call("POST", "/oauth/provider/token", token: nil, body: body, headers: ["Content-Type": "application/x-www-form-urlencoded"])
            XCTAssertEqual(wrong.status, 400)
            XCTAssertNil(h.json(wrong)["access_token"])
            let ok = h.call("POST", "/oauth/tenant/xav_lab/token", token: nil, body: body, headers: ["Content-Type": "application/x-www-form-urlencoded"])
            XCTAssertEqual(ok.status, 200, ok.text)
            let access = h.json(ok)["access_token"] as! String
            XCTAssertEqual(h.json(ok)["token_type"] as? String, "Bearer")
            let me = h.json(h.call("GET", "/cloudapi/1.0.0/sessions/current", token: access))
            XCTAssertEqual((me["user"] as? [String: Any])?["name"] as? String, "capvcd")
            // Reusable (API tokens are not rotated).
            XCTAssertEqual(h.call("POST", "/oauth/tenant/xav_lab/token", token: nil, body: body, headers: ["Content-Type": "application/x-www-form-urlencoded"]).status, 200)
        }
    }
}
