import XCTest
import CloudWire
@testable import CloudClient

final class InProcessTransportTests: XCTestCase {
    func testCarriesRequestAndResponse() throws {
        let transport = InProcessTransport { req in
            HTTPResponseMessage(status: 200, headers: ["Content-Type": "application/json"], body: Data("\(req.method) \(req.path) \(req.query("page") ?? "-")".utf8))
        }
        let res = try transport.send(HTTPRequestMessage(method: "GET", target: "/cloudapi/1.0.0/orgs?page=2"), to: "https://sim")
        XCTAssertEqual(res.status, 200)
        XCTAssertEqual(res.text, "GET /cloudapi/1.0.0/orgs 2")
        XCTAssertEqual(res.headers["content-type"], "application/json")
    }

    func testQueryDecoding() {
        let req = HTTPRequestMessage(method: "GET", target: "/x?filter=name%3D%3Dgw%3A1&pageSize=25&flag")
        XCTAssertEqual(req.query("filter"), "name==gw:1")
        XCTAssertEqual(req.query("pageSize"), "25")
        XCTAssertEqual(req.query("flag"), "")
        XCTAssertNil(req.query("missing"))
    }
}
