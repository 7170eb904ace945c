import ArgumentParser
import CloudSim
import Foundation

/// `vcdscript sim kube`: the simulated Kubernetes clusters (served by `sim serve` on PORT+3 at
/// `/clusters/<name>`): create, delete, list, and print a kubeconfig.
struct SimKubeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kube",
        abstract: "Simulated Kubernetes clusters: create, delete, list, kubeconfig.",
        subcommands: [Create.self, Delete.self, List.self, Kubeconfig.self])

    /// A running `sim serve` keeps the world in memory: changes made beside it by another process
    /// would not be seen until it restarts, so they are refused.
    static func refuseWhileServed(_ sim: Simulator, _ path: String) throws {
        if !sim.recordedEndpoints.isEmpty {
            throw ValidationError("the simulator at \(path) is being served; stop `sim serve` first (clusters are created on a stopped state)")
        }
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a cluster (stop `sim serve` first).")
        @OptionGroup var state: SimCommand.StateOptions
        @Argument(help: "Cluster name (a DNS label).") var name: String
        @Option(help: "Kubernetes version the cluster reports.") var kubernetesVersion: String = "v1.29.2"

        func run() throws {
            let sim = try Simulator(statePath: state.path, options: SimulatorOptions())
            try SimKubeCommand.refuseWhileServed(sim, state.path)
            do {
                let c = try sim.createKubeCluster(name: name, kubernetesVersion: kubernetesVersion)
                print("created Kubernetes cluster \(c.name) (\(c.kubernetesVersion)); kubeconfig: vcdscript sim kube kubeconfig \(c.name) --state \(state.path)")
            } catch let e as KubeClusterError { throw ValidationError(e.description) }
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a cluster and its objects (stop `sim serve` first).")
        @OptionGroup var state: SimCommand.StateOptions
        @Argument(help: "Cluster name.") var name: String

        func run() throws {
            let sim = try Simulator(statePath: state.path, options: SimulatorOptions())
            try SimKubeCommand.refuseWhileServed(sim, state.path)
            do { try sim.deleteKubeCluster(name: name) } catch let e as KubeClusterError { throw ValidationError(e.description) }
            print("deleted Kubernetes cluster \(name)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the clusters.")
        @OptionGroup var state: SimCommand.StateOptions

        func run() throws {
            let sim = try Simulator(statePath: state.path, options: SimulatorOptions())
            for c in sim.kubeClusters { print("\(c.name)  \(c.kubernetesVersion)  created \(c.creationTimestamp)") }
        }
    }

    struct Kubeconfig: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a kubeconfig for a cluster (it holds the cluster's token: redirect it to a private file).")
        @OptionGroup var state: SimCommand.StateOptions
        @Argument(help: "Cluster name.") var name: String
        @Option(help: "Base URL of the Kubernetes service (default: where `sim serve` listens, else http://127.0.0.1:PORT+3).") var server: String?
        @Option(help: "VCD port of `sim serve` when it is not running (Kubernetes is on PORT+3).") var port: Int = 18443
        @Option(help: "PEM file of the certificate (or CA) of an https server, embedded as certificate-authority-data (default for `sim serve --tls`: its certificate).")
        var certificateAuthority: String?
        @Flag(help: "Write insecure-skip-tls-verify: true (an https server with a certificate nobody signed).") var insecureSkipTlsVerify = false
        @Flag(help: "Name the embedded simulator (https://kube.sim.test): vcdscript scripts run on the same --state reach the cluster in-process, without `sim serve` (other tools cannot use it).")
        var embedded = false

        func run() throws {
            let sim = try Simulator(statePath: state.path, options: SimulatorOptions())
            if embedded {
                do {
                    print(try sim.kubeconfig(cluster: name, server: "https://" + CloudWiring.embeddedKubeHost), terminator: "")
                } catch let e as KubeClusterError { throw ValidationError(e.description) }
                return
            }
            let base = server ?? sim.recordedEndpoints[.kube] ?? "http://127.0.0.1:\(port + 3)"
            // Served over https: trust the simulator's own certificate unless told otherwise.
            var caFile = certificateAuthority
            if caFile == nil, !insecureSkipTlsVerify, base.hasPrefix("https://") {
                caFile = SimCommand.Status.certificate(sim, state: state.path)
            }
            let pem = try caFile.map { try String(contentsOfFile: $0, encoding: .utf8) }
            do {
                print(try sim.kubeconfig(cluster: name, server: base, certificateAuthorityPEM: pem, insecureSkipTLSVerify: insecureSkipTlsVerify),
                      terminator: "")
            } catch let e as KubeClusterError {
                throw ValidationError(e.description)
            }
        }
    }
}
