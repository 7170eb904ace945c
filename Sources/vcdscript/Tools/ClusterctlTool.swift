import CloudClient
import CloudSim
import CloudWire
import Foundation
import Provisioning

/// The simulator's `clusterctl`: init, generate cluster, get kubeconfig, describe cluster, move,
/// delete and version, with clusterctl's flags, messages and exit codes, acting on the simulated
/// clusters only through their Kubernetes APIs (the served listener, or in-process on the state).
struct ClusterctlTool {
    static let version = "v1.4.0"
    let arguments: [String]
    var environment = ProcessInfo.processInfo.environment

    init(arguments: [String]) { self.arguments = arguments }

    func run() -> Int32 { ToolRun.exitCode(prefix: "Error: ") { try dispatch() } }

    static let usage = """
        Get started with Cluster API using clusterctl to create a management cluster,
        install providers, and create templates for your workload cluster.
        (here: the vcdscript simulator's clusterctl)

        Usage:
          clusterctl [command]

        Available Commands:
          delete      Delete one or more providers from the management cluster
          describe    Describe workload clusters
          generate    Generate yaml using clusterctl yaml processor
          get         Get info from a management or a workload cluster
          help        Help about any command
          init        Initialize a management cluster
          move        Move Cluster API objects and all dependencies between management clusters
          version     Print clusterctl version

        Flags:
              --config $XDG_CONFIG_HOME/cluster-api/clusterctl.yaml   Path to clusterctl configuration (default is $XDG_CONFIG_HOME/cluster-api/clusterctl.yaml) or to a remote location (i.e. https://example.com/clusterctl.yaml)
          -h, --help                                                 help for clusterctl
          -v, --v int                                                Set the log level verbosity. This overrides the CLUSTERCTL_LOG_LEVEL environment variable.

        Use "clusterctl [command] --help" for more information about a command.
        """

    func dispatch() throws {
        guard let cmd = arguments.first else { ToolOutput.out(Self.usage); return }
        let rest = Array(arguments.dropFirst())
        switch cmd {
        case "-h", "--help", "help": ToolOutput.out(Self.usage)
        case "version": try version(rest)
        case "init": try initialize(rest)
        case "generate":
            guard rest.first == "cluster" else { throw CommandLineFlags.UsageError(message: "unknown command \"\(rest.first ?? "")\" for \"clusterctl generate\"") }
            try ClusterctlGenerate(tool: self).run(Array(rest.dropFirst()))
        case "get":
            guard rest.first == "kubeconfig" else { throw CommandLineFlags.UsageError(message: "unknown command \"\(rest.first ?? "")\" for \"clusterctl get\"") }
            try getKubeconfig(Array(rest.dropFirst()))
        case "describe":
            guard rest.first == "cluster" else { throw CommandLineFlags.UsageError(message: "unknown command \"\(rest.first ?? "")\" for \"clusterctl describe\"") }
            try describe(Array(rest.dropFirst()))
        case "move": try move(rest)
        case "delete": try delete(rest)
        default:
            throw CommandLineFlags.UsageError(message: "unknown command \"\(cmd)\" for \"clusterctl\"\nRun 'clusterctl --help' for usage.")
        }
    }

    // MARK: common flags

    static let kubeconfigFlags: [CommandLineFlags.Flag] = [
        .init(long: "kubeconfig", short: nil, takesValue: true), .init(long: "kubeconfig-context", short: nil, takesValue: true),
        .init(long: "config", short: nil, takesValue: true), .init(long: "v", short: "v", takesValue: true),
    ]

    /// The kubeconfig file clusterctl uses: `--kubeconfig`, else `$KUBECONFIG`'s first, else `~/.kube/config`.
    func kubeconfigPath(_ flag: String?) -> String { KubeconfigFiles.path(flag: flag, environment: environment) }

    /// A client for the management cluster the flags name.
    func client(_ f: CommandLineFlags, world: SimWorld, flag: String = "kubeconfig", context: String = "kubeconfig-context") throws -> KubeClient {
        let path = kubeconfigPath(f.string(flag))
        guard FileManager.default.fileExists(atPath: path) else {
            throw ToolError("failed to load Kubeconfig file from \"\(path)\": open \(path): no such file or directory")
        }
        let config = try KubeConfig.load(path: path).resolve(context: f.string(context))
        return try world.client(config)
    }

    // MARK: version

