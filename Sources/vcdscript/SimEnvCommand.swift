import ArgumentParser
import CloudSim
import Foundation

extension SimCommand {
    /// `vcdscript sim env`: the environment that points vcdscript (and the Terraform providers,
    /// which read the same names) at a served simulator, for `eval "$(vcdscript sim env)"`.
    /// It prints the simulator's own persona passwords, as `sim status` does: they guard nothing
    /// but a local test world.
    struct Env: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print export lines for VCD_*, NSXT_* and AVI_* that target `sim serve` (eval \"$(vcdscript sim env)\").")
        @OptionGroup var state: StateOptions
        @Option(help: "The tenant org of the VCD_* session (default: the simulator's first tenant org).") var org: String?
        @Option(help: "The tenant user of the VCD_* session.") var user: String = "administrator"

        func run() throws {
            var sim = try Simulator(statePath: state.path, options: SimulatorOptions())
            var endpoints = sim.recordedEndpoints
            // `sim serve & eval "$(vcdscript sim env)"` asks at once: a server records its endpoints
            // when all its listeners are bound, a moment after the first one answers. Look again
            // for a few seconds before saying it is not served.
            let deadline = Date().addingTimeInterval(3)
            while endpoints[.vcd] == nil && Date() < deadline {
                Thread.sleep(forTimeInterval: 0.1)
                sim = try Simulator(statePath: state.path, options: SimulatorOptions())
                endpoints = sim.recordedEndpoints
            }
            guard let vcd = endpoints[.vcd] else {
                throw ValidationError("the simulator at \(state.path) is not being served; start it with: vcdscript sim serve --state \(state.path)")
            }
            let personas = sim.personas
            let org = self.org ?? sim.defaultTenantOrg ?? "System"
            guard let tenant = personas.first(where: { $0.org == org && $0.user == user }) else {
                let known = personas.map { "\($0.user)@\($0.org)" }.joined(separator: ", ")
                throw ValidationError("the simulator has no persona \(user)@\(org) (it has \(known))")
            }
            var lines = [("VCD_URL", vcd), ("VCD_ORG", tenant.org), ("VCD_USER", tenant.user), ("VCD_PASSWORD", tenant.password)]
            if let admin = personas.first(where: { $0.provider }) {
                lines += [("VCD_PROVIDER_USER", admin.user), ("VCD_PROVIDER_PASSWORD", admin.password)]
            }
            // NSX-T and ALB: their own first account, `admin`, as the products and their tools name it.
            let products = sim.servicePersonas
            if let nsx = endpoints[.nsx], let a = products.first(where: { $0.service == "nsx" }) {
                lines += [("NSXT_MANAGER_HOST", nsx), ("NSXT_USERNAME", a.user), ("NSXT_PASSWORD", a.password)]
            }
            if let alb = endpoints[.alb], let a = products.first(where: { $0.service == "alb" }) {
                lines += [("AVI_CONTROLLER", alb), ("AVI_USERNAME", a.user), ("AVI_PASSWORD", a.password)]
            }
            if vcd.hasPrefix("https://") {
                // Trust exactly the simulator's certificate; verification stays on.
                if let cert = Status.certificate(sim, state: state.path) {
                    lines.append(("VCD_CA_FILE", cert))
                } else {
                    lines.append(("VCD_ALLOW_UNVERIFIED_SSL", "true"))
                }
            }
            for (k, v) in lines { print("export \(k)=\(Self.shellQuoted(v))") }
            // The simulator's kind and clusterctl, beside the state, first on PATH.
            let bin = ((state.path as NSString).deletingLastPathComponent as NSString).appendingPathComponent("bin")
            let folder = try Tools.install(into: bin, statePath: state.state)
            print("export PATH=\(Self.shellQuoted(folder)):\"$PATH\"")
        }

        /// Single-quoted for POSIX shells.
        static func shellQuoted(_ s: String) -> String {
            "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }
    }
}
