import XCTest
import CloudWire
@testable import CloudClient

final class TransportStackTests: XCTestCase {
    func testEveryAttemptIsLoggedWithTheRetryNoticeBetween() throws {
        var entries: [String] = []
        let key = UUID().uuidString
        let t = TransportStack.wrap(CurlTransport(options: testOptions()), retry: RetryPolicy(baseDelay: 0.01),
                                    debugSink: { entries.append($0) }, redactor: SecretRedactor())
        let res = try t.send(HTTPRequestMessage(method: "GET", target: "/flaky?key=\(key)&fail=1&status=503"),
                             to: SharedServers.http.baseURL)
        XCTAssertEqual(res.status, 200)
        let kinds = entries.map { String($0.prefix(5)) }
        XCTAssertEqual(kinds, ["> GET", "< 503", "~ ret", "> GET", "< 200"], entries.joined(separator: "\n---\n"))
        XCTAssertTrue(entries[2].contains("503 Service Unavailable"))
    }

    func testNoRetryNoLogNoBoundIsTheBaseItself() {
        let base = CurlTransport(options: testOptions())
        XCTAssertTrue(TransportStack.wrap(base, retry: nil, perHost: nil) === base)
    }

    func testTheStackBoundsRequestsPerHost() {
        let base = CurlTransport(options: testOptions())
        let bounded = TransportStack.wrap(base, retry: nil, perHost: 3) as? PerHostLimit
        XCTAssertEqual(bounded?.limit, 3)
        XCTAssertTrue(bounded?.next === base)
        XCTAssertEqual((TransportStack.wrap(base, retry: nil) as? PerHostLimit)?.limit, PerHostLimit.defaultLimit, "bounded by default")
    }
}
