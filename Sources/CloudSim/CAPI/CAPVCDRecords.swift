import CloudWire
import Foundation

// CAPVCD's objects (infrastructure.cluster.x-k8s.io v1beta2, and v1alpha4 for 0.5.x) as the
// simulated controllers read them, under the CRDs' json names.

/// A VCDCluster: where the cluster goes in VCD, the credentials, the endpoint and the RDE.
struct VCDCluster: KubeRecord {
    /// Inline credentials or the secret that holds them (`username`, `password`, `refreshToken`).
    struct UserContext: Decodable {
        var username: String?
        var password: String?
        var refreshToken: String?
        var secretRef = KubeObjectRef()

        /// The inline credentials as a credentials secret holds them (base64 `data`).
        var asSecret: JSONValue {
            func b64(_ v: String?) -> JSONValue { .string(Data((v ?? "").utf8).base64EncodedString()) }
            return .object(["data": .object(["username": b64(username), "password": b64(password), "refreshToken": b64(refreshToken)])])
        }
    }
    struct LoadBalancerConfig: Decodable { var vipSubnet: String? }
    struct Spec: Decodable {
        var site: String?
        var org: String?
        var ovdc: String?
        var ovdcNetwork: String?
        /// The RDE of the cluster (1.x writes it here).
        var rdeId: String?
        var userContext = UserContext()
        var controlPlaneEndpoint = CAPIEndpoint()
        var loadBalancerConfigSpec = LoadBalancerConfig()
    }
    /// `infraId`: the RDE of the cluster (0.5.x writes it here; 1.x too, once ready).
    struct Status: Decodable {
        var infraId: String?
        var ready: Bool?
    }
    var spec = Spec()
    var status = Status()
}

/// The spec of a VCDMachine, also the template a VCDMachineTemplate clones.
struct VCDMachineSpec: KubeRecord {
    var catalog: String?
    var template: String?
    var sizingPolicy: String?
    /// The sizing policy of 0.5.x (v1alpha4).
    var computePolicy: String?
    var placementPolicy: String?
    var storageProfile: String?
    /// A Kubernetes quantity ("20Gi") or a number of bytes.
    var diskSize: String?
    var providerID: String?

    /// The VM sizing policy it names: `sizingPolicy` (1.x) or `computePolicy` (0.5.x); nil when
    /// neither is set.
    var sizingPolicyName: String? { [sizingPolicy, computePolicy].compactMap { $0 }.first { !$0.isEmpty } }

    var diskBytes: Int? { KubeQuantity.bytes(diskSize) }
}

/// A VCDMachine.
struct VCDMachine: KubeRecord {
    struct Status: Decodable { var ready: Bool? }
    var spec = VCDMachineSpec()
    var status = Status()
}

/// A VCDMachineTemplate: the spec its machines are cloned with (nil when it has none).
struct VCDMachineTemplate: KubeRecord {
    struct Template: Decodable { var spec: VCDMachineSpec? }
    struct Spec: Decodable { var template = Template() }
    var spec = Spec()
}

/// A user context shows who, never the password or refresh token (should a record ever be printed,
/// dumped or put in a log).
extension VCDCluster.UserContext: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    var description: String {
        "UserContext(username: \(username ?? "-"), password: \(password == nil ? "-" : "<redacted>"), "
            + "refreshToken: \(refreshToken == nil ? "-" : "<redacted>"), secretRef: \(secretRef.name ?? "-"))"
    }
    var debugDescription: String { description }
    var customMirror: Mirror {
        Mirror(self, children: ["username": username as Any, "secretRef": secretRef.name as Any], displayStyle: .struct)
    }
}
