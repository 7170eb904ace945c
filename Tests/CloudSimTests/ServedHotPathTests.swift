import CloudWire
import Foundation
import XCTest
@testable import CloudSim

/// What the served hot path (auth, route, list, encode) remembers between requests must never
/// outlive the truth: a token logged out is refused by the very next request, a change is seen by
/// the very next read, and a digest stays the SHA-256 the state has always stored.
final class ServedHotPathTests: XCTestCase {
    /// Tokens are stored and looked up as lowercase hex SHA-256: states written before keep working.
    func testTokenDigestIsLowercaseHexSHA256() {
        XCTAssertEqual(SecretDigest.token(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SecretDigest.token("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SecretDigest.token("é"), "4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c")  // the UTF-8 bytes are hashed
    }

    func testLogoutRefusesTheTokenOnTheNextRequestAfterWarmReads() throws {
        try bothWays { h in
            let t = h.login("administrator", "xav_lab")
            let other = h.login("administrator", "xav_lab")
            for _ in 0..<3 { XCTAssertEqual(h.call("GET", "/cloudapi/1.0.0/edgeGateways", token: t).status, 200) }
            let id = h.json(h.call("GET", "/cloudapi/1.0.0/sessions/current", token: t))["id"] as! String
            XCTAssertEqual(h.call("DELETE", "/cloudapi/1.0.0/sessions/\(id)", token: t).status, 204)
            let refused = h.call("GET", "/cloudapi/1.0.0/edgeGateways", token: t)
            XCTAssertEqual(refused.status, 401, refused.text)
            // The same user's other session is its own: still served.
            XCTAssertEqual(h.call("GET", "/cloudapi/1.0.0/edgeGateways", token: other).status, 200)
        }
    }
}

extension ServedHotPathTests {
    /// Request ids stay UUID-shaped and distinct without a system random draw per request.
    func testRequestIDsAreDistinctAndUUIDShaped() {
        var seen = Set<String>()
        for _ in 0..<20_000 {
            let id = Simulator.newRequestID()
            XCTAssertNotNil(UUID(uuidString: id), id)
            XCTAssertEqual(id, id.lowercased())
            seen.insert(id)
        }
        XCTAssertEqual(seen.count, 20_000)
    }
}
