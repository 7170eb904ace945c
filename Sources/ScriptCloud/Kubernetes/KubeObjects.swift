import Foundation
import CloudClient
import CloudWire
import Documents
import Provisioning
import VCDScript

/// How `kube.connect(...)` reaches clusters: the run's mutation gate (shared with `cloud`, so one
/// plan covers both), the wire log, retries, and, for tests or the embedded simulator, a transport
/// for a server URL (nil: libcurl with the kubeconfig's TLS settings).
public struct KubeWiring {
    public var gate: MutationGate?
    public var debugSink: ((String) -> Void)?
    public var retry: RetryPolicy? = RetryPolicy()
    public var transport: ((ResolvedKubeConfig) -> HTTPTransport?)?
    /// The environment `KUBECONFIG` and `HOME` are read from (the default kubeconfig).
    public var environment: [String: String] = ProcessInfo.processInfo.environment
    /// Seconds `delete` waits for an object to be gone.
    public var deleteTimeout: Double = 120
    /// kind and clusterctl for the `kind` namespace and the Cluster API types (nil: the real
    /// binaries, `ProcessClusterTooling`).
    public var clusters: ClusterTooling?
    /// Seconds between two reads while waiting (nil: the engine's default).
    public var pollInterval: Double?
    /// The clock the clusters' waits and retries pass on: the wall clock, or the embedded
    /// simulator's own clock (a wait then moves simulated time on instead of sleeping).
    public var clock: WaitClock = WallClock.shared
    public init(gate: MutationGate? = nil, debugSink: ((String) -> Void)? = nil, transport: ((ResolvedKubeConfig) -> HTTPTransport?)? = nil) {
        self.gate = gate
        self.debugSink = debugSink
        self.transport = transport
    }
}

/// The predeclared `kube`: `kube.connect(kubeconfig:, context:)`.
final class KubeNamespaceObject: NativeObject {
    let wiring: KubeWiring
    let gate: MutationGate
    init(wiring: KubeWiring, gate: MutationGate) {
        self.wiring = wiring
        self.gate = gate
        super.init(type: KubeTypes.namespaceObject)
    }
}

/// A Kubernetes object in a script: the object as last read (or, in plan mode, as it would be made).
final class KubeRef: NativeObject {
    let kube: KubeEngine
    var value: JSONValue
    let planned: Bool
    init(_ type: NativeType, kube: KubeEngine, value: JSONValue, planned: Bool = false) {
        self.kube = kube
        self.value = value
        self.planned = planned
        super.init(type: type)
    }
    var name: String { value["metadata"]?["name"]?.stringValue ?? "" }
    var namespace: String? { value["metadata"]?["namespace"]?.stringValue }
}

/// A connection to one cluster (one kubeconfig context); `withNamespace` makes views of it with
/// another default namespace.
final class KubeConnection: NativeObject {
    let kube: KubeEngine
    let namespace: String
    let kubeconfig: String
    init(kube: KubeEngine, namespace: String, kubeconfig: String) {
        self.kube = kube
        self.namespace = namespace
        self.kubeconfig = kubeconfig
        super.init(type: KubeTypes.connection)
    }
}

/// A collection of Kubernetes objects (in a namespace, or cluster-scoped).
final class KubeCollection: CloudCollection {
    var kube: KubeEngine!
    var namespace: String?
    /// Builds the same collection in another namespace.
    var inNamespace: ((String) -> Value)?
}

enum KubeObjectsBridge {
    // MARK: JSON → script values (the other way is `JSONText.toJSON`)

    /// A Kubernetes object (or part) as a script value, maps in the object's order.
    static func value(_ j: JSONValue?) -> Value {
        guard let j else { return .null }
        return JSONText.value(j)
    }

    /// A map argument of strings (numbers and bools as text; secrets revealed and registered).
    static func stringMap(_ a: Arguments, _ name: String) throws -> [String: String]? {
        switch a[name] {
        case .null: return nil
        case .map(let m):
            var out: [String: String] = [:]
            for kv in m.entries {
                guard case .string(let k) = kv.key else { throw ScriptError(.type, "\(a.function)(): the keys of \(name) must be strings") }
                switch kv.value {
                case .string(let s): out[k] = s
                case .int(let i): out[k] = String(i)
                case .float(let f): out[k] = String(f)
                case .bool(let b): out[k] = b ? "true" : "false"
                case .secret(let s):
                    SecretRedactor.shared.register(s.reveal())
                    out[k] = s.reveal()
                default: throw ScriptError(.type, "\(a.function)(): the value of \(k) in \(name) must be a string, number, bool or secret, not \(kv.value.typeName)")
                }
            }
            return out
        case let v: throw ScriptError(.type, "\(a.function)(): \(name) must be a map, e.g. {app: \"web\"}, not \(v.typeName)")
        }
    }

