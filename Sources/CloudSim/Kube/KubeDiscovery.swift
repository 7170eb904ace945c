import CloudWire
import Foundation

/// Discovery documents (`/version`, `/api`, `/apis`, `/apis/{group}`, `/api/v1`,
/// `/apis/{group}/{version}`) as the apiserver writes them. Only the unaggregated form: clients that
/// ask for aggregated discovery (`as=APIGroupDiscoveryList`) see `application/json` in the answer
/// and fall back to it, as they do against older servers.
enum KubeDiscovery {
    static func version(_ cluster: KubeClusterRecord) -> JSONValue {
        let v = cluster.kubernetesVersion.hasPrefix("v") ? String(cluster.kubernetesVersion.dropFirst()) : cluster.kubernetesVersion
        let parts = v.split(separator: ".").map(String.init)
        return .object([
            "major": .string(parts.first ?? "1"), "minor": .string(parts.count > 1 ? parts[1] : "0"),
            "gitVersion": .string("v\(v)"), "gitCommit": .string("0000000000000000000000000000000000000000"),
            "gitTreeState": .string("clean"), "buildDate": .string("2024-01-01T00:00:00Z"), "goVersion": .string("go1.22.0"),
            "compiler": .string("gc"), "platform": .string("linux/amd64"),
        ])
    }

    static func coreVersions() -> JSONValue {
        .object([
            "kind": .string("APIVersions"), "versions": .array([.string("v1")]),
            "serverAddressByClientCIDRs": .array([.object(["clientCIDR": .string("0.0.0.0/0"), "serverAddress": .string("127.0.0.1:6443")])]),
        ])
    }

    private static func groupJSON(_ name: String, _ versions: [String]) -> JSONValue {
        let vs = versions.map { JSONValue.object(["groupVersion": .string("\(name)/\($0)"), "version": .string($0)]) }
        return .object(["name": .string(name), "versions": .array(vs), "preferredVersion": vs.first ?? .null])
    }

    static func groupList(_ catalog: KubeCatalog) -> JSONValue {
        .object(["kind": .string("APIGroupList"), "apiVersion": .string("v1"),
                 "groups": .array(catalog.groups.map { groupJSON($0.name, $0.versions) })])
    }

    static func group(_ catalog: KubeCatalog, _ name: String) throws -> JSONValue {
        guard let g = catalog.groups.first(where: { $0.name == name }) else { throw KubeError.noSuchPath }
        guard case .object(var o) = groupJSON(g.name, g.versions) else { throw KubeError.noSuchPath }
        o["kind"] = .string("APIGroup")
        o["apiVersion"] = .string("v1")
        return .object(o)
    }

    static func resourceList(_ catalog: KubeCatalog, group: String, version: String) throws -> JSONValue {
        let rs = catalog.resources.filter { $0.group == group && $0.version == version }
        guard !rs.isEmpty else { throw KubeError.noSuchPath }
        return .object([
            "kind": .string("APIResourceList"), "apiVersion": .string("v1"),
            "groupVersion": .string(group.isEmpty ? version : "\(group)/\(version)"),
            "resources": .array(rs.flatMap(\.discovery)),
        ])
    }
}
