import CloudClient
import CloudSim
import CloudWire
import Foundation
import XCTest

/// A page-style list whose first page says how many pages there are: the other pages are read
/// together (at most `concurrentPages` at once), and the list comes back whole and in order.
final class ListPagesTests: XCTestCase {
    /// Passes requests on, holding each list page a little so that reads running together overlap,
    /// and counts how many were in flight at most.
    final class Overlapping: HTTPTransport {
        let next: HTTPTransport
        let lock = NSLock()
        var inFlight = 0, maxInFlight = 0, pages: [String] = []
        init(_ next: HTTPTransport) { self.next = next }
        func send(_ request: HTTPRequestMessage, to baseURL: String) throws -> HTTPResponseMessage {
            let isPage = request.path.hasSuffix("/rights")
            if isPage {
                lock.lock(); inFlight += 1; maxInFlight = max(maxInFlight, inFlight); pages.append(request.query("page") ?? "1"); lock.unlock()
                Thread.sleep(forTimeInterval: 0.03)
            }
            defer { if isPage { lock.lock(); inFlight -= 1; lock.unlock() } }
            return try next.send(request, to: baseURL)
        }
    }

    func client(_ h: SimHarness, _ t: HTTPTransport) -> VCDClient {
        let c = VCDClient(baseURL: "https://vcd.sim.test", transport: t,
                          credentials: VCDCredentials(org: "xav_lab", method: .password(user: "administrator", password: SimHarness.password)))
        c.clock = h.sim.clock
        c.pageSize = 5
        return c
    }

    func testTheRestOfTheListIsReadTogetherAndKeptInOrder() throws {
        let h = try SimHarness()
        let one = Overlapping(h.transport)
        let inTurn = client(h, one)
        inTurn.concurrentPages = 1
        let expected: [OpenAPIReference] = try inTurn.list("/cloudapi/1.0.0/rights")
        XCTAssertGreaterThan(expected.count, 20, "the seeded rights span several pages of 5")
        XCTAssertEqual(one.maxInFlight, 1)

        let many = Overlapping(h.transport)
        let together = client(h, many)
        let got: [OpenAPIReference] = try together.list("/cloudapi/1.0.0/rights")
        XCTAssertEqual(got.map(\.id), expected.map(\.id), "the same items in the same order")
        XCTAssertEqual(Set(many.pages).count, many.pages.count, "each page read once")
        XCTAssertEqual(many.pages.count, (expected.count + 4) / 5)
        XCTAssertGreaterThan(many.maxInFlight, 1, "pages after the first overlapped")
        XCTAssertLessThanOrEqual(many.maxInFlight, together.concurrentPages)
    }

    func testAFailedPageFailsTheList() throws {
        let h = try SimHarness()
        final class FailingPage: HTTPTransport {
            let next: HTTPTransport
            init(_ next: HTTPTransport) { self.next = next }
            func send(_ request: HTTPRequestMessage, to baseURL: String) throws -> HTTPResponseMessage {
                if request.query("page") == "3" { return HTTPResponseMessage(status: 403, body: Data(#"{"minorErrorCode":"ACCESS_TO_RESOURCE_IS_FORBIDDEN","message":"no"}"#.utf8)) }
                return try next.send(request, to: baseURL)
            }
        }
        let c = client(h, FailingPage(h.transport))
        XCTAssertThrowsError(try c.list("/cloudapi/1.0.0/rights", as: OpenAPIReference.self)) { e in
            XCTAssertEqual((e as? VCDClientError)?.status, 403, "\(e)")
        }
    }
}
