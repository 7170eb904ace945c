import CloudWire
import Foundation
import XCTest
@testable import CloudSim

/// The simulated world's clock: it only moves forward, also across runs on one state (a run on the
/// embedded simulator moves it ahead of the wall clock by what it waited).
final class ClockTests: XCTestCase {
    private func tempState() throws -> (dir: String, path: String) {
        let dir = NSTemporaryDirectory() + "clock-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return (dir, dir + "/s.sqlite")
    }

    func testTheClockNeverRunsBackwardsAcrossRuns() throws {
        let (_, path) = try tempState()
        var sim: Simulator? = try Simulator(statePath: path)
        sim!.clock.advance(seconds: 3600)
        // A commit stores the clock's reading: every time the state records (task and object
        // stamps) is at most that reading, so the next run's clock must start at or after it. (A
        // reading taken after the commit may be later by the microseconds before the close: the
        // wall time that passes while no simulator is open is not simulated time.)
        try sim!.reset(password: "Pw-clock-1")
        let stored = try XCTUnwrap(try sim!.store.loadMeta()[Store.clockKey].flatMap(Double.init))
        XCTAssertLessThanOrEqual(stored, sim!.clock.now())
        sim = nil
        let again = try Simulator(statePath: path)
        XCTAssertGreaterThanOrEqual(again.clock.now(), stored)
        XCTAssertGreaterThan(again.clock.lead, 3000)
    }

    func testATaskStartedAheadOfTheWallClockEndsInTheNextRun() throws {
        let options = SimulatorOptions(realisticTiming: true)
        let h = try Harness(overSocket: false, options: options)
        defer { h.close() }
        // A run that waited ten minutes of simulated time, then started an 8 s task.
        h.sim.clock.advance(seconds: 600)
        let r = h.call("POST", "/cloudapi/1.0.0/edgeGateways", token: h.provider, json: [
            "name": "gw-ahead", "ownerRef": ["id": h.vdcID],
            "edgeGatewayUplinks": [["uplinkId": h.externalNetworkID, "quickAddAllocatedIpCount": 2]],
        ])
        XCTAssertEqual(r.status, 202, r.text)
        let location = try XCTUnwrap(r.headers["Location"])
        let task = String(location[try XCTUnwrap(location.range(of: "/api/task/")).lowerBound...])
        // The next run on the state: its clock starts where the last write left it, so the task ends
        // 8 s of simulated time later, not when the wall clock has caught up ten minutes.
        let next = try Simulator(statePath: h.dir.appendingPathComponent("state.sqlite").path, options: options)
        XCTAssertGreaterThan(next.clock.lead, 500)
        next.clock.advance(seconds: 10)
        let t = next.handle(HTTPRequestMessage(method: "GET", target: task, headers: [
            "Accept": "application/json;version=37.2", "Authorization": "Bearer \(h.provider)"]), service: .vcd)
        XCTAssertEqual(t.status, 200, t.text)
        XCTAssertEqual(h.json(t)["status"] as? String, "success", t.text)
    }

    func testAWaitOnTheSimulatedClockMovesItAndAdvanceToNeverGoesBack() {
        let c = VirtualClock()
        let t = c.now()
        XCTAssertTrue(c.sleep(seconds: 42, interrupted: { false }))
        XCTAssertGreaterThanOrEqual(c.now() - t, 42)
        let ahead = c.now()
        c.advance(to: ahead - 100)
        XCTAssertGreaterThanOrEqual(c.now(), ahead)
        c.advance(to: ahead + 100)
        XCTAssertGreaterThanOrEqual(c.now(), ahead + 100)
    }
}
