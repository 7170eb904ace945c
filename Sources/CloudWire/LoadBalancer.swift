import Foundation

/// An NSX ALB controller registered in VCD, `/cloudapi/1.0.0/loadBalancer/controllers`
/// (govcd `NsxtAlbController`). `password` is write-only: never returned.
public struct ALBController: Codable, Equatable, Sendable {
    public var id: String?
    public var name: String?
    public var description: String?
    public var url: String?
    public var username: String?
    public var password: String?
    /// BASIC | ENTERPRISE; removed in API 37.0.
    public var licenseType: String?
    public var version: String?
    public init() {}
}

/// A cloud of the controller that VCD can import (`nsxAlbResources/importableClouds`).
public struct ALBImportableCloud: Codable, Equatable, Sendable {
    public var id: String?
    public var displayName: String?
    public var alreadyImported: Bool?
    public var networkPoolRef: OpenAPIReference?
    public var transportZoneName: String?
    public init() {}
}

/// An NSX-T cloud imported into VCD, `/cloudapi/1.0.0/loadBalancer/clouds` (govcd `NsxtAlbCloud`).
public struct ALBCloud: Codable, Equatable, Sendable {
    public var id: String?
    public var status: String?
    public var name: String?
    public var description: String?
    public var loadBalancerCloudBacking: ALBCloudBacking?
    public var networkPoolRef: OpenAPIReference?
    /// UP | DOWN | RUNNING | UNAVAILABLE | UNKNOWN.
    public var healthStatus: String?
    public var detailedHealthMessage: String?
    public init() {}
}

/// What an imported cloud is backed by in the controller.
public struct ALBCloudBacking: Codable, Equatable, Sendable {
    public var backingId: String?
    /// NSXALB_NSXT.
    public var backingType: String?
    public var loadBalancerControllerRef: OpenAPIReference?
    public init() {}
}

/// A service engine group of the controller that VCD can import
/// (`nsxAlbResources/importableServiceEngineGroups`).
public struct ALBImportableServiceEngineGroup: Codable, Equatable, Sendable {
    public var id: String?
    public var displayName: String?
    public var haMode: String?
    public init() {}
}

/// A service engine group imported into VCD, `/cloudapi/1.0.0/loadBalancer/serviceEngineGroups`
/// (govcd `NsxtAlbServiceEngineGroup`).
public struct ServiceEngineGroup: Codable, Equatable, Sendable {
    public var id: String?
    public var status: String?
    public var name: String?
    public var description: String?
    public var serviceEngineGroupBacking: ServiceEngineGroupBacking?
    /// ELASTIC_N_PLUS_M_BUFFER | ELASTIC_ACTIVE_ACTIVE | LEGACY_ACTIVE_STANDBY.
    public var haMode: String?
    /// DEDICATED | SHARED.
    public var reservationType: String?
    public var maxVirtualServices: Int?
    public var numDeployedVirtualServices: Int?
    public var reservedVirtualServices: Int?
    public var overAllocated: Bool?
    /// STANDARD | PREMIUM (37.0+).
    public var supportedFeatureSet: String?
    public init() {}
}

/// The controller object a VCD SEG stands for.
public struct ServiceEngineGroupBacking: Codable, Equatable, Sendable {
    public var backingId: String?
    public var backingType: String?
    public var loadBalancerCloudRef: OpenAPIReference?
    public init() {}
}

/// A SEG assigned to an edge gateway, `/cloudapi/1.0.0/loadBalancer/serviceEngineGroups/assignments`
/// (govcd `NsxtAlbServiceEngineGroupAssignment`). CAPVCD and CPI choose the first assignment with
/// `numDeployedVirtualServices < maxVirtualServices`.
public struct ServiceEngineGroupAssignment: Codable, Equatable, Sendable {
    public var id: String?
    public var gatewayRef: OpenAPIReference?
    public var serviceEngineGroupRef: OpenAPIReference?
    public var gatewayOrgRef: OpenAPIReference?
    public var gatewayOwnerRef: OpenAPIReference?
    public var maxVirtualServices: Int?
    public var minVirtualServices: Int?
    public var numDeployedVirtualServices: Int?
    public init() {}
}

/// Load balancing on one edge gateway, `GET/PUT /edgeGateways/{id}/loadBalancer` (govcd `NsxtAlbConfig`).
public struct GatewayLoadBalancer: Codable, Equatable, Sendable {
    public var enabled: Bool?
    public var licenseType: String?
    public var supportedFeatureSet: String?
    public var loadBalancerCloudRef: OpenAPIReference?
    /// The service network CIDR in "gateway/prefix" form; /25, default 192.168.255.1/25.
    public var serviceNetworkDefinition: String?
    public var ipv6ServiceNetworkDefinition: String?
    public var transparentModeEnabled: Bool?
    public init() {}
}

