import Foundation
import CloudWire

/// The namespaces of a cluster.
public struct KubeNamespaces {
    public let objects: KubeObjects
    public init(kube: KubeEngine) { objects = kube.objects(.namespaces, namespace: nil) }

    public func list() throws -> [JSONValue] { try objects.list() }
    public func find(_ name: String) throws -> JSONValue? { try objects.find(name) }
    @discardableResult public func delete(_ name: String) throws -> Bool { try objects.delete(name) }

    /// Creates the namespace if missing; sets the labels given when they differ.
    public func ensure(name: String, labels: [String: String]? = nil) throws -> Ensured<JSONValue> {
        try objects.ensure(name, create: {
            var meta: [String: JSONValue] = ["name": .string(name)]
            if let labels { meta["labels"] = KubeJSONPath.object(labels) }
            return .object(["apiVersion": "v1", "kind": "Namespace", "metadata": .object(meta)])
        }, diff: { live in
            guard let labels else { return nil }
            let keys = KubeJSONPath.differingKeys(labels, KubeJSONPath.stringMap(live["metadata"]?["labels"]))
            if keys.isEmpty { return nil }
            return KubeUpdate(fields: keys.map { "labels.\($0)" }, patch: ["metadata": ["labels": KubeJSONPath.object(labels)]],
                              contentType: KubePatchType.merge)
        })
    }
}
