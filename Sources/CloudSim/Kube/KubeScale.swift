import CloudWire
import Foundation

/// Where a scalable type keeps its replicas (the `scale` subresource of deployments, replica
/// sets, stateful sets, and CRDs that declare `subresources.scale`, such as MachineDeployment).
struct KubeScaleSpec: Equatable {
    var specReplicas: KubeJSONPath
    var statusReplicas: KubeJSONPath
    /// Path of a label-selector string in the object (CRDs); built-ins derive it from `spec.selector`.
    var labelSelector: KubeJSONPath?

    /// What the built-in scalable types (deployments, replica sets, stateful sets) use.
    static let builtIn = KubeScaleSpec(specReplicas: KubeJSONPath(known: ".spec.replicas"),
                                       statusReplicas: KubeJSONPath(known: ".status.replicas"), labelSelector: nil)

    /// A CRD version's `subresources.scale`; nil when it declares none, or when a path does not
    /// parse (the apiserver would have refused the CRD: its type is then served without `scale`).
    init?(crdScale s: JSONValue?) {
        guard let s, let spec = s["specReplicasPath"]?.stringValue, let status = s["statusReplicasPath"]?.stringValue,
              let specPath = try? KubeJSONPath(jsonPath: spec), let statusPath = try? KubeJSONPath(jsonPath: status) else { return nil }
        var selectorPath: KubeJSONPath? = nil
        if let selector = s["labelSelectorPath"]?.stringValue {
            guard let p = try? KubeJSONPath(jsonPath: selector) else { return nil }
            selectorPath = p
        }
        self.init(specReplicas: specPath, statusReplicas: statusPath, labelSelector: selectorPath)
    }

    init(specReplicas: KubeJSONPath, statusReplicas: KubeJSONPath, labelSelector: KubeJSONPath?) {
        self.specReplicas = specReplicas
        self.statusReplicas = statusReplicas
        self.labelSelector = labelSelector
    }
}

/// The `scale` subresource: an `autoscaling/v1` `Scale` view of an object's replicas; writing it
/// changes only the replicas (what `kubectl scale` does).
extension KubeRequest {
    func scaleObject(_ name: String, _ spec: KubeScaleSpec) throws -> JSONValue {
        let o = try existing(name).json
        var meta: [String: JSONValue] = [:]
        for k in ["name", "namespace", "uid", "resourceVersion", "creationTimestamp"] { meta[k] = KubeMeta.field(o, k) }
        var status: [String: JSONValue] = ["replicas": spec.statusReplicas.value(in: o) ?? .int(0)]
        if let p = spec.labelSelector, let sel = p.value(in: o) {
            status["selector"] = sel
        } else if case .object(let m)? = o["spec"]?["selector"]?["matchLabels"] {
            status["selector"] = .string(m.keys.sorted().map { "\($0)=\(m[$0]?.scalarText ?? "")" }.joined(separator: ","))
        }
        return .object([
            "kind": .string("Scale"), "apiVersion": .string("autoscaling/v1"), "metadata": .object(meta),
            "spec": .object(["replicas": spec.specReplicas.value(in: o) ?? .int(1)]), "status": .object(status),
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
        guard let patch = spec.specReplicas.mergePatch(setting: .int(replicas)) else {
            throw KubeError(422, "Invalid", "Scale.autoscaling \"\(name)\" is invalid: specReplicasPath \(spec.specReplicas) goes through a list element")
        }
        o = KubePatch.merge(o, patch)
        let out = try replace(name, with: o, statusOnly: false)
        guard out.status < 300 else { return out }
        return KubeJSON.response(try scaleObject(name, spec))
    }
}
