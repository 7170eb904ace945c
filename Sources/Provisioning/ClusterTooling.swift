import Foundation
import CloudClient

/// A Kubernetes cluster as the Cluster API tooling knows it: a name (the kind cluster's, or the
/// workload cluster's) and the kubeconfig text that reaches it.
public struct ClusterAccess: Sendable {
    public var name: String
    public var kubeconfig: String
    public init(name: String, kubeconfig: String) {
        self.name = name
        self.kubeconfig = kubeconfig
    }
}

/// What the Cluster API script types need from outside the Kubernetes API: kind (local
/// management clusters) and clusterctl (providers, move). The real implementation runs the `kind`
/// and `clusterctl` binaries (`ProcessClusterTooling`); the executable gives the embedded
/// simulator's instead, and tests a recording fake.
public protocol ClusterTooling: AnyObject {
    /// `kind get clusters`.
    func kindClusters() throws -> [String]
    /// `kind create cluster --name NAME [--image kindest/node:VERSION]`.
    func kindCreate(name: String, kubernetes: String?) throws
    /// `kind delete cluster --name NAME`.
    func kindDelete(name: String) throws
    /// `kind get kubeconfig --name NAME`: the kubeconfig text (it holds credentials).
    func kindKubeconfig(name: String) throws -> String
    /// `clusterctl init --core CORE --bootstrap B --control-plane CP`; one line per component.
    func clusterctlInit(_ cluster: ClusterAccess, core: String, bootstrap: String, controlPlane: String) throws -> [String]
    /// `clusterctl init --infrastructure PROVIDER:VERSION` (CAPVCD: provider "vcd").
    func installInfrastructure(_ cluster: ClusterAccess, provider: String, version: String) throws -> [String]
    /// `clusterctl move --to-kubeconfig … -n NAMESPACE`; one line per object moved.
    func move(from: ClusterAccess, to: ClusterAccess, namespace: String) throws -> [String]
    /// A transport that reaches the API server `server` (a kubeconfig's) without the network, e.g.
    /// a simulated cluster in-process; nil: the usual libcurl transport.
    func transport(forServer server: String) -> HTTPTransport?
}

public extension ClusterTooling {
    func transport(forServer server: String) -> HTTPTransport? { nil }
}

/// Runs the real `kind` and `clusterctl` binaries (Foundation's Process). A kubeconfig goes to
/// them in a 0600 temporary file that is removed afterwards.
public final class ProcessClusterTooling: ClusterTooling {
    public var environment: [String: String]
    /// Receives the tools' output lines as they come (progress).
    public var progress: ((String) -> Void)?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    static let installHints = [
        "kind": "install kind (https://kind.sigs.k8s.io/docs/user/quick-start/#installation), e.g. go install sigs.k8s.io/kind@latest, and put it on PATH",
        "clusterctl": "install clusterctl (https://cluster-api.sigs.k8s.io/user/quick-start#install-clusterctl) and put it on PATH",
    ]

    /// The path of `tool` on PATH, or an error with an install hint.
    public func locate(_ tool: String) throws -> String {
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw EngineError("\(tool) is not installed (not found on PATH)", hint: Self.installHints[tool] ?? "install \(tool) and put it on PATH")
    }

