import CloudWire
import Foundation

/// `clusterctl init`: the components of the Cluster API core, kubeadm bootstrap and control-plane
/// providers, and of CAPVCD, as clusterctl leaves them in a cluster: cert-manager, one namespace per
/// provider, the CRDs, the controller Deployments (Available at once: there is no image to pull),
/// and clusterctl's `Provider` inventory objects. The simulated controllers run in a cluster as long
/// as the Deployments of the core and CAPVCD controllers are there.
enum CAPIComponents {
    struct Provider: Sendable {
        var name: String
        var type: String
        var namespace: String
        var deployment: String
        var crds: [(group: String, kind: String, plural: String, versions: [String], scale: Bool)]
    }

    static let certManagerVersion = "v1.11.0"

    static let core = Provider(name: "cluster-api", type: "CoreProvider", namespace: "capi-system", deployment: "capi-controller-manager", crds: [
        (CAPIRes.core, "Cluster", "clusters", ["v1beta1"], false),
        (CAPIRes.core, "Machine", "machines", ["v1beta1"], false),
        (CAPIRes.core, "MachineSet", "machinesets", ["v1beta1"], true),
        (CAPIRes.core, "MachineDeployment", "machinedeployments", ["v1beta1"], true),
        (CAPIRes.core, "MachineHealthCheck", "machinehealthchecks", ["v1beta1"], false),
        (CAPIRes.core, "ClusterClass", "clusterclasses", ["v1beta1"], false),
        (CAPIRes.core, "MachinePool", "machinepools", ["v1beta1"], true),
        // The core provider's manifests carry the ClusterResourceSet CRDs too (CAPVCD 1.1 lists
        // the bindings of each cluster it reconciles).
        (CAPIRes.addons, "ClusterResourceSet", "clusterresourcesets", ["v1beta1"], false),
        (CAPIRes.addons, "ClusterResourceSetBinding", "clusterresourcesetbindings", ["v1beta1"], false),
    ])
    static let bootstrap = Provider(name: "kubeadm", type: "BootstrapProvider", namespace: "capi-kubeadm-bootstrap-system",
                                    deployment: "capi-kubeadm-bootstrap-controller-manager", crds: [
        (CAPIRes.bootstrap, "KubeadmConfig", "kubeadmconfigs", ["v1beta1"], false),
        (CAPIRes.bootstrap, "KubeadmConfigTemplate", "kubeadmconfigtemplates", ["v1beta1"], false),
    ])
    static let controlPlane = Provider(name: "kubeadm", type: "ControlPlaneProvider", namespace: "capi-kubeadm-control-plane-system",
                                       deployment: "capi-kubeadm-control-plane-controller-manager", crds: [
        (CAPIRes.controlPlane, "KubeadmControlPlane", "kubeadmcontrolplanes", ["v1beta1"], true),
        (CAPIRes.controlPlane, "KubeadmControlPlaneTemplate", "kubeadmcontrolplanetemplates", ["v1beta1"], false),
    ])
    static let vcd = Provider(name: "vcd", type: "InfrastructureProvider", namespace: "capvcd-system", deployment: "capvcd-controller-manager", crds: [
        (CAPIRes.infra, "VCDCluster", "vcdclusters", ["v1beta1", "v1beta2"], false),
        (CAPIRes.infra, "VCDMachine", "vcdmachines", ["v1beta1", "v1beta2"], false),
        (CAPIRes.infra, "VCDMachineTemplate", "vcdmachinetemplates", ["v1beta1", "v1beta2"], false),
        (CAPIRes.infra, "VCDClusterTemplate", "vcdclustertemplates", ["v1beta2"], false),
    ])

    /// clusterctl's names: `cluster-api`, `bootstrap-kubeadm`, `control-plane-kubeadm`, `infrastructure-vcd`.
    static func inventoryName(_ p: Provider) -> String {
        switch p.type {
        case "CoreProvider": return p.name
        case "BootstrapProvider": return "bootstrap-\(p.name)"
        case "ControlPlaneProvider": return "control-plane-\(p.name)"
        default: return "infrastructure-\(p.name)"
        }
    }

    static let providerCRD = (group: "clusterctl.cluster.x-k8s.io", kind: "Provider", plural: "providers", versions: ["v1alpha3"], scale: false)

