import CloudClient
import CloudSim
import CloudWire
import Foundation

/// `clusterctl init` as a client of a cluster's Kubernetes API: the components of each provider
/// (`ClusterctlComponents`, the simulator's stand-in for the releases' components YAML) are created
/// object by object, cert-manager first, as clusterctl applies them. Used by the simulator's
/// `clusterctl` program and by vcdscript on the embedded simulator alike.
struct ClusterctlInstaller {
    let kube: KubeClient

    /// The providers asked for (`init` flags; nil: not given).
    struct Request {
        var core: String?
        var bootstrap: [String] = []
        var controlPlane: [String] = []
        var infrastructure: [String] = []
    }

    /// Whether a component's controller Deployment is in the cluster.
    func installed(_ c: ClusterctlComponents.Component) throws -> Bool {
        try kube.getIfPresent(KubeResource.deployments.path(namespace: c.namespace, name: c.deployment), what: "read deployment \(c.namespace)/\(c.deployment)") != nil
    }

    /// Creates the objects of `c` that are not there yet.
    func apply(_ c: ClusterctlComponents.Component) throws {
        for o in c.objects {
            let r = try kube.resource(apiVersion: o["apiVersion"]?.stringValue ?? "v1", kind: o["kind"]?.stringValue ?? "")
            let ns = r.namespaced ? (o["metadata"]?["namespace"]?.stringValue ?? "default") : nil
            do {
                try kube.send("POST", r.path(namespace: ns), body: o, what: "create \(r.kind) \(o["metadata"]?["name"]?.stringValue ?? "")")
            } catch let e as KubeError where e.status == 409 {
                // Shared objects (clusterctl's Provider CRD) are there already.
            }
        }
    }

    /// Installs what `request` asks (the kubeadm providers and the core when Cluster API is not in the
    /// cluster yet); `log` gets clusterctl's lines. Throws clusterctl's error for a provider that is
    /// installed already or unknown, before anything is created.
    func install(_ request: Request, log: (String) -> Void) throws {
        log("Fetching providers")
        let coreComponent = try ClusterctlComponents.provider(.core, request.core ?? "cluster-api")
        let coreThere = try installed(coreComponent)
        var queue: [ClusterctlComponents.Component] = []
        if !coreThere || request.core != nil { queue.append(coreComponent) }
        let bootstrap = request.bootstrap.isEmpty && !coreThere ? ["kubeadm"] : request.bootstrap
        let controlPlane = request.controlPlane.isEmpty && !coreThere ? ["kubeadm"] : request.controlPlane
        queue += try bootstrap.map { try ClusterctlComponents.provider(.bootstrap, $0) }
        queue += try controlPlane.map { try ClusterctlComponents.provider(.controlPlane, $0) }
        queue += try request.infrastructure.map { try ClusterctlComponents.provider(.infrastructure, $0) }
        for c in queue where try installed(c) {
            throw ToolError("installing provider \"\(c.inventoryName)\" can lead to a non functioning management cluster: there is already an instance of the \"\(c.inventoryName)\" provider installed in the \"\(c.namespace)\" namespace")
        }
        if queue.isEmpty { throw ToolError("there are no providers to install: the management cluster is initialized already", hint: "name a provider to add, e.g. --infrastructure vcd") }
        let cm = ClusterctlComponents.certManager()
        if try installed(cm) {
            log("Skipping installing cert-manager as it is already installed")
        } else {
            log("Installing cert-manager Version=\"\(cm.version)\"")
            try apply(cm)
            log("Waiting for cert-manager to be available...")
        }
        for c in queue {
            log("Installing Provider=\"\(c.inventoryName)\" Version=\"\(c.version)\" TargetNamespace=\"\(c.namespace)\"")
            try apply(c)
        }
    }
}

/// `clusterctl move` as a client of two clusters' Kubernetes APIs: the Cluster API objects of a
/// namespace (every kind whose CRD clusterctl labels, the secrets of the clusters and the
/// credentials their VCDClusters name) are paused in the source, created in the target with new
/// uids and owner references remapped, owners first, deleted from the source, and unpaused in the
/// target, whose controllers take them over.
struct ClusterctlMover {
    let from: KubeClient
    let to: KubeClient
    static let pausedAnnotation = "cluster.x-k8s.io/paused"
    static let crds = KubeResource(group: "apiextensions.k8s.io", version: "v1", plural: "customresourcedefinitions", kind: "CustomResourceDefinition", namespaced: false)

