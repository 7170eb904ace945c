import CloudClient
import CloudSim
import Foundation
import ScriptCloud
import Provisioning
import VCDScript

/// Wires the cloud into an interpreter: `cloud` (the embedded simulator unless a site is named)
/// and `connect(...)`. The simulator is opened only when a script first uses the cloud.
final class CloudWiring {
    var target: String?
    var plan = false
    var debug = false
    var statePath: String?
    /// `--timeout`, in seconds: the longest wait for one VCD task.
    var taskTimeout: Double?
    let env: [String: String]
    private var simulator: Simulator?
    private(set) var cloud: CloudObject!
    private let lock = NSLock()
    /// The embedded simulator's clock, which every wait of the run passes on when the target is the
    /// embedded simulator: task polls, retries, `waitFor`, `waitForAddress`, deletes, and the
    /// script's `sleep`, `wait` and `now()`. A wait moves simulated time on instead of sleeping.
    /// (A real site and `sim serve` keep the wall clock.)
    let simulatorClock = VirtualClock()
    /// Options of the embedded simulator (tests: realistic timing).
    var simulatorOptions = SimulatorOptions()
    /// The site lock a run takes before its first change (nil: `--no-lock`); see SiteLockWiring.swift.
    var siteLock: SiteLockSettings? = SiteLockSettings()

    init(target: String?, plan: Bool, debug: Bool, statePath: String?, env: [String: String] = ProcessInfo.processInfo.environment) {
        self.target = target
        self.plan = plan
        self.debug = debug
        self.statePath = statePath
        self.env = env
    }

    /// True when no site is named: `--target sim`, or no `--target` and no `VCD_URL`.
    var usesSimulator: Bool {
        if let t = target { return t == "sim" }
        return (env["VCD_URL"] ?? "").isEmpty
    }

    /// The run's one mutation gate: the VCD engine and every `kube.connect` share it.
    private(set) var gate: MutationGate?

    func options(output: @escaping (String) -> Void) -> EngineOptions {
        var o = EngineOptions()
        o.mode = plan ? .plan : .apply
        o.report = output
        // One plan for the whole run: `cloud`, connect(...) and kube.connect(...) share the gate.
        o.gate = gate
        o.taskTimeout = taskTimeout
        if isatty(2) != 0 {
            o.progress = { what, percent in FileHandle.standardError.write(Data("  … \(what): \(percent)%\n".utf8)) }
        }
        if debug { o.debugSink = { line in FileHandle.standardError.write(Data((line + "\n").utf8)) } }
        return o
    }

    func install(into interp: Interpreter) {
        let output = interp.options.output
        if usesSimulator {
            let clock = simulatorClock
            interp.options.clock = HostClock(now: { clock.now() }, sleep: { seconds, interrupted in clock.sleep(seconds: seconds, interrupted: interrupted) })
        }
        let gate = MutationGate(mode: plan ? .plan : .apply, report: output)
        self.gate = gate
        let site = usesSimulator ? "embedded simulator" : (target ?? env["VCD_URL"] ?? "")
        // On the embedded simulator, `cloud.simulator` offers its node image (nil on a real site).
        var services: SimulatorServices? = usesSimulator ? SimulatorHooks { [self] name, kubernetes in
            try self.openSimulator().nodeImage(name: name, kubernetes: kubernetes)
        } : nil
        // A site that is this machine's served simulator (`eval "$(vcdscript sim env)"`): the real
        // path all the way, and the simulator's node image is there to upload over the wire.
        if !usesSimulator, let state = servedSimulatorState() {
            services = SimulatorHooks(served: true) { name, kubernetes in try Simulator.nodeImage(forState: state, name: name, kubernetes: kubernetes) }
        }
        cloud = CloudObject(site: site, simulator: services) { [self] in
            if self.usesSimulator { return self.lockingSite(try self.simulatorEngine(options: self.options(output: output))) }
            var r = ConnectRequest.fromEnvironment(self.env)
            if let t = self.target {
                if t.hasPrefix("http://") || t.hasPrefix("https://") { r.url = t } else { r = try Profiles.load(t, env: self.env) }
            }
            return self.lockingSite(try ScriptCloud.realEngine(r, options: self.options(output: output)))
        }
        var kube = KubeWiring(gate: gate)
        if usesSimulator { kube.clock = simulatorClock }
        // A kubeconfig whose server is https://kube.sim.test (`sim kube kubeconfig NAME --embedded`)
        // reaches the clusters of this run's embedded simulator in-process, like `cloud` does.
        // So does a workload cluster's control-plane endpoint (VIP:6443) that the simulated CAPVCD chose.
        kube.transport = { [self] r in
            guard URLComponents(string: r.server)?.host == Self.embeddedKubeHost || self.usesSimulator, let sim = try? self.openSimulator() else { return nil }
            return SimClusterTooling.transport(sim, server: r.server)
        }
        // kind and clusterctl: the simulator's clusters and providers (the real binaries for a real site).
        if usesSimulator {
            kube.clusters = SimClusterTooling { [self] in try self.openSimulator() }
        } else {
            let real = ProcessClusterTooling(environment: env)
            // kind and clusterctl take minutes: their progress on a terminal's stderr.
            if isatty(2) != 0 { real.progress = { line in FileHandle.standardError.write(Data("  … \(line)\n".utf8)) } }
            kube.clusters = real
        }
        if debug { kube.debugSink = { line in FileHandle.standardError.write(Data((line + "\n").utf8)) } }
        ScriptCloud.install(interp, cloud: cloud, kube: kube) { [self] r in
            if r.url == nil || r.url == "sim" { return try self.simulatorEngine(options: self.options(output: output), request: r) }
            return try ScriptCloud.realEngine(r, options: self.options(output: output))
        }
    }

