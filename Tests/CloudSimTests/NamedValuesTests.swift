import CloudWire
import XCTest
@testable import CloudSim

/// The simulator's named values: VCD's resource status numbers, the task kinds with their
/// realistic durations, and the default tenant org read from the seeded world.
final class NamedValuesTests: XCTestCase {
    func testResourceStatusWordsAreVCDs() {
        XCTAssertEqual(VCDResourceStatus.name(VCDResourceStatus.poweredOn), "POWERED_ON")
        XCTAssertEqual(VCDResourceStatus.name(VCDResourceStatus.poweredOff), "POWERED_OFF")
        XCTAssertEqual(VCDResourceStatus.name(VCDResourceStatus.mixed), "MIXED")
        XCTAssertEqual(VCDResourceStatus.name(-1), "FAILED_CREATION")
        XCTAssertEqual(VCDResourceStatus.name(4), "POWERED_ON", "the wire number of a running VM is 4")
        XCTAssertEqual(VCDResourceStatus.templateReady, 8, "a resolved template reports 8")
        XCTAssertNil(VCDResourceStatus.name(7))
        XCTAssertEqual(X.statusName(7), "UNKNOWN", "the query service spells an undocumented number UNKNOWN")
    }

    func testTaskKindsKeepTheirWireNamesAndDurations() {
        XCTAssertEqual(TaskOperation.createEdgeGateway.rawValue, "createEdgeGateway")
        XCTAssertEqual(TaskOperation.createEdgeGateway.realisticSeconds, 8)
        XCTAssertEqual(TaskOperation.updateEdgeGatewayLoadBalancer.realisticSeconds, 8)
        XCTAssertEqual(TaskOperation.createLoadBalancerVirtualService.realisticSeconds, 5)
        XCTAssertEqual(TaskOperation.createOrgVdcNetwork.realisticSeconds, 4)
        XCTAssertEqual(TaskOperation.createNatRule.realisticSeconds, 2)
        XCTAssertEqual(TaskOperation.power("powerOn"), .vappPowerOn)
        XCTAssertEqual(TaskOperation.power("suspend")?.rawValue, "vappSuspend")
        XCTAssertNil(TaskOperation.power("explode"))
        XCTAssertEqual(Set(TaskOperation.allCases.map(\.rawValue)).count, TaskOperation.allCases.count)
    }

    func testTheDefaultTenantOrgComesFromTheSeededWorld() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("simdefaultorg-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let sim = try Simulator(statePath: dir.appendingPathComponent("state.sqlite").path, options: SimulatorOptions())
        XCTAssertEqual(sim.defaultTenantOrg, "xav_lab")
        XCTAssertEqual(sim.personas.first { !$0.provider }?.org, sim.defaultTenantOrg)
    }
}
