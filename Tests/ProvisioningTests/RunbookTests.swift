import CloudSim
import Foundation
import ScriptCloud
import XCTest
import CloudClient
import CloudWire
import Provisioning
import VCDScript

/// `stdlib/tenant-network.vs` end to end against an in-process simulator.
final class RunbookTests: XCTestCase {
    var runbook: String { SimHarness.packageRoot + "/stdlib/tenant-network.vs" }

    func testFirstRunCreatesSecondRunChangesNothing() throws {
        let h = try SimHarness()
        let first = try h.run("", file: runbook)
        let created = first.filter { $0.hasPrefix("+ created") }
        XCTAssertEqual(created.count, 6, first.joined(separator: "\n"))
        XCTAssertTrue(first.contains("+ created edge gateway gw-capvcd on t-tenant"), first.joined(separator: "\n"))
        XCTAssertTrue(first.contains { $0.hasPrefix("~ updated route advertisement gw-capvcd") }, first.joined(separator: "\n"))
        XCTAssertTrue(first.contains("= unchanged ALB service engine group seg-tenant"), first.joined(separator: "\n"))
        XCTAssertTrue(first.contains("~ updated NSX Tier-1 route advertisement gw-capvcd (route_advertisement_types)"), first.joined(separator: "\n"))
        XCTAssertTrue(first.contains { $0.contains("vipSubnet 203.0.113.0/24") })
        let writesAfterFirst = h.sim.counters.writes

        let second = try h.run("", file: runbook)
        XCTAssertEqual(h.sim.counters.writes, writesAfterFirst, "the second run sent a mutating request:\n\(second.joined(separator: "\n"))")
        let changes = second.filter { $0.hasPrefix("+") || $0.hasPrefix("~") || $0.hasPrefix("-") || $0.hasPrefix("=") }
        XCTAssertEqual(changes.count, 9)
        XCTAssertTrue(changes.allSatisfy { $0.hasPrefix("= unchanged") }, changes.joined(separator: "\n"))
        // Nothing was created twice.
        XCTAssertEqual(h.sim.count(kind: "edgeGateway"), 1)
        XCTAssertEqual(h.sim.count(kind: "natRule"), 1)
    }

    /// `ensure` on what exists changes only what it is given: each kind ensured with its name
    /// alone (and what locates it) is `= unchanged` and sends no write, whatever it was made with.
    func testEnsureWithOmittedArgumentsChangesNothingOnEachKind() throws {
        let h = try SimHarness()
        _ = try h.run("", file: runbook)
        _ = try h.run("""
            let gw = cloud.org("xav_lab").vdc("t-tenant").gateway("gw-capvcd")
            gw.pools.ensure(name: "web-pool", members: ["192.168.10.20", "192.168.10.21"], port: 8080, algorithm: "LEAST_CONNECTIONS", description: "web")
            gw.virtualServices.ensure(name: "web-vs", pool: "web-pool", vip: gw.freeIPs[0], port: 80)
            gw.nat.ensure(name: "ssh-node", type: "DNAT", external: gw.allocatedIPs[1], externalPort: 2222, internal: "192.168.10.10", internalPort: 22,
                          application: "SSH", firewallMatch: "MATCH_EXTERNAL_ADDRESS", priority: 10, logging: true, description: "ssh to a node")
            cloud.org("xav_lab").catalogs.ensure(name: "kept", description: "a catalog")
            """)
        let writes = h.sim.counters.writes
        let out = try h.run("""
            let vdc = cloud.org("xav_lab").vdc("t-tenant")
            let gw = vdc.gateway("gw-capvcd")
            vdc.gateways.ensure(name: "gw-capvcd")
            vdc.networks.ensure(name: "capvcd-192.168.10.0", gateway: gw)
            gw.nat.ensure(name: "snat-capvcd-nodes")
            gw.nat.ensure(name: "ssh-node")
            gw.serviceEngineGroups.ensure(name: "seg-tenant")
            gw.pools.ensure(name: "web-pool")
            gw.virtualServices.ensure(name: "web-vs")
            cloud.org("xav_lab").catalogs.ensure(name: "kept")
            """)
        let lines = out + h.output
        XCTAssertEqual(h.sim.counters.writes, writes, lines.joined(separator: "\n"))
        let changes = lines.filter { $0.hasPrefix("+") || $0.hasPrefix("~") || $0.hasPrefix("-") }
        XCTAssertEqual(changes, [], lines.joined(separator: "\n"))
        XCTAssertEqual(Set(lines.filter { $0.hasPrefix("= unchanged") }).count, 8, lines.joined(separator: "\n"))
    }

    func testPlanOnAFreshSimulatorWritesNothing() throws {
        let h = try SimHarness()
        let out = try h.run("", mode: .plan, file: runbook)
        XCTAssertEqual(h.sim.counters.writes, 0, out.joined(separator: "\n"))
        XCTAssertTrue(out.contains("+ create edge gateway gw-capvcd on t-tenant"), out.joined(separator: "\n"))
        XCTAssertTrue(out.contains("+ create NAT rule snat-capvcd-nodes on gw-capvcd"), out.joined(separator: "\n"))
        XCTAssertTrue(out.contains { $0.contains("primary (known after apply)") }, out.joined(separator: "\n"))
        XCTAssertEqual(h.sim.count(kind: "edgeGateway"), 0)
    }

