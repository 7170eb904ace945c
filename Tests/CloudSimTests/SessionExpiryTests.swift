import CloudWire
import XCTest
@testable import CloudSim

/// VCD sessions end after an idle timeout on the virtual clock, and a user holds at most
/// `maxSessionsPerUser` live sessions.
final class SessionExpiryTests: XCTestCase {
    private func basic(_ user: String, _ org: String) -> [String: String] {
        ["Authorization": "Basic " + Data("\(user)@\(org):\(Harness.password)".utf8).base64EncodedString()]
    }

    func testIdleSessionsExpireAndUsedOnesLive() throws {
        try bothWays { h in
            let busy = h.tenant, idle = h.capvcd
            XCTAssertEqual(h.json(h.call("GET", "/cloudapi/1.0.0/sessions/current", token: busy))["sessionIdleTimeoutMinutes"] as? Int, 30)
            // A session used every 20 minutes lives for an hour; one left alone for 31 minutes is over.
            for _ in 0..<3 {
                h.sim.clock.advance(seconds: 20 * 60)
                XCTAssertEqual(h.call("GET", "/cloudapi/1.0.0/orgs", token: busy).status, 200)
            }
            let expired = h.call("GET", "/cloudapi/1.0.0/orgs", token: idle)
            XCTAssertEqual(expired.status, 401)
            XCTAssertEqual(h.minor(expired), "UNAUTHORIZED")
            XCTAssertEqual(h.call("GET", "/api/org", token: idle, headers: ["Accept": "application/*+xml;version=37.2"]).status, 401)
            // A new login works, and the expired session's row is gone with it.
            let again = h.login("capvcd", "xav_lab")
            XCTAssertEqual(h.call("GET", "/cloudapi/1.0.0/orgs", token: again).status, 200)
            let capvcdID = h.json(h.call("GET", "/cloudapi/1.0.0/sessions/current", token: again))["user"] as! [String: Any]
            let rows = h.sim.worldLock.read { h.sim.world.children(Kind.session, of: capvcdID["id"] as! String) }
            XCTAssertEqual(rows.count, 1)
        }
    }

    func testSessionLimitPerUser() throws {
        var o = SimulatorOptions()
        o.maxSessionsPerUser = 2
        try bothWays(options: o) { h in
            let first = h.login("capvcd", "xav_lab")
            _ = h.login("capvcd", "xav_lab")
            let third = h.call("POST", "/cloudapi/1.0.0/sessions", token: nil, headers: basic("capvcd", "xav_lab"))
            XCTAssertEqual(third.status, 401)
            XCTAssertTrue(h.message(third).contains("maximum number of sessions (2)"), h.message(third))
            XCTAssertNil(third.headers[VCDHeader.accessToken])
            // Other users are not affected.
            XCTAssertEqual(h.call("POST", "/cloudapi/1.0.0/sessions", token: nil, headers: basic("administrator", "xav_lab")).status, 200)
            // Logging out frees a place; so does an idle session expiring.
            let me = h.json(h.call("GET", "/cloudapi/1.0.0/sessions/current", token: first))["id"] as! String
            XCTAssertEqual(h.call("DELETE", "/cloudapi/1.0.0/sessions/\(me)", token: first).status, 204)
            let fourth = h.login("capvcd", "xav_lab")
            XCTAssertEqual(h.call("POST", "/cloudapi/1.0.0/sessions", token: nil, headers: basic("capvcd", "xav_lab")).status, 401)
            h.sim.clock.advance(seconds: 31 * 60)
            XCTAssertEqual(h.call("POST", "/cloudapi/1.0.0/sessions", token: nil, headers: basic("capvcd", "xav_lab")).status, 200)
            XCTAssertEqual(h.call("GET", "/cloudapi/1.0.0/orgs", token: fourth).status, 401)
        }
    }
}
