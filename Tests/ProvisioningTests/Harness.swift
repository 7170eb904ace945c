import CloudSim
import Foundation
import ScriptCloud
import XCTest
import CloudClient
import Provisioning
import VCDScript

/// A fresh simulator on a temp state file with known passwords, and engines / interpreters wired
/// to it in-process (no socket), waiting on the simulator's clock as the executable's embedded
/// wiring does (`CloudWiring`): a wait moves simulated time on instead of sleeping.
final class SimHarness {
    static let password = "Pw-9f3K-not-for-print"
    /// The server of kubeconfigs for this simulator's Kubernetes clusters (in-process).
    static let kubeServer = "https://kube.sim.test"
    let dir: String
    let sim: Simulator
    var debugLog: [String] = []
    var output: [String] = []
    private let lock = NSLock()

    /// `faults`: the simulator's fault injection (`FaultSpec`, e.g. "BUSY_ENTITY:1"), on after the reset.
    init(faults: String? = nil) throws {
        dir = NSTemporaryDirectory() + "prov-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        sim = try Simulator(statePath: dir + "/state.sqlite", options: SimulatorOptions(fastTaskSeconds: 0, faults: try faults.map(FaultSpec.parse)))
        try sim.reset(password: Self.password)
    }

    deinit { try? FileManager.default.removeItem(atPath: dir) }

    var transport: HTTPTransport { transport(.vcd) }

    /// The simulator's clock as the interpreter's (`now()`, `sleep`, `wait`), as `CloudWiring` gives it.
    var hostClock: HostClock {
        let clock = sim.clock
        return HostClock(now: { clock.now() }, sleep: { seconds, interrupted in clock.sleep(seconds: seconds, interrupted: interrupted) })
    }

    func transport(_ service: SimService) -> HTTPTransport {
        TransportStack.wrap(InProcessTransport { [sim] in sim.handle($0, service: service) },
                            retry: RetryPolicy(maxAttempts: 6, baseDelay: 0.001, maxDelay: 0.01, maxTotalDelay: 1),
                            debugSink: { [weak self] line in self?.lock.lock(); self?.debugLog.append(line); self?.lock.unlock() },
                            clock: sim.clock)
    }

    func client(org: String = "xav_lab", user: String = "administrator", password: String = SimHarness.password) -> VCDClient {
        let c = VCDClient(baseURL: "https://vcd.sim.test", transport: transport,
                          credentials: VCDCredentials(org: org, method: .password(user: user, password: password)))
        c.clock = sim.clock
        return c
    }

    func engine(mode: EngineMode = .apply, withProvider: Bool = true) -> Engine {
        let e = Engine(tenant: client(), provider: withProvider ? client(org: "System") : nil, mode: mode) { [weak self] line in
            self?.lock.lock(); self?.output.append(line); self?.lock.unlock()
        }
        e.createRetryDelay = 0.001
        e.clock = sim.clock
        e.nsx = NSXClient(baseURL: "https://nsx.sim.test", transport: transport(.nsx), user: "administrator", password: Self.password)
        e.alb = ALBClient(baseURL: "https://alb.sim.test", transport: transport(.alb), user: "administrator", password: Self.password)
        return e
    }

    /// Runs vcdscript code with `cloud` bound to this simulator; returns the printed lines.
    @discardableResult
    func run(_ code: String, mode: EngineMode = .apply, args: [String] = [], file: String? = nil) throws -> [String] {
        output = []
        try scriptRun(engine(mode: mode), args: args).run(code, file: file)
        return output
    }

    /// A run on `engine`, its lines into `output`, on the simulator's clock, kubeconfigs naming
    /// https://kube.sim.test reaching this simulator's clusters in-process.
    func scriptRun(_ engine: Engine, args: [String]? = []) -> ScriptRun {
        var kube = KubeWiring(gate: engine.gate, transport: { [sim] r in
            r.server.hasPrefix(SimHarness.kubeServer) ? InProcessTransport { sim.handle($0, service: .kube) } : nil
        })
        kube.clock = sim.clock
        return ScriptRun(engine: engine, kube: kube, output: { [weak self] line in self?.lock.lock(); self?.output.append(line); self?.lock.unlock() },
                         clock: hostClock, args: args)
    }

    static var packageRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }
}

/// The script error `body` throws; a test failure (and nil) when it throws none, or another error.
func scriptError(file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void) -> ScriptError? {
    do {
        try body()
        XCTFail("expected an error", file: file, line: line)
        return nil
    } catch let e as ScriptError {
        return e
    } catch {
        XCTFail("not a script error: \(error)", file: file, line: line)
        return nil
    }
}
