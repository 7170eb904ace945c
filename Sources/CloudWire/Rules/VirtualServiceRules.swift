import NetAddress

/// The addresses an edge gateway holds (the ranges allocated on its uplinks) and the subnets of
/// those uplinks, read from the gateway's own body.
public enum EdgeGatewayAddresses {
    /// True when `ip` lies in one of the ranges allocated to the gateway.
    public static func isAllocated(_ gw: EdgeGateway, _ ip: UInt32) -> Bool {
        for u in gw.edgeGatewayUplinks ?? [] {
            for s in u.subnets?.values ?? [] {
                for r in s.ipRanges?.values ?? [] {
                    if let a = IPv4.parse(r.startAddress), let b = IPv4.parse(r.endAddress), a <= ip, ip <= b { return true }
                }
            }
        }
        return false
    }

    /// True when `ip` is inside one of the gateway's uplink subnets (an external address).
    public static func inUplinkSubnet(_ gw: EdgeGateway, _ ip: UInt32) -> Bool {
        for u in gw.edgeGatewayUplinks ?? [] {
            for s in u.subnets?.values ?? [] {
                if let g = s.gateway.flatMap(IPv4.parse), let p = s.prefixLength, IPv4.inSubnet(ip, gateway: g, prefix: p) { return true }
            }
        }
        return false
    }
}

/// What VCD refuses (400 BAD_REQUEST) in a virtual service's address: a VIP that is no address, an
/// external VIP outside the block allocated to the gateway, an internal VIP inside one of the
/// gateway's networks. One copy for the simulator and the engine's check before sending.
public enum VirtualServiceRules {
    /// The problem of `vipText` on gateway `gw`, or nil. `external`: whether the VIP is an external
    /// address (nil: inside an uplink subnet; a gateway with IP spaces needs the site's view of
    /// them, so its caller says). On a gateway with IP spaces an external VIP must be a floating IP
    /// of the org, which only the site knows: not checked here.
    public static func vipProblem(_ vipText: String, gateway gw: EdgeGateway, gatewayName: String, external: Bool? = nil,
                                  networks: [(name: String, subnets: [NetworkSubnet])]) -> String? {
        guard let vip = IPv4.parse(vipText) else { return "Invalid virtual IP address \(vipText)." }
        if external ?? EdgeGatewayAddresses.inUplinkSubnet(gw, vip) {
            if gw.usingIpSpace != true, !EdgeGatewayAddresses.isAllocated(gw, vip) {
                return "Virtual IP address \(vipText) is not allocated to edge gateway \(gatewayName)."
            }
            return nil
        }
        for n in networks {
            for s in n.subnets {
                if let g = s.gateway.flatMap(IPv4.parse), let p = s.prefixLength, IPv4.inSubnet(vip, gateway: g, prefix: p) {
                    return "Virtual IP address \(vipText) is inside network \(n.name) of the edge gateway."
                }
            }
        }
        return nil
    }
}
