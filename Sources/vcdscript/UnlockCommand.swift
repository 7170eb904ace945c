import ArgumentParser
import CloudClient
import Foundation
import ScriptCloud
import VCDScript
import Provisioning

/// `vcdscript unlock`: breaks the site lock a run left behind (a run killed on another machine
/// whose lock has not expired yet). The lock of a run that still goes is taken from it too: that
/// run stops before its next change.
struct UnlockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unlock",
        abstract: "Break the site lock a run left behind (docs/runbooks.md, \"Two runs at once\").")

    @Option(help: "Where the cloud is: sim (the embedded simulator, default), a site URL (credentials from VCD_* variables), or a profile name.")
    var target: String?

    @Option(help: "State file of the embedded simulator (default: the one `vcdscript sim` uses).")
    var simState: String?

    func run() throws {
        let wiring = CloudWiring(target: target, plan: false, debug: false, statePath: simState)
        wiring.siteLock = nil
        wiring.install(into: Interpreter())
        defer { wiring.finish(output: { print($0) }) }
        do {
            let engine = try wiring.cloud.engine()
            let removed = try SiteLock.breakLock(client: engine.provider ?? engine.tenant)
            if removed.isEmpty { print("the site lock is free: no run holds it") }
            for h in removed { print("removed the site lock held by \(h.who) since \(h.started)") }
        } catch {
            FileHandle.standardError.write(Data("error: \(SecretRedactor.shared.redact("\(error)"))\n".utf8))
            throw ExitCode(70)
        }
    }
}
