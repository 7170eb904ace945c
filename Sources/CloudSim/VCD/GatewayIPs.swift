import CloudWire
import Foundation
import NetAddress

/// IP accounting of edge gateways: which external addresses a gateway holds, which of them are in
/// use (primary IP, NAT, load balancer VIPs), what the provider gateway still has free. A gateway
/// with IP spaces holds none itself: its NAT rules and VIPs use floating IPs its org allocated from
/// the gateway's IP spaces (`requireIPSpaceAddress`).
enum GatewayIPs {
    /// Addresses allocated to the gateway on all its uplinks.
    static func allocated(_ gw: EdgeGateway) -> Set<UInt32> {
        var out = Set<UInt32>()
        for u in gw.edgeGatewayUplinks ?? [] {
            for s in u.subnets?.values ?? [] {
                for r in s.ipRanges?.values ?? [] {
                    guard let a = IPv4.parse(r.startAddress), let b = IPv4.parse(r.endAddress), a <= b else { continue }
                    for ip in a...b { out.insert(ip) }
                }
            }
        }
        return out
    }

    /// Whether `ip` is inside one of the gateway's uplink subnets.
    static func inUplinkSubnet(_ gw: EdgeGateway, _ ip: UInt32) -> Bool {
        for u in gw.edgeGatewayUplinks ?? [] {
            for s in u.subnets?.values ?? [] {
                if let g = s.gateway.flatMap(IPv4.parse), let p = s.prefixLength, IPv4.inSubnet(ip, gateway: g, prefix: p) { return true }
            }
        }
        return false
    }

    /// Whether `ip` is an external address for the gateway: inside an uplink subnet, or, on a
    /// gateway with IP spaces, inside a range of an IP space bound to its provider gateway.
    static func isExternal(_ state: StateView, _ gw: EdgeGateway, _ ip: UInt32) -> Bool {
        guard gw.usingIpSpace == true else { return inUplinkSubnet(gw, ip) }
        return ipSpaceBooks(state, gw).contains { $0.1.inRanges(ip) }
    }

    /// The IP spaces of a gateway with their address books.
    static func ipSpaceBooks(_ state: StateView, _ gw: EdgeGateway) -> [(StoredObject, IPSpaceBook)] {
        IPSpaces.ofGateway(state, gw).compactMap { o in (try? o.decode(IPSpace.self)).flatMap { try? IPSpaceBook($0) }.map { (o, $0) } }
    }

    /// On a gateway with IP spaces, the check that replaces "allocated to the gateway": `address`
    /// must be a floating IP the gateway's org holds in one of the gateway's IP spaces, and no other
    /// gateway may use it. `what` names the use in the error ("External address", "Virtual IP address").
    static func requireIPSpaceAddress(_ state: StateView, gateway: StoredObject, _ gw: EdgeGateway, _ address: String, what: String) throws {
        guard let ip = IPv4.parse(address) else { return }
        let org = gateway.orgId ?? ""
        let held = ipSpaceBooks(state, gw).contains { space, book in
            book.inRanges(ip) && state.children(Kind.ipSpaceAllocation, of: space.id).contains {
                $0.orgId == org && $0.name == address && $0.json["type"]?.stringValue == IPSpaceAllocationValue.floatingIP
            }
        }
        guard held else {
            let orgName = state.get(org)?.name ?? org
            throw SimError.badRequest("\(what) \(address) is not allocated to org \(orgName) from an IP space of edge gateway \(gateway.name): allocate it first (POST /cloudapi/1.0.0/ipSpaces/{id}/allocate).")
        }
        if let u = IPSpaceAllocations.usage(state, orgs: [org])["\(org)|\(address)"], u.gateway.id != gateway.id {
            throw SimError.badRequest("\(what) \(address) is already in use on edge gateway \(u.gateway.name ?? "").")
        }
    }

