import Foundation
import CloudWire
import Provisioning
import VCDScript

/// The Cluster API script types: `kind` (management clusters), `clusterctl`, `capvcd`, the
/// workload clusters of a management cluster and their machines, and `cloud.credentials`.
enum ClusterTypes {
    static var everything: [NativeType] {
        [kindNamespace, kindClusters, kindCluster, clusterctl, capvcd, capiClusters, capiCluster, capiMachine, credentials]
    }

    static let credentials = { () -> NativeType in
        let t = NativeType(name: "credentials", doc: "A VCD login (user and password, or an API refresh token) as cloud.credentials gives it: it never prints its secret; CAPVCD's capi-user-credentials secret is made from it.")
        t.property("user", of: CredentialsObject.self, doc: "The user name (nil for an API token).") { o, _ in V.s(o.user) }
        t.property("org", of: CredentialsObject.self, doc: "The org it logs in to.") { o, _ in .string(o.credentials.org) }
        t.property("method", of: CredentialsObject.self, doc: "password or apiToken.") { o, _ in .string(o.user == nil ? "apiToken" : "password") }
        t.describe(as: CredentialsObject.self) { x in
            return x.user.map { "<credentials \($0)@\(x.credentials.org) password \(SecretRef.masked)>" } ?? "<credentials API token \(SecretRef.masked) for \(x.credentials.org)>"
        }
        CloudTypes.register(t)
        return t
    }()

    static let kindNamespace = { () -> NativeType in
        let t = NativeType(name: "kind", doc: "kind clusters (Kubernetes in Docker), the local management clusters of Cluster API: kind.clusters.ensure(name:).")
        t.property("clusters", of: KindNamespaceObject.self, doc: "The kind clusters (collection): ensure(name:, kubernetes:), delete(name).") { o, _ in
            ClusterBridge.kindClusters(o.env)
        }
        t.method("selfManaged", of: KindNamespaceObject.self, params: [Parameter("name", doc: "the workload cluster's name"),
                                         Parameter("kubeconfig", doc: "the kubeconfig file of the workload cluster (lab-setup.vs writes it)"),
                                         Parameter("namespace", default: .string("default"))],
                 doc: "The Cluster API workload cluster `name` that manages itself after a pivot, reached through its kubeconfig file (reads only); nil when the file is missing or the cluster holds no Cluster object of that name. unpivot(to:) moves it back to a kind cluster, which can then delete it.") { o, a, ctx in
            let env = o.env
            let name = try a.string(0), path = try a.string(1), ns = try a.string(2)
            return try host(ctx) { try ClusterBridge.selfManaged(env, name: name, kubeconfig: path, namespace: ns) }
        }
        t.describe = { _ in "<kind>" }
        CloudTypes.register(t)
        return t
    }()

    static let kindClusters = Collections.type("kindClusters", element: "kind cluster",
        doc: "The kind clusters of this machine (kind get clusters); on the embedded simulator, its simulated Kubernetes clusters.",
        ensureParams: [Parameter("name"), Parameter("kubernetes", default: .null, doc: "the node image's Kubernetes version, e.g. v1.27.3; default kind's")],
        ensureDoc: "Creates the kind cluster if there is none of that name (kind create cluster); prints + created / = unchanged and returns it.")

