import CloudWire
import Foundation

// The core Kubernetes objects the simulated CAPVCD and cloud provider read, as records.

/// A Service: its type, requested load-balancer IP and ports.
struct KubeService: KubeRecord {
    struct Port: KubeRecord {
        var name: String?
        var port: Int?
        var nodePort: Int?
        var `protocol`: String?
    }
    struct Spec: Decodable {
        var type: String?
        var loadBalancerIP: String?
        var ports: [Port]?
    }
    var spec = Spec()
}

/// A Node: the VM behind it (`spec.providerID`) and its addresses.
struct KubeNode: KubeRecord {
    struct Spec: Decodable { var providerID: String? }
    struct Status: Decodable { var addresses: [KubeAddress]? }
    var spec = Spec()
    var status = Status()
}

/// A Deployment: the replicas it asks for.
struct KubeDeployment: KubeRecord {
    struct Spec: Decodable { var replicas: Int? }
    var spec = Spec()
}
