import CloudWire
import Foundation

/// CustomResourceDefinitions: the checks the apiserver makes on a CRD, and the status its
/// controllers set at once (`NamesAccepted`, `Established`, `acceptedNames`, `storedVersions`),
/// because clients such as clusterctl wait for `Established` before creating custom resources.
enum KubeCRDs {
    static func validate(_ o: JSONValue) throws {
        let name = KubeMeta.name(o)
        func invalid(_ field: String, _ value: String, _ why: String) -> KubeError {
            KubeError.invalid(kind: "CustomResourceDefinition", group: "apiextensions.k8s.io", name: name, field: field, value: value, why: why)
        }
        guard let spec = o["spec"] else { throw invalid("spec", "", "Required value") }
        let group = spec["group"]?.stringValue ?? ""
        guard !group.isEmpty, group.contains(".") else { throw invalid("spec.group", group, "should be a domain with at least one dot") }
        let plural = spec["names"]?["plural"]?.stringValue ?? ""
        guard !plural.isEmpty, KubeMeta.nameProblem(plural, label: true) == nil else { throw invalid("spec.names.plural", plural, "must be a lowercase DNS-1035 label") }
        let kind = spec["names"]?["kind"]?.stringValue ?? ""
        guard !kind.isEmpty else { throw invalid("spec.names.kind", kind, "Required value") }
        guard name == "\(plural).\(group)" else { throw invalid("metadata.name", name, "must be spec.names.plural+\".\"+spec.group") }
        let scope = spec["scope"]?.stringValue ?? ""
        guard scope == "Namespaced" || scope == "Cluster" else { throw invalid("spec.scope", scope, "supported values: \"Cluster\", \"Namespaced\"") }
        guard case .array(let versions)? = spec["versions"], !versions.isEmpty else { throw invalid("spec.versions", "", "must have at least one version") }
        let storage = versions.filter { $0["storage"] == .bool(true) }.count
        guard storage == 1 else { throw invalid("spec.versions", "", "must have exactly one version marked as storage version") }
        for v in versions where (v["name"]?.stringValue ?? "").isEmpty { throw invalid("spec.versions[].name", "", "Required value") }
    }

    /// `<group>/<plural>` of the custom resources a CRD defines (their storage collection).
    static func storageKey(_ o: JSONValue) -> String? {
        guard let g = o["spec"]?["group"]?.stringValue, let p = o["spec"]?["names"]?["plural"]?.stringValue else { return nil }
        return "\(g)/\(p)"
    }

    /// Sets the status the CRD controllers reach at once: names accepted, established.
    static func establish(_ o: inout JSONValue, old: JSONValue?, now: Double) {
        let spec = o["spec"] ?? .null
        var names = spec["names"] ?? .object([:])
        if names["singular"] == nil, let k = names["kind"]?.stringValue { names = KubePatch.merge(names, .object(["singular": .string(k.lowercased())])) }
        if names["listKind"] == nil, let k = names["kind"]?.stringValue { names = KubePatch.merge(names, .object(["listKind": .string("\(k)List")])) }
        var stored: [JSONValue] = []
        if case .array(let s)? = old?["status"]?["storedVersions"] { stored = s }
        if case .array(let vs)? = spec["versions"], let sv = vs.first(where: { $0["storage"] == .bool(true) })?["name"], !stored.contains(sv) {
            stored.append(sv)
        }
        let t = JSONValue.string(KubeMeta.timestamp(now))
        func condition(_ type: String, _ reason: String, _ message: String) -> JSONValue {
            .object(["type": .string(type), "status": .string("True"), "lastTransitionTime": t, "reason": .string(reason), "message": .string(message)])
        }
        KubeMeta.setTop(&o, "status", .object([
            "conditions": .array([
                condition("NamesAccepted", "NoConflicts", "no conflicts found"),
                condition("Established", "InitialNamesAccepted", "the initial names have been accepted"),
            ]),
            "acceptedNames": names,
            "storedVersions": .array(stored),
        ]))
    }
}