    // MARK: Display

    /// kubectl's AGE: `45s`, `12m`, `5h`, `3d`, on the cluster's clock (`now`: simulated time for
    /// the embedded simulator's clusters).
    static func age(_ o: JSONValue, now: Double = Date().timeIntervalSince1970) -> String {
        guard let ts = o["metadata"]?["creationTimestamp"]?.stringValue, let d = ISO8601DateFormatter().date(from: ts) else { return "<unknown>" }
        let s = max(0, Int(now - d.timeIntervalSince1970))
        if s < 120 { return "\(s)s" }
        if s < 2 * 3600 { return "\(s / 60)m" }
        if s < 2 * 86400 { return "\(s / 3600)h" }
        return "\(s / 86400)d"
    }

    /// The object as kubectl shows it (no managedFields); a Secret's values masked.
    static func shown(_ o: JSONValue) -> JSONValue {
        guard case .object(var m) = o else { return o }
        if case .object(var meta)? = m["metadata"] { meta.removeValue(forKey: "managedFields"); m["metadata"] = .object(meta) }
        if m["kind"]?.stringValue == "Secret" {
            for key in ["data", "stringData"] {
                if case .object(let d)? = m[key] { m[key] = .object(d.mapValues { _ in .string(SecretRef.masked) }) }
            }
        }
        return .object(m)
    }

    static func yaml(_ o: JSONValue) -> String {
        let text = (try? YAMLWriter.text(shown(o))) ?? ""
        return SecretRedactor.shared.redact(text)
    }

    static func jsonText(_ o: JSONValue) -> String {
        let e = JSONEncoder.vcd()
        e.outputFormatting.insert(.prettyPrinted)
        e.outputFormatting.insert(.sortedKeys)
        return SecretRedactor.shared.redact((try? e.encode(shown(o))).map { String(decoding: $0, as: UTF8.self) } ?? "")
    }

    // MARK: Collections

    static func wrap(_ type: NativeType, _ kube: KubeEngine) -> (JSONValue, Bool) -> Value {
        { j, planned in .object(KubeRef(type, kube: kube, value: j, planned: planned)) }
    }

    static func scope(_ ns: String?) -> String { ns.map { "namespace \($0)" } ?? "the cluster" }

    static func collection(_ type: NativeType, element: String, kube: KubeEngine, namespace: String?, objects: KubeObjects,
                           elementType: NativeType, ensure: ((Arguments) throws -> Value)?, delete: Bool,
                           rebuild: ((String) -> Value)?) -> Value {
        let w = wrap(elementType, kube)
        let c = KubeCollection(type: type, elementKind: element, scope: scope(objects.namespace),
            list: { try objects.list().map { w($0, false) } },
            find: { n in try objects.find(n).map { w($0, false) } },
            ensure: ensure,
            delete: delete ? { n in try objects.delete(n) } : nil)
        c.kube = kube
        c.namespace = namespace
        c.inNamespace = rebuild
        return .object(c)
    }

    static func namespaces(_ k: KubeEngine) -> Value {
        let kind = KubeNamespaces(kube: k)
        let w = wrap(KubeTypes.namespace, k)
        return collection(KubeTypes.namespaces, element: "namespace", kube: k, namespace: nil, objects: kind.objects, elementType: KubeTypes.namespace,
            ensure: { a in
                let r = try kind.ensure(name: try a.string(0), labels: try stringMap(a, "labels"))
                return w(r.value, r.planned)
            }, delete: true, rebuild: nil)
    }

    static func nodes(_ k: KubeEngine) -> Value {
        collection(KubeTypes.nodes, element: "node", kube: k, namespace: nil, objects: KubeNodes(kube: k).objects, elementType: KubeTypes.node,
                   ensure: nil, delete: false, rebuild: nil)
    }

    static func pods(_ k: KubeEngine, _ ns: String) -> Value {
        collection(KubeTypes.pods, element: "pod", kube: k, namespace: ns, objects: KubePods(kube: k, namespace: ns).objects, elementType: KubeTypes.pod,
                   ensure: nil, delete: true, rebuild: { pods(k, $0) })
    }

    static func deployments(_ k: KubeEngine, _ ns: String) -> Value {
        let kind = KubeDeployments(kube: k, namespace: ns)
        let w = wrap(KubeTypes.deployment, k)
        return collection(KubeTypes.deployments, element: "deployment", kube: k, namespace: ns, objects: kind.objects, elementType: KubeTypes.deployment,
            ensure: { a in
                let r = try kind.ensure(KubeDeploymentSpec(name: try a.string(0), namespace: try a.optString("namespace"), image: try a.optString("image"),
                                                           replicas: try a.optInt("replicas"), labels: try stringMap(a, "labels"), port: try a.optInt("port"),
                                                           env: try stringMap(a, "env")))
                return w(r.value, r.planned)
            }, delete: true, rebuild: { deployments(k, $0) })
    }