    /// The kinds to move, from the source's CRDs (Cluster API categories, not clusterctl's own).
    func movableResources() throws -> [KubeResource] {
        guard case .array(let items)? = try from.send("GET", Self.crds.path(namespace: nil), what: "list CRDs")["items"] else { return [] }
        var out: [KubeResource] = []
        for crd in items {
            guard let spec = crd["spec"], let group = spec["group"]?.stringValue, group.hasSuffix("cluster.x-k8s.io"),
                  group != "clusterctl.cluster.x-k8s.io", spec["scope"]?.stringValue != "Cluster",
                  let plural = spec["names"]?["plural"]?.stringValue, let kind = spec["names"]?["kind"]?.stringValue,
                  case .array(let versions)? = spec["versions"] else { continue }
            let storage = versions.first { $0["storage"] == .bool(true) }?["name"]?.stringValue ?? versions.last?["name"]?.stringValue ?? "v1beta1"
            out.append(KubeResource(group: group, version: storage, plural: plural, kind: kind, namespaced: true))
        }
        // Owners before what they own: clusters first, machines last.
        let order = ["Cluster", "VCDCluster", "KubeadmControlPlane", "MachineDeployment", "MachineSet", "Machine"]
        return out.sorted { (order.firstIndex(of: $0.kind) ?? 3, $0.kind) < (order.firstIndex(of: $1.kind) ?? 3, $1.kind) }
    }

    static func items(_ list: JSONValue) -> [JSONValue] {
        if case .array(let a)? = list["items"] { return a }
        return []
    }

    func move(namespace ns: String, log: (String) -> Void) throws {
        log("Performing move...")
        log("Discovering Cluster API objects")
        let kinds = try movableResources()
        var objects: [(KubeResource, JSONValue)] = []
        for r in kinds {
            for o in Self.items(try from.send("GET", r.path(namespace: ns), what: "list \(r.plural)")) { objects.append((r, o)) }
        }
        let clusterNames = Set(objects.filter { $0.0.kind == "Cluster" }.compactMap { $0.1["metadata"]?["name"]?.stringValue })
        guard !clusterNames.isEmpty else { throw ToolError("no Cluster objects to move in namespace \"\(ns)\"") }
        // Secrets: each cluster's (`<cluster>-…`, or labelled), and the credentials VCDClusters name.
        var credentialNames: Set<String> = []
        for (r, o) in objects where r.kind == "VCDCluster" {
            if let n = o["spec"]?["userContext"]?["secretRef"]?["name"]?.stringValue { credentialNames.insert(n) }
        }
        for s in Self.items(try from.send("GET", KubeResource.secrets.path(namespace: ns), what: "list secrets")) {
            let name = s["metadata"]?["name"]?.stringValue ?? ""
            let label = s["metadata"]?["labels"]?["cluster.x-k8s.io/cluster-name"]?.stringValue
            if credentialNames.contains(name) || label.map(clusterNames.contains) == true || clusterNames.contains(where: { name.hasPrefix($0 + "-") }) {
                objects.insert((KubeResource.secrets, s), at: 0)
            }
        }
        log("Moving Cluster API objects Clusters=\(clusterNames.count)")
        // Pause the source so its controllers stop acting on what is being moved.
        for (r, o) in objects where r.kind == "Cluster" {
            let name = o["metadata"]?["name"]?.stringValue ?? ""
            try from.send("PATCH", r.path(namespace: ns, name: name), body: .object(["spec": .object(["paused": .bool(true)])]),
                          contentType: "application/merge-patch+json", what: "pause Cluster \(name)")
        }
        if try to.getIfPresent(KubeResource.namespaces.path(namespace: nil, name: ns), what: "read namespace \(ns)") == nil {
            try to.send("POST", KubeResource.namespaces.path(namespace: nil), body: .object(["apiVersion": .string("v1"), "kind": .string("Namespace"),
                                                                                             "metadata": .object(["name": .string(ns)])]), what: "create namespace \(ns)")
        }
        log("Creating objects in the target cluster")
        var uids: [String: String] = [:]
        var created: [(KubeResource, JSONValue)] = []
        // Owners first: repeat passes until every object whose owners are created is created.
        var pending = objects
        while !pending.isEmpty {
            var next: [(KubeResource, JSONValue)] = []
            for (r, o) in pending {
                let owners = Self.ownerUIDs(o)
                let ownersHere = owners.filter { uid in pending.contains { Self.uid($0.1) == uid } }
                if !ownersHere.allSatisfy({ uids[$0] != nil }) { next.append((r, o)); continue }
                let made = try create(r, o, namespace: ns, uids: uids)
                if let old = Self.uid(o), let new = Self.uid(made) { uids[old] = new }
                created.append((r, made))
            }
            if next.count == pending.count {
                // Owner references that cannot be satisfied: create the rest as they are.
                for (r, o) in next {
                    let made = try create(r, o, namespace: ns, uids: uids)
                    created.append((r, made))
                }
                break
            }
            pending = next
        }
        log("Deleting objects from the source cluster")
        for (r, o) in objects.reversed() {
            let path = r.path(namespace: ns, name: Self.name(o))
            if let cur = try from.getIfPresent(path), case .array(let f)? = cur["metadata"]?["finalizers"], !f.isEmpty {
                try from.send("PATCH", path, body: .object(["metadata": .object(["finalizers": .null])]), contentType: "application/merge-patch+json",
                              what: "remove finalizers of \(r.kind) \(Self.name(o))")
            }
            do { try from.send("DELETE", path, what: "delete \(r.kind) \(ns)/\(Self.name(o))") } catch let e as KubeError where e.status == 404 {}
            log("Moved \(r.kind) \(ns)/\(Self.name(o))")
        }
        log("Resuming the target cluster")
        for (r, o) in created where r.kind == "Cluster" || Self.annotations(o)[Self.pausedAnnotation] != nil {
            let patch: JSONValue = r.kind == "Cluster"
                ? .object(["spec": .object(["paused": .null]), "metadata": .object(["annotations": .object([Self.pausedAnnotation: .null])])])
                : .object(["metadata": .object(["annotations": .object([Self.pausedAnnotation: .null])])])
            try to.send("PATCH", r.path(namespace: ns, name: Self.name(o)), body: patch, contentType: "application/merge-patch+json", what: "resume \(r.kind) \(Self.name(o))")
        }
    }

