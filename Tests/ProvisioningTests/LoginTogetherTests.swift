import CloudClient
import CloudSim
import CloudWire
import Foundation
import Provisioning
import XCTest

/// `Engine.logInTogether`: the tenant and the provider sessions log in at once (their logins
/// overlap), and a failed login is thrown by the first request that needs that session, without
/// a second attempt. No timing is asserted: the transport holds each login until the other is in
/// flight (or a generous deadline passes) and records how many were in flight together.
final class LoginTogetherTests: XCTestCase {
    /// Passes requests on; holds a login until `gather` logins are in flight together.
    final class GatheringLogins: HTTPTransport {
        let next: HTTPTransport
        let gather: Int
        let condition = NSCondition()
        var inFlight = 0, most = 0, logins: [String] = []
        init(_ next: HTTPTransport, gather: Int = 2) { self.next = next; self.gather = gather }
        func send(_ request: HTTPRequestMessage, to baseURL: String) throws -> HTTPResponseMessage {
            guard request.method == "POST", request.path.hasPrefix("/cloudapi/1.0.0/sessions") else { return try next.send(request, to: baseURL) }
            condition.lock()
            inFlight += 1; most = max(most, inFlight); logins.append(request.path)
            condition.broadcast()
            let deadline = Date().addingTimeInterval(10)
            while most < gather, condition.wait(until: deadline) {}
            condition.unlock()
            defer { condition.lock(); inFlight -= 1; condition.unlock() }
            return try next.send(request, to: baseURL)
        }
    }

    func client(_ h: SimHarness, _ t: HTTPTransport, org: String, password: String = SimHarness.password) -> VCDClient {
        let c = VCDClient(baseURL: "https://vcd.sim.test", transport: t,
                          credentials: VCDCredentials(org: org, method: .password(user: "administrator", password: password)))
        c.clock = h.sim.clock
        return c
    }

    func testBothSessionsLogInTogether() throws {
        let h = try SimHarness()
        let t = GatheringLogins(h.transport)
        let e = Engine(tenant: client(h, t, org: "xav_lab"), provider: client(h, t, org: "System"), report: { _ in })
        e.logInTogether()
        XCTAssertEqual(t.most, 2, "the two logins were in flight together")
        XCTAssertEqual(Set(t.logins), ["/cloudapi/1.0.0/sessions", "/cloudapi/1.0.0/sessions/provider"])
        // Both sessions are open: the next requests log in no more.
        _ = try e.tenant.checked("GET", "/cloudapi/1.0.0/orgs")
        _ = try e.provider!.checked("GET", "/cloudapi/1.0.0/orgs")
        XCTAssertEqual(t.logins.count, 2)
    }

    func testAFailedLoginIsThrownByTheFirstRequestThatNeedsItAndNotTriedTwice() throws {
        let h = try SimHarness()
        let t = GatheringLogins(h.transport)
        let e = Engine(tenant: client(h, t, org: "xav_lab"), provider: client(h, t, org: "System", password: "wrong-password"), report: { _ in })
        e.logInTogether()   // does not throw
        XCTAssertEqual(t.logins.filter { $0.hasSuffix("/provider") }.count, 1)
        _ = try e.tenant.checked("GET", "/cloudapi/1.0.0/orgs")
        XCTAssertThrowsError(try e.provider!.checked("GET", "/cloudapi/1.0.0/orgs")) { err in
            XCTAssertEqual(HostFailureKind.of(err), .auth, "\(err)")
            XCTAssertTrue("\(err)".contains("login as"), "\(err)")
        }
        XCTAssertEqual(t.logins.filter { $0.hasSuffix("/provider") }.count, 1, "the kept failure was thrown, not a second login")
        // A later request tries again (the failure is thrown once).
        XCTAssertThrowsError(try e.provider!.checked("GET", "/cloudapi/1.0.0/orgs"))
        XCTAssertEqual(t.logins.filter { $0.hasSuffix("/provider") }.count, 2)
    }

    func testOneSessionNothingToDo() throws {
        let h = try SimHarness()
        let t = GatheringLogins(h.transport, gather: 1)
        let e = Engine(tenant: client(h, t, org: "xav_lab"), report: { _ in })
        e.logInTogether()
        XCTAssertEqual(t.logins, [], "a lone session logs in on its first request, as before")
    }
}
