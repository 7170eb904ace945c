import Foundation

/// A VCD identifier of the form `urn:vcloud:<kind>:<uuid>` (vcd-wire.md §2.5). Some kinds carry
/// more than a UUID after the kind (`urn:vcloud:type:vmware:capvcdCluster:1.1.0`); `rest` holds
/// everything after `urn:vcloud:<kind>:`.
public struct URN: Hashable, Sendable, CustomStringConvertible {
    public var kind: String
    public var rest: String

    public init(kind: String, rest: String) {
        self.kind = kind
        self.rest = rest
    }

    /// A new URN of `kind` with a random lower-case UUID.
    public static func make(_ kind: String) -> URN {
        URN(kind: kind, rest: UUID().uuidString.lowercased())
    }

    /// Parses `urn:vcloud:<kind>:<rest>`; nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "urn", parts[1] == "vcloud", !parts[2].isEmpty, !parts[3].isEmpty else { return nil }
        kind = String(parts[2])
        rest = String(parts[3])
    }

    public var description: String { "urn:vcloud:\(kind):\(rest)" }

    /// The UUID part for kinds whose rest is a UUID (orgs, VDCs, tasks), lower-cased.
    public var uuid: String { rest.lowercased() }

    /// Accepts a bare UUID or a URN of `kind` and returns the URN string; used for headers that real
    /// clients send both ways (tenant context: govcd sends the UUID, CPI the URN, vcd-wire.md §1.5).
    public static func normalize(_ text: String, kind: String) -> String {
        if let u = URN(text) { return u.description }
        return "urn:vcloud:\(kind):\(text.lowercased())"
    }
}

/// The URN kinds the simulator and the client use (vcd-wire.md §2.5).
public enum URNKind {
    public static let org = "org"
    public static let vdc = "vdc"
    public static let providerVdc = "providervdc"
    public static let gateway = "gateway"
    public static let network = "network"
    public static let task = "task"
    public static let user = "user"
    public static let role = "role"
    public static let right = "right"
    public static let rightsBundle = "rightsBundle"
    public static let token = "token"
    public static let session = "session"
    public static let vdcComputePolicy = "vdcComputePolicy"
    public static let applicationPortProfile = "applicationPortProfile"
    public static let firewallRule = "firewallRule"
    public static let natRule = "natRule"
    public static let loadBalancerController = "loadBalancerController"
    public static let loadBalancerCloud = "loadBalancerCloud"
    public static let serviceEngineGroup = "serviceEngineGroup"
    public static let serviceEngineGroupAssignment = "serviceEngineGroupAssignment"
    public static let loadBalancerPool = "loadBalancerPool"
    public static let loadBalancerVirtualService = "loadBalancerVirtualService"
    public static let entityType = "type"
    public static let entity = "entity"
    public static let interface = "interface"
    public static let externalNetwork = "network"
    public static let nsxtManager = "nsxtmanager"
    public static let vcenter = "vimserver"
    public static let storageProfile = "vdcstorageProfile"
    public static let networkPool = "networkpool"
    public static let ipSpace = "ipSpace"
    /// (inferred: no real id of an uplink or an allocation was found in public sources)
    public static let ipSpaceUplink = "ipSpaceUplink"
    public static let ipSpaceIPAllocation = "ipSpaceIpAllocation"
}