    func version(_ args: [String]) throws {
        let f = try CommandLineFlags(args, flags: [.init(long: "output", short: "o", takesValue: true)])
        switch f.string("output") {
        case "short": ToolOutput.out(Self.version)
        case nil, "": ToolOutput.out("clusterctl version: &version.Info{Major:\"1\", Minor:\"4\", GitVersion:\"\(Self.version)\", GitCommit:\"simulated\", GitTreeState:\"clean\", BuildDate:\"2023-03-28T16:00:00Z\", GoVersion:\"go1.19.6\", Compiler:\"gc\", Platform:\"linux/amd64\"}")
        case let o?: throw CommandLineFlags.UsageError(message: "invalid output format: \(o)")
        }
    }

    // MARK: init

    func initialize(_ args: [String]) throws {
        let f = try CommandLineFlags(args, flags: Self.kubeconfigFlags + [
            .init(long: "core", short: nil, takesValue: true), .init(long: "bootstrap", short: "b", takesValue: true),
            .init(long: "control-plane", short: "c", takesValue: true), .init(long: "infrastructure", short: "i", takesValue: true),
            .init(long: "ipam", short: nil, takesValue: true), .init(long: "target-namespace", short: nil, takesValue: true),
            .init(long: "wait-providers", short: nil, takesValue: false), .init(long: "wait-provider-timeout", short: nil, takesValue: true),
            .init(long: "validate", short: nil, takesValue: false), .init(long: "list-images", short: nil, takesValue: false),
        ])
        if f.bool("help") { ToolOutput.out("Initialize a management cluster.\n\nUsage:\n  clusterctl init [flags]"); return }
        if let extra = f.positional.first { throw CommandLineFlags.UsageError(message: "unknown command \"\(extra)\" for \"clusterctl init\"") }
        if f.has("target-namespace") {
            throw ToolError("the simulator's clusterctl installs providers in their own namespaces only (--target-namespace is deprecated in clusterctl v1.x)")
        }
        let world = SimWorld(environment: environment)
        let k = try client(f, world: world)
        var request = ClusterctlInstaller.Request()
        request.core = f.string("core")
        request.bootstrap = f.list("bootstrap")
        request.controlPlane = f.list("control-plane")
        request.infrastructure = f.list("infrastructure")
        try ClusterctlInstaller(kube: k).install(request) { ToolOutput.err($0) }
        ToolOutput.err("""

            Your management cluster has been initialized successfully!

            You can now create your first workload cluster by running the following:

              clusterctl generate cluster [name] --kubernetes-version [version] | kubectl apply -f -

            """)
    }

    // MARK: get kubeconfig, describe

    func getKubeconfig(_ args: [String]) throws {
        let f = try CommandLineFlags(args, flags: Self.kubeconfigFlags + [.init(long: "namespace", short: "n", takesValue: true)])
        guard let name = f.positional.first else { throw ToolError("please specify a workload cluster name") }
        let k = try client(f, world: SimWorld(environment: environment))
        let ns = f.string("namespace") ?? k.namespace
        guard let secret = try k.getIfPresent(KubeResource.secrets.path(namespace: ns, name: "\(name)-kubeconfig")) else {
            throw ToolError("\"\(name)-kubeconfig\" not found in namespace \"\(ns)\": secrets \"\(name)-kubeconfig\" not found")
        }
        guard let b64 = secret["data"]?["value"]?.stringValue, let data = Data(base64Encoded: b64) else {
            throw ToolError("the secret \(ns)/\(name)-kubeconfig has no data.value")
        }
        FileHandle.standardOutput.write(data)
    }

    func describe(_ args: [String]) throws {
        let f = try CommandLineFlags(args, flags: Self.kubeconfigFlags + [
            .init(long: "namespace", short: "n", takesValue: true), .init(long: "show-conditions", short: nil, takesValue: true),
            .init(long: "echo", short: nil, takesValue: false), .init(long: "grouping", short: nil, takesValue: false),
            .init(long: "disable-grouping", short: nil, takesValue: false), .init(long: "disable-no-echo", short: nil, takesValue: false),
            .init(long: "color", short: "c", takesValue: false),
        ])
        guard let name = f.positional.first else { throw ToolError("please specify a cluster name") }
        let k = try client(f, world: SimWorld(environment: environment))
        let ns = f.string("namespace") ?? k.namespace
        let clusters = CAPIClusters(kube: KubeEngine(client: k, gate: MutationGate(mode: .apply, report: { _ in })), namespace: ns)
        guard try clusters.find(name) != nil else {
            throw ToolError("clusters.cluster.x-k8s.io \"\(name)\" not found")
        }
        ToolOutput.out(try clusters.describe(name))
    }

    // MARK: move

