import CloudSim
import CloudWire
import Foundation

/// The simulator's `kind`: the commands a CAPVCD user types, with kind's flags, messages and exit
/// codes. Clusters are made on the simulated world's container host (`/host/v1/clusters`), through
/// the running `sim serve` or in-process on the state; kubeconfigs are merged as kind merges them.
struct KindTool {
    static let version = "v0.17.0"
    let arguments: [String]
    var environment = ProcessInfo.processInfo.environment

    init(arguments: [String]) { self.arguments = arguments }

    /// Runs the command line; the process's exit code.
    func run() -> Int32 { ToolRun.exitCode(prefix: "ERROR: ") { try dispatch() } }

    static let usage = """
        kind creates and manages local Kubernetes clusters using Docker container 'nodes'
        (here: the vcdscript simulator's container host)

        Usage:
          kind [command]

        Available Commands:
          create      Creates one of [cluster]
          delete      Deletes one of [cluster]
          export      Exports one of [kubeconfig, logs]
          get         Gets one of [clusters, nodes, kubeconfig]
          help        Help about any command
          version     Prints the kind CLI version

        Flags:
          -h, --help              help for kind
              --loglevel string   DEPRECATED: see -v instead
          -q, --quiet             silence all stderr output
          -v, --verbosity int32   info log verbosity, higher value produces more output
              --version           version for kind

        Use "kind [command] --help" for more information about a command.
        """

    func dispatch() throws {
        // Global flags may come first (`kind -q get clusters`).
        var args = arguments
        while let f = args.first, ["-q", "--quiet", "-v", "--verbosity"].contains(where: { f == $0 || f.hasPrefix($0 + "=") }) {
            args.removeFirst()
            if (f == "-v" || f == "--verbosity"), !args.isEmpty { args.removeFirst() }
        }
        guard let cmd = args.first else { ToolOutput.out(Self.usage); return }
        let rest = Array(args.dropFirst())
        switch cmd {
        case "-h", "--help", "help": ToolOutput.out(Self.usage)
        case "version", "--version": ToolOutput.out("kind \(Self.version) go1.19.2 linux/amd64")
        case "create": try sub(rest, "create", ["cluster": create])
        case "delete": try sub(rest, "delete", ["cluster": delete, "clusters": deleteClusters])
        case "get": try sub(rest, "get", ["clusters": getClusters, "kubeconfig": getKubeconfig, "nodes": getNodes])
        case "export": try sub(rest, "export", ["kubeconfig": exportKubeconfig])
        default:
            throw CommandLineFlags.UsageError(message: "unknown command \"\(cmd)\" for \"kind\"\nRun 'kind --help' for usage.")
        }
    }

    func sub(_ args: [String], _ verb: String, _ table: [String: ([String]) throws -> Void]) throws {
        guard let what = args.first, !what.hasPrefix("-") else {
            ToolOutput.out("\(verb.capitalized)s one of [\(table.keys.sorted().joined(separator: ", "))]\n\nUsage:\n  kind \(verb) [flags]\n  kind \(verb) [command]")
            return
        }
        guard let f = table[what] else {
            throw CommandLineFlags.UsageError(message: "unknown command \"\(what)\" for \"kind \(verb)\"\nRun 'kind \(verb) --help' for usage.")
        }
        try f(Array(args.dropFirst()))
    }

    static let nameFlag = CommandLineFlags.Flag(long: "name", short: "n", takesValue: true)
    static let kubeconfigFlag = CommandLineFlags.Flag(long: "kubeconfig", short: nil, takesValue: true)

    func clusterName(_ f: CommandLineFlags) -> String {
        f.string("name") ?? environment["KIND_CLUSTER_NAME"].flatMap { $0.isEmpty ? nil : $0 } ?? "kind"
    }

    func noArguments(_ f: CommandLineFlags, _ command: String) throws {
        if let extra = f.positional.first {
            throw CommandLineFlags.UsageError(message: "unknown command \"\(extra)\" for \"kind \(command)\"")
        }
    }

    // MARK: create

