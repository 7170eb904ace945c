import CloudWire
import Foundation
import NetAddress

/// The control-plane endpoint as the simulated CAPVCD makes it through VCD's API. 1.x: a free
/// address of the gateway (inside `vipSubnet` when set), a pool of the control-plane nodes on 6443
/// and an L4 virtual service. 0.5.x (capvcd-wire.md, vcd-wire.md §5.8): an external address from
/// the uplink subnet its config's `vipSubnet` names and, in one-arm mode, a DNAT rule
/// `dnat-<prefix>-tcp` from it to an internal address of the one-arm range on which the virtual
/// service listens. Each object is looked up by name first, so a pass that failed halfway resumes.
extension CAPVCDClient {
    /// What was made for one cluster.
    struct ControlPlaneLB {
        var externalIP: String
        var internalIP: String?
        var natRuleId: String?
        var poolId: String
        var vsId: String
    }

    /// Pool and virtual service `name` on `vip:port` (made if missing; the virtual service's
    /// address wins when it exists).
    func ensureLB(_ site: Site, name: String, vip: String, port: Int, style: LBStyle = .current) throws -> (poolId: String, vsId: String, vip: String) {
        try must("LoadBalancerCreateFailed") {
            if let vs = try virtualServiceSummary(gatewayId: site.gatewayId, name: name), let vsId = vs.id, let poolId = vs.loadBalancerPoolRef?.id {
                return (poolId, vsId, vs.virtualIpAddress ?? vip)
            }
            let poolId = try lbSummary(gatewayId: site.gatewayId, kind: "poolSummaries", name: name)?["id"]?.stringValue
                ?? createPool(gatewayId: site.gatewayId, gatewayName: site.gatewayName, name: name, members: [], port: port, style: style)
            let vsId = try createVirtualService(gatewayId: site.gatewayId, gatewayName: site.gatewayName, segId: site.segId, segName: site.segName,
                                                name: name, vip: vip, port: port, poolId: poolId, poolName: name, style: style)
            return (poolId, vsId, vip)
        }
    }

    /// Deletes the virtual service, then the pool (either may be gone already).
    func deleteLB(poolId: String?, vsId: String?) throws {
        try must("LoadBalancerDeleteFailed") {
            if let vsId { try deleteObject("loadBalancer/virtualServices/\(vsId)", what: "virtual service [\(vsId)]") }
            if let poolId { try deleteObject("loadBalancer/pools/\(poolId)", what: "pool [\(poolId)]") }
        }
    }

    // MARK: 0.5.x

    /// The external address: the uplink subnet is matched on the text `gateway/prefixLength`
    /// equal to `vipSubnet` (so `203.0.113.1/24`, not the network address), then the first address
    /// of its ranges that the gateway does not use.
    func externalIP05(_ site: Site, vipSubnet: String) throws -> String {
        let subnets = (site.gateway.edgeGatewayUplinks ?? []).flatMap { $0.subnets?.values ?? [] }
        guard let subnet = subnets.first(where: { "\($0.gateway ?? "")/\($0.prefixLength ?? 0)" == vipSubnet }) else {
            let offered = subnets.map { "\($0.gateway ?? "")/\($0.prefixLength ?? 0)" }.joined(separator: ", ")
            throw CAPIFailure(reason: "NoVIPSubnet", message: "unable to get unused IP address from subnet [\(vipSubnet)]: [unable to get ipRange corresponding to IPAM subnet mask [\(vipSubnet)]] (vipSubnet of the controller config must be written as an uplink subnet of edge gateway \(site.gatewayName): \(offered))")
        }
        let used = try must("NoFreeVIP") {
            try list(Self.path("edgeGateways/\(site.gatewayId)/usedIpAddresses"), GatewayUsedIPAddress.self, what: "used IP addresses of gateway [\(site.gatewayName)]")
        }
        let taken = Set(used.compactMap { $0.ipAddress.flatMap(IPv4.parse) })
        for r in subnet.ipRanges?.values ?? [] {
            guard let a = IPv4.parse(r.startAddress), let b = IPv4.parse(r.endAddress), a <= b else { continue }
            for ip in a...b where !taken.contains(ip) { return IPv4.format(ip) }
        }
        throw CAPIFailure(reason: "NoFreeVIP", message: "unable to get unused IP address from subnet [\(vipSubnet)]: [unable to obtain free IP from gateway [\(site.gatewayName)]; all are used]")
    }

    /// The internal address: the first of the one-arm range no virtual service of the gateway uses.
    func internalIP05(_ site: Site, start: String, end: String) throws -> String {
        let fail = CAPIFailure(reason: "NoInternalVIP", message: "unable to get internal IP address for one-arm mode: [unable to find unused IP address in range [\(start)-\(end)]]")
        guard let a = IPv4.parse(start), let b = IPv4.parse(end), a <= b else { throw fail }
        let vss = try must("NoInternalVIP") {
            try list(Self.path("edgeGateways/\(site.gatewayId)/loadBalancer/virtualServiceSummaries"), JSONValue.self,
                     what: "virtual services of gateway [\(site.gatewayName)]")
        }
        let taken = Set(vss.compactMap { $0["virtualIpAddress"]?.stringValue.flatMap(IPv4.parse) })
        for ip in a...b where !taken.contains(ip) { return IPv4.format(ip) }
        throw fail
    }

