import CloudWire
import Foundation
import XCTest
@testable import CloudClient

/// `PerHostLimit`: requests sent together to one host overlap up to the limit and never beyond;
/// another host has slots of its own. No timing is asserted: the fake transport holds each request
/// until `limit` of its host are inside at once (or a generous deadline passes), so a bound that
/// lets too many through shows as more than `limit` in flight.
final class PerHostLimitTests: XCTestCase {
    /// Holds each request until `gather` requests of its host are in flight together, and records
    /// the most that ever were.
    final class Gathering: HTTPTransport {
        let gather: Int
        let condition = NSCondition()
        var inFlight: [String: Int] = [:], most: [String: Int] = [:], served = 0
        init(gather: Int) { self.gather = gather }
        func send(_ request: HTTPRequestMessage, to baseURL: String) throws -> HTTPResponseMessage {
            condition.lock()
            inFlight[baseURL, default: 0] += 1
            most[baseURL] = max(most[baseURL] ?? 0, inFlight[baseURL]!)
            condition.broadcast()
            let deadline = Date().addingTimeInterval(10)
            while inFlight[baseURL]! < gather, (most[baseURL] ?? 0) < gather, condition.wait(until: deadline) {}
            // Stay a moment longer while others may still be let in (a leaky bound would show here).
            _ = condition.wait(until: Date().addingTimeInterval(0.01))
            inFlight[baseURL]! -= 1
            served += 1
            condition.broadcast()
            condition.unlock()
            return HTTPResponseMessage(status: 200)
        }
    }

    func sendTogether(_ t: HTTPTransport, _ hosts: [String], each: Int) {
        let group = DispatchGroup()
        for host in hosts {
            for i in 0..<each {
                group.enter()
                Thread.detachNewThread {
                    _ = try? t.send(HTTPRequestMessage(method: "GET", target: "/r/\(i)"), to: host)
                    group.leave()
                }
            }
        }
        group.wait()
    }

    func testRequestsToOneHostOverlapUpToTheLimitAndNoMore() {
        let inner = Gathering(gather: 3)
        let t = PerHostLimit(wrapping: inner, limit: 3)
        sendTogether(t, ["https://vcd.example.com"], each: 12)
        XCTAssertEqual(inner.served, 12, "every request answered")
        XCTAssertEqual(inner.most["https://vcd.example.com"], 3, "3 in flight at once, never more")
    }

    func testEachHostHasItsOwnSlots() {
        let inner = Gathering(gather: 2)
        let t = PerHostLimit(wrapping: inner, limit: 2)
        sendTogether(t, ["https://vcd.example.com", "https://nsx.example.com:8443"], each: 6)
        XCTAssertEqual(inner.served, 12)
        XCTAssertEqual(inner.most["https://vcd.example.com"], 2)
        XCTAssertEqual(inner.most["https://nsx.example.com:8443"], 2, "the other host was not held back by the first's slots")
    }

    func testOneAtATimeWithLimitOne() {
        let inner = Gathering(gather: 1)
        sendTogether(PerHostLimit(wrapping: inner, limit: 1), ["https://vcd.example.com"], each: 5)
        XCTAssertEqual(inner.most["https://vcd.example.com"], 1)
    }

    func testHostKeyIgnoresCaseAndPath() {
        XCTAssertEqual(PerHostLimit.hostKey("https://VCD.example.com/"), PerHostLimit.hostKey("https://vcd.example.com"))
        XCTAssertNotEqual(PerHostLimit.hostKey("https://vcd.example.com:443"), PerHostLimit.hostKey("https://vcd.example.com:8443"))
    }
}