    /// Members of every cluster the Cluster API tooling works on (kind and workload clusters).
    static func managedMembers(_ t: NativeType) {
        t.property("kubeconfig", of: ManagedCluster.self, doc: "Its kubeconfig (YAML), a secret value: it prints as ********; write(path, it) writes the text.") { x, ctx in
            if x.planned { return V.unknown }
            return .secret(SecretRef(try host(ctx) { try x.kubeconfigText() }))
        }
        t.property("kube", of: ManagedCluster.self, doc: "The cluster's Kubernetes API (a kubeConnection: deployments, services, apply, ...).") { x, ctx in
            let k = try host(ctx) { try x.engine() }
            return .object(KubeConnection(kube: k, namespace: "default", kubeconfig: "<kubeconfig of \(x.label)>"))
        }
        t.property("clusterctl", of: ManagedCluster.self, doc: "clusterctl on this cluster: init(core:, bootstrap:, controlPlane:).") { o, _ in
            .object(ProviderObject(clusterctl, o))
        }
        t.property("capvcd", of: ManagedCluster.self, doc: "The CAPVCD infrastructure provider on this cluster: install(version:, site:, org:, vdc:, network:, vipSubnet:, credentials:).") { o, _ in
            .object(ProviderObject(capvcd, o))
        }
        t.property("clusters", of: ManagedCluster.self, doc: "The Cluster API workload clusters this cluster manages (collection, namespace default): ensure(name:, template:, ...), delete(name).") { x, _ in
            return ClusterBridge.capiClusters(x, namespace: x.clustersNamespace)
        }
        t.property("plan", of: ManagedCluster.self, doc: "True when it does not exist yet (plan mode): nothing is read from it or sent to it.") { o, _ in .bool(o.planned) }
    }

    static let kindCluster = { () -> NativeType in
        let t = NativeType(name: "kindCluster", doc: "A kind cluster: a Cluster API management cluster once clusterctl.init and capvcd.install have run on it.")
        t.property("name", of: KindCluster.self, doc: "Its name.") { o, _ in .string(o.name) }
        managedMembers(t)
        t.columns = ["name"]
        t.describe(as: KindCluster.self) { o in "<kindCluster \(o.name)>" }
        CloudTypes.register(t)
        return t
    }()

    static let clusterctl = { () -> NativeType in
        let t = NativeType(name: "clusterctl", doc: "clusterctl on one cluster (the Cluster API providers).")
        t.method("init", of: ProviderObject.self, params: [Parameter("core", default: .string("cluster-api:v1.4.0"), doc: "the core provider, name:version"),
                                  Parameter("bootstrap", default: .string("kubeadm:v1.4.0"), doc: "the bootstrap provider"),
                                  Parameter("controlPlane", default: .string("kubeadm:v1.4.0"), doc: "the control-plane provider")],
                 doc: "Installs the Cluster API core, bootstrap and control-plane providers (clusterctl init) unless Cluster API is there; prints + created / = unchanged and returns the installed components, one line each.") { p, a, ctx in
            let core = try a.string(0), bootstrap = try a.string(1), cp = try a.string(2)
            return V.list(try host(ctx) { try ClusterBridge.clusterctlInit(p.cluster, core: core, bootstrap: bootstrap, controlPlane: cp) })
        }
        t.describe(as: ProviderObject.self) { o in "<clusterctl of \(o.cluster.label)>" }
        CloudTypes.register(t)
        return t
    }()

    static let capvcd = { () -> NativeType in
        let t = NativeType(name: "capvcd", doc: "The Cluster API provider for VCD (CAPVCD) on one cluster.")
        t.property("installed", of: ProviderObject.self, doc: "Whether CAPVCD's CRDs are there.") { p, ctx in
            if p.cluster.planned { return .bool(false) }
            return .bool(try host(ctx) { try ClusterBridge.crdExists(try p.cluster.engine(), "vcdclusters.infrastructure.cluster.x-k8s.io") })
        }
        t.method("install", of: ProviderObject.self, params: [Parameter("version", default: .string("v1.3.2"), doc: "CAPVCD's release, e.g. v1.3.2"),
                                     Parameter("site", default: .null, doc: "the VCD URL (cloud.site); default the cloud's"),
                                     Parameter("org", default: .null, doc: "org object or name; default the cloud's org"),
                                     Parameter("vdc", default: .null, doc: "VDC object or name"),
                                     Parameter("network", default: .null, doc: "the org VDC network (object or name) of the clusters' VMs"),
                                     Parameter("vipSubnet", default: .null, doc: "the external subnet for control-plane and LoadBalancer VIPs (gateway.vipSubnet)"),
                                     Parameter("credentials", default: .null, doc: "cloud.credentials (default), or secret(refresh token)")],
                 doc: "Installs CAPVCD (clusterctl init --infrastructure vcd:VERSION) unless it is there (Cluster API must be: clusterctl.init first); the VCD settings become the defaults of clusters.ensure in this run. Prints + created / = unchanged and returns the installed components.") { p, a, ctx in
            let version = try a.string(0)
            let env = p.cluster.env
            env.defaults = try ClusterBridge.settings(a, ctx, env, fn: "install")
            return V.list(try host(ctx) { try ClusterBridge.capvcdInstall(p.cluster, version: version) })
        }
        t.describe(as: ProviderObject.self) { o in "<capvcd of \(o.cluster.label)>" }
        CloudTypes.register(t)
        return t
    }()

