import CloudWire
import Foundation

/// The control-plane endpoint as CAPVCD 0.5.x makes it (capvcd-wire.md, vcd-wire.md §5.8): an
/// external address of the gateway taken from the uplink subnet the controller's `vipSubnet`
/// names, and, in one-arm mode (`loadbalancer.oneArm` in its config), a DNAT rule
/// `dnat-<prefix>-tcp` from that address to an internal address of the one-arm range, on which the
/// ALB virtual service listens. Without one-arm the virtual service takes the external address
/// itself. The endpoint written to the Cluster is always the external address.
extension CAPVCDInfra {
    /// What was made for one cluster.
    struct OneArmLB {
        var externalIP: String
        var internalIP: String?
        var natRuleId: String?
        var poolId: String
        var vsId: String
    }

    /// The external address: the uplink subnet is matched on the text `gateway/prefixLength`
    /// equal to `vipSubnet` (so `203.0.113.1/24`, not the network address), then the first address
    /// of its ranges that the gateway does not use (NAT, virtual services, primary IP).
    static func externalIP05(_ tx: WriteTx, gateway gw: StoredObject, _ body: EdgeGateway, vipSubnet: String) throws -> String {
        let subnets = (body.edgeGatewayUplinks ?? []).flatMap { $0.subnets?.values ?? [] }
        guard let subnet = subnets.first(where: { "\($0.gateway ?? "")/\($0.prefixLength ?? 0)" == vipSubnet }) else {
            let offered = subnets.map { "\($0.gateway ?? "")/\($0.prefixLength ?? 0)" }.joined(separator: ", ")
            throw fail("NoVIPSubnet", "unable to get unused IP address from subnet [\(vipSubnet)]: [unable to get ipRange corresponding to IPAM subnet mask [\(vipSubnet)]] (vipSubnet of the controller config must be written as an uplink subnet of edge gateway \(gw.name): \(offered))")
        }
        let used = Set(GatewayIPs.used(tx, gatewayId: gw.id, body).compactMap { $0.ipAddress.flatMap(IPv4.parse) })
        for r in subnet.ipRanges?.values ?? [] {
            guard let a = IPv4.parse(r.startAddress), let b = IPv4.parse(r.endAddress), a <= b else { continue }
            for ip in a...b where !used.contains(ip) { return IPv4.format(ip) }
        }
        throw fail("NoFreeVIP", "unable to get unused IP address from subnet [\(vipSubnet)]: [unable to obtain free IP from gateway [\(gw.name)]; all are used]")
    }

    /// The internal address: the first of the one-arm range no virtual service of the gateway uses.
    static func internalIP05(_ tx: WriteTx, gatewayId: String, start: String, end: String) throws -> String {
        guard let a = IPv4.parse(start), let b = IPv4.parse(end), a <= b else {
            throw fail("NoInternalVIP", "unable to get internal IP address for one-arm mode: [unable to find unused IP address in range [\(start)-\(end)]]")
        }
        var taken = Set<UInt32>()
        for j in tx.childJSONs(Kind.virtualService, of: gatewayId) {
            if let v = j["virtualIpAddress"]?.stringValue.flatMap(IPv4.parse) { taken.insert(v) }
        }
        for ip in a...b where !taken.contains(ip) { return IPv4.format(ip) }
        throw fail("NoInternalVIP", "unable to get internal IP address for one-arm mode: [unable to find unused IP address in range [\(start)-\(end)]]")
    }

    /// A DNAT rule as 0.5.x posts it (`ruleType` only, external port, no port profile), with the
    /// checks of the API (address allocated to the gateway, address and port not taken).
    static func createDNAT(_ sim: Simulator, _ tx: WriteTx, orgId: String, user: String, gatewayId: String, name: String,
                           external: String, internalIP: String, port: Int) throws -> String {
        let ctx = sim.controllerContext(tx, orgId: orgId, user: user)
        let (gw, gwBody) = try EdgeGateways.forChange(ctx, gatewayId)
        var rule = NatRule()
        rule.name = name
        rule.enabled = true
        rule.ruleType = "DNAT"
        rule.externalAddresses = external
        rule.internalAddresses = internalIP
        rule.dnatExternalPort = String(port)
        do {
            rule = try NatRules.normalize(ctx, rule, gatewayId: gw.id, gw: gwBody, replacing: nil)
        } catch let e as SimError {
            throw fail("DNATRuleRefused", "unable to create dnat rule [\(external)] => [\(internalIP)]: [\(e.message)]")
        }
        let id = UUID().uuidString.lowercased()
        rule.id = id
        rule.version = ObjectVersion(version: 0)
        try tx.insert(kind: Kind.natRule, id: id, parent: gw.id, org: gw.orgId, name: name, rule)
        try GatewayIPs.refresh(tx, gatewayId: gw.id)
        return id
    }

    static func deleteNATRule(_ tx: WriteTx, _ id: String?) throws {
        guard let id, let o = tx.get(id, kind: Kind.natRule) else { return }
        tx.delete(o.id)
        if let g = o.parentId { try GatewayIPs.refresh(tx, gatewayId: g) }
    }

    /// The whole control-plane load balancer of a 0.5.x cluster, names prefixed `prefix`
    /// (`<cluster>-<infraId>`): external address, [internal address and DNAT rule], pool, virtual
    /// service on `port`. All in the caller's transaction: a refusal leaves nothing behind.
    static func createLB05(_ sim: Simulator, _ tx: WriteTx, site: Site, user: String, config: CAPVCD05Config, prefix: String) throws -> OneArmLB {
        let port = config.tcpPort
        guard port > 0 else { throw fail("NoTCPPort", "there is no tcp port specified. Cannot create L4 load balancer") }
        let external = try externalIP05(tx, gateway: site.gateway, site.gatewayBody, vipSubnet: config.vipSubnet)
        let name = "\(prefix)-tcp"
        var vip = external
        var internalIP: String? = nil
        var natId: String? = nil
        if let oneArm = config.oneArm {
            let ip = try internalIP05(tx, gatewayId: site.gateway.id, start: oneArm.start, end: oneArm.end)
            natId = try createDNAT(sim, tx, orgId: site.org.id, user: user, gatewayId: site.gateway.id, name: "dnat-\(name)",
                                   external: external, internalIP: ip, port: port)
            internalIP = ip
            vip = ip
        }
        let (poolId, vsId) = try createLB(sim, tx, orgId: site.org.id, user: user, gatewayId: site.gateway.id, segId: site.segId,
                                          name: name, vip: vip, servicePort: port, members: [], memberPort: port, style: .capvcd05)
        return OneArmLB(externalIP: external, internalIP: internalIP, natRuleId: natId, poolId: poolId, vsId: vsId)
    }
}
