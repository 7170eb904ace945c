import Foundation

/// An org VDC network (segment), `/cloudapi/1.0.0/orgVdcNetworks`, max page size 32
/// (govcd `OpenApiOrgVdcNetwork`).
public struct OrgVdcNetwork: Codable, Equatable, Sendable {
    public var id: String?
    public var name: String?
    public var description: String?
    /// PENDING | CONFIGURING | REALIZED | REALIZATION_FAILED.
    public var status: String?
    public var ownerRef: OpenAPIReference?
    public var orgVdc: OpenAPIReference?
    public var orgRef: OpenAPIReference?
    /// NAT_ROUTED | ISOLATED | DIRECT | DIRECT_UPLINK | OPAQUE | CROSS_VDC.
    public var networkType: String?
    public var orgVdcIsNsxTBacked: Bool?
    public var connection: NetworkConnection?
    public var backingNetworkId: String?
    /// NSXT_FLEXIBLE_SEGMENT for routed NSX-T networks (CAPVCD checks it).
    public var backingNetworkType: String?
    public var parentNetworkId: OpenAPIReference?
    public var guestVlanTaggingAllowed: Bool?
    public var subnets: NetworkSubnets?
    public var securityGroups: OpenAPIReferences?
    public var routeAdvertised: Bool?
    public var totalIpCount: Int?
    public var usedIpCount: Int?
    public var shared: Bool?
    public var enableDualSubnetNetwork: Bool?
    public init() {}
}

/// How a routed network hangs off its edge gateway.
public struct NetworkConnection: Codable, Equatable, Sendable {
    public var routerRef: OpenAPIReference?
    /// DISTRIBUTED | INTERNAL | SUBINTERFACE.
    public var connectionType: String?
    public var connectionTypeValue: String?
    public var connected: Bool?
    public init() {}
}

/// `{values: [subnet]}` of a network.
public struct NetworkSubnets: Codable, Equatable, Sendable {
    public var values: [NetworkSubnet]
    public init(values: [NetworkSubnet]) { self.values = values }
    private enum CodingKeys: String, CodingKey { case values }
    /// `values: null` reads as none (govcd sends it for a provider gateway with IP spaces).
    public init(from decoder: Decoder) throws {
        values = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent([NetworkSubnet].self, forKey: .values) ?? []
    }
}

/// One subnet of a network with its static pool and DNS.
public struct NetworkSubnet: Codable, Equatable, Sendable {
    public var gateway: String?
    public var prefixLength: Int?
    public var dnsServer1: String?
    public var dnsServer2: String?
    public var dnsSuffix: String?
    public var ipRanges: IPRanges?
    public var enabled: Bool?
    public var totalIpCount: Int?
    public var usedIpCount: Int?
    public init() {}
}
