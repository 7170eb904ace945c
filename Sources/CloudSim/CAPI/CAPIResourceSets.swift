import CloudWire
import Crypto
import Foundation
import Documents

/// Cluster API's ClusterResourceSet controller (`addons.cluster.x-k8s.io`), which CAPVCD's
/// templates and users rely on to install add-ons (CNI, CPI, CSI) into new workload clusters:
/// each ClusterResourceSet whose `spec.clusterSelector` matches a Cluster's labels (an empty
/// selector matches none, as in Cluster API) has its `spec.resources` (ConfigMaps and Secrets of the
/// Cluster's namespace; a Secret must be of type `addons.cluster.x-k8s.io/resource-set`) applied to
/// the workload cluster once its control plane is initialized: every value of their `data` is a
/// YAML (or JSON) stream of objects, each created in the workload cluster unless it exists there
/// (strategy `ApplyOnce`). What was applied is kept in the Cluster's ClusterResourceSetBinding
/// (named like the Cluster, owned by it), so a resource is applied once; one that is missing or does
/// not parse is left for a later pass, and the ClusterResourceSet's `ResourcesApplied` condition
/// says why.
extension CAPIReconciler {
    func applyResourceSets(_ cl: JSONValue, initialized: Bool) throws {
        let ns = KubeMeta.namespace(cl), name = KubeMeta.name(cl)
        guard initialized, KubeStore.cluster(tx, name) != nil else { return }
        let labels = KubeMeta.labels(cl)
        let sets = KO.list(tx, m, CAPIRes.clusterResourceSets, ns).filter { crs in
            guard let selector = crs["spec"]?["clusterSelector"], case .object(let sel) = selector, !sel.isEmpty else { return false }
            return KubeObjectSelector.matches(selector, labels)
        }
        guard !sets.isEmpty else { return }
        var binding = KO.get(tx, m, CAPIRes.clusterResourceSetBindings, ns, name)
        if binding == nil {
            binding = try KO.create(tx, m, CAPIRes.clusterResourceSetBindings, .object([
                "metadata": .object(["name": .string(name), "namespace": .string(ns),
                                     "labels": .object([CAPIRes.clusterNameLabel: .string(name)]),
                                     "ownerReferences": .array([ownerRef(cl, CAPIRes.clusters, controller: false)])]),
                "spec": .object(["clusterName": .string(name), "bindings": .array([])]),
            ]))
        }
        guard let old = binding else { return }
        var bindings = old["spec"]?["bindings"]?.arrayValue ?? []
        for crs in sets {
            let setName = KubeMeta.name(crs)
            let index = bindings.firstIndex { $0["clusterResourceSetName"]?.stringValue == setName }
            var applied = index.map { bindings[$0]["resources"]?.arrayValue ?? [] } ?? []
            var problem: String? = nil
            for res in crs["spec"]?["resources"]?.arrayValue ?? [] {
                guard let kind = res["kind"]?.stringValue, let resName = res["name"]?.stringValue else { continue }
                if applied.contains(where: { $0["kind"]?.stringValue == kind && $0["name"]?.stringValue == resName && $0["applied"] == .bool(true) }) { continue }
                do {
                    let hash = try apply(kind: kind, name: resName, ns: ns, into: name)
                    applied.removeAll { $0["kind"]?.stringValue == kind && $0["name"]?.stringValue == resName }
                    applied.append(.object(["kind": .string(kind), "name": .string(resName), "applied": .bool(true), "hash": .string(hash),
                                            "lastAppliedTime": .string(KubeMeta.timestamp(now))]))
                } catch let f as CAPIFailure {
                    problem = problem ?? f.message
                }
            }
            let entry: JSONValue = .object(["clusterResourceSetName": .string(setName), "resources": .array(applied)])
            if let index { bindings[index] = entry } else { bindings.append(entry) }
            let condition = problem.map { KO.condition("ResourcesApplied", false, reason: "ApplyFailed", message: $0, now: now, severity: "Warning") }
                ?? KO.condition("ResourcesApplied", true, now: now)
            try KO.save(tx, m, CAPIRes.clusterResourceSets, old: crs, KO.merge(crs, ["status": .object([
                "observedGeneration": KubeMeta.field(crs, "generation") ?? .int(1),
                "conditions": KO.conditions(crs, [condition]),
            ])]))
        }
        try KO.save(tx, m, CAPIRes.clusterResourceSetBindings, old: old, KO.merge(old, ["spec": .object(["bindings": .array(bindings)])]))
    }