    /// "cluster-api:v1.4.0" → ("cluster-api", "v1.4.0"); a bare version or name is accepted.
    static func parse(_ spec: String, defaultName: String) throws -> (String, String) {
        let parts = spec.split(separator: ":", maxSplits: 1).map(String.init)
        var name = defaultName, version = ""
        if parts.count == 2 { name = parts[0].isEmpty ? defaultName : parts[0]; version = parts[1] } else if let p = parts.first {
            if p.first == "v" || p.first?.isNumber == true { version = p } else { name = p }
        }
        if version.isEmpty { version = "v1.4.0" }
        if !version.hasPrefix("v") { version = "v" + version }
        guard version.range(of: #"^v\d+\.\d+\.\d+"#, options: .regularExpression) != nil else {
            throw KubeClusterError(description: "invalid provider version in \"\(spec)\" (expected e.g. \(defaultName):v1.4.0)")
        }
        return (name, version)
    }

    /// The columns `kubectl get` shows for the Cluster API kinds, as their CRDs declare them.
    static let printerColumns: [String: [(String, String, String)]] = [
        "Cluster": [("Phase", "string", ".status.phase"), ("Age", "date", ".metadata.creationTimestamp"), ("Version", "string", ".spec.topology.version")],
        "Machine": [("Cluster", "string", ".spec.clusterName"), ("NodeName", "string", ".status.nodeRef.name"), ("ProviderID", "string", ".spec.providerID"),
                    ("Phase", "string", ".status.phase"), ("Age", "date", ".metadata.creationTimestamp"), ("Version", "string", ".spec.version")],
        "MachineSet": [("Cluster", "string", ".spec.clusterName"), ("Replicas", "integer", ".status.replicas"), ("Ready", "integer", ".status.readyReplicas"),
                       ("Available", "integer", ".status.availableReplicas"), ("Age", "date", ".metadata.creationTimestamp"), ("Version", "string", ".spec.template.spec.version")],
        "MachineDeployment": [("Cluster", "string", ".spec.clusterName"), ("Replicas", "integer", ".status.replicas"), ("Ready", "integer", ".status.readyReplicas"),
                              ("Updated", "integer", ".status.updatedReplicas"), ("Unavailable", "integer", ".status.unavailableReplicas"),
                              ("Phase", "string", ".status.phase"), ("Age", "date", ".metadata.creationTimestamp"), ("Version", "string", ".spec.template.spec.version")],
        "KubeadmControlPlane": [("Initialized", "boolean", ".status.initialized"), ("API Server Available", "boolean", ".status.ready"),
                                ("Replicas", "integer", ".status.replicas"), ("Ready", "integer", ".status.readyReplicas"),
                                ("Updated", "integer", ".status.updatedReplicas"), ("Unavailable", "integer", ".status.unavailableReplicas"),
                                ("Age", "date", ".metadata.creationTimestamp"), ("Version", "string", ".spec.version")],
        "VCDCluster": [("Ready", "boolean", ".status.ready"), ("Age", "date", ".metadata.creationTimestamp")],
        "VCDMachine": [("Ready", "boolean", ".status.ready"), ("ProviderID", "string", ".spec.providerID"), ("Age", "date", ".metadata.creationTimestamp")],
    ]

    /// The short names the Cluster API CRDs declare (`kubectl get md`, `kubectl get kcp`).
    static let shortNames: [String: [String]] = [
        "Cluster": ["cl"], "Machine": ["ma"], "MachineSet": ["ms"], "MachineDeployment": ["md"], "MachineHealthCheck": ["mhc"],
        "MachinePool": ["mp"], "ClusterClass": ["cc"], "KubeadmControlPlane": ["kcp"],
    ]

