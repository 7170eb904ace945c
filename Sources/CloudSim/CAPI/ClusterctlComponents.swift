import CloudWire
import Foundation

/// What `clusterctl init` applies for a provider, as Kubernetes objects: the simulator's stand-in
/// for a provider release's `*-components.yaml`. Clients (the simulator's `clusterctl`) create
/// these objects through the cluster's Kubernetes API; the simulated controllers then run in that
/// cluster because their Deployments are there, as the real ones run because their pods are.
public enum ClusterctlComponents {
    /// One provider (or cert-manager) at one version.
    public struct Component: Sendable {
        /// clusterctl's inventory name: `cluster-api`, `bootstrap-kubeadm`, `control-plane-kubeadm`,
        /// `infrastructure-vcd`, or `cert-manager`.
        public var inventoryName: String
        /// `CoreProvider`, `BootstrapProvider`, `ControlPlaneProvider`, `InfrastructureProvider`
        /// (empty for cert-manager).
        public var type: String
        public var version: String
        public var namespace: String
        /// The namespace first, then CRDs, then the rest (the order they can be created in).
        public var objects: [JSONValue]
        /// The Deployment whose presence shows the component is installed.
        public var deployment: String
    }

    /// clusterctl's provider types and the `init` flag that names each.
    public enum ProviderType: String, CaseIterable, Sendable {
        case core = "CoreProvider", bootstrap = "BootstrapProvider", controlPlane = "ControlPlaneProvider", infrastructure = "InfrastructureProvider"

        /// The provider name when the flag gives a version only (`--core v1.4.0`).
        public var defaultName: String {
            switch self {
            case .core: return "cluster-api"
            case .bootstrap, .controlPlane: return "kubeadm"
            case .infrastructure: return "vcd"
            }
        }
    }

    /// Version of cert-manager that clusterctl installs first.
    public static let certManagerVersion = CAPIComponents.certManagerVersion
    /// The versions the simulator models, per provider name: the Cluster API releases of the blog's
    /// era and after (v0.3, v0.4, v1.0–v1.6) and CAPVCD 0.5 to 1.3.
    static let modelled: [String: [String]] = [
        "cluster-api": ["v0.3.", "v0.4.", "v1.0.", "v1.1.", "v1.2.", "v1.3.", "v1.4.", "v1.5.", "v1.6."],
        "kubeadm": ["v0.3.", "v0.4.", "v1.0.", "v1.1.", "v1.2.", "v1.3.", "v1.4.", "v1.5.", "v1.6."],
        "vcd": ["v0.5.", "v1.0.", "v1.1.", "v1.2.", "v1.3."],
    ]

    /// The latest version of each provider, what `clusterctl init` installs when none is named.
    public static let latest: [String: String] = ["cluster-api": "v1.4.0", "kubeadm": "v1.4.0", "vcd": "v1.3.2"]

    /// Splits `name:version` (either may be left out) as clusterctl's flags take it.
    public static func parse(_ spec: String, type: ProviderType) -> (name: String, version: String?) {
        let parts = spec.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        if parts.count == 2 { return (parts[0].isEmpty ? type.defaultName : parts[0], parts[1].isEmpty ? nil : parts[1]) }
        let p = parts.first ?? ""
        if p.first == "v", p.dropFirst().first?.isNumber == true { return (type.defaultName, p) }
        return (p.isEmpty ? type.defaultName : p, nil)
    }

    /// The objects of provider `spec` (`cluster-api:v1.4.0`, `kubeadm`, `vcd:v1.3.2`) of `type`.
    /// Throws, with clusterctl's wording, for a provider or version the simulator does not model.
    public static func provider(_ type: ProviderType, _ spec: String) throws -> Component {
        let (name, requested) = parse(spec, type: type)
        let known: [ProviderType: [String]] = [.core: ["cluster-api"], .bootstrap: ["kubeadm"], .controlPlane: ["kubeadm"], .infrastructure: ["vcd"]]
        guard known[type]!.contains(name) else {
            throw KubeClusterError(description: "failed to get configuration for the \(type.rawValue) with name \(name). Please check the provider name and/or add configuration for new providers using the .clusterctl config file (the simulator models \(known[type]!.joined(separator: ", ")))")
        }
        var version = requested ?? latest[name]!
        if !version.hasPrefix("v") { version = "v" + version }
        guard version.range(of: #"^v\d+\.\d+\.\d+$"#, options: .regularExpression) != nil,
              modelled[name]!.contains(where: { version.hasPrefix($0) }) else {
            throw KubeClusterError(description: "failed to get provider components for the \"\(name):\(version)\" provider: the simulator does not model this version (it models \(modelled[name]!.map { $0 + "x" }.joined(separator: ", ")))")
        }
        let p: CAPIComponents.Provider
        let image: String
        switch type {
        case .core: p = CAPIComponents.core; image = "registry.k8s.io/cluster-api/cluster-api-controller"
        case .bootstrap: p = CAPIComponents.bootstrap; image = "registry.k8s.io/cluster-api/kubeadm-bootstrap-controller"
        case .controlPlane: p = CAPIComponents.controlPlane; image = "registry.k8s.io/cluster-api/kubeadm-control-plane-controller"
        case .infrastructure: p = CAPIComponents.vcd; image = "projects.registry.vmware.com/vmware-cloud-director/cluster-api-provider-cloud-director"
        }
        let served = apiVersions(provider: name, type: type, version: version)
        var provider = p
        provider.crds = p.crds.map { c in
            var c = c
            // Kinds a release did not have yet (VCDClusterTemplate came with v1beta2) stay out.
            c.versions = c.versions.count == 1 && c.versions[0] == "v1beta2" && !served.contains("v1beta2") ? [] : served
            return c
        }.filter { !$0.versions.isEmpty }
        return Component(inventoryName: CAPIComponents.inventoryName(provider), type: type.rawValue, version: version, namespace: provider.namespace,
                         objects: CAPIComponents.manifests(provider, version: version, image: image), deployment: provider.deployment)
    }

    /// cert-manager, which clusterctl installs before the providers.
    public static func certManager() -> Component {
        var objects: [JSONValue] = [CAPIComponents.namespaceObject("cert-manager", labels: [:])]
        for d in ["cert-manager", "cert-manager-cainjector", "cert-manager-webhook"] {
            objects.append(CAPIComponents.deploymentObject(ns: "cert-manager", name: d, image: "quay.io/jetstack/\(d):\(certManagerVersion)", provider: "cert-manager"))
        }
        return Component(inventoryName: "cert-manager", type: "", version: certManagerVersion, namespace: "cert-manager", objects: objects,
                         deployment: "cert-manager")
    }

    /// The API versions a release serves, the last one stored: Cluster API v0.3 v1alpha3, v0.4
    /// v1alpha3 + v1alpha4, v1.x v1alpha4 + v1beta1; CAPVCD 0.5 v1alpha4, 1.0 v1alpha4 + v1beta1,
    /// 1.1 and later v1beta1 + v1beta2.
    static func apiVersions(provider: String, type: ProviderType, version: String) -> [String] {
        if provider == "vcd" {
            if version.hasPrefix("v0.5.") { return ["v1alpha4"] }
            if version.hasPrefix("v1.0.") { return ["v1alpha4", "v1beta1"] }
            return ["v1beta1", "v1beta2"]
        }
        if version.hasPrefix("v0.3.") { return ["v1alpha3"] }
        if version.hasPrefix("v0.4.") { return ["v1alpha3", "v1alpha4"] }
        return ["v1alpha4", "v1beta1"]
    }
}