    static let capiClusters = { () -> NativeType in
        let t = Collections.type("capiClusters", element: "Cluster API cluster",
            doc: "The Cluster API clusters (Cluster objects) of a namespace of a management cluster.", ensureParams: nil)
        t.method("ensure", of: CAPIClusterCollection.self, params: [
            Parameter("name"),
            Parameter("template", default: .null, doc: "the TKGm vApp template (a template object, or its name with catalog:); needed to create the cluster"),
            Parameter("controlPlane", default: .null, doc: "control-plane machines (1 when the cluster is created)"),
            Parameter("workers", default: .null, doc: "worker machines (1 when the cluster is created)"),
            Parameter("kubernetes", default: .null, doc: "e.g. v1.22.5+vmware.1; default the template's kubernetesVersion when the cluster is created"),
            Parameter("sshKey", default: .null, doc: "an SSH public key for user root (read(\"~/.ssh/id_rsa.pub\"))"),
            Parameter("namespace", default: .null, doc: "default the collection's (default)"),
            Parameter("catalog", default: .null, doc: "the template's catalog when template is a name"),
            Parameter("org", default: .null, doc: "default capvcd.install's"), Parameter("vdc", default: .null, doc: "default capvcd.install's"),
            Parameter("network", default: .null, doc: "default capvcd.install's"), Parameter("vipSubnet", default: .null, doc: "default capvcd.install's"),
            Parameter("site", default: .null, doc: "default capvcd.install's, else the cloud's"),
            Parameter("credentials", default: .null, doc: "default capvcd.install's, else cloud.credentials"),
            Parameter("sizingPolicy", default: .null, doc: "a VM sizing policy (object or name) for every machine"),
            Parameter("placementPolicy", default: .null), Parameter("storageProfile", default: .null),
            Parameter("diskSize", default: .null, doc: "default 20Gi"), Parameter("podCIDR", default: .null, doc: "default 100.96.0.0/11"),
            Parameter("serviceCIDR", default: .null, doc: "default 100.64.0.0/13"),
            Parameter("controlPlaneEndpoint", default: .null, doc: "a fixed VIP for the API server (host, port 6443); default CAPVCD picks one in vipSubnet"),
        ], doc: "Applies the objects of CAPVCD's cluster template for these parameters (Secret capi-user-credentials, Cluster, VCDCluster, VCDMachineTemplate ×2, KubeadmControlPlane, KubeadmConfigTemplate, MachineDeployment): + created / ~ updated (fields) / = unchanged per object, nothing sent when they match. On an existing cluster an argument left out keeps the cluster's value (template, Kubernetes version, machine counts, sizing, disk, SSH key, networks): only what is given changes. Returns the cluster (wait for it with waitFor).") { c, a, ctx in
            guard let m = c.managed else { throw ScriptError(.host, "this collection cannot create clusters") }
            return try ClusterBridge.ensureCluster(m, a, ctx)
        }
        t.property("namespace", of: CAPIClusterCollection.self, doc: "The namespace it lists.") { o, _ in .string(o.namespace) }
        t.method("inNamespace", of: CAPIClusterCollection.self, params: [Parameter("name")], doc: "The same collection in another namespace.") { c, a, _ in
            guard let m = c.managed else { return .object(c) }
            return ClusterBridge.capiClusters(m, namespace: try a.string(0))
        }
        t.method("delete", of: CAPIClusterCollection.self, params: [Parameter("name"), Parameter("timeout", default: .duration(30 * 60 * 1_000_000_000), doc: "how long to wait for it to be gone")],
                 doc: "Deletes the Cluster (its controllers delete its machines, VMs, virtual services and RDE) and waits until it is gone; true if it existed.") { c, a, ctx in
            guard let m = c.managed else { throw ScriptError(.host, "clusters cannot be deleted here") }
            let name = try a.string(0)
            let timeout = try ClusterBridge.timeout(a, "timeout", default: 1800)
            return .bool(try host(ctx) { try ClusterBridge.deleteCluster(m, namespace: c.namespace, name: name, timeout: timeout) })
        }
        return t
    }()