    static func targetPort(_ a: Arguments) throws -> JSONValue? {
        switch a["targetPort"] {
        case .null: return nil
        case .int(let i): return .int(i)
        case .string(let s): return Int(s).map(JSONValue.int) ?? .string(s)
        case let v: throw ScriptError(.type, "\(a.function)(): targetPort must be a port number or a named port, not \(v.typeName)")
        }
    }

    static func ensureService(_ k: KubeEngine, _ ns: String, _ spec: KubeServiceSpec) throws -> Value {
        let r = try KubeServices(kube: k, namespace: ns).ensure(spec)
        return wrap(KubeTypes.service, k)(r.value, r.planned)
    }

    /// Polls a LoadBalancer service until it has an address (or fails after `timeout` seconds).
    static func waitForAddress(_ r: KubeRef, timeout: Double, ctx: CallContext) throws -> Value {
        guard r.value["spec"]?["type"]?.stringValue == "LoadBalancer" else { return .object(r) }
        let label = "\(r.namespace.map { "\($0)/" } ?? "")\(r.name)"
        if r.planned {
            r.kube.gate.report("  (plan) would wait up to \(CAPIClusters.seconds(timeout)) for the address of service \(label)")
            return .object(r)
        }
        let clock = r.kube.clock
        let deadline = clock.now() + timeout
        let objects = KubeServices(kube: r.kube, namespace: r.namespace ?? r.kube.namespace).objects
        // Soon at first (the cloud provider often answers within a read or two), then every poll interval.
        var pauses = PollBackoff(first: r.kube.pollInterval / 5, maximum: r.kube.pollInterval)
        while KubeServices.externalIP(r.value) == "<pending>" {
            if clock.now() >= deadline {
                throw ScriptError(.host, "service \(label) has no load balancer address \(CAPIClusters.seconds(timeout)) after it was asked for",
                                  hint: "the cluster's cloud provider (CPI) assigns it: is it running? kubectl describe service \(r.name) shows its events",
                                  code: HostFailureKind.timeout.rawValue)
            }
            try ctx.checkInterrupt()
            // Ctrl-C ends the pause at once; the check below raises it as the script's interrupt.
            _ = try host(ctx) { clock.sleep(seconds: min(pauses.next(), max(0, deadline - clock.now())), interrupted: UserInterrupt.isPending) }
            try ctx.checkInterrupt()
            guard let fresh = try host(ctx, { try objects.find(r.name) }) else {
                throw ScriptError(.host, "service \(label) is gone while waiting for its address", code: HostFailureKind.notFound.rawValue)
            }
            r.value = fresh
        }
        return .object(r)
    }

    static func services(_ k: KubeEngine, _ ns: String) -> Value {
        let kind = KubeServices(kube: k, namespace: ns)
        return collection(KubeTypes.services, element: "service", kube: k, namespace: ns, objects: kind.objects, elementType: KubeTypes.service,
            ensure: { a in
                try ensureService(k, ns, KubeServiceSpec(name: try a.string(0), namespace: try a.optString("namespace"), type: try a.optString("type"),
                                                         selector: try stringMap(a, "selector"), port: try a.optInt("port"),
                                                         targetPort: try targetPort(a), protocol: try a.optString("protocol")))
            }, delete: true, rebuild: { services(k, $0) })
    }

    static func secrets(_ k: KubeEngine, _ ns: String) -> Value {
        let kind = KubeSecrets(kube: k, namespace: ns)
        let w = wrap(KubeTypes.secret, k)
        // list and find register what they read with the redactor.
        let objects = kind.objects
        let v = collection(KubeTypes.secrets, element: "secret", kube: k, namespace: ns, objects: objects, elementType: KubeTypes.secret,
            ensure: { a in
                // Left out, the keys there stay (a new secret is made empty).
                let data = try stringMap(a, "data") ?? [:]
                let r = try kind.ensure(name: try a.string(0), namespace: try a.optString("namespace"), data: data, type: try a.optString("type"))
                return w(r.value, r.planned)
            }, delete: true, rebuild: { secrets(k, $0) })
        if case .object(let o) = v, let c = o as? KubeCollection {
            return .object(KubeCollection.copy(c, list: { try kind.list().map { w($0, false) } }, find: { n in try kind.find(n).map { w($0, false) } }))
        }
        return v
    }