    static func crd(_ c: (group: String, kind: String, plural: String, versions: [String], scale: Bool), provider: String) -> JSONValue {
        let versions: [JSONValue] = c.versions.enumerated().map { i, v in
            var sub: [String: JSONValue] = ["status": .object([:])]
            if c.scale {
                sub["scale"] = .object(["specReplicasPath": .string(".spec.replicas"), "statusReplicasPath": .string(".status.replicas"),
                                        "labelSelectorPath": .string(".status.selector")])
            }
            var columns: [JSONValue] = []
            for (name, type, path) in printerColumns[c.kind] ?? [] {
                columns.append(.object(["name": .string(name), "type": .string(type), "jsonPath": .string(path)]))
            }
            return .object([
                "name": .string(v), "served": .bool(true), "storage": .bool(i == c.versions.count - 1),
                "additionalPrinterColumns": .array(columns),
                "schema": .object(["openAPIV3Schema": .object(["type": .string("object"), "x-kubernetes-preserve-unknown-fields": .bool(true)])]),
                "subresources": .object(sub),
            ])
        }
        return .object([
            "apiVersion": .string("apiextensions.k8s.io/v1"), "kind": .string("CustomResourceDefinition"),
            "metadata": .object(["name": .string("\(c.plural).\(c.group)"),
                                 "labels": .object(["cluster.x-k8s.io/provider": .string(provider), "clusterctl.cluster.x-k8s.io": .string("")])]),
            "spec": .object([
                "group": .string(c.group), "scope": .string("Namespaced"),
                "names": .object(["kind": .string(c.kind), "listKind": .string("\(c.kind)List"), "plural": .string(c.plural),
                                  "singular": .string(c.kind.lowercased()),
                                  "shortNames": .array((shortNames[c.kind] ?? []).map { .string($0) }),
                                  "categories": .array(c.group == "clusterctl.cluster.x-k8s.io" ? [] : [.string("cluster-api")])]),
                "versions": .array(versions),
            ]),
        ])
    }

    static func namespaceObject(_ ns: String, labels: [String: String]) -> JSONValue {
        var l = labels
        l["kubernetes.io/metadata.name"] = ns
        return .object([
            "apiVersion": .string("v1"), "kind": .string("Namespace"),
            "metadata": .object(["name": .string(ns), "labels": .object(l.mapValues { .string($0) })]),
        ])
    }

    static func ensureNamespace(_ tx: WriteTx, _ cluster: String, _ ns: String, labels: [String: String] = [:]) throws {
        if KO.get(tx, cluster, CAPIRes.namespaces, "", ns) != nil { return }
        try KO.create(tx, cluster, CAPIRes.namespaces, KO.merge(namespaceObject(ns, labels: labels), [
            "spec": .object(["finalizers": .array([.string("kubernetes")])]), "status": .object(["phase": .string("Active")]),
        ]))
    }

    static func ensureCRD(_ tx: WriteTx, _ cluster: String, _ o: JSONValue) throws {
        let name = KubeMeta.name(o)
        if KO.get(tx, cluster, KubeBuiltins.crds, "", name) != nil { return }
        try KubeCRDs.validate(o)
        var crd = o
        KubeCRDs.establish(&crd, old: nil, now: tx.now)
        try KO.create(tx, cluster, KubeBuiltins.crds, crd)
    }

    /// A controller Deployment as a provider's components declare it (one replica, no status).
    static func deploymentObject(ns: String, name: String, image: String, provider: String) -> JSONValue {
        let labels: JSONValue = .object(["control-plane": .string("controller-manager"), "cluster.x-k8s.io/provider": .string(provider)])
        return .object([
            "apiVersion": .string("apps/v1"), "kind": .string("Deployment"),
            "metadata": .object(["name": .string(name), "namespace": .string(ns), "labels": labels]),
            "spec": .object([
                "replicas": .int(1), "selector": .object(["matchLabels": labels]),
                "template": .object(["metadata": .object(["labels": labels]),
                                     "spec": .object([
                                         "containers": .array([.object(["name": .string("manager"), "image": .string(image)])]),
                                         // As the providers' manifests do: a management cluster may be all control plane.
                                         "tolerations": .array(["node-role.kubernetes.io/control-plane", "node-role.kubernetes.io/master"].map {
                                             .object(["key": .string($0), "effect": .string("NoSchedule")])
                                         }),
                                     ])]),
            ]),
        ])
    }

