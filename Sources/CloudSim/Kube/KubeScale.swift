import CloudWire
import Foundation

/// Where a scalable type keeps its replicas (the `scale` subresource of deployments, replica
/// sets, stateful sets, and CRDs that declare `subresources.scale`, such as MachineDeployment).
struct KubeScaleSpec: Equatable {
    var specReplicas: String
    var statusReplicas: String
    /// Path of a label-selector string in the object (CRDs); built-ins derive it from `spec.selector`.
    var labelSelector: String?
}

/// The `scale` subresource: an `autoscaling/v1` `Scale` view of an object's replicas; writing it
/// changes only the replicas (what `kubectl scale` does).
extension KubeRequest {
    func scaleObject(_ name: String, _ spec: KubeScaleSpec) throws -> JSONValue {
        let o = try existing(name).json
        var meta: [String: JSONValue] = [:]
        for k in ["name", "namespace", "uid", "resourceVersion", "creationTimestamp"] { meta[k] = KubeMeta.field(o, k) }
        var status: [String: JSONValue] = ["replicas": o.value(at: spec.statusReplicas) ?? .int(0)]
        if let p = spec.labelSelector, let sel = o.value(at: p) {
            status["selector"] = sel
        } else if case .object(let m)? = o["spec"]?["selector"]?["matchLabels"] {
            status["selector"] = .string(m.keys.sorted().map { "\($0)=\(m[$0]?.scalarText ?? "")" }.joined(separator: ","))
        }
        return .object([
            "kind": .string("Scale"), "apiVersion": .string("autoscaling/v1"), "metadata": .object(meta),
            "spec": .object(["replicas": o.value(at: spec.specReplicas) ?? .int(1)]), "status": .object(status),
        ])
    }

    func rescale(_ name: String, _ spec: KubeScaleSpec) throws -> HTTPResponseMessage {
        let current = try scaleObject(name, spec)
        var wanted: JSONValue
        if method == "PUT" {
            wanted = try bodyObject()
        } else {
            let type = (ctx.request.headers["Content-Type"] ?? "").split(separator: ";").first.map(String.init) ?? ""
            guard let patch = try? JSONValue.parse(ctx.request.body) else { throw KubeError.badRequest("the patch is not valid JSON") }
            switch type {
            case KubePatch.jsonPatchType: wanted = try KubePatch.jsonPatch(current, patch)
            case KubePatch.mergeType, KubePatch.strategicType, KubePatch.applyType: wanted = KubePatch.merge(current, patch)
            default: throw KubeError.unsupportedMediaType(type, accepted: KubePatch.accepted)
            }
        }
        guard case .int(let replicas)? = wanted["spec"]?["replicas"], replicas >= 0 else {
            throw KubeError(422, "Invalid", "Scale.autoscaling \"\(name)\" is invalid: spec.replicas: Invalid value: must be greater than or equal to 0")
        }
        if let rv = KubeMeta.field(wanted, "resourceVersion")?.stringValue, !rv.isEmpty,
           rv != KubeMeta.field(current, "resourceVersion")?.stringValue {
            throw KubeError.conflict(r, name)
        }
        var o = try existing(name).json
        o = KubePatch.merge(o, Self.nested(spec.specReplicas.split(separator: ".").map(String.init), .int(replicas)))
        let out = try replace(name, with: o, statusOnly: false)
        guard out.status < 300 else { return out }
        return KubeJSON.response(try scaleObject(name, spec))
    }

    /// `{"a":{"b":v}}` for the path `a.b`.
    static func nested(_ path: [String], _ v: JSONValue) -> JSONValue {
        guard let first = path.first else { return v }
        return .object([first: nested(Array(path.dropFirst()), v)])
    }
}
