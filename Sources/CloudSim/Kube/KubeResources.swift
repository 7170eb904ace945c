import CloudWire
import Foundation

/// One resource type a simulated cluster serves: built in (configmaps, deployments.apps, ...) or
/// defined by a CustomResourceDefinition. Storage is generic (JSON objects), so a type is only
/// its names, scope and subresources.
struct KubeResource: Equatable {
    var group: String
    var version: String
    var kind: String
    var plural: String
    var singular: String
    var namespaced: Bool
    var shortNames: [String] = []
    var categories: [String] = []
    /// Has a `status` subresource: writes to the object keep its status, writes to `/status` keep
    /// everything else.
    var hasStatus: Bool = false
    /// DELETE answers the deleted object (pods, service accounts, namespaces, custom resources)
    /// instead of a `Status` of success, as the apiserver's storage for each type does.
    var returnsDeleted: Bool = false
    /// Defined by a CRD (not built in).
    var custom: Bool = false
    /// The `scale` subresource: where replicas live (dotted paths without the leading dot).
    var scale: KubeScaleSpec? = nil

    /// Keeps `metadata.generation`, bumped when anything but metadata and status changes: every
    /// custom resource and the built-ins with a spec a controller acts on (not configmaps, secrets,
    /// namespaces, ...).
    var tracksGeneration: Bool {
        custom || ["deployments", "replicasets", "daemonsets", "statefulsets", "jobs", "cronjobs", "ingresses",
                   "networkpolicies", "poddisruptionbudgets", "customresourcedefinitions"].contains(plural)
    }

    /// Why `name` is not a valid name for this type, or nil. Namespaces are DNS labels, RBAC objects
    /// path segments (`system:controller:x` is fine), everything else DNS subdomains.
    func nameProblem(_ name: String) -> String? { KubeNameRules.problem(name, group: group, plural: plural) }

    /// An object as served at this version (custom resources are stored once for all versions;
    /// only `apiVersion` differs, as with the `None` conversion strategy). GET, lists and watch
    /// events all present objects through here.
    func present(_ o: JSONValue) -> JSONValue {
        var out = o
        KubeMeta.setTop(&out, "apiVersion", .string(apiVersion))
        KubeMeta.setTop(&out, "kind", .string(kind))
        return out
    }

    /// `apps/v1`, or `v1` for the core group.
    var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
    /// `deployments.apps`, or `configmaps`: how the apiserver names a type in messages.
    var qualified: String { group.isEmpty ? plural : "\(plural).\(group)" }
    /// Storage key of the type: versions of one group share their objects (no conversion beyond
    /// `apiVersion`, as a CRD with the `None` strategy).
    var storageKey: String { "\(group.isEmpty ? "core" : group)/\(plural)" }

    static let allVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]

    /// Namespaces cannot be deleted as a collection (the apiserver does not offer it either).
    var verbs: [String] { group.isEmpty && plural == "namespaces" ? Self.allVerbs.filter { $0 != "deletecollection" } : Self.allVerbs }

    /// The `APIResource` entries discovery lists: the type, then its status subresource.
    var discovery: [JSONValue] {
        var main: [String: JSONValue] = [
            "name": .string(plural), "singularName": .string(singular), "namespaced": .bool(namespaced),
            "kind": .string(kind), "verbs": .array(verbs.map { .string($0) }),
        ]
        if !shortNames.isEmpty { main["shortNames"] = .array(shortNames.map { .string($0) }) }
        if !categories.isEmpty { main["categories"] = .array(categories.map { .string($0) }) }
        var out: [JSONValue] = [.object(main)]
        if hasStatus {
            out.append(.object(["name": .string("\(plural)/status"), "singularName": .string(""), "namespaced": .bool(namespaced),
                                "kind": .string(kind), "verbs": .array(["get", "patch", "update"].map { .string($0) })]))
        }
        if scale != nil {
            out.append(.object(["name": .string("\(plural)/scale"), "singularName": .string(""), "namespaced": .bool(namespaced),
                                "group": .string("autoscaling"), "version": .string("v1"), "kind": .string("Scale"),
                                "verbs": .array(["get", "patch", "update"].map { .string($0) })]))
        }
        return out
    }
}

