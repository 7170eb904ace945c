import Foundation
import CloudClient
import CloudWire
import Provisioning
import VCDScript

/// What the Cluster API objects of one run share: the Kubernetes wiring and gate, the tooling
/// (kind, clusterctl), the cloud (default site and credentials) and what `capvcd.install` was given.
final class ClusterEnv {
    let wiring: KubeWiring
    let gate: MutationGate
    let tooling: ClusterTooling
    let cloud: CloudObject?
    /// `capvcd.install(site:, org:, ...)`: the defaults of `clusters.ensure`.
    var defaults = CAPVCDDefaults()

    init(wiring: KubeWiring, gate: MutationGate, tooling: ClusterTooling, cloud: CloudObject?) {
        self.wiring = wiring
        self.gate = gate
        self.tooling = tooling
        self.cloud = cloud
    }
}

/// The settings `capvcd.install` remembers for the clusters made afterwards.
struct CAPVCDDefaults {
    var site: String?
    var org: String?
    var vdc: String?
    var network: String?
    var vipSubnet: String?
    var credentials: VCDCredentials?
    var version: String?
    var core: String?
    var bootstrap: String?
    var controlPlane: String?
}

/// `cloud.credentials`: the session's login (user and password, or API token) as a value that
/// never prints its secret; CAPVCD's capi-user-credentials secret is made from it.
final class CredentialsObject: NativeObject {
    let credentials: VCDCredentials
    init(_ c: VCDCredentials) {
        credentials = c
        super.init(type: ClusterTypes.credentials)
    }
    var user: String? {
        if case .password(let u, _) = credentials.method { return u }
        return nil
    }
}

/// The predeclared `kind`: kind clusters (Kubernetes in Docker) as Cluster API management clusters.
final class KindNamespaceObject: NativeObject {
    let env: ClusterEnv
    init(env: ClusterEnv) {
        self.env = env
        super.init(type: ClusterTypes.kindNamespace)
    }
}

/// A cluster the Cluster API tooling works on: a kind cluster, or a workload cluster (which, after
/// `pivot`, manages itself). Its Kubernetes engine is made on first use from its kubeconfig.
class ManagedCluster: NativeObject {
    let name: String
    let env: ClusterEnv
    /// Plan mode, and the cluster does not exist yet: reads answer nothing, writes are recorded.
    var planned: Bool
    private var engineMade: KubeEngine?
    private let lock = NSLock()

    init(type: NativeType, name: String, env: ClusterEnv, planned: Bool) {
        self.name = name
        self.env = env
        self.planned = planned
        super.init(type: type)
    }

    /// `kind cluster capvcd`, `cluster capi-cluster`.
    var label: String { name }

    /// The kubeconfig that reaches the cluster. Each kind of cluster says where it comes from (kind,
    /// a file, the management cluster's `<name>-kubeconfig` secret); a cluster that cannot say is
    /// an error for the script, never a crash.
    func kubeconfigText() throws -> String {
        throw EngineError("\(label) has no kubeconfig source", hint: "this is a bug in vcdscript: please report it with the script that reached it")
    }

    /// The Kubernetes engine; a planned cluster's answers 404 to everything (nothing is sent in plan mode).
    func engine() throws -> KubeEngine {
        lock.lock(); defer { lock.unlock() }
        if let engineMade { return engineMade }
        let e: KubeEngine
        if planned {
            e = try ClusterBridge.plannedEngine(gate: env.gate)
        } else {
            let text = try kubeconfigText()
            let config = try KubeConfig.parse(text, source: "the kubeconfig of \(label)")
            for s in config.secrets { SecretRedactor.shared.register(s) }
            e = try KubeObjectsBridge.engine(try config.resolve(), source: "the kubeconfig of \(label)", wiring: env.wiring, gate: env.gate)
        }
        engineMade = e
        return e
    }

    func access() throws -> ClusterAccess { ClusterAccess(name: name, kubeconfig: planned ? "" : try kubeconfigText()) }

    /// The namespace its workload clusters are in by default.
    var clustersNamespace: String { "default" }
}

/// A kind cluster.
final class KindCluster: ManagedCluster {
    init(name: String, env: ClusterEnv, planned: Bool) {
        super.init(type: ClusterTypes.kindCluster, name: name, env: env, planned: planned)
    }
    override var label: String { "kind cluster \(name)" }
    override func kubeconfigText() throws -> String {
        let text = try env.tooling.kindKubeconfig(name: name)
        SecretRedactor.shared.register(text)
        return text
    }
}

