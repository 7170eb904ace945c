import CSupport
import CloudSim
import Foundation
import ScriptCloud
@testable import vcdscript
import XCTest
import CloudClient
import CloudWire
import VCDScript

/// Waits on the embedded simulator pass on the simulated world's clock: the clock moves on by
/// what was waited, and nothing sleeps for real. Asserted on the clocks (a recording clock and the
/// count of real sleeps), never on wall time.
final class WaitClockTests: XCTestCase {
    /// Forwards to a clock and records every wait.
    final class RecordingClock: WaitClock, @unchecked Sendable {
        let inner: WaitClock
        private let lock = NSLock()
        private var waits: [Double] = []
        init(_ inner: WaitClock) { self.inner = inner }
        func now() -> Double { inner.now() }
        func sleep(seconds: Double, interrupted: () -> Bool) -> Bool {
            lock.lock(); waits.append(seconds); lock.unlock()
            return inner.sleep(seconds: seconds, interrupted: interrupted)
        }
        var total: Double { lock.lock(); defer { lock.unlock() }; return waits.reduce(0, +) }
        var count: Int { lock.lock(); defer { lock.unlock() }; return waits.count }
        /// Every wait, in order.
        var recorded: [Double] { lock.lock(); defer { lock.unlock() }; return waits }
    }

    /// With realistic timing an edge gateway's task takes 8 s of simulated time (`createEdgeGateway`).
    static let gatewayTaskSeconds = 8.0

    private var dirs: [String] = []
    override func tearDown() {
        for d in dirs { try? FileManager.default.removeItem(atPath: d) }
        dirs = []
    }

    private func tempDir() throws -> String {
        let dir = NSTemporaryDirectory() + "waitclock-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        dirs.append(dir)
        return dir
    }

    /// A simulator with realistic timing, and an engine and interpreter waiting on `clock`.
    private func realistic(clock: (Simulator) -> WaitClock, progress: ((String, Int) -> Void)? = nil) throws -> (Simulator, Interpreter, WaitClock) {
        let sim = try Simulator(statePath: try tempDir() + "/s.sqlite", options: SimulatorOptions(realisticTiming: true))
        try sim.reset(password: SimHarness.password)
        let c = clock(sim)
        var r = ConnectRequest()
        r.org = "xav_lab"
        r.user = "administrator"
        r.password = SimHarness.password
        r.providerUser = "administrator"
        r.providerPassword = SimHarness.password
        var o = EngineOptions()
        o.report = { _ in }
        o.clock = c
        o.progress = progress
        let transport = TransportStack.wrap(InProcessTransport { sim.handle($0, service: .vcd) }, clock: c)
        let e = try ScriptCloud.engine(url: "https://vcd.sim.test", transport: transport, request: r, options: o)
        let clock = HostClock(now: { c.now() }, sleep: { s, i in c.sleep(seconds: s, interrupted: i) })
        return (sim, ScriptRun(engine: e, site: "sim", output: { _ in }, clock: clock).interpreter(), c)
    }

    private func run(_ interp: Interpreter, _ code: String) throws {
        try ScriptRun.run(code, in: interp)
    }