/// The built-in types every simulated cluster serves. Enough for kubectl, the Python client, and the
/// manifests of Cluster API, CAPVCD and the cloud provider (fixtures/capvcd, fixtures/k8s).
enum KubeBuiltins {
    private static func r(_ group: String, _ version: String, _ kind: String, _ plural: String, namespaced: Bool = true,
                          short: [String] = [], status: Bool = false, returnsDeleted: Bool = false, categories: [String] = []) -> KubeResource {
        KubeResource(group: group, version: version, kind: kind, plural: plural, singular: kind.lowercased(), namespaced: namespaced,
                     shortNames: short, categories: categories, hasStatus: status, returnsDeleted: returnsDeleted)
    }

    private static func scalable(_ r: KubeResource) -> KubeResource {
        var out = r
        out.scale = .builtIn
        return out
    }

    static let all: [KubeResource] = [
        r("", "v1", "Namespace", "namespaces", namespaced: false, short: ["ns"], status: true, returnsDeleted: true),
        r("", "v1", "Node", "nodes", namespaced: false, short: ["no"], status: true),
        r("", "v1", "Pod", "pods", short: ["po"], status: true, returnsDeleted: true, categories: ["all"]),
        r("", "v1", "Service", "services", short: ["svc"], status: true, returnsDeleted: true, categories: ["all"]),
        r("", "v1", "Endpoints", "endpoints", short: ["ep"]),
        r("", "v1", "ConfigMap", "configmaps", short: ["cm"]),
        r("", "v1", "Secret", "secrets"),
        r("", "v1", "ServiceAccount", "serviceaccounts", short: ["sa"], returnsDeleted: true),
        r("", "v1", "Event", "events", short: ["ev"]),
        r("", "v1", "PersistentVolume", "persistentvolumes", namespaced: false, short: ["pv"], status: true),
        r("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", short: ["pvc"], status: true),
        r("", "v1", "ResourceQuota", "resourcequotas", short: ["quota"], status: true),
        r("", "v1", "LimitRange", "limitranges", short: ["limits"]),
        scalable(r("apps", "v1", "Deployment", "deployments", short: ["deploy"], status: true, categories: ["all"])),
        scalable(r("apps", "v1", "ReplicaSet", "replicasets", short: ["rs"], status: true, categories: ["all"])),
        r("apps", "v1", "DaemonSet", "daemonsets", short: ["ds"], status: true, categories: ["all"]),
        scalable(r("apps", "v1", "StatefulSet", "statefulsets", short: ["sts"], status: true, categories: ["all"])),
        r("batch", "v1", "Job", "jobs", status: true, categories: ["all"]),
        r("batch", "v1", "CronJob", "cronjobs", short: ["cj"], status: true, categories: ["all"]),
        r("rbac.authorization.k8s.io", "v1", "Role", "roles"),
        r("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings"),
        r("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", namespaced: false),
        r("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", namespaced: false),
        r("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", namespaced: false,
          short: ["crd", "crds"], status: true, categories: ["api-extensions"]),
        r("admissionregistration.k8s.io", "v1", "MutatingWebhookConfiguration", "mutatingwebhookconfigurations", namespaced: false,
          categories: ["api-extensions"]),
        r("admissionregistration.k8s.io", "v1", "ValidatingWebhookConfiguration", "validatingwebhookconfigurations", namespaced: false,
          categories: ["api-extensions"]),
        r("coordination.k8s.io", "v1", "Lease", "leases"),
        // Stored apart from core events (the apiserver converts between the two; clients write one or the other).
        r("events.k8s.io", "v1", "Event", "events", short: ["ev"]),
        r("storage.k8s.io", "v1", "StorageClass", "storageclasses", namespaced: false, short: ["sc"], returnsDeleted: true),
        r("networking.k8s.io", "v1", "Ingress", "ingresses", short: ["ing"], status: true),
        r("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", short: ["netpol"]),
        r("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", short: ["pdb"], status: true),
    ]