    /// Every used external address of the gateway, as `usedIpAddresses` lists them: one entry per
    /// address and category (many SNAT rules commonly share one address).
    static func used(_ state: StateView, gatewayId: String, _ gw: EdgeGateway) -> [GatewayUsedIPAddress] {
        var out: [GatewayUsedIPAddress] = []
        var seen = Set<String>()
        let uplink = gw.edgeGatewayUplinks?.first.map { OpenAPIReference(name: $0.uplinkName, id: $0.uplinkId) }
        func add(_ ip: String, _ category: String) {
            guard seen.insert("\(ip)|\(category)").inserted else { return }
            var u = GatewayUsedIPAddress()
            u.ipAddress = ip
            u.category = category
            u.networkRef = uplink
            out.append(u)
        }
        for u in gw.edgeGatewayUplinks ?? [] {
            for s in u.subnets?.values ?? [] { if let p = s.primaryIp { add(p, "PRIMARY_IP") } }
        }
        // Read the parsed JSON, not decoded structs: a gateway may carry thousands of rules.
        var isAddress: [String: Bool] = [:]  // CIDRs are not single used addresses
        for j in state.childJSONs(Kind.natRule, of: gatewayId) {
            guard let ext = j["externalAddresses"]?.stringValue else { continue }
            let single: Bool
            if let known = isAddress[ext] { single = known } else { single = IPv4.parse(ext) != nil; isAddress[ext] = single }
            guard single else { continue }
            let t = j["type"]?.stringValue ?? j["ruleType"]?.stringValue ?? "SNAT"
            add(ext, t.hasPrefix("NO_") ? String(t.dropFirst(3)) : t)
        }
        let books = gw.usingIpSpace == true ? ipSpaceBooks(state, gw).map(\.1) : []
        for j in state.childJSONs(Kind.virtualService, of: gatewayId) {
            guard let vip = j["virtualIpAddress"]?.stringValue, let ip = IPv4.parse(vip) else { continue }
            guard gw.usingIpSpace == true ? books.contains(where: { $0.inRanges(ip) }) : inUplinkSubnet(gw, ip) else { continue }
            add(vip, "Load_Balancer")
        }
        return out
    }

    /// Addresses of `ext` that no gateway holds yet, in order.
    static func free(_ state: StateView, external ext: ExternalNetwork, extId: String, excluding gatewayId: String? = nil) -> [UInt32] {
        var taken = Set<UInt32>()
        for o in state.all(Kind.edgeGateway) where o.id != gatewayId {
            guard let g = try? o.decode(EdgeGateway.self) else { continue }
            if g.edgeGatewayUplinks?.contains(where: { $0.uplinkId == extId }) == true { taken.formUnion(allocated(g)) }
        }
        var out: [UInt32] = []
        for s in ext.subnets?.values ?? [] {
            for r in s.ipRanges?.values ?? [] {
                guard let a = IPv4.parse(r.startAddress), let b = IPv4.parse(r.endAddress), a <= b else { continue }
                for ip in a...b where !taken.contains(ip) { out.append(ip) }
            }
        }
        return out
    }

    /// Recomputes the counters stored on the gateway (used/total IPs per subnet, network count).
    static func refresh(_ tx: WriteTx, gatewayId: String) throws {
        guard let o = tx.get(gatewayId, kind: Kind.edgeGateway), var gw = try? o.decode(EdgeGateway.self) else { return }
        let usedSet = Set(used(tx, gatewayId: gatewayId, gw).compactMap { $0.ipAddress.flatMap(IPv4.parse) })
        for (ui, u) in (gw.edgeGatewayUplinks ?? []).enumerated() {
            for (si, s) in (u.subnets?.values ?? []).enumerated() {
                var total = 0
                var usedCount = 0
                for r in s.ipRanges?.values ?? [] {
                    guard let a = IPv4.parse(r.startAddress), let b = IPv4.parse(r.endAddress), a <= b else { continue }
                    total += Int(b - a) + 1
                    for ip in a...b where usedSet.contains(ip) { usedCount += 1 }
                }
                gw.edgeGatewayUplinks![ui].subnets!.values[si].totalIpCount = total
                gw.edgeGatewayUplinks![ui].subnets!.values[si].usedIpCount = usedCount
            }
        }
        gw.orgVdcNetworkCount = OrgVdcNetworks.connected(tx, to: gatewayId).count
        let new = try Cloud.encode(gw)
        if new != o.body { try tx.update(o, gw) }
    }
}