    /// The state of the local `sim serve` that the named site is (its VCD endpoint), if any.
    func servedSimulatorState() -> String? {
        let url = target.flatMap { $0.hasPrefix("http") ? $0 : nil } ?? env["VCD_URL"] ?? ""
        guard !url.isEmpty else { return nil }
        let state = statePath ?? env["VCDSCRIPT_SIM_STATE"].flatMap { $0.isEmpty ? nil : $0 } ?? Simulator.defaultStatePath(environment: env)
        guard let vcd = SimServedEndpoints.read(statePath: state).endpoints[.vcd] else { return nil }
        func trimmed(_ s: String) -> String { s.hasSuffix("/") ? String(s.dropLast()) : s }
        return trimmed(url) == trimmed(vcd) || trimmed(url) == trimmed(vcd) + "/api" ? state : nil
    }

    /// The host name that means "the embedded simulator's Kubernetes API" in a kubeconfig.
    static let embeddedKubeHost = "kube.sim.test"

    /// The embedded simulator's engine: a tenant org admin (of `VCD_ORG`, or the world's default
    /// tenant org) and the System administrator side by side (the lab's runbooks need both).
    func simulatorEngine(options: EngineOptions, request: ConnectRequest? = nil) throws -> Engine {
        let sim = try openSimulator()
        var options = options
        options.clock = sim.clock
        let transport = TransportStack.wrap(InProcessTransport { sim.handle($0, service: .vcd) }, retry: options.retry, debugSink: options.debugSink, clock: sim.clock)
        let personas = sim.personas
        for p in personas { SecretRedactor.shared.register(p.password) }
        let org = request?.org ?? env["VCD_ORG"].flatMap { $0.isEmpty ? nil : $0 } ?? sim.defaultTenantOrg ?? "System"
        let user = request?.user ?? "administrator"
        var r = ConnectRequest()
        r.org = org
        r.user = user
        r.password = request?.password ?? personas.first { $0.org == org && $0.user == user }?.password
        r.apiToken = request?.apiToken
        if let admin = personas.first(where: { $0.provider }) {
            r.providerUser = admin.user
            r.providerPassword = admin.password
        }
        guard r.password != nil || r.apiToken != nil else {
            throw EngineError("the simulator has no persona \(user)@\(org)", hint: "see the personas with: vcdscript sim status")
        }
        let engine = try ScriptCloud.engine(url: "https://vcd.sim.test", transport: transport, request: r, options: options)
        // The simulator's NSX Manager and ALB controller, with their own `admin` accounts.
        let products = sim.servicePersonas
        if let nsx = products.first(where: { $0.service == "nsx" }), let alb = products.first(where: { $0.service == "alb" }) {
            let nsxT = TransportStack.wrap(InProcessTransport { sim.handle($0, service: .nsx) }, retry: options.retry, debugSink: options.debugSink, clock: sim.clock)
            let albT = TransportStack.wrap(InProcessTransport { sim.handle($0, service: .alb) }, retry: options.retry, debugSink: options.debugSink, clock: sim.clock)
            engine.nsx = NSXClient(baseURL: "https://nsx.sim.test", transport: nsxT, user: nsx.user, password: nsx.password)
            engine.alb = ALBClient(baseURL: "https://alb.sim.test", transport: albT, user: alb.user, password: alb.password)
        }
        return engine
    }

    func openSimulator() throws -> Simulator {
        lock.lock(); defer { lock.unlock() }
        if let simulator { return simulator }
        let path = statePath ?? Simulator.defaultStatePath(environment: env)
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let s = try Simulator(statePath: path, options: simulatorOptions, clock: simulatorClock)
        simulator = s
        return s
    }

    /// After the script (`status`: its exit code): the site lock released, the plan's summary (or,
    /// with `json`, the plan as a JSON document on `output`), what a failed run changed before its
    /// failure, and the simulator's counters on disk. Answers the run's exit code: with
    /// `detailedExitcode`, 0 when no cloud object would change (or changed), 2 when one would, 1 on
    /// any error.
    @discardableResult
    func finish(status: Int32 = 0, output: (String) -> Void, json: Bool = false, detailedExitcode: Bool = false) -> Int32 {
        releaseSiteLock()
        defer { try? simulator?.flush() }
        guard let g = gate else { return status }
        let used = !g.changes.isEmpty || cloud?.engineIfOpened != nil
        let stderr = { (line: String) in FileHandle.standardError.write(Data((line + "\n").utf8)) }
        if plan && json {
            output(PlanDocument(gate: g, complete: status == 0).json)
        } else if plan, used {
            if status == 0 {
                output("Plan: \(g.summary). Nothing was changed (--plan).")
            } else {
                stderr("The plan is incomplete: the run stopped on the error above. Planned until then: \(g.summary). Nothing was changed (--plan).")
            }
        } else if status != 0, used {
            if g.hasCloudChanges {
                stderr("The run failed after changing: \(g.doneSummary) (the + ~ - lines above). What was done stays done: fix the cause and run again; a second run carries on from there.")
            } else {
                stderr("The run failed before changing anything.")
            }
        }
        guard detailedExitcode else { return status }
        if status != 0 { return 1 }
        return g.hasCloudChanges ? 2 : 0
    }
}
