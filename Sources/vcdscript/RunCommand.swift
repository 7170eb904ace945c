import ArgumentParser
import Foundation
import VCDScript
import CSupport

/// Runs a script, `-e` code, or (with neither) the REPL.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run a script, -e code, or the REPL (the default command).")

    @Option(name: .shortAndLong, help: "Run this code instead of a file.")
    var eval: String?

    @Option(name: .shortAndLong, help: "How printed values are shown: text, table, json or yaml.")
    var output: OutputFormat = .text

    @Flag(name: .long, help: "Never colour the output (also: NO_COLOR).")
    var noColor = false

    @Option(help: "Where the cloud is: sim (the embedded simulator, default), a site URL (credentials from VCD_* variables), or a profile name of the config file.")
    var target: String?

    @Flag(help: "Plan mode: reads go to the target, changes are recorded and printed as + ~ - = lines, nothing is sent.")
    var plan = false

    @Flag(help: "Exit 0 when no cloud object would change (or changed), 2 when one would, 1 on any error (as terraform plan -detailed-exitcode): a drift check in one command.")
    var detailedExitcode = false

    @Flag(help: "Write every request and response to stderr, secrets redacted.")
    var debug = false

    @Option(help: "How long to wait for one VCD task before failing: 90s, 20m, 1h (default 10m).")
    var timeout: TimeoutOption?

    @Option(help: "State file of the embedded simulator (default: the one `vcdscript sim` uses).")
    var simState: String?

    @Option(help: "How long to wait for another run's site lock before failing with exit code 75: 30s, 5m (default), 1h.")
    var lockTimeout: TimeoutOption?

    @Flag(help: "Change the site without taking its lock (another run may then change it at the same time).")
    var noLock = false

    @Argument(parsing: .captureForPassthrough, help: "The script and its arguments (the script sees them as `args`).")
    var scriptAndArgs: [String] = []

    func run() throws {
        var args = scriptAndArgs
        if args.first == "--" { args.removeFirst() }
        // SIGINT goes to the thread that runs the script or the REPL, not to this waiting one:
        // only then does Ctrl-C interrupt the REPL's blocking read (libedit's el_gets).
        setSIGINTBlocked(true)
        let code = LargeStack.run { () -> Int32 in
            setSIGINTBlocked(false)
            return runScript(args)
        }
        if code != 0 { throw ExitCode(code) }
    }

    private func setSIGINTBlocked(_ blocked: Bool) {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        pthread_sigmask(blocked ? SIG_BLOCK : SIG_UNBLOCK, &set, nil)
    }

    private func runScript(_ args: [String]) -> Int32 {
        let env = ProcessInfo.processInfo.environment
        let color = !noColor && env["NO_COLOR"] == nil && vcd_isatty(2) != 0
        let renderer = DiagnosticRenderer(color: color)
        var options = InterpreterOptions()
        options.searchPaths = Environment.searchPaths()
        options.outputFormat = output
        options.interruptCheck = { vcd_sigint_pending() != 0 }
        // --plan -o json: standard output is the plan document alone; the script's prints and
        // the + ~ - lines go to standard error.
        let stdout = options.output
        let planAsJSON = plan && output == .json
        if planAsJSON { options.output = options.errorOutput }
        let interp = Interpreter(options: options)
        let wiring = CloudWiring(target: target, plan: plan, debug: debug, statePath: simState)
        wiring.taskTimeout = timeout?.seconds
        wiring.configureSiteLock(noLock: noLock, timeout: lockTimeout?.seconds, script: eval == nil ? (args.first ?? "repl") : "-e")
        // The REPL takes no lock: a session left open would hold the site for hours.
        if eval == nil && args.isEmpty { wiring.siteLock = nil }
        wiring.install(into: interp)
        let status = runBody(args, interp: interp, renderer: renderer, color: color)
        return wiring.finish(status: status, output: stdout, json: planAsJSON, detailedExitcode: detailedExitcode)
    }

    /// The script, the `-e` code or the REPL; answers its exit code.
    private func runBody(_ args: [String], interp: Interpreter, renderer: DiagnosticRenderer, color: Bool) -> Int32 {
        if let eval {
            interp.define("args", .list(args.map { .string($0) }))
            return Runner.execute(renderer: renderer) { try interp.run(source: eval, name: "<-e>") }
        }
        guard let script = args.first else {
            return REPLEntry.start(interpreter: interp, color: color)
        }
        guard let path = Environment.locateScript(script) else {
            FileHandle.standardError.write(Data("error: no script named \(script) here or in the bundled stdlib (\(Environment.stdlibPath() ?? "not found"))\n".utf8))
            return 2
        }
        interp.define("args", .list(args.dropFirst().map { .string($0) }))
        if let stop = ScriptParameters.prepare(interp, path: path, script: script, arguments: Array(args.dropFirst()),
                                               environment: ProcessInfo.processInfo.environment, renderer: renderer) { return stop }
        _ = vcd_install_sigint()
        return Runner.execute(renderer: renderer) { try interp.runFile(path, displayName: script) }
    }
}

/// Runs a piece of work and maps its errors to diagnostics and exit codes.
enum Runner {
    static func execute(renderer: DiagnosticRenderer, _ work: () throws -> Value) -> Int32 {
        do {
            _ = try work()
            return 0
        } catch let e as ScriptErrors {
            FileHandle.standardError.write(Data((renderer.render(e) + "\n").utf8))
            return 65
        } catch let e as ScriptError {
            FileHandle.standardError.write(Data((renderer.render(e) + "\n").utf8))
            return e.kind == .cancelled ? 130 : e.exitCode
        } catch let exit as ExitRequest {
            if let m = exit.message { FileHandle.standardError.write(Data((m + "\n").utf8)) }
            return exit.code
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            return 70
        }
    }
}

extension OutputFormat: ExpressibleByArgument {}

/// A `--timeout` value: a number with a unit (ms, s, m, h), or plain seconds.
struct TimeoutOption: ExpressibleByArgument {
    let seconds: Double

    init?(argument: String) {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        var text = argument.trimmingCharacters(in: .whitespaces)
        var scale = 1.0
        if let (suffix, factor) = units.first(where: { text.hasSuffix($0.0) && Double(text.dropLast($0.0.count)) != nil }) {
            text.removeLast(suffix.count)
            scale = factor
        }
        guard let n = Double(text), n > 0, n.isFinite else { return nil }
        seconds = n * scale
    }

    static var defaultCompletionKind: CompletionKind { .default }
}