    /// Creates the objects of one ConfigMap or Secret in workload cluster `w`; returns the hash of
    /// its data (Cluster API's `sha256:` form). Throws what keeps it from being applied.
    func apply(kind: String, name: String, ns: String, into w: String) throws -> String {
        let source: JSONValue
        var texts: [String] = []
        switch kind {
        case "ConfigMap":
            guard let cm = KO.get(tx, m, CAPIRes.configMaps, ns, name) else { throw CAPIFailure(reason: "ResourceNotFound", message: "ConfigMap \(ns)/\(name) not found") }
            source = cm
            if case .object(let data)? = cm["data"] { texts = data.keys.sorted().compactMap { data[$0]?.stringValue } }
        case "Secret":
            guard let s = KO.get(tx, m, CAPIRes.secrets, ns, name) else { throw CAPIFailure(reason: "ResourceNotFound", message: "Secret \(ns)/\(name) not found") }
            guard s["type"]?.stringValue == "addons.cluster.x-k8s.io/resource-set" else {
                throw CAPIFailure(reason: "WrongSecretType", message: "Secret \(ns)/\(name) is not of type addons.cluster.x-k8s.io/resource-set")
            }
            source = s
            if case .object(let data)? = s["data"] {
                texts = data.keys.sorted().compactMap { data[$0]?.stringValue.flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) } }
            }
        default:
            throw CAPIFailure(reason: "UnsupportedKind", message: "a ClusterResourceSet applies ConfigMaps and Secrets, not \(kind)")
        }
        var objects: [JSONValue] = []
        for text in texts {
            do {
                // YAML 1.1 scalars, as the real controller (sigs.k8s.io/yaml) reads them.
                for o in try YAMLReader.documents(text, schema: .yaml11) { if case .object = o { objects.append(o) } }
            } catch {
                throw CAPIFailure(reason: "InvalidResource", message: "\(kind) \(ns)/\(name) does not hold valid YAML: \(error)")
            }
        }
        let catalog = KubeCatalog(state: tx, cluster: w)
        for o in objects {
            let (group, version) = Self.groupVersion(o["apiVersion"]?.stringValue ?? "")
            let objKind = o["kind"]?.stringValue ?? ""
            guard let r = catalog.resources.first(where: { $0.group == group && $0.version == version && $0.kind == objKind }) else {
                throw CAPIFailure(reason: "UnknownKind", message: "\(kind) \(ns)/\(name): no \(objKind) in \(o["apiVersion"]?.stringValue ?? "?") in cluster \(w)")
            }
            var obj = o
            if r.namespaced, KubeMeta.namespace(obj).isEmpty { KubeMeta.set(&obj, "namespace", .string("default")) }
            if KO.get(tx, w, r, r.namespaced ? KubeMeta.namespace(obj) : "", KubeMeta.name(obj)) == nil { try KO.create(tx, w, r, obj) }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let digest = SHA256.hash(data: (try? encoder.encode(source["data"] ?? .null)) ?? Data())
        return "sha256:" + digest.map { String(format: "%02x", $0) }.joined()
    }

    static func groupVersion(_ apiVersion: String) -> (String, String) {
        let parts = apiVersion.split(separator: "/", maxSplits: 1).map(String.init)
        return parts.count == 2 ? (parts[0], parts[1]) : ("", parts.first ?? "")
    }
}