    /// Runs `tool args`; its standard output as lines (with `withProgress`, also the lines of its
    /// standard error that say what it installed or moved), or an error with its standard error.
    @discardableResult
    func run(_ tool: String, _ args: [String], withProgress: Bool = false, extraEnvironment: [String: String] = [:]) throws -> [String] {
        let exe = try locate(tool)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        p.environment = environment.merging(extraEnvironment) { _, new in new }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        final class Box: @unchecked Sendable { var data = Data() }
        let errBox = Box()
        let group = DispatchGroup()
        group.enter()
        let progress = self.progress
        // Standard error as it comes (kind and clusterctl report there), line by line to `progress`.
        DispatchQueue.global().async {
            let h = err.fileHandleForReading
            var pending = Data()
            while true {
                let chunk = h.availableData
                if chunk.isEmpty { break }
                errBox.data.append(chunk)
                pending.append(chunk)
                while let nl = pending.firstIndex(of: 0x0A) {
                    let line = String(decoding: pending[pending.startIndex..<nl], as: UTF8.self)
                    pending.removeSubrange(pending.startIndex...nl)
                    if !line.isEmpty { progress?(SecretRedactor.shared.redact(line)) }
                }
            }
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        let errData = errBox.data
        p.waitUntilExit()
        let lines = String(decoding: outData, as: UTF8.self).split(separator: "\n").map(String.init)
        let errLines = String(decoding: errData, as: UTF8.self).split(separator: "\n").map(String.init)
        guard p.terminationStatus == 0 else {
            let detail = SecretRedactor.shared.redact(errLines.suffix(5).joined(separator: "\n"))
            throw EngineError("\(tool) \(args.joined(separator: " ")) failed (exit \(p.terminationStatus))\(detail.isEmpty ? "" : ": \(detail)")",
                              hint: "run the same command by hand to see all its output")
        }
        return withProgress ? lines + errLines.filter { $0.contains("Installing") || $0.contains("Moving") } : lines
    }

    /// Writes `kubeconfig` to a temporary file that only the user can read (created 0600, never
    /// wider) for the duration of `body`, and removes it afterwards.
    public func withKubeconfigFile<T>(_ kubeconfig: String, _ body: (String) throws -> T) throws -> T {
        let dir = environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? NSTemporaryDirectory()
        let path = (dir as NSString).appendingPathComponent("vcdscript-kubeconfig-" + UUID().uuidString)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw EngineError("cannot write a temporary kubeconfig at \(path)", hint: "check TMPDIR") }
        defer { try? FileManager.default.removeItem(atPath: path) }
        let h = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        try h.write(contentsOf: Data(kubeconfig.utf8))
        try h.close()
        return try body(path)
    }

    public func kindClusters() throws -> [String] {
        try run("kind", ["get", "clusters"]).filter { !$0.isEmpty && !$0.hasPrefix("No kind clusters") }
    }

    public func kindCreate(name: String, kubernetes: String?) throws {
        var args = ["create", "cluster", "--name", name]
        if let k = kubernetes { args += ["--image", "kindest/node:" + (k.hasPrefix("v") ? k : "v" + k)] }
        try run("kind", args)
    }

    public func kindDelete(name: String) throws { try run("kind", ["delete", "cluster", "--name", name]) }

    public func kindKubeconfig(name: String) throws -> String {
        let text = try run("kind", ["get", "kubeconfig", "--name", name]).joined(separator: "\n") + "\n"
        return text
    }

    public func clusterctlInit(_ cluster: ClusterAccess, core: String, bootstrap: String, controlPlane: String) throws -> [String] {
        try withKubeconfigFile(cluster.kubeconfig) { f in
            try run("clusterctl", ["init", "--kubeconfig", f, "--core", core, "--bootstrap", bootstrap, "--control-plane", controlPlane, "--wait-providers"], withProgress: true)
        }
    }

    public func installInfrastructure(_ cluster: ClusterAccess, provider: String, version: String) throws -> [String] {
        try withKubeconfigFile(cluster.kubeconfig) { f in
            // CAPVCD's components need ClusterResourceSets (the CPI, CSI and CNI of its clusters).
            try run("clusterctl", ["init", "--kubeconfig", f, "--infrastructure", "\(provider):\(version)", "--wait-providers"], withProgress: true,
                    extraEnvironment: ["EXP_CLUSTER_RESOURCE_SET": "true"])
        }
    }

    public func move(from: ClusterAccess, to: ClusterAccess, namespace: String) throws -> [String] {
        try withKubeconfigFile(from.kubeconfig) { f in
            try withKubeconfigFile(to.kubeconfig) { t in
                try run("clusterctl", ["move", "--kubeconfig", f, "--to-kubeconfig", t, "--namespace", namespace], withProgress: true)
            }
        }
    }
}
