import CloudWire
import XCTest
@testable import CloudSim

final class ConcurrencyTests: XCTestCase {
    /// Many threads writing to different gateways and reading at once: every acknowledged write is
    /// there, nothing is duplicated, counters add up.
    func testParallelWritersAndReaders() throws {
        var o = SimulatorOptions()
        o.fastTaskSeconds = 0
        let h = try Harness(overSocket: false, options: o)
        defer { h.close() }
        let gateways = (0..<4).map { h.createGateway("gw-\($0)", ips: 1) }
        let ips = gateways.map { h.allocated($0)[0] }
        let token = h.tenant
        let before = h.sim.counters
        let lock = NSLock()
        var accepted = 0, failures: [String] = []
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            let gw = gateways[worker % 4], ip = ips[worker % 4]
            for i in 0..<25 {
                let r = h.call("POST", "/cloudapi/1.0.0/edgeGateways/\(gw)/nat/rules", token: token,
                               json: ["name": "w\(worker)-\(i)", "type": "SNAT", "externalAddresses": ip, "internalAddresses": "10.\(worker).\(i).0/24"])
                let list = h.call("GET", "/cloudapi/1.0.0/edgeGateways/\(gw)/nat/rules?pageSize=128", token: token)
                lock.lock()
                if r.status == 202 { accepted += 1 } else { failures.append(r.text) }
                if list.status != 200 { failures.append(list.text) }
                lock.unlock()
            }
        }
        XCTAssertEqual(failures, [])
        XCTAssertEqual(accepted, 200)
        XCTAssertEqual(h.sim.count(kind: Kind.natRule), 200)
        let names = Set(gateways.flatMap { gw -> [String] in
            var all: [String] = []
            var target: String? = "/cloudapi/1.0.0/edgeGateways/\(gw)/nat/rules?pageSize=128"
            while let t = target {
                let r = h.call("GET", t, token: token)
                all += h.values(r).compactMap { $0["name"] as? String }
                target = LinkHeader.parse(r.headers.values("Link")).first { $0.rels.contains("nextPage") }
                    .map { String($0.url[$0.url.range(of: "/cloudapi")!.lowerBound...]) }
            }
            return all
        })
        XCTAssertEqual(names.count, 200)
        let after = h.sim.counters
        XCTAssertEqual(after.writes - before.writes, 200)
        XCTAssertGreaterThanOrEqual(after.reads - before.reads, 200)
    }
}
