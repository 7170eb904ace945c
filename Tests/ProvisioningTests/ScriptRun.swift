import Foundation
import ScriptCloud
import CloudClient
import Provisioning
import VCDScript

/// The one way these tests run vcdscript on a cloud, as the executable does: an interpreter with
/// `cloud` bound to an engine, `kube` and `kind` wired, optionally `args`, a script file run with
/// its declared parameters bound from `key=value` arguments, everything on a large stack. Each
/// harness (`SimHarness`, `ClusterHarness`, `KubeHarness`) and test differs only in the engine,
/// the wiring and where the printed lines go, which it sets here.
struct ScriptRun {
    /// The engine `cloud` and `connect()` give the script.
    var engine: Engine
    /// `cloud.site` (a site with no `://` shows the engine's own URL).
    var site = "https://vcd.sim.test"
    /// How `kube` and `kind` reach clusters; its gate (nil: a gate of its own) gates local effects.
    var kube = KubeWiring()
    /// `cloud.simulator` (nil: a real site's).
    var simulator: SimulatorServices?
    /// Output, clock, output format, interrupt check of the interpreter.
    var options = InterpreterOptions()
    /// The script's `args` list; nil leaves `args` undefined.
    var args: [String]?

    init(engine: Engine, site: String = "https://vcd.sim.test", kube: KubeWiring = KubeWiring(), simulator: SimulatorServices? = nil,
         output: ((String) -> Void)? = nil, clock: HostClock? = nil, args: [String]? = nil) {
        self.engine = engine
        self.site = site
        self.kube = kube
        self.simulator = simulator
        if let output { options.output = output }
        if let clock { options.clock = clock }
        self.args = args
    }

    /// A new interpreter wired as described: for tests that run several pieces on one.
    func interpreter() -> Interpreter {
        let interp = Interpreter(options: options)
        let e = engine
        ScriptCloud.install(interp, cloud: CloudObject(site: site, simulator: simulator) { e }, kube: kube) { _ in e }
        if let args { interp.define("args", .list(args.map { .string($0) })) }
        return interp
    }

    /// Runs `code` on a new interpreter, or the script `file` with its parameters bound from the
    /// `key=value` items of `args` as the command line binds them; returns the script's value.
    @discardableResult
    func run(_ code: String, file: String? = nil) throws -> Value {
        let interp = interpreter()
        guard let file else { return try Self.run(code, in: interp) }
        let problems = try interp.bindParameters(file: file, arguments: args ?? [])
        if !problems.isEmpty { throw ScriptError(.argument, problems.joined(separator: "\n")) }
        return try LargeStack.run { Result { try interp.runFile(file) } }.get()
    }

    /// Runs `code` on `interp` (its state kept from earlier runs), on a large stack.
    @discardableResult
    static func run(_ code: String, in interp: Interpreter) throws -> Value {
        try LargeStack.run { Result { try interp.run(source: code) } }.get()
    }
}