    func create(_ args: [String]) throws {
        let f = try CommandLineFlags(args, flags: [Self.nameFlag, Self.kubeconfigFlag,
            .init(long: "image", short: nil, takesValue: true), .init(long: "wait", short: nil, takesValue: true),
            .init(long: "config", short: nil, takesValue: true), .init(long: "retain", short: nil, takesValue: false)])
        if f.bool("help") { ToolOutput.out("Creates a local Kubernetes cluster\n\nUsage:\n  kind create cluster [flags]"); return }
        try noArguments(f, "create cluster")
        if let w = f.string("wait"), GoDuration.seconds(w) == nil {
            throw CommandLineFlags.UsageError(message: "invalid argument \"\(w)\" for \"--wait\" flag: time: invalid duration \"\(w)\"")
        }
        var name = clusterName(f)
        if let config = f.string("config") {
            let path = (config as NSString).expandingTildeInPath
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ToolError("failed to create cluster: error reading file: open \(config): no such file or directory")
            }
            if f.string("name") == nil, let n = KindConfig.name(text) { name = n }
        }
        var image = f.string("image") ?? "kindest/node:\(KubeClusterDefaults.kindVersion)"
        if image.contains("@") { image = String(image[..<image.firstIndex(of: "@")!]) }
        guard let tag = image.split(separator: ":").last.map(String.init), image.contains(":"),
              tag.range(of: #"^v?\d+\.\d+\.\d+"#, options: .regularExpression) != nil else {
            throw ToolError("failed to create cluster: the simulator's kind takes node images tagged with a Kubernetes version (kindest/node:v1.25.3), not \(image)")
        }
        let world = SimWorld(environment: environment)
        ToolOutput.err("Creating cluster \"\(name)\" ...")
        let r = try world.host("POST", HostPaths.clusters, body: .object(["name": .string(name), "kubernetesVersion": .string(tag)]))
        guard r.status == 201 else {
            ToolOutput.err(" ✗ Ensuring node image (\(image)) 🖼")
            throw ToolError("failed to create cluster: \(SimWorld.hostMessage(r))")
        }
        for step in ["Ensuring node image (\(image)) 🖼", "Preparing nodes 📦", "Writing configuration 📜", "Starting control-plane 🕹️",
                     "Installing CNI 🔌", "Installing StorageClass 💾"] {
            ToolOutput.err(" ✓ \(step)")
        }
        if let w = f.string("wait"), let s = GoDuration.seconds(w), s > 0 { ToolOutput.err(" ✓ Waiting ≤ \(w) for control-plane = Ready ⏳\n • Ready after 0s 💚") }
        try export(world, name: name, kubeconfigFlag: f.string("kubeconfig"), internalAddress: false)
        ToolOutput.err("You can now use your cluster with:\n\nkubectl cluster-info --context kind-\(name)\(f.has("kubeconfig") ? " --kubeconfig \(f.string("kubeconfig")!)" : "")\n\nHave a nice day! 👋")
    }

    /// Merges the cluster's kubeconfig into the user's file as `kind-<name>` and makes it current.
    func export(_ world: SimWorld, name: String, kubeconfigFlag: String?, internalAddress: Bool) throws {
        let text = try kubeconfigText(world, name: name, internalAddress: internalAddress)
        let path = KubeconfigFiles.path(flag: kubeconfigFlag, environment: environment)
        try KubeconfigFiles.merge(text, as: "kind-\(name)", into: path)
        ToolOutput.err("Set kubectl context to \"kind-\(name)\"")
    }

    func kubeconfigText(_ world: SimWorld, name: String, internalAddress: Bool) throws -> String {
        let r = try world.host("GET", HostPaths.cluster(name) + "/kubeconfig" + (internalAddress ? "?internal=true" : ""))
        guard r.status == 200 else {
            if r.status == 404 { throw ToolError("could not locate any control plane nodes for cluster named '\(name)'. Use the --name option to select a different cluster") }
            throw ToolError(SimWorld.hostMessage(r))
        }
        return String(decoding: r.body, as: UTF8.self)
    }

    // MARK: get

    func hostClusters(_ world: SimWorld) throws -> [String] {
        let r = try world.host("GET", HostPaths.clusters)
        guard r.status == 200, case .array(let items)? = (try? JSONValue.parse(r.body))?["items"] else {
            throw ToolError("failed to list clusters: \(SimWorld.hostMessage(r))")
        }
        return items.compactMap { $0["name"]?.stringValue }.sorted()
    }

    func getClusters(_ args: [String]) throws {
        let f = try CommandLineFlags(args, flags: [])
        if f.bool("help") { ToolOutput.out("Lists existing kind clusters by their name\n\nUsage:\n  kind get clusters [flags]"); return }
        try noArguments(f, "get clusters")
        let names = try hostClusters(SimWorld(environment: environment))
        if names.isEmpty { ToolOutput.err("No kind clusters found."); return }
        for n in names { ToolOutput.out(n) }
    }

    func getNodes(_ args: [String]) throws {
        let f = try CommandLineFlags(args, flags: [Self.nameFlag, .init(long: "all-clusters", short: "A", takesValue: false)])
        try noArguments(f, "get nodes")
        let names = try hostClusters(SimWorld(environment: environment))
        let wanted = f.bool("all-clusters") ? names : names.filter { $0 == clusterName(f) }
        if wanted.isEmpty { ToolOutput.err("No kind nodes found for cluster \"\(clusterName(f))\"."); return }
        for n in wanted { ToolOutput.out("\(n)-control-plane") }
    }

    func getKubeconfig(_ args: [String]) throws {
        let f = try CommandLineFlags(args, flags: [Self.nameFlag, .init(long: "internal", short: nil, takesValue: false)])
        if f.bool("help") { ToolOutput.out("Prints cluster kubeconfig\n\nUsage:\n  kind get kubeconfig [flags]"); return }
        try noArguments(f, "get kubeconfig")
        let name = clusterName(f)
        let text = try kubeconfigText(SimWorld(environment: environment), name: name, internalAddress: f.bool("internal"))
        ToolOutput.out(try KubeconfigFiles.renamedText(text, to: "kind-\(name)"))
    }

    func exportKubeconfig(_ args: [String]) throws {
        let f = try CommandLineFlags(args, flags: [Self.nameFlag, Self.kubeconfigFlag, .init(long: "internal", short: nil, takesValue: false)])
        try noArguments(f, "export kubeconfig")
        try export(SimWorld(environment: environment), name: clusterName(f), kubeconfigFlag: f.string("kubeconfig"), internalAddress: f.bool("internal"))
    }

    // MARK: delete

    func delete(_ args: [String]) throws {
        let f = try CommandLineFlags(args, flags: [Self.nameFlag, Self.kubeconfigFlag])
        if f.bool("help") { ToolOutput.out("Deletes a resource\n\nUsage:\n  kind delete cluster [flags]"); return }
        try noArguments(f, "delete cluster")
        let name = clusterName(f)
        ToolOutput.err("Deleting cluster \"\(name)\" ...")
        try deleteOne(SimWorld(environment: environment), name, kubeconfigFlag: f.string("kubeconfig"))
    }

    func deleteClusters(_ args: [String]) throws {
        let f = try CommandLineFlags(args, flags: [Self.kubeconfigFlag, .init(long: "all", short: "A", takesValue: false)])
        let world = SimWorld(environment: environment)
        let names = f.bool("all") ? try hostClusters(world) : f.positional
        for n in names { try deleteOne(world, n, kubeconfigFlag: f.string("kubeconfig")) }
        ToolOutput.err("Deleted clusters: \(names.map { "\"\($0)\"" })")
    }

    /// Deletes a cluster (none of that name is not an error, as with kind) and its kubeconfig entries.
    func deleteOne(_ world: SimWorld, _ name: String, kubeconfigFlag: String?) throws {
        let r = try world.host("DELETE", HostPaths.cluster(name))
        guard r.status == 204 || r.status == 200 || r.status == 404 else { throw ToolError("failed to delete cluster \"\(name)\": \(SimWorld.hostMessage(r))") }
        try KubeconfigFiles.remove("kind-\(name)", from: KubeconfigFiles.path(flag: kubeconfigFlag, environment: environment))
        if r.status != 404 { ToolOutput.err("Deleted nodes: [\"\(name)-control-plane\"]") }
    }
}