    /// A DNAT rule as 0.5.x posts it (`ruleType` only, external port, no port profile); found by
    /// name first. Returns its id.
    func ensureDNAT(_ site: Site, name: String, external: String, internalIP: String, port: Int) throws -> String {
        let rules = Self.path("edgeGateways/\(site.gatewayId)/nat/rules")
        func find() throws -> String? {
            try natRules(site).first { $0["name"]?.stringValue == name }?["id"]?.stringValue
        }
        if let id = try find() { return id }
        var rule = NatRule()
        rule.name = name
        rule.enabled = true
        rule.ruleType = "DNAT"
        rule.externalAddresses = external
        rule.internalAddresses = internalIP
        rule.dnatExternalPort = String(port)
        do {
            try change("POST", rules, body: Self.json(rule), what: "create dnat rule [\(external)] => [\(internalIP)]")
        } catch let e as CPIError {
            throw CAPIFailure(reason: "DNATRuleRefused", message: e.message, busy: e.busy)
        }
        guard let id = try find() else { throw CAPIFailure(reason: "DNATRuleRefused", message: "dnat rule [\(name)] was not created") }
        return id
    }

    /// The gateway's NAT rules (cursor-paged: `cursor` links, no page count).
    func natRules(_ site: Site) throws -> [JSONValue] {
        var out: [JSONValue] = []
        var path: String? = Self.path("edgeGateways/\(site.gatewayId)/nat/rules?pageSize=128")
        var hops = 0
        while let p = path, hops < 100 {
            hops += 1
            let r = try must("DNATRuleRefused") { try call("GET", p) }
            guard r.status == 200, let page = try? JSONDecoder().decode(JSONValue.self, from: r.body) else {
                throw CAPIFailure(reason: r.status == 403 ? "VCDAccessDenied" : "DNATRuleRefused",
                                  message: "unable to get NAT rules of gateway [\(site.gatewayName)]: \(Self.describe(r))", busy: Self.isBusy(r))
            }
            out += page["values"]?.arrayValue ?? []
            path = nil
            if let link = r.headers["Link"], let next = link.components(separatedBy: ",").first(where: { $0.contains("rel=\"nextPage\"") }),
               let open = next.firstIndex(of: "<"), let close = next.firstIndex(of: ">"), let u = URLComponents(string: String(next[next.index(after: open)..<close])) {
                path = u.path + (u.query.map { "?" + $0 } ?? "")
            }
        }
        return out
    }

    func deleteNATRule(gatewayId: String, _ id: String?) throws {
        guard let id else { return }
        try must("DNATRuleDeleteFailed") { try deleteObject("edgeGateways/\(gatewayId)/nat/rules/\(id)", what: "dnat rule [\(id)]") }
    }

    /// The whole control-plane load balancer of a 0.5.x cluster, names prefixed `prefix`
    /// (`<cluster>-<infraId>`).
    func ensureLB05(_ site: Site, config: CAPVCD05Config, prefix: String) throws -> ControlPlaneLB {
        let port = config.tcpPort
        guard port > 0 else { throw CAPIFailure(reason: "NoTCPPort", message: "there is no tcp port specified. Cannot create L4 load balancer") }
        let name = "\(prefix)-tcp"
        // A pass that already made the rule finds it again: its external address is the endpoint.
        let existing = try natRules(site).first { $0["name"]?.stringValue == "dnat-\(name)" }
        let existingVS = try must("LoadBalancerCreateFailed") { try lbSummary(gatewayId: site.gatewayId, kind: "virtualServiceSummaries", name: name) }
        let external = try existing?["externalAddresses"]?.stringValue
            ?? (config.oneArm == nil ? existingVS?["virtualIpAddress"]?.stringValue : nil)
            ?? externalIP05(site, vipSubnet: config.vipSubnet)
        var vip = external
        var internalIP: String? = nil
        var natId: String? = nil
        if let oneArm = config.oneArm {
            let ip = try existing?["internalAddresses"]?.stringValue ?? existingVS?["virtualIpAddress"]?.stringValue
                ?? internalIP05(site, start: oneArm.start, end: oneArm.end)
            natId = try existing?["id"]?.stringValue ?? ensureDNAT(site, name: "dnat-\(name)", external: external, internalIP: ip, port: port)
            internalIP = ip
            vip = ip
        }
        let lb = try ensureLB(site, name: name, vip: vip, port: port, style: .capvcd05)
        return ControlPlaneLB(externalIP: external, internalIP: internalIP, natRuleId: natId, poolId: lb.poolId, vsId: lb.vsId)
    }
}
