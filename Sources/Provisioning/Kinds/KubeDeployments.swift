import Foundation
import CloudWire

/// A Deployment as a runbook states it: one container (named like the deployment).
public struct KubeDeploymentSpec {
    public var name: String
    public var namespace: String?
    public var image: String?
    public var replicas: Int?
    /// Pod labels (and the selector, at creation); default `app: <name>`.
    public var labels: [String: String]?
    /// The container's port.
    public var port: Int?
    public var env: [String: String]?
    public init(name: String, namespace: String? = nil, image: String? = nil, replicas: Int? = nil, labels: [String: String]? = nil,
                port: Int? = nil, env: [String: String]? = nil) {
        self.name = name
        self.namespace = namespace
        self.image = image
        self.replicas = replicas
        self.labels = labels
        self.port = port
        self.env = env
    }
}

/// The deployments of a namespace.
public struct KubeDeployments {
    public let kube: KubeEngine
    public let objects: KubeObjects
    public init(kube: KubeEngine, namespace: String?) {
        self.kube = kube
        objects = kube.objects(.deployments, namespace: namespace)
    }

    public func list() throws -> [JSONValue] { try objects.list() }
    public func find(_ name: String) throws -> JSONValue? { try objects.find(name) }
    @discardableResult public func delete(_ name: String) throws -> Bool { try objects.delete(name) }

    /// The first container (the one `ensure` manages).
    public static func container(_ d: JSONValue) -> JSONValue? {
        guard case .array(let c)? = d["spec"]?["template"]?["spec"]?["containers"] else { return nil }
        return c.first
    }

    public static func images(_ d: JSONValue) -> [String] {
        guard case .array(let c)? = d["spec"]?["template"]?["spec"]?["containers"] else { return [] }
        return c.compactMap { $0["image"]?.stringValue }
    }

    static func env(_ container: JSONValue?) -> [String: String] {
        guard case .array(let e)? = container?["env"] else { return [:] }
        var out: [String: String] = [:]
        for x in e { if let n = x["name"]?.stringValue { out[n] = x["value"]?.stringValue ?? "" } }
        return out
    }

    static func envList(_ env: [String: String]) -> JSONValue { .array(env.keys.sorted().map { ["name": .string($0), "value": .string(env[$0]!)] }) }

    /// Creates the deployment if missing (image: needed); else updates replicas, image, port, env
    /// and labels where they differ (a strategic merge patch of just those fields).
    public func ensure(_ spec: KubeDeploymentSpec) throws -> Ensured<JSONValue> {
        let o = spec.namespace.map { kube.objects(.deployments, namespace: $0) } ?? objects
        return try o.ensure(spec.name, create: {
            guard let image = spec.image else {
                throw EngineError("deployment \(o.label(spec.name)) does not exist, and creating it needs image:", hint: "add image: \"nginx:1.27\"")
            }
            let labels = KubeJSONPath.object(spec.labels ?? ["app": spec.name])
            var container: [String: JSONValue] = ["name": .string(spec.name), "image": .string(image)]
            if let p = spec.port { container["ports"] = [["containerPort": .int(p), "protocol": "TCP"]] }
            if let env = spec.env, !env.isEmpty { container["env"] = Self.envList(env) }
            return [
                "apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": ["name": .string(spec.name), "labels": labels],
                "spec": [
                    "replicas": .int(spec.replicas ?? 1),
                    "selector": ["matchLabels": labels],
                    "template": ["metadata": ["labels": labels], "spec": ["containers": [.object(container)]]],
                ],
            ]
        }, diff: { live in
            var d = Diff()
            let c = Self.container(live)
            var livePort: Int? = nil
            if case .array(let ports)? = c?["ports"], case .int(let p)? = ports.first?["containerPort"] { livePort = p }
            var liveReplicas: Int? = nil
            if case .int(let r)? = live["spec"]?["replicas"] { liveReplicas = r }
            d.check("replicas", spec.replicas, liveReplicas)
            d.check("image", spec.image, c?["image"]?.stringValue)
            d.check("port", spec.port, livePort)
            let envKeys = spec.env.map { KubeJSONPath.differingKeys($0, Self.env(c)) } ?? []
            let labelKeys = spec.labels.map { KubeJSONPath.differingKeys($0, KubeJSONPath.stringMap(live["metadata"]?["labels"])) } ?? []
            let fields = d.fields + envKeys.map { "env.\($0)" } + labelKeys.map { "labels.\($0)" }
            if fields.isEmpty { return nil }
            var patch: JSONValue = [:]
            if d.fields.contains("replicas"), let r = spec.replicas { KubeJSONPath.set(&patch, ["spec", "replicas"], .int(r)) }
            var container: [String: JSONValue] = ["name": .string(c?["name"]?.stringValue ?? spec.name)]
            if d.fields.contains("image"), let i = spec.image { container["image"] = .string(i) }
            if d.fields.contains("port"), let p = spec.port {
                // The port list is replaced, not merged by containerPort (which would keep the old one).
                container["ports"] = [["$patch": "replace"], ["containerPort": .int(p), "protocol": "TCP"]]
            }
            if !envKeys.isEmpty, let env = spec.env { container["env"] = Self.envList(env.filter { envKeys.contains($0.key) }) }
            if container.count > 1 { KubeJSONPath.set(&patch, ["spec", "template", "spec", "containers"], [.object(container)]) }
            if !labelKeys.isEmpty, let l = spec.labels { KubeJSONPath.set(&patch, ["metadata", "labels"], KubeJSONPath.object(l)) }
            return KubeUpdate(fields: fields, values: d.values, patch: patch)
        })
    }

    /// `ready/desired`.
    public static func ready(_ d: JSONValue) -> String {
        "\(int(d["status"]?["readyReplicas"]))/\(int(d["spec"]?["replicas"], default: 1))"
    }

    public static func int(_ v: JSONValue?, default def: Int = 0) -> Int {
        if case .int(let i)? = v { return i }
        return def
    }

    /// The pod labels its selector matches (`spec.selector.matchLabels`, else the template's labels).
    public static func selector(_ d: JSONValue) -> [String: String] {
        let m = KubeJSONPath.stringMap(d["spec"]?["selector"]?["matchLabels"])
        return m.isEmpty ? KubeJSONPath.stringMap(d["spec"]?["template"]?["metadata"]?["labels"]) : m
    }
}
