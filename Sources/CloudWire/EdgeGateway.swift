import Foundation

/// An NSX-T edge gateway (Tier-1), `/cloudapi/1.0.0/edgeGateways` (govcd `OpenAPIEdgeGateway`).
public struct EdgeGateway: Codable, Equatable, Sendable {
    /// PENDING | CONFIGURING | REALIZED | REALIZATION_FAILED | UNKNOWN. CPI requires REALIZED.
    public var status: String?
    public var id: String?
    public var name: String?
    public var description: String?
    public var ownerRef: OpenAPIReference?
    public var orgVdc: OpenAPIReference?
    public var orgRef: OpenAPIReference?
    public var edgeGatewayUplinks: [EdgeGatewayUplink]?
    public var distributedRoutingEnabled: Bool?
    public var nonDistributedRoutingEnabled: Bool?
    public var edgeClusterConfig: EdgeClusterConfig?
    public var orgVdcNetworkCount: Int?
    public var gatewayBacking: GatewayBacking?
    public var serviceNetworkDefinition: String?
    public var usingIpSpace: Bool?
    public init() {}
}

/// One uplink of an edge gateway to an external network.
public struct EdgeGatewayUplink: Codable, Equatable, Sendable {
    public var uplinkId: String?
    public var uplinkName: String?
    public var subnets: EdgeGatewaySubnets?
    public var connected: Bool?
    public var quickAddAllocatedIpCount: Int?
    public var dedicated: Bool?
    public var vrfLiteBacked: Bool?
    public var backingType: String?
    public var usingIpSpace: Bool?
    public init() {}
}

/// `{values: [subnet]}` of an uplink. `values: null` reads as none: govcd sends it for an uplink
/// to a provider gateway with IP spaces (its `Subnets` is a struct, never omitted).
public struct EdgeGatewaySubnets: Codable, Equatable, Sendable {
    public var values: [EdgeGatewaySubnet]
    public init(values: [EdgeGatewaySubnet]) { self.values = values }
    private enum CodingKeys: String, CodingKey { case values }
    public init(from decoder: Decoder) throws {
        values = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent([EdgeGatewaySubnet].self, forKey: .values) ?? []
    }
}

/// One external subnet of an uplink with the IP ranges allocated to the gateway.
public struct EdgeGatewaySubnet: Codable, Equatable, Sendable {
    public var gateway: String?
    public var prefixLength: Int?
    public var dnsSuffix: String?
    public var dnsServer1: String?
    public var dnsServer2: String?
    public var ipRanges: IPRanges?
    public var enabled: Bool?
    public var totalIpCount: Int?
    public var usedIpCount: Int?
    public var primaryIp: String?
    public var autoAllocateIpRanges: Bool?
    public init() {}
}

/// The backing router of an edge gateway.
public struct GatewayBacking: Codable, Equatable, Sendable {
    public var backingId: String?
    /// NSXV_BACKED | NSXT_BACKED | NSXT_IMPORTED. govcd keeps only NSXT_BACKED edges.
    public var gatewayType: String?
    public var networkProvider: OpenAPIReference?
    public init() {}
}

/// Edge clusters the gateway runs on.
public struct EdgeClusterConfig: Codable, Equatable, Sendable {
    public var primaryEdgeCluster: EdgeClusterRef?
    public var secondaryEdgeCluster: EdgeClusterRef?
    public init() {}
}

/// One edge cluster reference with its NSX backing id.
public struct EdgeClusterRef: Codable, Equatable, Sendable {
    public var edgeClusterRef: OpenAPIReference?
    public var backingId: String?
    public init() {}
}

/// One entry of `GET /edgeGateways/{id}/usedIpAddresses` (govcd `GatewayUsedIpAddress`).
public struct GatewayUsedIPAddress: Codable, Equatable, Sendable {
    /// SNAT | DNAT | Load_Balancer | IPsec_VPN | SSL_VPN | L2_VPN | PRIMARY_IP.
    public var category: String?
    public var ipAddress: String?
    public var networkRef: OpenAPIReference?
    public init() {}
}

/// Route advertisement of an edge gateway, `/edgeGateways/{id}/routing/advertisement`.
public struct RouteAdvertisement: Codable, Equatable, Sendable {
    public var enable: Bool?
    public var subnets: [String]?
    public init() {}
}