/// A load balancer pool, `/cloudapi/1.0.0/loadBalancer/pools` (govcd `NsxtAlbPool`); the pool
/// summaries of `/edgeGateways/{id}/loadBalancer/poolSummaries` use the same type.
public struct LoadBalancerPool: Codable, Equatable, Sendable {
    public var status: String?
    public var id: String?
    public var name: String?
    public var description: String?
    public var gatewayRef: OpenAPIReference?
    public var enabled: Bool?
    public var algorithm: String?
    public var defaultPort: Int?
    public var gracefulTimeoutPeriod: Int?
    public var passiveMonitoringEnabled: Bool?
    public var activeMonitoringEnabled: Bool?
    public var healthMonitors: [PoolHealthMonitor]?
    public var members: [PoolMember]?
    public var memberGroupRef: OpenAPIReference?
    public var caCertificateRefs: [OpenAPIReference]?
    public var commonNameCheckEnabled: Bool?
    public var domainNames: [String]?
    public var persistenceProfile: PoolPersistenceProfile?
    public var memberCount: Int?
    public var enabledMemberCount: Int?
    public var upMemberCount: Int?
    public var healthStatus: String?
    public var healthMessage: String?
    public var virtualServiceRefs: [OpenAPIReference]?
    public var sslEnabled: Bool?
    public var memberSslEnabled: Bool?
    public init() {}
}

/// A health monitor of a pool.
public struct PoolHealthMonitor: Codable, Equatable, Sendable {
    public var name: String?
    /// HTTP | HTTPS | TCP | UDP | PING.
    public var type: String?
    public var systemDefined: Bool?
    public init(name: String? = nil, type: String? = nil, systemDefined: Bool? = nil) {
        self.name = name
        self.type = type
        self.systemDefined = systemDefined
    }
}

/// A member of a pool.
public struct PoolMember: Codable, Equatable, Sendable {
    public var enabled: Bool?
    public var ipAddress: String?
    public var port: Int?
    public var ratio: Int?
    public var markedDownBy: [String]?
    public var healthStatus: String?
    public var detailedHealthMessage: String?
    public init() {}
}

/// Session persistence of a pool.
public struct PoolPersistenceProfile: Codable, Equatable, Sendable {
    public var name: String?
    /// CLIENT_IP | HTTP_COOKIE | CUSTOM_HTTP_HEADER | APP_COOKIE | TLS.
    public var type: String?
    public var value: String?
    public init() {}
}

/// A virtual service, `/cloudapi/1.0.0/loadBalancer/virtualServices` (govcd `NsxtAlbVirtualService`);
/// summaries (`/edgeGateways/{id}/loadBalancer/virtualServiceSummaries`) use the same type with
/// `applicationProfileType` set.
public struct VirtualService: Codable, Equatable, Sendable {
    public var status: String?
    public var id: String?
    public var name: String?
    public var description: String?
    public var enabled: Bool?
    public var applicationProfile: ApplicationProfile?
    public var applicationProfileType: String?
    public var gatewayRef: OpenAPIReference?
    public var loadBalancerPoolRef: OpenAPIReference?
    public var serviceEngineGroupRef: OpenAPIReference?
    public var certificateRef: OpenAPIReference?
    public var servicePorts: [ServicePort]?
    public var virtualIpAddress: String?
    public var ipv6VirtualIpAddress: String?
    public var transparentModeEnabled: Bool?
    /// UP | DOWN | DISABLED | UNAVAILABLE | PENDING | UNKNOWN.
    public var healthStatus: String?
    public var healthMessage: String?
    public var detailedHealthMessage: String?
    public init() {}
}

/// The application profile of a virtual service; the simulator keys on `type` (CAPVCD 0.5 sends
/// name "System-HTTP" with type "L4").
public struct ApplicationProfile: Codable, Equatable, Sendable {
    public var name: String?
    /// HTTP | HTTPS | L4 | L4_TLS.
    public var type: String?
    public var systemDefined: Bool?
    public init(name: String? = nil, type: String? = nil, systemDefined: Bool? = nil) {
        self.name = name
        self.type = type
        self.systemDefined = systemDefined
    }
}

/// One port (range) a virtual service listens on.
public struct ServicePort: Codable, Equatable, Sendable {
    public var portStart: Int?
    public var portEnd: Int?
    public var sslEnabled: Bool?
    public var tcpUdpProfile: TCPUDPProfile?
    public init() {}
}

/// The transport profile of a service port.
public struct TCPUDPProfile: Codable, Equatable, Sendable {
    public var name: String?
    /// TCP_PROXY | TCP_FAST_PATH | UDP_FAST_PATH.
    public var type: String?
    public var systemDefined: Bool?
    public init(name: String? = nil, type: String? = nil, systemDefined: Bool? = nil) {
        self.name = name
        self.type = type
        self.systemDefined = systemDefined
    }
}