/// A cluster reached only through a kubeconfig file: used to find a self-managed workload cluster.
final class KubeconfigFileCluster: ManagedCluster {
    let text: String
    init(name: String, text: String, env: ClusterEnv) {
        self.text = text
        super.init(type: ClusterTypes.kindCluster, name: name, env: env, planned: false)
    }
    override var label: String { "cluster \(name)" }
    override func kubeconfigText() throws -> String { text }
}

extension ClusterBridge {
    /// `kind.selfManaged(name, kubeconfig:)`: the workload cluster `name` whose Cluster object is in
    /// the cluster the kubeconfig file reaches (after a pivot); nil when the file is missing or the
    /// Cluster object is not there. Reads only.
    static func selfManaged(_ env: ClusterEnv, name: String, kubeconfig path: String, namespace: String) throws -> Value {
        let file = (path as NSString).expandingTildeInPath
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return .null }
        SecretRedactor.shared.register(text)
        let reach = KubeconfigFileCluster(name: name, text: text, env: env)
        guard let value = try CAPIClusters(kube: try reach.engine(), namespace: namespace).find(name) else { return .null }
        let w = WorkloadCluster(name: name, namespace: namespace, management: reach, value: value, planned: false)
        w.kubeconfigCache = text
        w.management = w
        return .object(w)
    }

    /// The reverse of pivot: clusterctl move of the namespace's Cluster API objects from `w` to `to`.
    /// `clusterctl move` of the cluster's namespace from one management cluster to another, through
    /// the mutation gate, with clusterctl's lines reported under the change.
    static func move(_ w: WorkloadCluster, from: ManagedCluster, to: ManagedCluster) throws {
        let fromAccess = try from.access(), toAccess = try to.access()
        let lines = try w.env.gate.mutate(Change(.create, kind: "Cluster API objects", name: "of namespace \(w.namespace) moved from \(from.label) to \(to.label)")) {
            try w.env.tooling.move(from: fromAccess, to: toAccess, namespace: w.namespace)
        }
        for l in lines ?? [] { w.env.gate.report("  " + l) }
    }

    static func unpivot(_ w: WorkloadCluster, to: ManagedCluster, _ ctx: CallContext) throws -> Value {
        try host(ctx) {
            if w.planned || to.planned {
                _ = try w.env.gate.mutate(Change(.create, kind: "Cluster API objects", name: "of namespace \(w.namespace) moved from \(w.label) to \(to.label)")) { [String]() }
            } else if try CAPIClusters(kube: try to.engine(), namespace: w.namespace).find(w.name) != nil,
                      try w.management === to || CAPIClusters(kube: try w.engine(), namespace: w.namespace).find(w.name) == nil {
                w.env.gate.unchanged(kind: "Cluster API objects", name: "of namespace \(w.namespace) on \(to.label)")
            } else {
                try move(w, from: w, to: to)
            }
        }
        w.management = to
        return .object(w)
    }
}

/// A Cluster API workload cluster (a Cluster object of a management cluster).
final class WorkloadCluster: ManagedCluster {
    /// The cluster whose Cluster API objects describe it (itself after `pivot`).
    var management: ManagedCluster
    let namespace: String
    var value: JSONValue

    init(name: String, namespace: String, management: ManagedCluster, value: JSONValue, planned: Bool) {
        self.management = management
        self.namespace = namespace
        self.value = value
        super.init(type: ClusterTypes.capiCluster, name: name, env: management.env, planned: planned)
    }
    override var label: String { "cluster \(name)" }
    override var clustersNamespace: String { namespace }

    var capi: CAPIClusters { get throws { CAPIClusters(kube: try management.engine(), namespace: namespace) } }

    var kubeconfigCache: String?

    override func kubeconfigText() throws -> String {
        if let kubeconfigCache { return kubeconfigCache }
        guard let text = try capi.kubeconfig(name) else {
            throw EngineError("cluster \(namespace)/\(name) has no kubeconfig yet (phase \(CAPIClusters.phase(value)); secret \(name)-kubeconfig is missing)",
                              hint: "wait for it first: waitFor(\"Provisioned\", timeout: 30m)")
        }
        kubeconfigCache = text
        return text
    }