    func move(_ args: [String]) throws {
        let f = try CommandLineFlags(args, flags: Self.kubeconfigFlags + [
            .init(long: "to-kubeconfig", short: nil, takesValue: true), .init(long: "to-kubeconfig-context", short: nil, takesValue: true),
            .init(long: "namespace", short: "n", takesValue: true), .init(long: "dry-run", short: nil, takesValue: false),
            .init(long: "to-directory", short: nil, takesValue: true), .init(long: "from-directory", short: nil, takesValue: true),
        ])
        if f.has("to-directory") || f.has("from-directory") { throw ToolError("the simulator's clusterctl moves between clusters only (no --to-directory / --from-directory)") }
        guard let target = f.string("to-kubeconfig") else { throw ToolError("please specify a target cluster using the --to-kubeconfig flag") }
        let world = SimWorld(environment: environment)
        let from = try client(f, world: world)
        guard FileManager.default.fileExists(atPath: (target as NSString).expandingTildeInPath) else {
            throw ToolError("failed to load Kubeconfig file from \"\(target)\": open \(target): no such file or directory")
        }
        let to = try world.client(try KubeConfig.load(path: (target as NSString).expandingTildeInPath).resolve(context: f.string("to-kubeconfig-context")))
        let ns = f.string("namespace") ?? from.namespace
        if try to.getIfPresent("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/clusters.cluster.x-k8s.io") == nil {
            throw ToolError("failed to get provider inventory in the target cluster: the Cluster API providers are not installed there; run clusterctl init --kubeconfig \(target) first")
        }
        if f.bool("dry-run") { ToolOutput.err("Performing move... (dry run: nothing is changed)"); return }
        try ClusterctlMover(from: from, to: to).move(namespace: ns) { ToolOutput.err($0) }
    }

    // MARK: delete

    func delete(_ args: [String]) throws {
        let f = try CommandLineFlags(args, flags: Self.kubeconfigFlags + [
            .init(long: "all", short: nil, takesValue: false), .init(long: "core", short: nil, takesValue: true),
            .init(long: "bootstrap", short: "b", takesValue: true), .init(long: "control-plane", short: "c", takesValue: true),
            .init(long: "infrastructure", short: "i", takesValue: true), .init(long: "include-crd", short: nil, takesValue: false),
            .init(long: "include-namespace", short: nil, takesValue: false),
        ])
        let k = try client(f, world: SimWorld(environment: environment))
        let providers = KubeResource(group: "clusterctl.cluster.x-k8s.io", version: "v1alpha3", plural: "providers", kind: "Provider", namespaced: true)
        let inventory = (try k.getIfPresent(providers.path(namespace: nil))).map(ClusterctlMover.items) ?? []
        var wanted: Set<String> = []
        if f.bool("all") { wanted = Set(inventory.map(ClusterctlMover.name)) }
        if let c = f.string("core") { wanted.insert(ClusterctlComponents.parse(c, type: .core).name) }
        for b in f.list("bootstrap") { wanted.insert("bootstrap-" + ClusterctlComponents.parse(b, type: .bootstrap).name) }
        for c in f.list("control-plane") { wanted.insert("control-plane-" + ClusterctlComponents.parse(c, type: .controlPlane).name) }
        for i in f.list("infrastructure") { wanted.insert("infrastructure-" + ClusterctlComponents.parse(i, type: .infrastructure).name) }
        guard !wanted.isEmpty else { throw ToolError("at least one of --core, --bootstrap, --control-plane, --infrastructure should be specified or the --all flag should be set") }
        for p in inventory where wanted.contains(ClusterctlMover.name(p)) {
            let name = ClusterctlMover.name(p), ns = p["metadata"]?["namespace"]?.stringValue ?? ""
            ToolOutput.err("Deleting Provider=\"\(name)\" Version=\"\(p["version"]?.stringValue ?? "")\" Namespace=\"\(ns)\"")
            for d in ClusterctlMover.items(try k.send("GET", KubeResource.deployments.path(namespace: ns))) {
                try? k.send("DELETE", KubeResource.deployments.path(namespace: ns, name: ClusterctlMover.name(d)))
            }
            if f.bool("include-crd") {
                let crds = ClusterctlMover.crds
                for c in ClusterctlMover.items(try k.send("GET", crds.path(namespace: nil) + "?labelSelector=" + "cluster.x-k8s.io/provider%3D\(name)")) {
                    try? k.send("DELETE", crds.path(namespace: nil, name: ClusterctlMover.name(c)))
                }
            }
            try? k.send("DELETE", providers.path(namespace: ns, name: name))
            if f.bool("include-namespace") { try? k.send("DELETE", KubeResource.namespaces.path(namespace: nil, name: ns)) }
        }
    }
}
