import CloudWire
import XCTest
@testable import CloudSim

/// `/cloudapi/1.0.0/tokens`: the API tokens `/oauth/…/register` made, listed, read and revoked.
final class APITokenTests: XCTestCase {
    /// Registers a token for the session's user and takes its refresh token (govcd `CreateToken`,
    /// `GetInitialApiToken`); returns (token URN, refresh token).
    private func makeToken(_ h: Harness, _ name: String, token: String, org: String = "xav_lab") -> (String, String) {
        let reg = h.call("POST", "/oauth/tenant/\(org)/register", token: token, json: ["client_name": name])
        XCTAssertEqual(reg.status, 200, reg.text)
        let client = h.json(reg)["client_id"] as? String ?? ""
        let form = "grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=\(token)&client_id=\(client)"
        let g = h.call("POST", "/oauth/tenant/\(org)/token", token: nil, body: Data(form.utf8),
                       headers: ["Content-Type": "application/x-www-form-urlencoded"])
        XCTAssertEqual(g.status, 200, g.text)
        return ("urn:vcloud:token:\(client)", h.json(g)["refresh_token"] as? String ?? "")
    }

    private func exchange(_ h: Harness, _ refresh: String) -> HTTPResponseMessage {
        h.call("POST", "/oauth/tenant/xav_lab/token", token: nil, body: Data("grant_type=refresh_token&refresh_token=\(refresh)".utf8),
               headers: ["Content-Type": "application/x-www-form-urlencoded"])
    }

    func testReadListAndRevoke() throws {
        try bothWays { h in
            let (id, refresh) = makeToken(h, "capi-token", token: h.capvcd)
            _ = makeToken(h, "admin-token", token: h.tenant)
            let got = h.call("GET", "/cloudapi/1.0.0/tokens/\(id)", token: h.capvcd)
            XCTAssertEqual(got.status, 200, got.text)
            let t = h.json(got)
            XCTAssertEqual(t["id"] as? String, id)
            XCTAssertEqual(t["name"] as? String, "capi-token")
            XCTAssertEqual(t["type"] as? String, "REFRESH")
            XCTAssertEqual((t["owner"] as? [String: Any])?["name"] as? String, "capvcd")
            XCTAssertEqual((t["org"] as? [String: Any])?["name"] as? String, "xav_lab")
            XCTAssertTrue(((t["org"] as? [String: Any])?["id"] as? String ?? "").hasPrefix("urn:vcloud:org:"))
            XCTAssertFalse(got.text.contains(refresh), "the refresh token is never answered")
            // Lists: a user sees their own tokens, the provider all; govcd's filter (name, owner, type) works.
            XCTAssertEqual(h.values(h.call("GET", "/cloudapi/1.0.0/tokens", token: h.capvcd)).compactMap { $0["name"] as? String }, ["capi-token"])
            XCTAssertEqual(h.values(h.call("GET", "/cloudapi/1.0.0/tokens", token: h.provider)).count, 2)
            let filtered = h.call("GET", "/cloudapi/1.0.0/tokens?filter=(name==admin-token;owner.name==administrator;(type==PROXY,type==REFRESH))&pageSize=1",
                                  token: h.provider)
            XCTAssertEqual(h.values(filtered).compactMap { $0["name"] as? String }, ["admin-token"])
            XCTAssertEqual(h.json(filtered)["resultTotal"] as? Int, 1)
            // Filtering on the secret itself finds nothing: only the wire fields are searchable.
            XCTAssertEqual(h.values(h.call("GET", "/cloudapi/1.0.0/tokens?filter=refreshToken==\(refresh)", token: h.provider)).count, 0)
            // Someone else's token is forbidden.
            XCTAssertEqual(h.call("GET", "/cloudapi/1.0.0/tokens/\(id)", token: h.tenant).status, 403)
            XCTAssertEqual(h.call("DELETE", "/cloudapi/1.0.0/tokens/\(id)", token: h.tenant).status, 403)
            // Revoke: the refresh token no longer exchanges.
            XCTAssertEqual(exchange(h, refresh).status, 200)
            XCTAssertEqual(h.call("DELETE", "/cloudapi/1.0.0/tokens/\(id)", token: h.capvcd).status, 204)
            XCTAssertEqual(h.call("GET", "/cloudapi/1.0.0/tokens/\(id)", token: h.capvcd).status, 404)
            let refused = exchange(h, refresh)
            XCTAssertEqual(refused.status, 400)
            XCTAssertEqual(h.json(refused)["error"] as? String, "invalid_grant")
        }
    }

    func testTokensNeedAPI36_1() throws {
        let h = try Harness(overSocket: false)
        defer { h.close() }
        let old = h.call("GET", "/cloudapi/1.0.0/tokens", token: h.tenant, headers: ["Accept": "application/json;version=36.0"])
        XCTAssertEqual(old.status, 405, old.text)
        XCTAssertEqual(h.minor(old), "METHOD_NOT_ALLOWED")
        XCTAssertEqual(h.call("GET", "/cloudapi/1.0.0/tokens", token: h.tenant, headers: ["Accept": "application/json;version=36.1"]).status, 200)
    }
}
