import NetAddress

/// What VCD refuses (400 BAD_REQUEST) in an org VDC network for a reason the request shows before
/// it is sent: a subnet's gateway and prefix, a static pool outside its subnet or over the gateway
/// address, a DNS server that is no address, a subnet overlapping another network of the same
/// edge gateway. One copy of the rules and their messages: the simulator answers with them, and
/// the engine checks them before sending (in apply and under --plan), so a plan refuses what the
/// site would refuse, with the same words.
public enum OrgVdcNetworkRules {
    /// The first problem of one subnet, or nil.
    public static func subnetProblem(_ s: NetworkSubnet) -> String? {
        guard let gwText = s.gateway, let gwIP = IPv4.parse(gwText), let prefix = s.prefixLength, (8...30).contains(prefix) else {
            return "The subnet needs a gateway address and a prefix length between 8 and 30."
        }
        for r in s.ipRanges?.values ?? [] {
            guard let a = IPv4.parse(r.startAddress), let b = IPv4.parse(r.endAddress), a <= b else {
                return "Invalid static pool range \(r.startAddress)-\(r.endAddress)."
            }
            guard IPv4.inSubnet(a, gateway: gwIP, prefix: prefix), IPv4.inSubnet(b, gateway: gwIP, prefix: prefix) else {
                return "Static pool range \(r.startAddress)-\(r.endAddress) is outside subnet \(gwText)/\(prefix)."
            }
            if (a...b).contains(gwIP) { return "Static pool range \(r.startAddress)-\(r.endAddress) contains the gateway address \(gwText)." }
        }
        for dns in [s.dnsServer1, s.dnsServer2].compactMap({ $0 }) where !dns.isEmpty {
            if IPv4.parse(dns) == nil { return "Invalid DNS server \(dns)." }
        }
        return nil
    }

    /// The problem when subnet `s` overlaps a subnet of another network on the same edge gateway
    /// (`others`: those networks, without the one being replaced), or nil.
    public static func overlapProblem(_ s: NetworkSubnet, others: [(name: String, subnets: [NetworkSubnet])], edgeGateway: String) -> String? {
        guard let gwText = s.gateway, let gwIP = IPv4.parse(gwText), let prefix = s.prefixLength else { return nil }
        let mine = IPv4.subnetRange(gateway: gwIP, prefix: prefix)
        for other in others {
            for os in other.subnets {
                if let og = os.gateway.flatMap(IPv4.parse), let op = os.prefixLength, mine.overlaps(IPv4.subnetRange(gateway: og, prefix: op)) {
                    return "Subnet \(gwText)/\(prefix) overlaps network \(other.name) (\(os.gateway!)/\(op)) on edge gateway \(edgeGateway)."
                }
            }
        }
        return nil
    }
}