    func testPlanRefusesToBranchOnValuesKnownOnlyAfterApply() throws {
        let h = try SimHarness()
        let code = """
        let gw = cloud.org("xav_lab").vdc("t-tenant").gateways.ensure(name: "gw-plan", ipCount: 2)
        print("primary ${gw.primaryIP}")
        gw.nat.ensure(name: "snat-plan", type: "SNAT", external: gw.primaryIP, internal: "10.0.0.0/24")
        if gw.primaryIP == "203.0.113.10" { print("took a branch the real run may not take") }
        """
        XCTAssertThrowsError(try h.run(code, mode: .plan)) { error in
            let e = error as? ScriptError
            XCTAssertEqual(e?.message, "this value is known only after apply: the plan cannot decide on it", "\(error)")
            XCTAssertTrue(e?.hint?.contains("run without --plan") ?? false)
            XCTAssertEqual(e?.range?.line, 4)
        }
        // Printing it and passing it on were fine; nothing was written.
        XCTAssertTrue(h.output.contains("primary (known after apply)"), h.output.joined(separator: "\n"))
        XCTAssertTrue(h.output.contains("+ create NAT rule snat-plan on gw-plan"), h.output.joined(separator: "\n"))
        XCTAssertEqual(h.sim.counters.writes, 0)
        // Applied, the same script decides on the real address.
        XCTAssertNoThrow(try h.run(code))
    }

    func testParametersFromTheCommandLineAndUpdates() throws {
        let h = try SimHarness()
        try h.run("", file: runbook)
        let out = try h.run("", args: ["ipCount=10", "dns=198.51.100.54"], file: runbook)
        XCTAssertTrue(out.contains("~ updated edge gateway gw-capvcd on t-tenant (ipCount)"), out.joined(separator: "\n"))
        XCTAssertTrue(out.contains("~ updated network capvcd-192.168.10.0 on t-tenant (dns)"), out.joined(separator: "\n"))
        XCTAssertThrowsError(try h.run("", args: ["nope=1"], file: runbook))
    }

    func testRunbookCompletesUnderFaults() throws {
        let dir = NSTemporaryDirectory() + "faults-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sim = try Simulator(statePath: dir + "/s.sqlite", options: SimulatorOptions(fastTaskSeconds: 0, faults: try FaultSpec.parse("503:0.1,BUSY_ENTITY:0.05,seed:7")))
        try sim.reset(password: SimHarness.password)
        let t = TransportStack.wrap(InProcessTransport { sim.handle($0, service: .vcd) },
                                    retry: RetryPolicy(maxAttempts: 8, baseDelay: 0.001, maxDelay: 0.01, maxTotalDelay: 2))
        func c(_ org: String) -> VCDClient {
            VCDClient(baseURL: "https://vcd.sim.test", transport: t, credentials: VCDCredentials(org: org, method: .password(user: "administrator", password: SimHarness.password)))
        }
        var lines: [String] = []
        let e = Engine(tenant: c("xav_lab"), provider: c("System")) { lines.append($0) }
        e.createRetryDelay = 0.001
        try ScriptRun(engine: e, site: "sim", output: { lines.append($0) }, args: []).run("", file: runbook)
        XCTAssertEqual(lines.filter { $0.hasPrefix("+ created") }.count, 6, lines.joined(separator: "\n"))
    }
}

/// Stops the world after `limit` changing requests, as a kill would (the request before is done).
final class KillingTransport: HTTPTransport {
    struct Killed: Error {}
    let inner: HTTPTransport
    let limit: Int
    var sent = 0
    init(_ inner: HTTPTransport, limit: Int) { self.inner = inner; self.limit = limit }
    func send(_ request: HTTPRequestMessage, to baseURL: String) throws -> HTTPResponseMessage {
        if ["POST", "PUT", "DELETE"].contains(request.method), !request.path.contains("sessions"), !request.path.contains("oauth") {
            if sent >= limit { throw Killed() }
            sent += 1
        }
        return try inner.send(request, to: baseURL)
    }
}

final class RunbookKillTests: XCTestCase {
    func testKilledAtAnyPointThenRunAgainEndsInTheCleanState() throws {
        let runbook = SimHarness.packageRoot + "/stdlib/tenant-network.vs"
        let kinds = ["edgeGateway", "natRule", "orgVdcNetwork", "segAssignment", "serviceEngineGroup"]
        let clean = try SimHarness()
        try clean.run("", file: runbook)
        let want = kinds.map { clean.sim.count(kind: $0) }
        for limit in 0..<7 {
            let h = try SimHarness()
            let killing = KillingTransport(InProcessTransport { [sim = h.sim] in sim.handle($0, service: .vcd) }, limit: limit)
            func c(_ org: String) -> VCDClient {
                VCDClient(baseURL: "https://vcd.sim.test", transport: killing,
                          credentials: VCDCredentials(org: org, method: .password(user: "administrator", password: SimHarness.password)))
            }
            let e = Engine(tenant: c("xav_lab"), provider: c("System")) { _ in }
            XCTAssertThrowsError(try ScriptRun(engine: e, site: "sim", output: { _ in }, args: []).run("", file: runbook), "limit \(limit)")
            try h.run("", file: runbook)
            XCTAssertEqual(kinds.map { h.sim.count(kind: $0) }, want, "killed after \(limit) changes")
            let again = try h.run("", file: runbook)
            XCTAssertTrue(again.filter { $0.hasPrefix("+") || $0.hasPrefix("~") }.isEmpty, again.joined(separator: "\n"))
        }
    }
}