    /// Reads the Cluster again.
    func refresh() throws {
        if planned { return }
        if let v = try capi.find(name) { value = v }
    }
}

/// Collections and operations behind the Cluster API script types.
enum ClusterBridge {
    static let plannedKubeconfig = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: planned
          cluster:
            server: https://planned.invalid
        contexts:
        - name: planned
          context:
            cluster: planned
            user: planned
        current-context: planned
        users:
        - name: planned
          user:
            token: planned

        """

    /// An engine that sends nothing: every request is answered 404 (a cluster still to be made).
    static func plannedEngine(gate: MutationGate) throws -> KubeEngine {
        let r = try KubeConfig.parse(plannedKubeconfig, source: "planned").resolve()
        let t = InProcessTransport { req in
            HTTPResponseMessage(status: 404, headers: ["Content-Type": "application/json"],
                                body: Data(#"{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404,"message":"not created yet (plan)"}"#.utf8))
        }
        return KubeEngine(client: KubeClient(r, transport: t), gate: gate)
    }

    // MARK: kind clusters

    static func kindClusters(_ env: ClusterEnv) -> Value {
        let c = CloudCollection(type: ClusterTypes.kindClusters, elementKind: "kind cluster", scope: "kind",
            list: { try env.tooling.kindClusters().map { .object(KindCluster(name: $0, env: env, planned: false)) } },
            find: { n in try env.tooling.kindClusters().contains(n) ? .object(KindCluster(name: n, env: env, planned: false)) : nil },
            ensure: { a in
                let name = try a.string(0)
                let version = try a.optString("kubernetes")
                if try env.tooling.kindClusters().contains(name) {
                    env.gate.unchanged(kind: "kind cluster", name: name)
                    return .object(KindCluster(name: name, env: env, planned: false))
                }
                let made: Bool? = try env.gate.mutate(Change(.create, kind: "kind cluster", name: name)) {
                    try env.tooling.kindCreate(name: name, kubernetes: version)
                    return true
                }
                return .object(KindCluster(name: name, env: env, planned: made == nil))
            },
            delete: { n in
                let plannedHere = env.gate.isPlan && env.gate.changes.contains { $0.action == .create && $0.kind == "kind cluster" && $0.name == n }
                let exists = try env.tooling.kindClusters().contains(n)
                guard plannedHere || exists else { return false }
                try env.gate.mutate(Change(.delete, kind: "kind cluster", name: n)) { try env.tooling.kindDelete(name: n) }
                return true
            })
        c.emptyHint = { n in "there are no kind clusters; create one with kind.clusters.ensure(name: \"\(n)\")" }
        return .object(c)
    }

    // MARK: providers

    static func crdExists(_ k: KubeEngine, _ name: String) throws -> Bool {
        let r = KubeResource(group: "apiextensions.k8s.io", version: "v1", plural: "customresourcedefinitions", kind: "CustomResourceDefinition", namespaced: false)
        return try k.objects(r, namespace: nil).find(name) != nil
    }

    /// `clusterctl init` (core, kubeadm bootstrap and control plane); `=` when Cluster API is there.
    static func clusterctlInit(_ m: ManagedCluster, core: String, bootstrap: String, controlPlane: String) throws -> [String] {
        env(m).defaults.core = core
        env(m).defaults.bootstrap = bootstrap
        env(m).defaults.controlPlane = controlPlane
        let what = "\(core), bootstrap \(bootstrap), control plane \(controlPlane)"
        if !m.planned, try crdExists(try m.engine(), "clusters.cluster.x-k8s.io") {
            m.env.gate.unchanged(kind: "Cluster API providers", name: "on \(m.label)")
            return []
        }
        let access = try m.access()
        let lines = try m.env.gate.mutate(Change(.create, kind: "Cluster API providers", name: "on \(m.label) (\(what))")) {
            try m.env.tooling.clusterctlInit(access, core: core, bootstrap: bootstrap, controlPlane: controlPlane)
        }
        for l in lines ?? [] { m.env.gate.report("  " + l) }
        return lines ?? []
    }

    static func env(_ m: ManagedCluster) -> ClusterEnv { m.env }

    /// CAPVCD (`clusterctl init --infrastructure vcd:VERSION`); `=` when it is there.
    static func capvcdInstall(_ m: ManagedCluster, version: String) throws -> [String] {
        m.env.defaults.version = version
        if !m.planned {
            let k = try m.engine()
            guard try crdExists(k, "clusters.cluster.x-k8s.io") || m.env.gate.changes.contains(where: { $0.kind == "Cluster API providers" && $0.name.hasPrefix("on \(m.label)") }) else {
                throw EngineError("Cluster API is not installed on \(m.label)", hint: "run \(m.name == "" ? "" : "its ")clusterctl.init(core:, bootstrap:, controlPlane:) first")
            }
            if try crdExists(k, "vcdclusters.infrastructure.cluster.x-k8s.io") {
                m.env.gate.unchanged(kind: "CAPVCD provider", name: "on \(m.label)")
                return []
            }
        }
        let access = try m.access()
        let lines = try m.env.gate.mutate(Change(.create, kind: "CAPVCD provider", name: "on \(m.label) (vcd:\(version))")) {
            try m.env.tooling.installInfrastructure(access, provider: "vcd", version: version)
        }
        for l in lines ?? [] { m.env.gate.report("  " + l) }
        return lines ?? []
    }

    // MARK: workload clusters

    static func capiClusters(_ m: ManagedCluster, namespace ns: String) -> Value {
        func wrap(_ v: JSONValue, planned: Bool) -> Value {
            .object(WorkloadCluster(name: v["metadata"]?["name"]?.stringValue ?? "", namespace: ns, management: m, value: v, planned: planned))
        }
        let c = CAPIClusterCollection(type: ClusterTypes.capiClusters, elementKind: "Cluster API cluster", scope: "namespace \(ns) of \(m.label)",
            list: { try CAPIClusters(kube: try m.engine(), namespace: ns).list().map { wrap($0, planned: false) } },
            find: { n in try CAPIClusters(kube: try m.engine(), namespace: ns).find(n).map { wrap($0, planned: false) } },
            ensure: nil,
            delete: { n in try CAPIClusters(kube: try m.engine(), namespace: ns).delete(n) })
        c.managed = m
        c.namespace = ns
        return .object(c)
    }

    /// A name from a string or a VCD object (its `name`).
    static func name(_ v: Value, _ what: String, _ fn: String, _ ctx: CallContext) throws -> String? {
        switch v {
        case .null: return nil
        case .string(let s): return s
        case .object(let o) where UnknownValue.isUnknown(.object(o)): return knownAfterApply
        case .object:
            if let n = CloudCollection.name(of: v, ctx: ctx) { return n }
            throw ScriptError(.type, "\(fn)(): \(what) must be a name or an object with a name, not \(v.typeName)")
        default: throw ScriptError(.type, "\(fn)(): \(what) must be a name or an object with a name, not \(v.typeName)")
        }
    }

    static func property(_ v: Value, _ name: String, _ ctx: CallContext) -> String? {
        guard case .object(let o) = v, let p = o.nativeType.properties[name], let x = try? p.get(o, ctx), case .string(let s) = x else { return nil }
        return s
    }

    static func credentials(_ v: Value, _ fn: String) throws -> VCDCredentials? {
        switch v {
        case .null: return nil
        case .object(let c as CredentialsObject): return c.credentials
        case .secret(let s):
            SecretRedactor.shared.register(s.reveal())
            return VCDCredentials(org: "", method: .apiToken(s.reveal()))
        default: throw ScriptError(.type, "\(fn)(): credentials must be cloud.credentials or secret(refresh token), not \(v.typeName)")
        }
    }

    /// The VCD settings of `capvcd.install` (explicit arguments over the cloud's defaults).
    static func settings(_ a: Arguments, _ ctx: CallContext, _ env: ClusterEnv, fn: String) throws -> CAPVCDDefaults {
        var d = env.defaults
        if let s = try a.optString("site") { d.site = s }
        if let s = try name(a["org"], "org", fn, ctx) { d.org = s }
        if let s = try name(a["vdc"], "vdc", fn, ctx) { d.vdc = s }
        if let s = try name(a["network"], "network", fn, ctx) { d.network = s }
        if let s = try a.optString("vipSubnet") { d.vipSubnet = s }
        if let c = try credentials(a["credentials"], fn) { d.credentials = c }
        return d
    }

    /// The cloud's site URL and login, when the script did not name them.
    static func fillFromCloud(_ d: inout CAPVCDDefaults, _ env: ClusterEnv, _ ctx: CallContext) throws {
        guard d.site == nil || d.credentials == nil, let cloud = env.cloud else { return }
        let e = try host(ctx) { try cloud.engine() }
        if d.site == nil { d.site = e.tenant.baseURL }
        if d.credentials == nil { d.credentials = e.tenant.credentials }
        if d.org == nil, e.tenant.credentials.org != "System" { d.org = e.tenant.credentials.org }
    }

    static func ensureCluster(_ m: ManagedCluster, _ a: Arguments, _ ctx: CallContext) throws -> Value {
        let fn = "ensure"
        let clusterName = try a.string(0)
        var d = try settings(a, ctx, m.env, fn: fn)
        let ns = try a.optString("namespace") ?? m.clustersNamespace
        // An existing cluster keeps what is not given; defaults apply only when it is created.
        let live = m.planned ? nil : try host(ctx) { try CAPIClusters(kube: try m.engine(), namespace: ns).live(clusterName) }
        if let live {
            d.site = d.site ?? live.site
            d.org = d.org ?? live.org
            d.vdc = d.vdc ?? live.vdc
            d.network = d.network ?? live.network
            d.vipSubnet = d.vipSubnet ?? live.vipSubnet
        }
        try fillFromCloud(&d, m.env, ctx)
        // The template: an object (catalog and name) or a name (catalog: argument).
        let tv = a["template"]
        guard let template = try name(tv, "template", fn, ctx) ?? live?.template else {
            throw ScriptError(.argument, "ensure() is missing argument template (a template object, or its name with catalog:)", hint: "a new cluster needs its node template")
        }
        guard let catalog = try a.optString("catalog") ?? property(tv, "catalog", ctx) ?? live?.catalog else {
            throw ScriptError(.argument, "ensure(): the catalog of template \(template) is not known", hint: "pass the template object (catalog.templates.get(...)) or catalog: \"NAME\"")
        }
        var kubernetes = try a.optString("kubernetes")
        if kubernetes == nil, !a.has("template") || live?.template == template { kubernetes = live?.kubernetes }
        if kubernetes == nil { kubernetes = property(tv, "kubernetesVersion", ctx) }
        guard let kubernetes else {
            throw ScriptError(.argument, "ensure(): the Kubernetes version is not known", hint: "pass kubernetes: \"v1.22.5+vmware.1\" (the template's TKGm version)")
        }
        func need(_ v: String?, _ what: String) throws -> String {
            guard let v else { throw ScriptError(.argument, "ensure(): \(what) is not known", hint: "pass \(what): to ensure(), or to capvcd.install(...) before") }
            return v
        }
        guard let creds = d.credentials else {
            throw ScriptError(.argument, "ensure(): no VCD credentials for CAPVCD", hint: "pass credentials: cloud.credentials (here or to capvcd.install)")
        }
        var spec = CAPIClusterSpec(name: clusterName, site: try need(d.site, "site"), org: try need(d.org, "org"), vdc: try need(d.vdc, "vdc"),
                                   network: try need(d.network, "network"), catalog: catalog, template: template, kubernetes: kubernetes,
                                   credentials: creds.method, credentialsOrg: creds.org.isEmpty ? (d.org ?? "") : creds.org)
        spec.namespace = ns
        spec.vipSubnet = d.vipSubnet
        if let n = try a.optInt("controlPlane") ?? live?.controlPlane { spec.controlPlane = n }
        if let n = try a.optInt("workers") ?? live?.workers { spec.workers = n }
        switch a["sshKey"] {
        case .null: spec.sshKey = live?.sshKey
        case .string(let s): spec.sshKey = s
        case .secret(let s): spec.sshKey = s.reveal()
        case let v: throw ScriptError(.type, "ensure(): sshKey must be a public key string, not \(v.typeName)")
        }
        spec.sizingPolicy = try name(a["sizingPolicy"], "sizingPolicy", fn, ctx) ?? live?.sizingPolicy.flatMap { $0.isEmpty ? nil : $0 }
        spec.placementPolicy = try name(a["placementPolicy"], "placementPolicy", fn, ctx) ?? live?.placementPolicy.flatMap { $0.isEmpty ? nil : $0 }
        spec.storageProfile = try a.optString("storageProfile") ?? live?.storageProfile.flatMap { $0.isEmpty ? nil : $0 }
        if let s = try a.optString("diskSize") ?? live?.diskSize { spec.diskSize = s }
        if let s = try a.optString("podCIDR") ?? live?.podCIDR { spec.podCIDR = s }
        if let s = try a.optString("serviceCIDR") ?? live?.serviceCIDR { spec.serviceCIDR = s }
        if let s = try a.optString("controlPlaneEndpoint") { spec.controlPlaneHost = s.split(separator: ":").first.map(String.init) }
        if case .password(_, let p) = creds.method { SecretRedactor.shared.register(p) }
        if case .apiToken(let t) = creds.method { SecretRedactor.shared.register(t) }
        let finalSpec = spec
        let r = try host(ctx) { try CAPIClusters(kube: try m.engine(), namespace: ns).ensure(finalSpec) }
        return .object(WorkloadCluster(name: clusterName, namespace: ns, management: m, value: r.value, planned: r.planned || m.planned))
    }

    /// Deletes a Cluster and waits up to `timeout` for its controllers to remove it.
    static func deleteCluster(_ m: ManagedCluster, namespace: String, name: String, timeout: Double) throws -> Bool {
        let k = try m.engine()
        let slow = KubeEngine(client: k.client, gate: k.gate)
        slow.clock = k.clock
        slow.deleteTimeout = timeout
        slow.pollInterval = max(k.pollInterval, timeout > 60 ? 2 : k.pollInterval)
        return try CAPIClusters(kube: slow, namespace: namespace).delete(name)
    }

    static func timeout(_ a: Arguments, _ name: String, default d: Double) throws -> Double {
        switch a[name] {
        case .null: return d
        case .duration(let n): return Double(n) / 1e9
        case .int(let i): return Double(i)
        case .float(let f): return f
        case .string(let s): return Double(try Arguments.durationText(s, function: a.function, label: "argument \(name)")) / 1e9
        case let v: throw ScriptError(.type, "\(a.function)(): \(name) must be a duration such as 30m, not \(v.typeName)")
        }
    }

    static func waitFor(_ w: WorkloadCluster, phase: String, timeout: Double, ctx: CallContext) throws -> Value {
        if w.planned {
            w.env.gate.report("  (plan) would wait up to \(CAPIClusters.seconds(timeout)) for cluster \(w.namespace)/\(w.name) to be \(phase)")
            return .object(w)
        }
        let report = w.env.gate.report
        let v = try host(ctx) { try w.capi.waitFor(w.name, phase: phase, timeout: timeout, checkpoint: { try ctx.checkInterrupt() }, progress: report) }
        w.value = v
        return .object(w)
    }

    /// `clusterctl init` + CAPVCD on the workload cluster, then `clusterctl move` of the namespace
    /// from `from` to it; `=` when its Cluster object is already there.
    static func pivot(_ w: WorkloadCluster, from: ManagedCluster, _ a: Arguments, _ ctx: CallContext) throws -> Value {
        let d = w.env.defaults
        let core = try a.optString("core") ?? d.core ?? "cluster-api:v1.4.0"
        let bootstrap = try a.optString("bootstrap") ?? d.bootstrap ?? "kubeadm:v1.4.0"
        let cp = try a.optString("controlPlane") ?? d.controlPlane ?? "kubeadm:v1.4.0"
        let version = try a.optString("version") ?? d.version ?? "v1.3.2"
        try host(ctx) {
            if !w.planned { _ = try w.kubeconfigText() }
            _ = try clusterctlInit(w, core: core, bootstrap: bootstrap, controlPlane: cp)
            _ = try capvcdInstall(w, version: version)
            if !w.planned, try CAPIClusters(kube: try w.engine(), namespace: w.namespace).find(w.name) != nil,
               try CAPIClusters(kube: try from.engine(), namespace: w.namespace).find(w.name) == nil {
                w.env.gate.unchanged(kind: "Cluster API objects", name: "of namespace \(w.namespace) on \(w.label)")
            } else {
                try move(w, from: from, to: w)
            }
        }
        w.management = w
        return .object(w)
    }
}

/// The workload clusters of one management cluster (its `clusters`).
final class CAPIClusterCollection: CloudCollection {
    var managed: ManagedCluster?
    var namespace = "default"
}
