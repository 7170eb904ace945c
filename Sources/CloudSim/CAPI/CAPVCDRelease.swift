import CloudWire
import Foundation

/// Which CAPVCD controller a management cluster runs. The rule is the one a person reading the
/// cluster would apply: the image tag of the controller Deployment (`capvcd-system/
/// capvcd-controller-manager`, container `manager`). A tag `0.5.*` or `v0.5.*` is CAPVCD 0.5.x,
/// anything else (1.0 to 1.3, `main`, no tag) the 1.x controller. The served CRD versions are not
/// used: they say what a client may send, not what the controller does with it, and one cluster can
/// hold the CRDs of one release and the Deployment of another while it is being upgraded.
enum CAPVCDRelease: Equatable {
    /// CAPVCD 0.5.x: configured by mounted files, credentials inline in the VCDCluster, one-arm DNAT.
    case v05(tag: String)
    /// CAPVCD 1.x (modelled after 1.3): credentials secret per cluster, virtual service on a gateway VIP.
    case v1

    /// The release the CAPVCD Deployment of `cluster` runs (1.x when there is none).
    static func of(_ state: StateView, _ cluster: String) -> CAPVCDRelease {
        guard let d = deployment(state, cluster), let image = managerContainer(d)?["image"]?.stringValue,
              let tag = tag(ofImage: image) else { return .v1 }
        let bare = tag.hasPrefix("v") ? String(tag.dropFirst()) : tag
        return bare.hasPrefix("0.5.") ? .v05(tag: tag) : .v1
    }

    /// Whether CAPVCD's Deployment asks for no replica (`kubectl scale --replicas=0`).
    static func scaledToZero(_ state: StateView, _ cluster: String) -> Bool {
        guard let d = deployment(state, cluster) else { return false }
        return KubeDeployment(d).spec.replicas == 0
    }

    static func deployment(_ state: StateView, _ cluster: String) -> JSONValue? {
        KO.get(state, cluster, CAPIRes.deployments, CAPIComponents.vcd.namespace, CAPIComponents.vcd.deployment)
    }

    /// The controller's container: the one named `manager` (kubebuilder's name, kept by CAPVCD),
    /// else the first one.
    static func managerContainer(_ deployment: JSONValue) -> JSONValue? {
        let containers = deployment["spec"]?["template"]?["spec"]?["containers"]?.arrayValue ?? []
        return containers.first { $0["name"]?.stringValue == "manager" } ?? containers.first
    }

    /// `registry/repo:tag` → `tag`; nil without a tag (a port in the registry host is not a tag,
    /// and a digest `@sha256:…` names no release).
    static func tag(ofImage image: String) -> String? {
        let withoutDigest = image.split(separator: "@", maxSplits: 1).first.map(String.init) ?? image
        let lastPart = withoutDigest.split(separator: "/").last.map(String.init) ?? withoutDigest
        guard let colon = lastPart.lastIndex(of: ":") else { return nil }
        let tag = String(lastPart[lastPart.index(after: colon)...])
        return tag.isEmpty ? nil : tag
    }
}
