import ArgumentParser
import CloudSim
import CloudWire
import Foundation

/// `vcdscript sim kube`: the simulated Kubernetes clusters (served by `sim serve` on PORT+3 at
/// `/clusters/<name>`): create, delete, list, and print a kubeconfig.
struct SimKubeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kube",
        abstract: "Simulated Kubernetes clusters: create, delete, list, kubeconfig.",
        subcommands: [Create.self, Delete.self, List.self, Kubeconfig.self])

    /// The world of `--state`: through its running `sim serve` if one answers, else on the file.
    static func world(_ state: SimCommand.StateOptions) -> SimWorld {
        var env = ProcessInfo.processInfo.environment
        env["VCDSCRIPT_SIM_STATE"] = state.path
        return SimWorld(environment: env)
    }

    /// One request to the simulated container host, its error body as a usage error.
    static func host(_ state: SimCommand.StateOptions, _ method: String, _ target: String, body: JSONValue? = nil, expect: Set<Int>) throws -> HTTPResponseMessage {
        let r: HTTPResponseMessage
        do { r = try world(state).host(method, target, body: body) } catch let e as ToolError { throw ValidationError(e.message) }
        guard expect.contains(r.status) else { throw ValidationError(SimWorld.hostMessage(r)) }
        return r
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a cluster (also while `sim serve` runs).")
        @OptionGroup var state: SimCommand.StateOptions
        @Argument(help: "Cluster name (a DNS label).") var name: String
        @Option(help: "Kubernetes version the cluster reports.") var kubernetesVersion: String = "v1.29.2"

        func run() throws {
            let r = try SimKubeCommand.host(state, "POST", HostPaths.clusters, body: .object(["name": .string(name), "kubernetesVersion": .string(kubernetesVersion)]),
                                            expect: [201])
            let version = (try? JSONValue.parse(r.body))?["kubernetesVersion"]?.stringValue ?? kubernetesVersion
            print("created Kubernetes cluster \(name) (\(version)); kubeconfig: vcdscript sim kube kubeconfig \(name) --state \(state.path)")
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a cluster and its objects (also while `sim serve` runs).")
        @OptionGroup var state: SimCommand.StateOptions
        @Argument(help: "Cluster name.") var name: String

        func run() throws {
            _ = try SimKubeCommand.host(state, "DELETE", HostPaths.cluster(name), expect: [204])
            print("deleted Kubernetes cluster \(name)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the clusters of the container host (kind's and `sim kube create`'s).")
        @OptionGroup var state: SimCommand.StateOptions

        func run() throws {
            let r = try SimKubeCommand.host(state, "GET", HostPaths.clusters, expect: [200])
            guard case .array(let items)? = (try? JSONValue.parse(r.body))?["items"] else { return }
            for c in items {
                print("\(c["name"]?.stringValue ?? "")  \(c["kubernetesVersion"]?.stringValue ?? "")  created \(c["creationTimestamp"]?.stringValue ?? "")")
            }
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