    /// Creates the object in the target and gives it back its status (a create drops the status
    /// of a type with a status subresource; clusterctl restores it so nothing starts over).
    func create(_ r: KubeResource, _ o: JSONValue, namespace ns: String, uids: [String: String]) throws -> JSONValue {
        let made = try to.send("POST", r.path(namespace: ns), body: Self.prepared(o, uids: uids, kind: r.kind), what: "create \(r.kind) \(ns)/\(Self.name(o))")
        guard let status = o["status"], made["status"] != status, r.kind != "Secret", case .object(var top) = made else { return made }
        top["status"] = status
        do {
            return try to.send("PUT", r.path(namespace: ns, name: Self.name(o)) + "/status", body: .object(top), what: "restore the status of \(r.kind) \(ns)/\(Self.name(o))")
        } catch let e as KubeError where e.status == 404 {
            return made  // no status subresource: the create kept it
        }
    }

    static func name(_ o: JSONValue) -> String { o["metadata"]?["name"]?.stringValue ?? "" }
    static func uid(_ o: JSONValue) -> String? { o["metadata"]?["uid"]?.stringValue }
    static func annotations(_ o: JSONValue) -> JSONObject {
        if case .object(let a)? = o["metadata"]?["annotations"] { return a }
        return [:]
    }
    static func ownerUIDs(_ o: JSONValue) -> [String] {
        guard case .array(let refs)? = o["metadata"]?["ownerReferences"] else { return [] }
        return refs.compactMap { $0["uid"]?.stringValue }
    }

    /// The object as the target gets it: server-set metadata gone, owner uids remapped, paused
    /// (Cluster API objects carry the paused annotation while they are moved), status kept.
    static func prepared(_ o: JSONValue, uids: [String: String], kind: String) -> JSONValue {
        guard case .object(var top) = o, case .object(var meta)? = top["metadata"] else { return o }
        for k in ["uid", "resourceVersion", "creationTimestamp", "generation", "managedFields", "selfLink", "deletionTimestamp"] { meta.removeValue(forKey: k) }
        if case .array(let refs)? = meta["ownerReferences"] {
            meta["ownerReferences"] = .array(refs.map { ref in
                guard case .object(var r) = ref, let old = r["uid"]?.stringValue, let new = uids[old] else { return ref }
                r["uid"] = .string(new)
                return .object(r)
            })
        }
        if kind != "Secret" {
            var ann: JSONObject = [:]
            if case .object(let a)? = meta["annotations"] { ann = a }
            ann[pausedAnnotation] = .string("")
            meta["annotations"] = .object(ann)
        }
        top["metadata"] = .object(meta)
        if kind == "Cluster", case .object(var spec)? = top["spec"] {
            spec["paused"] = .bool(true)
            top["spec"] = .object(spec)
        }
        return .object(top)
    }
}
