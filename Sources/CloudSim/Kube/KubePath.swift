import Foundation

/// What a request path under `/clusters/{name}` addresses, parsed the way the apiserver lays out
/// its URLs: `/api/v1/...` for the core group, `/apis/{group}/{version}/...` for the others, then
/// `[namespaces/{ns}/]{resource}[/{name}[/{subresource}]]`.
enum KubePath: Equatable {
    case version
    case health
    /// `/api`: the core group's versions.
    case coreVersions
    /// `/apis`: every other group.
    case groupList
    /// `/apis/{group}`.
    case group(String)
    /// `/api/v1` (group "") or `/apis/{group}/{version}`: the APIResourceList.
    case groupVersion(group: String, version: String)
    case openapi([String])
    case resource(KubeTarget)

    static func parse(_ parts: [String]) -> KubePath? {
        guard let first = parts.first else { return nil }
        switch first {
        case "version" where parts.count == 1: return .version
        case "healthz", "livez", "readyz": return parts.count == 1 ? .health : nil
        case "openapi": return .openapi(Array(parts.dropFirst()))
        case "api":
            if parts.count == 1 { return .coreVersions }
            if parts.count == 2 { return .groupVersion(group: "", version: parts[1]) }
            return target(group: "", version: parts[1], Array(parts.dropFirst(2)))
        case "apis":
            switch parts.count {
            case 1: return .groupList
            case 2: return .group(parts[1])
            case 3: return .groupVersion(group: parts[1], version: parts[2])
            default: return target(group: parts[1], version: parts[2], Array(parts.dropFirst(3)))
            }
        default: return nil
        }
    }

    /// The part after the group version. `namespaces/{ns}/status|finalize` are the namespace's own
    /// subresources; any other third segment after `namespaces/{ns}` is a namespaced resource.
    /// A leading `watch/` is the deprecated watch form (`/api/v1/watch/namespaces/ns/pods`), still
    /// served by the apiserver.
    private static func target(group: String, version: String, _ parts: [String]) -> KubePath? {
        var t = KubeTarget(group: group, version: version, namespace: nil, plural: "", name: nil, subresource: nil)
        var p = parts
        if p.count >= 2, p[0] == "watch" {
            t.watchPath = true
            p.removeFirst()
        }
        let namespacedForm = p.count >= 3 && p[0] == "namespaces" && !(group.isEmpty && p.count == 3 && ["status", "finalize"].contains(p[2]))
        if namespacedForm {
            t.namespace = p[1]
            t.plural = p[2]
            if p.count >= 4 { t.name = p[3] }
            if p.count == 5 { t.subresource = p[4] }
            if p.count > 5 { return nil }
        } else {
            t.plural = p[0]
            if p.count >= 2 { t.name = p[1] }
            if p.count == 3 { t.subresource = p[2] }
            if p.count > 3 { return nil }
        }
        return .resource(t)
    }
}

/// A resource request: collection (no name), object, or object subresource.
struct KubeTarget: Equatable {
    var group: String
    var version: String
    /// Set for `namespaces/{ns}/...` paths; nil for cluster-scoped paths and all-namespace lists.
    var namespace: String?
    var plural: String
    var name: String?
    var subresource: String?
    /// Reached through the deprecated `/watch/` prefix: a watch whatever the query says.
    var watchPath = false
}