/// What the simulator's kind reads of a kind `Cluster` config file: its name.
enum KindConfig {
    static func name(_ text: String) -> String? {
        for line in text.split(separator: "\n") where line.hasPrefix("name:") {
            let v = line.dropFirst(5).trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            if !v.isEmpty { return v }
        }
        return nil
    }
}

/// Go's `time.ParseDuration` for the forms the tools take (`90s`, `5m`, `1h30m`, `0`).
enum GoDuration {
    static func seconds(_ s: String) -> Double? {
        if s == "0" { return 0 }
        var total = 0.0, number = "", i = s.startIndex
        guard !s.isEmpty else { return nil }
        while i < s.endIndex {
            let c = s[i]
            if c.isNumber || c == "." { number.append(c); i = s.index(after: i); continue }
            var unit = String(c)
            let next = s.index(after: i)
            if c == "m", next < s.endIndex, s[next] == "s" { unit = "ms" } else if (c == "u" || c == "µ" || c == "n"), next < s.endIndex, s[next] == "s" { unit = String(c) + "s" }
            guard let n = Double(number) else { return nil }
            let scale: [String: Double] = ["h": 3600, "m": 60, "s": 1, "ms": 0.001, "us": 1e-6, "µs": 1e-6, "ns": 1e-9]
            guard let k = scale[unit] else { return nil }
            total += n * k
            number = ""
            i = s.index(i, offsetBy: unit.count)
        }
        return number.isEmpty ? total : nil
    }
}
