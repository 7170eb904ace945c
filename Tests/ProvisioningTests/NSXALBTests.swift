import CloudSim
import Foundation
import ScriptCloud
import XCTest
import CloudClient

/// The NSX and ALB clients and kinds against the in-process simulator.
final class NSXALBTests: XCTestCase {
    func testALBClientCRUDWithCookiesAndCSRF() throws {
        let h = try SimHarness()
        let alb = ALBClient(baseURL: "https://alb.sim.test", transport: h.transport(.alb), user: "administrator", password: SimHarness.password)
        let before = try alb.serviceEngineGroups()
        XCTAssertTrue(before.contains { $0["name"]?.stringValue == "seg-tenant" })
        XCTAssertEqual(try alb.serviceEngineGroup(named: "seg-tenant").flatMap(ALBClient.maxSE), 2)
        let w0 = h.sim.counters.writes
        let made = try alb.createServiceEngineGroup(.object(["name": .string("seg-x"), "max_se": .int(3)]))
        XCTAssertEqual(h.sim.counters.writes, w0 + 1, "ALB writes count")
        let uuid = try XCTUnwrap(made["uuid"]?.stringValue)
        XCTAssertEqual(ALBClient.maxSE(try alb.serviceEngineGroup(uuid: uuid)), 3)
        guard case .object(var body) = made else { return XCTFail() }
        body["max_se"] = .int(4)
        try alb.updateServiceEngineGroup(uuid: uuid, .object(body))
        XCTAssertEqual(ALBClient.maxSE(try alb.serviceEngineGroup(uuid: uuid)), 4)
        try alb.deleteServiceEngineGroup(uuid: uuid)
        XCTAssertNil(try alb.serviceEngineGroup(named: "seg-x"))
        try alb.logout()
        XCTAssertFalse(alb.isLoggedIn)
        let bad = ALBClient(baseURL: "https://alb.sim.test", transport: h.transport(.alb), user: "administrator", password: "wrong")
        XCTAssertThrowsError(try bad.serviceEngineGroups())
    }

    func testNSXClientRouteAdvertisement() throws {
        let h = try SimHarness()
        _ = try h.run("""
            let gw = cloud.org("xav_lab").vdc("t-tenant").gateways.ensure(name: "gw-a", ipCount: 2)
            """)
        let nsx = NSXClient(baseURL: "https://nsx.sim.test", transport: h.transport(.nsx), user: "administrator", password: SimHarness.password)
        let t1 = try XCTUnwrap(try nsx.tier1(named: "gw-a"))
        let id = try XCTUnwrap(t1["id"]?.stringValue)
        let w0 = h.sim.counters.writes
        try nsx.setRouteAdvertisement(tier1: id, types: ["TIER1_NAT", "TIER1_LB_VIP"])
        XCTAssertEqual(h.sim.counters.writes, w0 + 1, "NSX writes count")
        XCTAssertEqual(Set(NSXClient.routeAdvertisement(try XCTUnwrap(try nsx.tier1(id: id)))), ["TIER1_NAT", "TIER1_LB_VIP"])
        let bad = NSXClient(baseURL: "https://nsx.sim.test", transport: h.transport(.nsx), user: "administrator", password: "wrong")
        XCTAssertThrowsError(try bad.tier1s())
    }

    func testScriptTypesEnsureAndPlan() throws {
        let h = try SimHarness()
        let w0 = h.sim.counters.writes
        var out = try h.run("""
            let s = cloud.alb.serviceEngineGroups.ensure(name: "seg-new", maxServiceEngines: 2)
            print(s.maxServiceEngines)
            """, mode: .plan)
        XCTAssertTrue(out.contains("+ create ALB service engine group seg-new"), out.joined(separator: "\n"))
        XCTAssertEqual(h.sim.counters.writes, w0)
        out = try h.run("""
            cloud.alb.serviceEngineGroups.ensure(name: "seg-new", maxServiceEngines: 2)
            cloud.alb.serviceEngineGroups.ensure(name: "seg-new", maxServiceEngines: 3)
            cloud.alb.serviceEngineGroups.ensure(name: "seg-new", maxServiceEngines: 3)
            print(cloud.alb.serviceEngineGroups.get("seg-new").maxServiceEngines)
            let gw = cloud.org("xav_lab").vdc("t-tenant").gateways.ensure(name: "gw-b", ipCount: 2)
            let t1 = cloud.nsx.tier1s.get("gw-b")
            t1.routeAdvertisement = ["TIER1_LB_VIP", "TIER1_NAT"]
            t1.routeAdvertisement = ["TIER1_NAT", "TIER1_LB_VIP"]
            print(cloud.nsx.tier1s.get(t1.id).routeAdvertisement)
            """)
        let text = out.joined(separator: "\n")
        XCTAssertTrue(out.contains("+ created ALB service engine group seg-new"), text)
        XCTAssertTrue(out.contains("~ updated ALB service engine group seg-new (maxServiceEngines)"), text)
        XCTAssertTrue(out.contains("= unchanged ALB service engine group seg-new"), text)
        XCTAssertTrue(out.contains("3"), text)
        XCTAssertTrue(out.contains("~ updated NSX Tier-1 route advertisement gw-b (route_advertisement_types)"), text)
        XCTAssertTrue(out.contains("= unchanged NSX Tier-1 route advertisement gw-b"), text)
        XCTAssertTrue(out.contains { $0.contains("TIER1_LB_VIP") && $0.contains("TIER1_NAT") }, text)
    }

    /// A SEG missing on the controller: the runbook creates it there with max 2 SEs, imports it
    /// into VCD, and a second run writes nothing (NSX and ALB writes count).
    func testRunbookCreatesTheControllerSEGThenChangesNothing() throws {
        let h = try SimHarness()
        let runbook = SimHarness.packageRoot + "/stdlib/tenant-network.vs"
        let first = try h.run("", args: ["seg=seg-k8s"], file: runbook)
        XCTAssertTrue(first.contains("+ created ALB service engine group seg-k8s"), first.joined(separator: "\n"))
        XCTAssertTrue(first.contains("+ created service engine group seg-k8s"), first.joined(separator: "\n"))
        let alb = ALBClient(baseURL: "https://alb.sim.test", transport: h.transport(.alb), user: "administrator", password: SimHarness.password)
        XCTAssertEqual(try alb.serviceEngineGroup(named: "seg-k8s").flatMap(ALBClient.maxSE), 2)
        let writes = h.sim.counters.writes
        let second = try h.run("", args: ["seg=seg-k8s"], file: runbook)
        XCTAssertEqual(h.sim.counters.writes, writes, second.joined(separator: "\n"))
        XCTAssertFalse(second.contains { $0.hasPrefix("+") || $0.hasPrefix("~") }, second.joined(separator: "\n"))
    }
}
