import Foundation
import CloudWire

/// A Service as a runbook states it: one port.
public struct KubeServiceSpec {
    public var name: String
    public var namespace: String?
    /// ClusterIP (default), NodePort, LoadBalancer.
    public var type: String?
    public var selector: [String: String]?
    public var port: Int?
    /// A number, or a named container port.
    public var targetPort: JSONValue?
    public var `protocol`: String?
    public init(name: String, namespace: String? = nil, type: String? = nil, selector: [String: String]? = nil, port: Int? = nil,
                targetPort: JSONValue? = nil, protocol: String? = nil) {
        self.name = name
        self.namespace = namespace
        self.type = type
        self.selector = selector
        self.port = port
        self.targetPort = targetPort
        self.`protocol` = `protocol`
    }
}

/// The services of a namespace.
public struct KubeServices {
    public let kube: KubeEngine
    public let objects: KubeObjects
    public init(kube: KubeEngine, namespace: String?) {
        self.kube = kube
        objects = kube.objects(.services, namespace: namespace)
    }

    public func list() throws -> [JSONValue] { try objects.list() }
    public func find(_ name: String) throws -> JSONValue? { try objects.find(name) }
    @discardableResult public func delete(_ name: String) throws -> Bool { try objects.delete(name) }

    static func portEntry(_ spec: KubeServiceSpec, port: Int) -> JSONValue {
        var p: [String: JSONValue] = ["port": .int(port), "protocol": .string(spec.`protocol` ?? "TCP")]
        p["targetPort"] = spec.targetPort ?? .int(port)
        return .object(p)
    }

    /// Creates the service if missing (port: needed); else updates type, selector and the port
    /// where they differ.
    public func ensure(_ spec: KubeServiceSpec) throws -> Ensured<JSONValue> {
        let o = spec.namespace.map { kube.objects(.services, namespace: $0) } ?? objects
        return try o.ensure(spec.name, create: {
            guard let port = spec.port else {
                throw EngineError("service \(o.label(spec.name)) does not exist, and creating it needs port:", hint: "add port: 80 (and targetPort:, selector:)")
            }
            var s: [String: JSONValue] = ["type": .string(spec.type ?? "ClusterIP"), "ports": [Self.portEntry(spec, port: port)]]
            if let sel = spec.selector { s["selector"] = KubeJSONPath.object(sel) }
            return ["apiVersion": "v1", "kind": "Service", "metadata": ["name": .string(spec.name)], "spec": .object(s)]
        }, diff: { live in
            var d = Diff()
            let lp = Self.firstPort(live)
            d.check("type", spec.type, live["spec"]?["type"]?.stringValue ?? "ClusterIP")
            d.check("selector", spec.selector, KubeJSONPath.stringMap(live["spec"]?["selector"]))
            var livePort: Int? = nil
            if case .int(let p)? = lp?["port"] { livePort = p }
            d.check("port", spec.port, livePort)
            d.check("targetPort", spec.targetPort, lp?["targetPort"] ?? lp?["port"])
            d.check("protocol", spec.`protocol`, lp?["protocol"]?.stringValue ?? "TCP")
            if d.isEmpty { return nil }
            // A merge patch: the ports list is replaced whole, and selector keys not wanted are removed.
            var patch: [String: JSONValue] = [:]
            if let t = spec.type, d.fields.contains("type") { patch["type"] = .string(t) }
            if let sel = spec.selector, d.fields.contains("selector") {
                var m: [String: JSONValue] = sel.mapValues { .string($0) }
                for k in KubeJSONPath.stringMap(live["spec"]?["selector"]).keys where sel[k] == nil { m[k] = .null }
                patch["selector"] = .object(m)
            }
            if d.fields.contains(where: { ["port", "targetPort", "protocol"].contains($0) }) {
                var merged = KubeServiceSpec(name: spec.name)
                merged.targetPort = spec.targetPort ?? lp?["targetPort"]
                merged.`protocol` = spec.`protocol` ?? lp?["protocol"]?.stringValue
                var entry = Self.portEntry(merged, port: spec.port ?? livePort ?? 80)
                if let n = lp?["name"], case .object(var e) = entry { e["name"] = n; entry = .object(e) }
                patch["ports"] = [entry]
            }
            return KubeUpdate(fields: d.fields, values: d.values, patch: ["spec": .object(patch)], contentType: KubePatchType.merge)
        })
    }

    public static func firstPort(_ s: JSONValue) -> JSONValue? {
        guard case .array(let p)? = s["spec"]?["ports"] else { return nil }
        return p.first
    }

    /// kubectl's PORT(S): `8080:31234/TCP,443/TCP`.
    public static func portsText(_ s: JSONValue) -> String {
        guard case .array(let p)? = s["spec"]?["ports"] else { return "<none>" }
        return p.map { x -> String in
            var t = x["port"]?.scalarText ?? "?"
            if let n = x["nodePort"]?.scalarText { t += ":\(n)" }
            return t + "/" + (x["protocol"]?.stringValue ?? "TCP")
        }.joined(separator: ",")
    }

    /// kubectl's EXTERNAL-IP: the load balancer's addresses, `<pending>` for a LoadBalancer without one.
    public static func externalIP(_ s: JSONValue) -> String {
        var ips: [String] = []
        if case .array(let ing)? = s["status"]?["loadBalancer"]?["ingress"] {
            ips = ing.compactMap { $0["ip"]?.stringValue ?? $0["hostname"]?.stringValue }
        }
        if case .array(let ext)? = s["spec"]?["externalIPs"] { ips += ext.compactMap(\.stringValue) }
        if !ips.isEmpty { return ips.joined(separator: ",") }
        return s["spec"]?["type"]?.stringValue == "LoadBalancer" ? "<pending>" : "<none>"
    }
}