    /// A controller Deployment, Available with one ready replica (made inside the simulator).
    static func ensureDeployment(_ tx: WriteTx, _ cluster: String, ns: String, name: String, image: String, provider: String) throws {
        if KO.get(tx, cluster, CAPIRes.deployments, ns, name) != nil { return }
        let t = JSONValue.string(KubeMeta.timestamp(tx.now))
        try KO.create(tx, cluster, CAPIRes.deployments, KO.merge(deploymentObject(ns: ns, name: name, image: image, provider: provider), [
            "status": .object([
                "observedGeneration": .int(1), "replicas": .int(1), "updatedReplicas": .int(1), "readyReplicas": .int(1), "availableReplicas": .int(1),
                "conditions": .array([
                    .object(["type": .string("Available"), "status": .string("True"), "reason": .string("MinimumReplicasAvailable"),
                             "message": .string("Deployment has minimum availability."), "lastTransitionTime": t, "lastUpdateTime": t]),
                    .object(["type": .string("Progressing"), "status": .string("True"), "reason": .string("NewReplicaSetAvailable"),
                             "message": .string("ReplicaSet \"\(name)-\(KO.suffix(name, length: 10))\" has successfully progressed."),
                             "lastTransitionTime": t, "lastUpdateTime": t]),
                ]),
            ]),
        ]))
    }

    /// clusterctl's inventory object for a provider.
    static func inventoryObject(_ p: Provider, version: String) -> JSONValue {
        let inventory = inventoryName(p)
        return .object([
            "apiVersion": .string("clusterctl.cluster.x-k8s.io/v1alpha3"), "kind": .string("Provider"),
            "metadata": .object(["name": .string(inventory), "namespace": .string(p.namespace),
                                 "labels": .object(["cluster.x-k8s.io/provider": .string(inventory), "clusterctl.cluster.x-k8s.io": .string("")])]),
            "providerName": .string(p.name), "type": .string(p.type), "version": .string(version),
        ])
    }

    /// Everything a provider's components hold, in an order they can be created in: its namespace,
    /// its CRDs and clusterctl's Provider CRD, the controller Deployment, the inventory object.
    static func manifests(_ p: Provider, version: String, image: String) -> [JSONValue] {
        let inventory = inventoryName(p)
        var out: [JSONValue] = [namespaceObject(p.namespace, labels: ["cluster.x-k8s.io/provider": inventory, "clusterctl.cluster.x-k8s.io": ""])]
        out += p.crds.map { crd($0, provider: inventory) }
        out.append(crd(providerCRD, provider: "clusterctl"))
        out.append(deploymentObject(ns: p.namespace, name: p.deployment, image: "\(image):\(version)", provider: inventory))
        out.append(inventoryObject(p, version: version))
        return out
    }

    /// Installs one provider; false when it was there already.
    static func install(_ tx: WriteTx, _ cluster: String, _ p: Provider, version: String, image: String) throws -> Bool {
        let inventory = inventoryName(p)
        let present = KO.get(tx, cluster, CAPIRes.deployments, p.namespace, p.deployment) != nil
        try ensureNamespace(tx, cluster, p.namespace, labels: ["cluster.x-k8s.io/provider": inventory, "clusterctl.cluster.x-k8s.io": ""])
        for c in p.crds { try ensureCRD(tx, cluster, crd(c, provider: inventory)) }
        try ensureCRD(tx, cluster, crd(providerCRD, provider: "clusterctl"))
        try ensureDeployment(tx, cluster, ns: p.namespace, name: p.deployment, image: "\(image):\(version)", provider: inventory)
        let providers = KubeCatalog.resources(ofCRD: crd(providerCRD, provider: "clusterctl"))[0]
        if KO.get(tx, cluster, providers, p.namespace, inventory) == nil {
            try KO.create(tx, cluster, providers, inventoryObject(p, version: version))
        }
        return !present
    }

    static func installed(_ state: StateView, _ cluster: String, _ p: Provider) -> Bool {
        KO.get(state, cluster, CAPIRes.deployments, p.namespace, p.deployment) != nil
    }

    /// Whether a provider's controller runs: its Deployment has a ready replica (its pod runs on a
    /// node of the cluster), as the real controllers run only where their pods do.
    static func running(_ state: StateView, _ cluster: String, _ p: Provider) -> Bool {
        KubeWorkloads.deploymentAvailable(state, cluster: cluster, namespace: p.namespace, name: p.deployment)
    }

    /// Whether the simulated CAPI core and CAPVCD controllers run in `cluster`: the core and
    /// control-plane controllers ready, CAPVCD's Deployment there (a 0.5.x controller reports its
    /// own start on that Deployment: CAPVCDRuntime). A CAPVCD Deployment scaled to 0 lets the core
    /// run without the simulated CAPVCD (`CAPVCDRuntime.absent`).
    static func controllersRun(_ state: StateView, _ cluster: String) -> Bool {
        running(state, cluster, core) && running(state, cluster, controlPlane) && installed(state, cluster, vcd)
            && (CAPVCDRelease.of(state, cluster) != .v1 || running(state, cluster, vcd) || CAPVCDRelease.scaledToZero(state, cluster))
    }

