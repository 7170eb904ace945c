import Foundation

// IP spaces (VCD 10.4.1+, API 37.1+): `/cloudapi/1.0.0/ipSpaces`, `/ipSpaceUplinks`. Field names,
// nesting and types follow go-vcloud-director `types/v56/ip_space.go` and the 37.2 swagger models
// that CPI vendors (`pkg/vcdswaggerclient_37_2/model_ip_space*.go`). Counts inside `utilization`
// and the per-range counts are strings on the wire; percentages are numbers.

/// An IP space (govcd `types.IpSpace`).
public struct IPSpace: Codable, Equatable, Sendable {
    public var id: String?
    public var name: String?
    public var description: String?
    /// PUBLIC | SHARED_SERVICES | PRIVATE. Only SHARED_SERVICES → PUBLIC may change.
    public var type: String?
    /// The owning org; required for PRIVATE, absent otherwise.
    public var orgRef: OpenAPIReference?
    public var utilization: IPSpaceUtilization?
    public var ipSpacePrefixes: [IPSpacePrefixes]?
    public var ipSpaceRanges: IPSpaceRanges?
    /// CIDRs that every range and prefix must lie in.
    public var ipSpaceInternalScope: [String]?
    public var ipSpaceExternalScope: String?
    public var routeAdvertisementEnabled: Bool?
    /// 38.0+.
    public var defaultGatewayServiceConfig: IPSpaceDefaultGatewayServiceConfig?
    /// PENDING | CONFIGURING | REALIZED | REALIZATION_FAILED | UNKNOWN.
    public var status: String?
    public init() {}
}

/// The list entry of `GET /ipSpaces/summaries` (swagger `IpSpaceSummary`).
public struct IPSpaceSummary: Codable, Equatable, Sendable {
    public var status: String?
    public var id: String?
    public var name: String?
    public var description: String?
    public var type: String?
    public var orgRef: OpenAPIReference?
    public var utilization: IPSpaceUtilization?
    public init() {}
}

/// Default NAT/firewall rules an IP space offers to gateways (38.0+).
public struct IPSpaceDefaultGatewayServiceConfig: Codable, Equatable, Sendable {
    public var enableDefaultFirewallRuleCreation: Bool?
    public var enableDefaultNoSnatRuleCreation: Bool?
    public var enableDefaultSnatRuleCreation: Bool?
    public init() {}
}

/// `{floatingIPs, ipPrefixes}`.
public struct IPSpaceUtilization: Codable, Equatable, Sendable {
    public var floatingIPs: IPSpaceUtilizationCounts?
    public var ipPrefixes: IPSpaceUtilizationCounts?
    public init() {}
}

/// Utilization counts. `totalCount` is the org's quota for a caller that does not own the space
/// ("-1" = no cap, and then no `allocatedPercentage`).
public struct IPSpaceUtilizationCounts: Codable, Equatable, Sendable {
    public var totalCount: String?
    public var allocatedCount: String?
    public var usedCount: String?
    public var unusedCount: String?
    public var allocatedPercentage: Double?
    public var usedPercentage: Double?
    /// Prefixes only.
    public var prefixLengthUtilizations: [IPSpacePrefixLengthUtilization]?
    public init() {}
}

/// Prefix utilization of one prefix length.
public struct IPSpacePrefixLengthUtilization: Codable, Equatable, Sendable {
    public var prefixLength: Int?
    public var totalCount: Int?
    public var allocatedCount: Int?
    public init() {}
}

/// `{ipRanges, defaultFloatingIpQuota}`.
public struct IPSpaceRanges: Codable, Equatable, Sendable {
    public var ipRanges: [IPSpaceRange]?
    /// Floating IPs each org may hold (-1 no cap, 0 none); default 1 for PUBLIC/SHARED_SERVICES, -1 for PRIVATE.
    public var defaultFloatingIpQuota: Int?
    public init() {}
}

/// One range of floating IPs.
public struct IPSpaceRange: Codable, Equatable, Sendable {
    public var id: String?
    public var startIpAddress: String?
    public var endIpAddress: String?
    public var totalIpCount: String?
    public var allocatedIpCount: String?
    public var allocatedIpPercentage: Double?
    public init() {}
}