    static func js(_ w: WorkloadCluster, _ path: String) -> JSONValue? { w.value.value(at: path) }

    static let capiCluster = { () -> NativeType in
        let t = NativeType(name: "capiCluster", doc: "A Cluster API workload cluster (a Cluster of a management cluster), as last read; refresh() reads it again.")
        func unknownIfPlanned(_ x: WorkloadCluster, _ v: () throws -> Value) rethrows -> Value { x.planned ? V.unknown : try v() }
        t.property("name", of: WorkloadCluster.self, doc: "Its name.") { o, _ in .string(o.name) }
        t.property("namespace", of: WorkloadCluster.self, doc: "The namespace of its Cluster object.") { o, _ in .string(o.namespace) }
        t.property("phase", of: WorkloadCluster.self, doc: "status.phase: Pending, Provisioning, Provisioned, Deleting, Failed.") { o, _ in
            unknownIfPlanned(o) { .string(CAPIClusters.phase(o.value)) } }
        t.property("ready", of: WorkloadCluster.self, doc: "Whether its Ready condition is True.") { o, _ in unknownIfPlanned(o) { .bool(CAPIClusters.ready(o.value)) } }
        t.property("infrastructureReady", of: WorkloadCluster.self, doc: "status.infrastructureReady.") { o, _ in unknownIfPlanned(o) { .bool(js(o, "status.infrastructureReady") == .bool(true)) } }
        t.property("controlPlaneReady", of: WorkloadCluster.self, doc: "status.controlPlaneReady.") { o, _ in unknownIfPlanned(o) { .bool(js(o, "status.controlPlaneReady") == .bool(true)) } }
        t.property("failureMessage", of: WorkloadCluster.self, doc: "status.failureMessage, or nil.") { o, _ in unknownIfPlanned(o) { V.s(js(o, "status.failureMessage")?.stringValue) } }
        t.property("conditions", of: WorkloadCluster.self, doc: "status.conditions, as maps {type, status, reason, message}.") { o, _ in
            unknownIfPlanned(o) { KubeObjectsBridge.value(js(o, "status.conditions") ?? .array([])) } }
        t.property("controlPlaneEndpoint", of: WorkloadCluster.self, doc: "host:port of its API server (the VIP CAPVCD chose), or nil before there is one.") { x, ctx in
            if x.planned { return V.unknown }
            if let h = js(x, "spec.controlPlaneEndpoint.host")?.stringValue, !h.isEmpty {
                return .string("\(h):\(js(x, "spec.controlPlaneEndpoint.port")?.scalarText ?? "6443")")
            }
            let infra = try host(ctx) { try x.capi.get(CAPI.infrastructure, "VCDCluster", x.name) }
            guard let h = infra?.value(at: "spec.controlPlaneEndpoint.host")?.stringValue, !h.isEmpty else { return .null }
            return .string("\(h):\(infra?.value(at: "spec.controlPlaneEndpoint.port")?.scalarText ?? "6443")")
        }
        t.property("machines", of: WorkloadCluster.self, doc: "Its Machine objects (a list; prints as a table with phase, version and node).") { x, ctx in
            if x.planned { return .list([]) }
            let k = try host(ctx) { try x.management.engine() }
            let ms = try host(ctx) { try x.capi.machines(x.name) }
            return .list(ms.map { .object(KubeRef(capiMachine, kube: k, value: $0)) })
        }
        t.property("nodes", of: WorkloadCluster.self, doc: "The nodes of the workload cluster itself (its Kubernetes API), a list.") { x, ctx in
            if x.planned { return .list([]) }
            let k = try host(ctx) { try x.engine() }
            let nodes = try host(ctx) { try KubeNodes(kube: k).objects.list() }
            return .list(nodes.map { .object(KubeRef(KubeTypes.node, kube: k, value: $0)) })
        }
        t.property("management", of: WorkloadCluster.self, doc: "The cluster that manages it (a kind cluster; itself after pivot).") { o, _ in .object(o.management) }
        t.property("yaml", of: WorkloadCluster.self, doc: "The Cluster object as YAML.") { o, _ in .string(KubeObjectsBridge.yaml(o.value)) }
        managedMembers(t)
        t.method("refresh", of: WorkloadCluster.self, doc: "Reads the Cluster again; returns it.") { o, _, ctx in
            try host(ctx) { try o.refresh() }
            return .object(o)
        }
        t.method("waitFor", of: WorkloadCluster.self, params: [Parameter("phase", default: .string("Provisioned"), doc: "the phase to reach"),
                                     Parameter("timeout", default: .duration(30 * 60 * 1_000_000_000), doc: "a duration, e.g. 30m")],
                 doc: "Polls the Cluster until its phase is `phase`, printing a line whenever the phase, the conditions or the machines change. A Failed cluster raises an error with its failureMessage; a timeout names the last phase and conditions. Returns the cluster.") { o, a, ctx in
            try ClusterBridge.waitFor(o, phase: try a.string(0), timeout: try ClusterBridge.timeout(a, "timeout", default: 1800), ctx: ctx)
        }
        t.method("scale", of: WorkloadCluster.self, params: [Parameter("controlPlane", default: .null, doc: "control-plane machines (1, 3, 5); nil keeps them"),
                                   Parameter("workers", default: .null, doc: "worker machines of each machine deployment (or of `deployment`); nil keeps them"),
                                   Parameter("deployment", default: .null, doc: "one machine deployment by name (e.g. md-0); default: all")],
                 doc: "Sets the replicas of the control plane and/or the workers, nothing else (~ updated with the fields, = unchanged when they are already so); the controllers add or remove machines. waitFor(\"Provisioned\") then waits for them. Returns the cluster.") { x, a, ctx in
            let cp = try a.optInt("controlPlane"), workers = try a.optInt("workers"), d = try a.optString("deployment")
            if x.planned {
                x.env.gate.report("  (plan) would scale cluster \(x.namespace)/\(x.name)" + (cp.map { " controlPlane: \($0)" } ?? "") + (workers.map { " workers: \($0)" } ?? ""))
                return .object(x)
            }
            try host(ctx) {
                try x.capi.scale(x.name, controlPlane: cp, workers: workers, deployment: d)
                try x.refresh()
            }
            return .object(x)
        }
        t.method("upgrade", of: WorkloadCluster.self, params: [Parameter("kubernetes", default: .null, doc: "the new Kubernetes version, e.g. v1.23.8+vmware.1"),
                                     Parameter("template", default: .null, doc: "the node template (vApp template) of that version"),
                                     Parameter("catalog", default: .null, doc: "its catalog; default: the current one")],
                 doc: "Upgrades the cluster as Cluster API does: a new VCDMachineTemplate for the control plane and each machine deployment (when the template changes), then their version and template reference; the controllers replace the machines one at a time. waitFor(\"Provisioned\") then waits until every machine is new. Returns the cluster.") { x, a, ctx in
            let v = try a.optString("kubernetes"), tpl = try a.optString("template"), cat = try a.optString("catalog")
            if x.planned {
                x.env.gate.report("  (plan) would upgrade cluster \(x.namespace)/\(x.name) to \(v ?? tpl ?? "?")")
                return .object(x)
            }
            try host(ctx) {
                try x.capi.upgrade(x.name, kubernetes: v, template: tpl, catalog: cat)
                try x.refresh()
            }
            return .object(x)
        }
        t.method("describe", of: WorkloadCluster.self, doc: "A clusterctl describe-like tree: the Cluster, its VCDCluster, control plane, machine deployments and machines, with READY and phase.") { x, _, ctx in
            if x.planned { return .string("Cluster/\(x.name)  \(knownAfterApply)") }
            return .string(try host(ctx) { try x.capi.describe(x.name) })
        }
        t.method("pivot", of: WorkloadCluster.self, params: [Parameter("from", doc: "the management cluster that holds its Cluster API objects now (a kind cluster)"),
                                   Parameter("core", default: .null, doc: "default as clusterctl.init had it"),
                                   Parameter("bootstrap", default: .null), Parameter("controlPlane", default: .null),
                                   Parameter("version", default: .null, doc: "CAPVCD's; default as capvcd.install had it")],
                 doc: "Makes the cluster manage itself: clusterctl init and CAPVCD on it, then clusterctl move of its namespace's Cluster API objects from `from`. Prints what it did (= when already done); returns the cluster.") { o, a, ctx in
            guard case .object(let f as ManagedCluster) = a["from"] else {
                throw ScriptError(.type, "pivot(): from must be the management cluster (kind.clusters.get(...)), not \(a["from"].typeName)")
            }
            return try ClusterBridge.pivot(o, from: f, a, ctx)
        }
        t.method("unpivot", of: WorkloadCluster.self, params: [Parameter("to", doc: "the management cluster to move to (a kind cluster with clusterctl.init and capvcd.install done)")],
                 doc: "The reverse of pivot (before deleting a self-managed cluster): clusterctl move of its namespace's Cluster API objects from where they are to `to`; = when `to` has them already. Returns the cluster, now managed by `to`.") { o, a, ctx in
            guard case .object(let t as ManagedCluster) = a["to"] else {
                throw ScriptError(.type, "unpivot(): to must be a management cluster (kind.clusters.ensure(...)), not \(a["to"].typeName)")
            }
            return try ClusterBridge.unpivot(o, to: t, ctx)
        }
        t.columns = ["name", "namespace", "phase", "ready", "controlPlaneEndpoint"]
        t.describe(as: WorkloadCluster.self) { o in "<capiCluster \(o.namespace)/\(o.name)>" }
        // On its own in the REPL, a cluster shows as its describe() tree.
        t.display(as: WorkloadCluster.self) { x, ctx in
            if x.planned { return "Cluster/\(x.name)  \(knownAfterApply)" }
            return try host(ctx) { try x.capi.describe(x.name) }
        }
        CloudTypes.register(t)
        return t
    }()