    func testATaskWaitMovesTheSimulatedClockByTheTasksDurationAndNeverSleeps() throws {
        var progress: [Int] = []
        let (sim, interp, c) = try realistic(clock: { RecordingClock($0.clock) }, progress: { _, p in progress.append(p) })
        let recording = try XCTUnwrap(c as? RecordingClock)
        let realSleeps = WallClock.sleepsStarted
        let t0 = sim.clock.now()
        try run(interp, #"cloud.org("xav_lab").vdc("t-tenant").gateways.ensure(name: "gw-clock", ipCount: 2)"#)
        XCTAssertGreaterThanOrEqual(sim.clock.now() - t0, Self.gatewayTaskSeconds, "the simulated clock moved by the task's duration")
        XCTAssertGreaterThanOrEqual(recording.total, Self.gatewayTaskSeconds, "the polls waited the task's duration on the injected clock")
        XCTAssertEqual(WallClock.sleepsStarted, realSleeps, "no real sleep")
        // Progress is reported for tasks that take a while: 8 s of simulated time is a while.
        XCTAssertFalse(progress.isEmpty)
    }

    func testCtrlCStopsATaskWaitAtOnce() throws {
        let (sim, interp, _) = try realistic(clock: { $0.clock })
        _ = vcd_take_sigint()
        defer { _ = vcd_take_sigint() }
        // Logged in first: the flag is raised while the task is awaited.
        try run(interp, #"cloud.org("xav_lab").vdc("t-tenant").gateways.list()"#)
        let t0 = sim.clock.now()
        vcd_raise_sigint_flag()
        XCTAssertThrowsError(try run(interp, #"cloud.org("xav_lab").vdc("t-tenant").gateways.ensure(name: "gw-stop", ipCount: 2)"#)) { error in
            XCTAssertTrue("\(error)".contains("interrupted"), "\(error)")
        }
        XCTAssertLessThan(sim.clock.now() - t0, Self.gatewayTaskSeconds, "the wait stopped before the task's time had passed")
    }

    /// The executable's embedded wiring (`CloudWiring`): engine, retries and the script's `sleep`,
    /// `wait` and `now()` all on the simulator's clock.
    func testTheEmbeddedWiringWaitsOnTheSimulatorsClock() throws {
        let dir = try tempDir()
        let wiring = CloudWiring(target: "sim", plan: false, debug: false, statePath: dir + "/state.sqlite", env: [:])
        wiring.simulatorOptions = SimulatorOptions(realisticTiming: true)
        var printed: [String] = []
        var io = InterpreterOptions()
        io.output = { printed.append($0) }
        let interp = Interpreter(options: io)
        wiring.install(into: interp)
        let realSleeps = WallClock.sleepsStarted
        let t0 = wiring.simulatorClock.now()
        try run(interp, """
            cloud.org("xav_lab").vdc("t-tenant").gateways.ensure(name: "gw-wired", ipCount: 2)
            let t = now()
            sleep(90s)
            var n = 0
            wait(until: fn() { n += 1; n > 3 }, every: 10s)
            print(now() - t >= 120)
            """)
        wiring.finish(output: { _ in })
        XCTAssertEqual(printed.last, "true", printed.joined(separator: "\n"))
        let sim = try wiring.openSimulator()
        XCTAssertTrue(sim.clock === wiring.simulatorClock, "the simulator keeps its time on the run's clock")
        XCTAssertGreaterThanOrEqual(sim.clock.now() - t0, Self.gatewayTaskSeconds + 120)
        XCTAssertEqual(WallClock.sleepsStarted, realSleeps, "no real sleep")
    }

    func testAnInterruptedWaitEndsAtOnceOnEitherClock() {
        let v = VirtualClock()
        let t = v.now()
        XCTAssertFalse(v.sleep(seconds: 600, interrupted: { true }))
        XCTAssertLessThan(v.now() - t, 600, "an interrupted simulated wait moves nothing")
        XCTAssertTrue(v.sleep(seconds: 600, interrupted: { false }))
        XCTAssertGreaterThanOrEqual(v.now() - t, 600)
        // The wall clock asks while it sleeps: an hour's sleep ends at the first yes.
        var asked = 0
        XCTAssertFalse(WallClock().sleep(seconds: 3600) { asked += 1; return asked > 1 })
        XCTAssertEqual(asked, 2)
        // A script's sleep on a host clock: Ctrl-C (the interrupt check) ends it, the clock stays.
        var io = InterpreterOptions()
        io.clock = HostClock(now: { v.now() }, sleep: { s, i in v.sleep(seconds: s, interrupted: i) })
        var stop = false
        io.interruptCheck = { stop }
        let interp = Interpreter(options: io)
        stop = true
        let before = v.now()
        XCTAssertThrowsError(try LargeStack.run { Result { try interp.run(source: "sleep(1h)") } }.get())
        XCTAssertLessThan(v.now() - before, 3600)
    }
}
