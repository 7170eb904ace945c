import Foundation
import CloudWire

/// The config maps of a namespace.
public struct KubeConfigMaps {
    public let kube: KubeEngine
    public let objects: KubeObjects
    public init(kube: KubeEngine, namespace: String?) {
        self.kube = kube
        objects = kube.objects(.configMaps, namespace: namespace)
    }

    public func list() throws -> [JSONValue] { try objects.list() }
    public func find(_ name: String) throws -> JSONValue? { try objects.find(name) }
    @discardableResult public func delete(_ name: String) throws -> Bool { try objects.delete(name) }

    /// Creates the config map if missing; else writes the keys of `data` whose value differs
    /// (other keys are kept).
    public func ensure(name: String, namespace: String? = nil, data: [String: String]) throws -> Ensured<JSONValue> {
        let o = namespace.map { kube.objects(.configMaps, namespace: $0) } ?? objects
        return try o.ensure(name, create: {
            ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": .string(name)], "data": KubeJSONPath.object(data)]
        }, diff: { live in
            let keys = KubeJSONPath.differingKeys(data, KubeJSONPath.stringMap(live["data"]))
            if keys.isEmpty { return nil }
            return KubeUpdate(fields: keys.map { "data.\($0)" }, patch: ["data": KubeJSONPath.object(data.filter { keys.contains($0.key) })],
                              contentType: KubePatchType.merge)
        })
    }
}