    static let capiMachine = KubeTypes.define("capiMachine", doc: "A Cluster API Machine (one VM of a workload cluster).",
                                              columns: ["name", "phase", "version", "nodeName", "address", "age"], fields: [
        KubeTypes.F("phase", "status.phase: Pending, Provisioning, Provisioned, Running, Deleting, Failed.", known: false) { V.s($0.value.value(at: "status.phase")?.stringValue ?? "Pending") },
        KubeTypes.F("version", "spec.version (Kubernetes).") { V.s($0.value.value(at: "spec.version")?.stringValue) },
        KubeTypes.F("nodeName", "status.nodeRef.name: its node in the workload cluster.", known: false) { V.s($0.value.value(at: "status.nodeRef.name")?.stringValue) },
        KubeTypes.F("address", "Its first address (status.addresses).", known: false) { r in
            guard case .array(let a)? = r.value.value(at: "status.addresses") else { return .null }
            return V.s(a.first?["address"]?.stringValue)
        },
        KubeTypes.F("cluster", "spec.clusterName.") { V.s($0.value.value(at: "spec.clusterName")?.stringValue) },
    ])
}

/// `x.clusterctl` and `x.capvcd`: the provider operations on one cluster.
final class ProviderObject: NativeObject {
    let cluster: ManagedCluster
    init(_ type: NativeType, _ cluster: ManagedCluster) {
        self.cluster = cluster
        super.init(type: type)
    }
}
