import Foundation
import CloudWire
import CloudClient

/// `kubectl apply` for a multi-document manifest: each object is read, then created or updated by
/// server-side apply (field manager `vcdscript`, forced) when what the manifest says differs from
/// the live object; `= unchanged` (and no write) otherwise. Kinds come from discovery, so custom
/// resources work once their CRD is applied (earlier in the same manifest is fine).
public struct KubeApply {
    public let kube: KubeEngine
    public init(kube: KubeEngine) { self.kube = kube }

    /// Applies every object of `text` in order; `namespace` (default: the context's) is used for
    /// namespaced objects that name none.
    public func apply(_ text: String, namespace: String? = nil) throws -> [Ensured<JSONValue>] {
        let objects = try KubeManifest.objects(text)
        return try objects.map { try apply(object: $0, namespace: namespace) }
    }

    /// Fields the server owns or fills in: never compared, never sent back.
    static let ignoredMetadata: Set<String> = ["uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "selfLink", "deletionTimestamp"]

    public func apply(object input: JSONValue, namespace: String? = nil) throws -> Ensured<JSONValue> {
        guard case .object(var o) = input, let apiVersion = o["apiVersion"]?.stringValue, let kind = o["kind"]?.stringValue,
              case .object(var meta)? = o["metadata"], let name = meta["name"]?.stringValue else {
            throw EngineError("an object of the manifest has no apiVersion, kind or metadata.name")
        }
        for k in Self.ignoredMetadata { meta.removeValue(forKey: k) }
        o.removeValue(forKey: "status")
        let resource: KubeResource
        do {
            resource = try kube.client.resource(apiVersion: apiVersion, kind: kind)
        } catch let e as KubeError where e.status == 404 && kube.isPlan {
            // Plan mode: the CRD that defines it may be planned earlier in the same manifest.
            let change = Change(.create, kind: kind.lowercased(), name: name, fields: ["(kind not known to the server yet)"])
            try kube.gate.mutate(change) {}
            return Ensured(input, change, planned: true)
        }
        var ns: String? = nil
        if resource.namespaced {
            ns = meta["namespace"]?.stringValue ?? namespace ?? kube.namespace
            meta["namespace"] = .string(ns!)
        } else {
            meta.removeValue(forKey: "namespace")
        }
        o["metadata"] = .object(meta)
        let desired = JSONValue.object(o)
        if kind == "Secret" {
            for (_, v) in KubeJSONPath.stringMap(o["data"]) {
                SecretRedactor.shared.register(v)
                if let d = Data(base64Encoded: v) { SecretRedactor.shared.register(String(decoding: d, as: UTF8.self)) }
            }
            for (_, v) in KubeJSONPath.stringMap(o["stringData"]) { SecretRedactor.shared.register(v) }
        }
        let objects = kube.objects(resource, namespace: ns)
        let label = objects.label(name)
        let path = resource.path(namespace: ns, name: name) + "?fieldManager=\(KubeEngine.fieldManager)&force=true"
        let send = { () throws -> JSONValue in
            try kube.client.send("PATCH", path, body: desired, contentType: KubePatchType.apply, what: "apply \(kind.lowercased()) \(label)")
        }
        let kindName = kind.lowercased()
        guard let live = try objects.find(name) else {
            let change = Change(.create, kind: kindName, name: label)
            guard let created = try kube.gate.mutate(change, send) else { return Ensured(desired, change, planned: true) }
            return Ensured(created, change)
        }
        var compared = o
        compared.removeValue(forKey: "apiVersion")
        compared.removeValue(forKey: "kind")
        var m: [String: JSONValue] = [:]
        for k in ["labels", "annotations"] { if let v = meta[k] { m[k] = v } }
        compared["metadata"] = .object(m)
        var fields = KubeJSONPath.differences(.object(compared), live)
        if kind == "Secret", let sd = o["stringData"] {
            // stringData is write-only: compare it with data, decoded.
            fields.removeAll { $0.hasPrefix("stringData") }
            let values = KubeSecrets.values(live)
            fields += KubeJSONPath.differingKeys(KubeJSONPath.stringMap(sd), values).map { "stringData.\($0)" }
        }
        if fields.isEmpty {
            kube.gate.unchanged(kind: kindName, name: label)
            return Ensured(live, Change(.unchanged, kind: kindName, name: label))
        }
        let change = Change(.update, kind: kindName, name: label, fields: fields)
        let updated = try kube.gate.mutate(change, send)
        return Ensured(updated ?? live, change)
    }
}