    static let namespaces = all[0]
    static let crds = all.first { $0.plural == "customresourcedefinitions" }!

    /// Namespaces a new cluster starts with, as kubeadm leaves them.
    static let initialNamespaces = ["default", "kube-node-lease", "kube-public", "kube-system"]
}

/// The types one cluster serves right now: the built-ins plus every served version of every CRD
/// stored in it. Built per request from the store, so a CRD is served as soon as its create commits.
struct KubeCatalog {
    let resources: [KubeResource]

    init(state: StateView, cluster: String) {
        var out = KubeBuiltins.all
        for crd in KubeStore.list(state, cluster: cluster, KubeBuiltins.crds) {
            out += Self.resources(ofCRD: crd.json)
        }
        resources = out
    }

    /// The resources a CRD defines (one per served version); empty when it is malformed.
    static func resources(ofCRD crd: JSONValue) -> [KubeResource] {
        guard let spec = crd["spec"], let group = spec["group"]?.stringValue, let names = spec["names"],
              let plural = names["plural"]?.stringValue, let kind = names["kind"]?.stringValue,
              case .array(let versions)? = spec["versions"] else { return [] }
        let singular = names["singular"]?.stringValue ?? kind.lowercased()
        let namespaced = spec["scope"]?.stringValue != "Cluster"
        let short = Self.strings(names["shortNames"])
        let categories = Self.strings(names["categories"])
        return versions.compactMap { v in
            guard let name = v["name"]?.stringValue, v["served"] != .bool(false) else { return nil }
            let status = v["subresources"]?["status"] != nil
            let scale = KubeScaleSpec(crdScale: v["subresources"]?["scale"])
            return KubeResource(group: group, version: name, kind: kind, plural: plural, singular: singular.isEmpty ? kind.lowercased() : singular,
                                namespaced: namespaced, shortNames: short, categories: categories, hasStatus: status, returnsDeleted: true,
                                custom: true, scale: scale)
        }
    }

    private static func strings(_ v: JSONValue?) -> [String] {
        if case .array(let a)? = v { return a.compactMap(\.stringValue) }
        return []
    }

    func find(group: String, version: String, plural: String) -> KubeResource? {
        resources.first { $0.group == group && $0.version == version && $0.plural == plural }
    }

    /// Group → its versions, most preferred first (Kubernetes version priority).
    var groups: [(name: String, versions: [String])] {
        var order: [String] = []
        var versions: [String: [String]] = [:]
        for r in resources where !r.group.isEmpty {
            if versions[r.group] == nil { order.append(r.group) }
            if !(versions[r.group]?.contains(r.version) ?? false) { versions[r.group, default: []].append(r.version) }
        }
        return order.map { ($0, versions[$0]!.sorted { KubeVersion.priority($0) > KubeVersion.priority($1) }) }
    }
}

/// Kubernetes' ordering of API versions: GA before beta before alpha, higher numbers first
/// (`v1` > `v1beta2` > `v1beta1` > `v1alpha4`); anything else sorts last.
enum KubeVersion {
    static func priority(_ v: String) -> Int {
        let s = Array(v)
        guard s.first == "v" else { return 0 }
        var i = 1, major = 0
        while i < s.count, let d = s[i].wholeNumberValue { major = major * 10 + d; i += 1 }
        guard i > 1 else { return 0 }
        if i == s.count { return 3_000_000 + major * 1000 }
        let rest = String(s[i...])
        for (tag, level) in [("beta", 2_000_000), ("alpha", 1_000_000)] where rest.hasPrefix(tag) {
            let minor = Int(rest.dropFirst(tag.count)) ?? 0
            return level + major * 1000 + minor
        }
        return 0
    }
}