    static func line(_ p: Provider, _ version: String, new: Bool) -> String {
        let what = "Provider=\(inventoryName(p)) Version=\(version) TargetNamespace=\(p.namespace)"
        return new ? "Installing \(what)" : "Skipping installing \(what): already installed"
    }
}

extension Simulator {
    /// `clusterctl init` in simulated Kubernetes cluster `cluster`: cert-manager, the Cluster API
    /// core provider (`core`, e.g. "cluster-api:v1.4.0"), the kubeadm bootstrap and control-plane
    /// providers: namespaces, CRDs, controller Deployments (Available) and clusterctl's Provider
    /// objects. Idempotent: what is there already is left alone. One line per component.
    public func installClusterAPI(cluster: String, core: String, bootstrap: String, controlPlane: String) throws -> [String] {
        let (_, coreVersion) = try CAPIComponents.parse(core, defaultName: "cluster-api")
        let (_, bootstrapVersion) = try CAPIComponents.parse(bootstrap, defaultName: "kubeadm")
        let (_, cpVersion) = try CAPIComponents.parse(controlPlane, defaultName: "kubeadm")
        return try capiWrite { tx in
            guard KubeStore.cluster(tx, cluster) != nil else { throw KubeClusterError(description: "no Kubernetes cluster named \"\(cluster)\"") }
            var lines: [String] = []
            let cm = KO.get(tx, cluster, CAPIRes.deployments, "cert-manager", "cert-manager") == nil
            try CAPIComponents.ensureNamespace(tx, cluster, "cert-manager")
            for d in ["cert-manager", "cert-manager-cainjector", "cert-manager-webhook"] {
                try CAPIComponents.ensureDeployment(tx, cluster, ns: "cert-manager", name: d, image: "quay.io/jetstack/\(d)", provider: "cert-manager")
            }
            lines.append(cm ? "Installing cert-manager Version=\(CAPIComponents.certManagerVersion)"
                : "Skipping installing cert-manager Version=\(CAPIComponents.certManagerVersion): already installed")
            for (p, v, image) in [(CAPIComponents.core, coreVersion, "registry.k8s.io/cluster-api/cluster-api-controller"),
                                  (CAPIComponents.bootstrap, bootstrapVersion, "registry.k8s.io/cluster-api/kubeadm-bootstrap-controller"),
                                  (CAPIComponents.controlPlane, cpVersion, "registry.k8s.io/cluster-api/kubeadm-control-plane-controller")] {
                let new = try CAPIComponents.install(tx, cluster, p, version: v, image: image)
                lines.append(CAPIComponents.line(p, v, new: new))
            }
            return lines
        }
    }

    /// CAPVCD (infrastructure provider "vcd") in `cluster`: namespace capvcd-system, the CRDs
    /// vcdclusters, vcdmachines, vcdmachinetemplates .infrastructure.cluster.x-k8s.io, the controller
    /// Deployment capvcd-controller-manager. Registers the RDE type vmware:capvcdCluster:1.1.0 in VCD
    /// if the world has no capvcdCluster type. Requires `installClusterAPI` first.
    public func installCAPVCD(cluster: String, version: String) throws -> [String] {
        let (_, v) = try CAPIComponents.parse(version, defaultName: "vcd")
        return try capiWrite { tx in
            guard KubeStore.cluster(tx, cluster) != nil else { throw KubeClusterError(description: "no Kubernetes cluster named \"\(cluster)\"") }
            guard CAPIComponents.installed(tx, cluster, CAPIComponents.core) else {
                throw KubeClusterError(description: "the Cluster API core provider is not installed in cluster \"\(cluster)\": run installClusterAPI (clusterctl init) first")
            }
            let new = try CAPIComponents.install(tx, cluster, CAPIComponents.vcd, version: v, image: "projects.registry.vmware.com/vmware-cloud-director/cluster-api-provider-cloud-director")
            var lines = [CAPIComponents.line(CAPIComponents.vcd, v, new: new)]
            if try CAPVCDEntity.registerType(tx) { lines.append("Registered entity type \(CAPVCDEntity.typeID) in VCD") }
            return lines
        }
    }
}
