import CloudSim
import Foundation
import ScriptCloud
import XCTest
import CloudClient
import CloudWire
import VCDScript

/// `--timeout` (EngineOptions.taskTimeout) bounds the wait for one VCD task: a gateway whose task
/// takes seconds of simulated time fails with a timeout error that says what to do. The timeout is
/// simulated time too: the wait is on the simulator's clock, as the embedded wiring has it.
final class TaskTimeoutTests: XCTestCase {
    func testASlowTaskFailsAfterTheTimeoutWithAHint() throws {
        let dir = NSTemporaryDirectory() + "timeout-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Realistic timing: every task takes 2–8 s of simulated time.
        let sim = try Simulator(statePath: dir + "/s.sqlite", options: SimulatorOptions(realisticTiming: true))
        try sim.reset(password: SimHarness.password)
        var r = ConnectRequest()
        r.org = "xav_lab"
        r.user = "administrator"
        r.password = SimHarness.password
        r.providerUser = "administrator"
        r.providerPassword = SimHarness.password
        var o = EngineOptions()
        o.report = { _ in }
        o.taskTimeout = 0.3
        o.clock = sim.clock
        let e = try ScriptCloud.engine(url: "https://vcd.sim.test", transport: InProcessTransport { sim.handle($0, service: .vcd) }, request: r, options: o)
        let realSleeps = WallClock.sleepsStarted
        XCTAssertEqual(e.tenant.taskTimeout, 0.3)
        XCTAssertEqual(e.provider?.taskTimeout, 0.3)
        let result = Result { try ScriptRun(engine: e, site: "sim").run(#"cloud.org("xav_lab").vdc("t-tenant").gateways.ensure(name: "gw-slow", ipCount: 2)"#) }
        XCTAssertThrowsError(try result.get()) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("did not end within"), text)
            XCTAssertTrue(((error as? ScriptError)?.hint ?? "").contains("--timeout"), "\(error)")
        }
        XCTAssertEqual(WallClock.sleepsStarted, realSleeps, "the timeout passed on the simulated clock")
    }
}
