import Foundation
import CloudWire
import CloudClient

/// The secrets of a namespace. Values are registered with the redactor when they are sent or
/// read, in clear and in base64, so no log, error or output shows them.
public struct KubeSecrets {
    public let kube: KubeEngine
    public let objects: KubeObjects
    public init(kube: KubeEngine, namespace: String?) {
        self.kube = kube
        objects = kube.objects(.secrets, namespace: namespace)
    }

    public func list() throws -> [JSONValue] { try objects.list().map(Self.registered) }
    public func find(_ name: String) throws -> JSONValue? { try objects.find(name).map(Self.registered) }
    @discardableResult public func delete(_ name: String) throws -> Bool { try objects.delete(name) }

    /// Registers every value of a secret read from the cluster, in both forms.
    public static func registered(_ s: JSONValue) -> JSONValue {
        for (_, b64) in KubeJSONPath.stringMap(s["data"]) {
            SecretRedactor.shared.register(b64)
            if let d = Data(base64Encoded: b64) { SecretRedactor.shared.register(String(decoding: d, as: UTF8.self)) }
        }
        return s
    }

    /// `data` decoded (clear text values).
    public static func values(_ s: JSONValue) -> [String: String] {
        KubeJSONPath.stringMap(s["data"]).mapValues { b64 in Data(base64Encoded: b64).map { String(decoding: $0, as: UTF8.self) } ?? b64 }
    }

    static func encode(_ data: [String: String]) -> JSONValue {
        .object(data.mapValues { v in
            let b = Data(v.utf8).base64EncodedString()
            SecretRedactor.shared.register(v)
            SecretRedactor.shared.register(b)
            return .string(b)
        })
    }

    /// Creates the secret if missing; else writes the keys of `data` whose value differs (other
    /// keys are kept). `type` is set at creation only (it is immutable).
    public func ensure(name: String, namespace: String? = nil, data: [String: String], type: String? = nil) throws -> Ensured<JSONValue> {
        let o = namespace.map { kube.objects(.secrets, namespace: $0) } ?? objects
        let r = try o.ensure(name, create: {
            ["apiVersion": "v1", "kind": "Secret", "metadata": ["name": .string(name)], "type": .string(type ?? "Opaque"), "data": Self.encode(data)]
        }, diff: { live in
            _ = Self.registered(live)
            let keys = KubeJSONPath.differingKeys(data, Self.values(live))
            if keys.isEmpty { return nil }
            return KubeUpdate(fields: keys.map { "data.\($0)" }, patch: ["data": Self.encode(data.filter { keys.contains($0.key) })],
                              contentType: KubePatchType.merge)
        })
        return Ensured(Self.registered(r.value), r.change, planned: r.planned)
    }
}
