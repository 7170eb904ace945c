import CloudWire
import Foundation

/// A minimal OpenAPI v3 (`/openapi/v3` and one document per group version): the paths of every
/// type with a PATCH operation that names its group/version/kind and takes `fieldValidation`.
/// That is what kubectl looks for to leave validation to the server (no schemas are served, so
/// kubectl computes patches from its own types, or a merge patch for custom resources, as it does
/// against servers without OpenAPI). `/openapi/v2` (protobuf) is not served.
enum KubeOpenAPI {
    /// The discovery document. URLs carry the cluster prefix: clients request them as given,
    /// replacing the path of their server URL.
    static func root(_ catalog: KubeCatalog, cluster: String) -> JSONValue {
        var paths: [String: JSONValue] = [:]
        for (group, version) in groupVersions(catalog) {
            let p = path(group, version)
            paths[p] = .object(["serverRelativeURL": .string("/clusters/\(cluster)/openapi/v3/\(p)?hash=\(hash(catalog, group, version))")])
        }
        return .object(["paths": .object(paths)])
    }

    static func document(_ catalog: KubeCatalog, _ parts: [String], cluster: KubeClusterRecord) throws -> JSONValue {
        let (group, version): (String, String)
        switch parts.count {
        case 2 where parts[0] == "api": (group, version) = ("", parts[1])
        case 3 where parts[0] == "apis": (group, version) = (parts[1], parts[2])
        default: throw KubeError.noSuchPath
        }
        let rs = catalog.resources.filter { $0.group == group && $0.version == version }
        guard !rs.isEmpty else { throw KubeError.noSuchPath }
        var paths: [String: JSONValue] = [:]
        for r in rs {
            let prefix = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
            let item = r.namespaced ? "\(prefix)/namespaces/{namespace}/\(r.plural)/{name}" : "\(prefix)/\(r.plural)/{name}"
            let gvk: JSONValue = .object(["group": .string(group), "version": .string(version), "kind": .string(r.kind)])
            let param: JSONValue = .object(["name": .string("fieldValidation"), "in": .string("query"), "schema": .object(["type": .string("string")])])
            paths[item] = .object(["patch": .object([
                "operationId": .string("patch\(r.kind)"),
                "x-kubernetes-group-version-kind": gvk,
                "parameters": .array([param]),
                "responses": .object(["200": .object(["description": .string("OK")])]),
            ])])
        }
        return .object([
            "openapi": .string("3.0.0"),
            "info": .object(["title": .string("Kubernetes"), "version": .string(cluster.kubernetesVersion)]),
            "paths": .object(paths),
        ])
    }

    private static func groupVersions(_ catalog: KubeCatalog) -> [(String, String)] {
        var seen = Set<String>(), out: [(String, String)] = []
        for r in catalog.resources where seen.insert(r.apiVersion).inserted { out.append((r.group, r.version)) }
        return out
    }

    private static func path(_ group: String, _ version: String) -> String { group.isEmpty ? "api/\(version)" : "apis/\(group)/\(version)" }

    /// Changes when the group version's types change, so clients' caches follow CRD changes.
    private static func hash(_ catalog: KubeCatalog, _ group: String, _ version: String) -> String {
        var h: UInt64 = 1469598103934665603
        for r in catalog.resources where r.group == group && r.version == version {
            for b in "\(r.plural)|\(r.kind)|\(r.namespaced)".utf8 { h = (h ^ UInt64(b)) &* 1099511628211 }
        }
        return String(h, radix: 16, uppercase: true)
    }
}