    static func configMaps(_ k: KubeEngine, _ ns: String) -> Value {
        let kind = KubeConfigMaps(kube: k, namespace: ns)
        let w = wrap(KubeTypes.configMap, k)
        return collection(KubeTypes.configMaps, element: "config map", kube: k, namespace: ns, objects: kind.objects, elementType: KubeTypes.configMap,
            ensure: { a in
                // Left out, the keys there stay (a new config map is made empty).
                let data = try stringMap(a, "data") ?? [:]
                let r = try kind.ensure(name: try a.string(0), namespace: try a.optString("namespace"), data: data)
                return w(r.value, r.planned)
            }, delete: true, rebuild: { configMaps(k, $0) })
    }

    // MARK: connect

    static func connect(_ a: Arguments, _ ctx: CallContext, wiring: KubeWiring, gate: MutationGate) throws -> Value {
        let path = try a.optString("kubeconfig") ?? KubeConfig.defaultPath(environment: wiring.environment)
        let contextName = try a.optString("context")
        let nsOverride = try a.optString("namespace")
        let k = try host(ctx) { () -> KubeEngine in
            let config = try KubeConfig.load(path: path)
            for s in config.secrets { SecretRedactor.shared.register(s) }
            let resolved = try config.resolve(context: contextName)
            var r = resolved
            if let nsOverride { r.namespace = nsOverride }
            return try engine(r, source: path, wiring: wiring, gate: gate)
        }
        return .object(KubeConnection(kube: k, namespace: k.namespace, kubeconfig: path))
    }

    /// A Kubernetes engine for a resolved kubeconfig context: the wiring's transport for its
    /// server (the cluster tooling's first: simulated clusters in-process), else libcurl.
    static func engine(_ r: ResolvedKubeConfig, source: String, wiring: KubeWiring, gate: MutationGate) throws -> KubeEngine {
        let base: HTTPTransport
        if let t = wiring.clusters?.transport(forServer: r.server) ?? wiring.transport?(r) {
            base = t
        } else {
            let scheme = URLComponents(string: r.server)?.scheme?.lowercased()
            guard scheme == "https" || scheme == "http" else {
                throw KubeConfigError("the server of cluster \(r.clusterName) in \(source) is not an http(s) URL: \(r.server)", hint: "e.g. server: https://10.0.0.10:6443")
            }
            var o = r.curlOptions()
            o.connectTimeout = 15
            base = CurlTransport(options: o)
        }
        let transport = TransportStack.wrap(base, retry: wiring.retry, debugSink: wiring.debugSink, clock: wiring.clock)
        let engine = KubeEngine(client: KubeClient(r, transport: transport), gate: gate)
        engine.clock = wiring.clock
        engine.deleteTimeout = wiring.deleteTimeout
        if let p = wiring.pollInterval { engine.pollInterval = p }
        return engine
    }

    /// `k.expose(deployment:, port:, targetPort:, type:)`: a Service selecting the deployment's pods.
    static func expose(_ c: KubeConnection, _ a: Arguments, _ ctx: CallContext) throws -> Value {
        let d: JSONValue
        var ns = try a.optString("namespace")
        switch a["deployment"] {
        case .object(let r as KubeRef) where r.value["kind"]?.stringValue == "Deployment" || r.nativeType === KubeTypes.deployment:
            d = r.value
            ns = ns ?? r.namespace
        case .string(let name):
            let nsName = ns ?? c.namespace
            d = try host(ctx) { try KubeDeployments(kube: c.kube, namespace: nsName).objects.require(name) }
        case let v:
            throw ScriptError(.type, "expose(): deployment must be a deployment (from deployments.ensure or get) or its name, not \(v.typeName)")
        }
        let dname = d["metadata"]?["name"]?.stringValue ?? ""
        let selector = KubeDeployments.selector(d)
        guard !selector.isEmpty else { throw ScriptError(.value, "expose(): deployment \(dname) has no selector labels to select its pods by") }
        guard let port = try a.optInt("port") else { throw ScriptError(.argument, "expose() is missing argument port") }
        var target = try targetPort(a)
        if target == nil, let c = KubeDeployments.container(d), case .array(let ports)? = c["ports"], let p = ports.first?["containerPort"] { target = p }
        let spec = KubeServiceSpec(name: try a.optString("name") ?? dname, namespace: nil, type: try a.optString("type") ?? "ClusterIP",
                                   selector: selector, port: port, targetPort: target ?? .int(port), protocol: try a.optString("protocol"))
        let nsName = ns ?? c.namespace
        return try host(ctx) { try ensureService(c.kube, nsName, spec) }
    }
}

extension KubeCollection {
    /// The same collection with other list/find closures.
    static func copy(_ c: KubeCollection, list: @escaping () throws -> [Value], find: @escaping (String) throws -> Value?) -> KubeCollection {
        let n = KubeCollection(type: c.nativeType, elementKind: c.elementKind, scope: c.scope, list: list, find: find, ensure: c.ensureItem, delete: c.deleteItem)
        n.kube = c.kube
        n.namespace = c.namespace
        n.inNamespace = c.inNamespace
        return n
    }
}
