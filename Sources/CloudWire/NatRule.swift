import Foundation

/// A NAT rule of an edge gateway, `/edgeGateways/{id}/nat/rules` (govcd `NsxtNatRule`). Clients of
/// API 36.x send only the deprecated `ruleType`; the simulator fills both `ruleType` and `type`.
public struct NatRule: Codable, Equatable, Sendable {
    public var id: String?
    public var name: String?
    public var description: String?
    public var enabled: Bool?
    /// DNAT | SNAT | NO_DNAT | NO_SNAT (deprecated in 36.0).
    public var ruleType: String?
    /// DNAT | SNAT | NO_DNAT | NO_SNAT | REFLEXIVE.
    public var type: String?
    public var externalAddresses: String?
    public var internalAddresses: String?
    public var applicationPortProfile: OpenAPIReference?
    public var internalPort: String?
    public var dnatExternalPort: String?
    public var snatDestinationAddresses: String?
    public var logging: Bool?
    public var systemRule: Bool?
    /// MATCH_INTERNAL_ADDRESS | MATCH_EXTERNAL_ADDRESS | BYPASS.
    public var firewallMatch: String?
    public var priority: Int?
    public var version: ObjectVersion?
    public var appliedTo: OpenAPIReference?
    public init() {}
}

/// `{version: n}`: the optimistic-lock counter echoed back on update.
public struct ObjectVersion: Codable, Equatable, Sendable {
    public var version: Int?
    public init(version: Int? = nil) { self.version = version }
}

/// An application port profile, `/cloudapi/1.0.0/applicationPortProfiles` (govcd `NsxtAppPortProfile`).
public struct ApplicationPortProfile: Codable, Equatable, Sendable {
    public var id: String?
    public var name: String?
    public var description: String?
    public var applicationPorts: [ApplicationPort]?
    public var orgRef: OpenAPIReference?
    public var contextEntityId: String?
    /// SYSTEM | PROVIDER | TENANT.
    public var scope: String?
    public init() {}
}

/// One protocol + ports entry of an application port profile.
public struct ApplicationPort: Codable, Equatable, Sendable {
    /// TCP | UDP | ICMPv4 | ICMPv6.
    public var protocol_: String?
    public var destinationPorts: [String]?
    public init(protocol_: String? = nil, destinationPorts: [String]? = nil) {
        self.protocol_ = protocol_
        self.destinationPorts = destinationPorts
    }
    enum CodingKeys: String, CodingKey {
        case protocol_ = "protocol"
        case destinationPorts
    }
}

/// One firewall rule of an edge gateway (govcd `NsxtFirewallRule`).
public struct FirewallRule: Codable, Equatable, Sendable {
    public var id: String?
    public var name: String?
    public var description: String?
    /// ALLOW | DROP (deprecated 35.2).
    public var action: String?
    /// ALLOW | DROP | REJECT.
    public var actionValue: String?
    public var enabled: Bool?
    public var sourceFirewallGroups: [OpenAPIReference]?
    public var destinationFirewallGroups: [OpenAPIReference]?
    public var applicationPortProfiles: [OpenAPIReference]?
    /// IPV4 | IPV6 | IPV4_IPV6.
    public var ipProtocol: String?
    public var logging: Bool?
    /// IN | OUT | IN_OUT.
    public var direction: String?
    public var version: ObjectVersion?
    public init() {}
}

/// The firewall of an edge gateway as one container (`GET/PUT /edgeGateways/{id}/firewall/rules`).
public struct FirewallRules: Codable, Equatable, Sendable {
    public var systemRules: [FirewallRule]?
    public var defaultRules: [FirewallRule]?
    public var userDefinedRules: [FirewallRule]?
    public init() {}
}