/// The prefix sequences of one prefix length with their per-org quota.
public struct IPSpacePrefixes: Codable, Equatable, Sendable {
    public var ipPrefixSequence: [IPPrefixSequence]?
    /// Prefixes of this length each org may hold (-1 no cap); default 0 for PUBLIC/SHARED_SERVICES, -1 for PRIVATE.
    public var defaultQuotaForPrefixLength: Int?
    public init() {}
}

/// `totalPrefixCount` consecutive blocks of `/prefixLength` from `startingPrefixIpAddress`.
public struct IPPrefixSequence: Codable, Equatable, Sendable {
    public var id: String?
    public var startingPrefixIpAddress: String?
    public var prefixLength: Int?
    public var totalPrefixCount: Int?
    public var allocatedPrefixCount: Int?
    public var allocatedPrefixPercentage: Double?
    public init() {}
}

/// A provider gateway's uplink to an IP space (govcd `types.IpSpaceUplink`).
public struct IPSpaceUplink: Codable, Equatable, Sendable {
    public var id: String?
    public var name: String?
    public var description: String?
    /// The provider gateway (external network). Not updatable.
    public var externalNetworkRef: OpenAPIReference?
    /// Not updatable.
    public var ipSpaceRef: OpenAPIReference?
    /// Read-only: the IP space's type.
    public var ipSpaceType: String?
    public var status: String?
    public init() {}
}

/// The body of `POST /ipSpaces/{id}/allocate`: `quantity` (and `prefixLength` for IP_PREFIX) or a
/// specific `value` (37.2+), not both.
public struct IPSpaceIPAllocationRequest: Codable, Equatable, Sendable {
    public var prefixLength: Int?
    public var quantity: Int?
    /// FLOATING_IP | IP_PREFIX.
    public var type: String?
    public var value: String?
    public init(type: String? = nil, quantity: Int? = nil, prefixLength: Int? = nil, value: String? = nil) {
        self.type = type
        self.quantity = quantity
        self.prefixLength = prefixLength
        self.value = value
    }
}

/// One element of the JSON array an allocate task carries as its `Result/ResultContent` text.
public struct IPSpaceIPAllocationRequestResult: Codable, Equatable, Sendable {
    public var id: String?
    public var value: String?
    public var suggestedValue: String?
    public init(id: String? = nil, value: String? = nil, suggestedValue: String? = nil) {
        self.id = id
        self.value = value
        self.suggestedValue = suggestedValue
    }
}

/// An allocated floating IP or prefix, `/ipSpaces/{id}/allocations/{allocationId}` (govcd
/// `types.IpSpaceIpAllocation`).
public struct IPSpaceIPAllocation: Codable, Equatable, Sendable {
    public var id: String?
    public var description: String?
    public var orgRef: OpenAPIReference?
    /// FLOATING_IP | IP_PREFIX.
    public var type: String?
    /// Read-only: SNAT, DNAT, LOAD_BALANCER, IPSEC_VPN, SSL_VPN, L2_VPN.
    public var usageCategories: [String]?
    /// UNUSED | USED (set by the system) | USED_MANUAL (set by the client, with a description).
    public var usageState: String?
    public var value: String?
    /// Read-only: the gateway (or network) using it.
    public var usedByRef: OpenAPIReference?
    /// Read-only, RFC 3339.
    public var allocationDate: String?
    public init() {}
}

/// One entry of `GET /ipSpaces/floatingIpSuggestions?filter=gatewayId==…`: an IP space applicable
/// to the gateway and the caller's allocated but unused floating IPs in it.
public struct IPSpaceFloatingIPSuggestion: Codable, Equatable, Sendable {
    public var ipSpaceRef: OpenAPIReference?
    public var unusedValues: [String]?
    public init() {}
}

/// The wire constants of IP spaces.
public enum IPSpaceType {
    public static let `public` = "PUBLIC"
    public static let sharedServices = "SHARED_SERVICES"
    public static let `private` = "PRIVATE"
    public static let all: Set<String> = [`public`, sharedServices, `private`]
}

/// Allocation types and usage states.
public enum IPSpaceAllocationValue {
    public static let floatingIP = "FLOATING_IP"
    public static let ipPrefix = "IP_PREFIX"
    public static let unused = "UNUSED"
    public static let used = "USED"
    public static let usedManual = "USED_MANUAL"
}
