import CloudWire
import Foundation

// The Cluster API objects (cluster.x-k8s.io v1beta1, controlplane.cluster.x-k8s.io v1beta1) as
// the simulated controllers read them: only the fields they read, under the CRDs' json names.

/// `spec.controlPlaneEndpoint` of a Cluster or a VCDCluster.
struct CAPIEndpoint: Decodable {
    var host: String?
    var port: Int?
}

/// A Cluster: the objects it names, its endpoint and its phase.
struct CAPICluster: KubeRecord {
    struct Spec: Decodable {
        var infrastructureRef = KubeObjectRef()
        var controlPlaneRef = KubeObjectRef()
        var controlPlaneEndpoint = CAPIEndpoint()
    }
    struct Status: Decodable { var phase: String? }
    var spec = Spec()
    var status = Status()
}

/// An entry of `status.addresses` (Machine, VCDMachine, Node).
struct KubeAddress: Decodable {
    var type: String?
    var address: String?
}

extension Array where Element == KubeAddress {
    /// The first `InternalIP` address.
    var internalIP: String? { first { $0.type == "InternalIP" }?.address }
}

/// Any Cluster API object that names its cluster in `spec.clusterName` (MachineSet,
/// MachineHealthCheck, ClusterResourceSetBinding…), for the controllers' "of this cluster" lists.
struct CAPIClusterPart: KubeRecord {
    struct Spec: Decodable { var clusterName: String? }
    var spec = Spec()

    /// Whether object `o` names cluster `name`.
    static func of(_ o: JSONValue, cluster name: String) -> Bool { Self(o).spec.clusterName == name }
}

/// A Machine: its cluster, version, VM (providerID), infrastructure and bootstrap objects; its
/// phase (Pending → Provisioning → Provisioned → Running), node and addresses.
struct CAPIMachine: KubeRecord {
    struct Bootstrap: Decodable {
        var configRef = KubeObjectRef()
        var dataSecretName: String?
    }
    struct Spec: Decodable {
        var clusterName: String?
        var version: String?
        var providerID: String?
        var infrastructureRef = KubeObjectRef()
        var bootstrap = Bootstrap()
    }
    struct Status: Decodable {
        var phase: String?
        /// When the phase last changed (the simulated controllers' own clock of a machine).
        var lastUpdated: String?
        var nodeRef: KubeObjectRef?
        var addresses: [KubeAddress]?
    }
    var spec = Spec()
    var status = Status()

    /// The phase, `Pending` until one is set.
    var phase: String { status.phase ?? "Pending" }
}

/// A MachineDeployment (and the MachineSet it keeps, whose spec has the same shape): the
/// replicas and the machine template.
struct CAPIMachineDeployment: KubeRecord {
    struct MachineSpec: Decodable {
        var version: String?
        var infrastructureRef = KubeObjectRef()
        var bootstrap = CAPIMachine.Bootstrap()
    }
    struct Template: Decodable { var spec = MachineSpec() }
    struct Spec: Decodable {
        var clusterName: String?
        var replicas: Int?
        var template = Template()
    }
    var spec = Spec()
}

/// A MachineSet: the same spec as its MachineDeployment's.
typealias CAPIMachineSet = CAPIMachineDeployment

/// A MachineHealthCheck's limit on remediation (an integer or a percentage, kept as written).
struct CAPIMachineHealthCheck: KubeRecord {
    struct Spec: Decodable { var maxUnhealthy: String? }
    var spec = Spec()
}

/// A KubeadmControlPlane: version, replicas and its machine template (`machineTemplate.infrastructureRef`,
/// or v1alpha3's `infrastructureTemplate`).
struct KubeadmControlPlane: KubeRecord {
    struct MachineTemplate: Decodable { var infrastructureRef = KubeObjectRef() }
    struct Spec: Decodable {
        var version: String?
        var replicas: Int?
        var machineTemplate = MachineTemplate()
        var infrastructureTemplate = KubeObjectRef()
    }
    var spec = Spec()
}
