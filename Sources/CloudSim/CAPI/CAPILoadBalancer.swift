import CloudWire
import Foundation

/// The control-plane load balancer CAPVCD makes (and the CPI's, which use the same calls): a free
/// VIP of the gateway, a pool and an L4 virtual service, created with the VCD model's own checks
/// (load balancing enabled, SEG assigned with room, VIP allocated to the gateway, names unique);
/// members kept in step; deleted with the gateway's IP accounting refreshed.
extension CAPVCDInfra {
    /// A free external address of the gateway (allocated to it, used by nothing), inside `vipSubnet` if given.
    static func freeVIP(_ tx: WriteTx, gatewayId: String, vipSubnet: String?) throws -> String {
        guard let gw = tx.get(gatewayId, kind: Kind.edgeGateway), let body = try? gw.decode(EdgeGateway.self) else {
            throw fail("GatewayNotFound", "edge gateway \(gatewayId) does not exist")
        }
        let used = Set(GatewayIPs.used(tx, gatewayId: gatewayId, body).compactMap { $0.ipAddress.flatMap(IPv4.parse) })
        var vsVIPs = Set<UInt32>()
        for j in tx.childJSONs(Kind.virtualService, of: gatewayId) { if let v = j["virtualIpAddress"]?.stringValue.flatMap(IPv4.parse) { vsVIPs.insert(v) } }
        let subnet = (vipSubnet?.isEmpty == false ? vipSubnet : nil).flatMap { IPv4.parseCIDR($0) }
        let allocated = GatewayIPs.allocated(body).sorted()
        for ip in allocated where !used.contains(ip) && !vsVIPs.contains(ip) {
            if let (base, prefix) = subnet, !IPv4.inSubnet(ip, gateway: base, prefix: prefix) { continue }
            return IPv4.format(ip)
        }
        throw fail("NoFreeVIP", "no free IP address for a virtual service on edge gateway \(gw.name): \(allocated.count) allocated, all in use"
                   + (vipSubnet.map { $0.isEmpty ? "" : " (vipSubnet \($0))" } ?? ""))
    }

    /// Creates a pool of `members` on `port` and a TCP (L4) virtual service `vip:ports` with the
    /// API's checks. Returns (pool id, virtual service id).
    /// `style` is what the caller's release sends: 1.x (the default) least connections and the
    /// profile `System-L4-Application`; 0.5.x round robin with client-IP persistence and a profile
    /// named `System-HTTP` of type L4 (VCD goes by the type).
    static func createLB(_ sim: Simulator, _ tx: WriteTx, orgId: String, user: String, gatewayId: String, segId: String, name: String,
                         vip: String, servicePort: Int, members: [String], memberPort: Int, poolName: String? = nil,
                         style: LBStyle = .capvcd1) throws -> (String, String) {
        let ctx = sim.controllerContext(tx, orgId: orgId, user: user)
        let (gw, gwBody) = try EdgeGateways.forChange(ctx, gatewayId)
        try GatewayLoadBalancerAPI.requireEnabled(tx, gw)
        var pool = LoadBalancerPool()
        pool.name = poolName ?? name
        pool.enabled = true
        pool.defaultPort = memberPort
        pool.gracefulTimeoutPeriod = 0
        pool.algorithm = style == .capvcd05 ? "ROUND_ROBIN" : "LEAST_CONNECTIONS"
        if style == .capvcd05 {
            var persistence = PoolPersistenceProfile()
            persistence.type = "CLIENT_IP"
            pool.persistenceProfile = persistence
        }
        pool.gatewayRef = Cloud.ref(gw)
        pool.healthMonitors = [PoolHealthMonitor(type: "TCP")]
        pool.members = members.map { member($0, memberPort) }
        pool = try Pools.validate(ctx, pool, gw: gw, replacing: nil)
        let poolId = URN.make(URNKind.loadBalancerPool).description
        pool.id = poolId
        pool.virtualServiceRefs = []
        try tx.insert(kind: Kind.lbPool, id: poolId, parent: gw.id, org: gw.orgId, name: pool.name!, pool)
        var vs = VirtualService()
        vs.name = name
        vs.enabled = true
        vs.virtualIpAddress = vip
        vs.gatewayRef = Cloud.ref(gw)
        vs.loadBalancerPoolRef = OpenAPIReference(name: pool.name, id: poolId)
        vs.serviceEngineGroupRef = OpenAPIReference(name: nil, id: segId)
        vs.applicationProfile = ApplicationProfile(name: style == .capvcd05 ? "System-HTTP" : "System-L4-Application", type: "L4", systemDefined: true)
        var port = ServicePort()
        port.portStart = servicePort
        port.sslEnabled = false
        port.tcpUdpProfile = TCPUDPProfile(type: "TCP_PROXY")
        vs.servicePorts = [port]
        vs = try VirtualServices.validate(ctx, vs, gw: gw, gwBody: gwBody, replacing: nil)
        let vsId = URN.make(URNKind.loadBalancerVirtualService).description
        vs.id = vsId
        try tx.insert(kind: Kind.virtualService, id: vsId, parent: gw.id, org: gw.orgId, name: name, vs)
        try VirtualServices.linkPool(tx, poolId: poolId, vs: OpenAPIReference(name: name, id: vsId), add: true)
        try GatewayIPs.refresh(tx, gatewayId: gw.id)
        return (poolId, vsId)
    }

    /// The request bodies of one CAPVCD release's load balancer calls.
    enum LBStyle { case capvcd1, capvcd05 }

    static func member(_ ip: String, _ port: Int) -> PoolMember {
        var m = PoolMember()
        m.ipAddress = ip
        m.port = port
        m.enabled = true
        m.ratio = 1
        return m
    }

    /// Replaces the members of a pool (control-plane VMs joining, nodes of a Service changing).
    static func setMembers(_ sim: Simulator, _ tx: WriteTx, poolId: String, members: [String], port: Int) throws {
        guard let o = tx.get(poolId, kind: Kind.lbPool), var pool = try? o.decode(LoadBalancerPool.self) else { return }
        let want = members.map { member($0, port) }
        if (pool.members ?? []).map({ "\($0.ipAddress ?? ""):\($0.port ?? 0)" }) == want.map({ "\($0.ipAddress ?? ""):\($0.port ?? 0)" }) { return }
        guard let gw = tx.get(o.parentId ?? "", kind: Kind.edgeGateway) else { return }
        let ctx = sim.controllerContext(tx, orgId: o.orgId, user: "capvcd")
        let refs = pool.virtualServiceRefs
        pool.members = want
        var p = try Pools.validate(ctx, pool, gw: gw, replacing: o.id)
        p.id = o.id
        p.virtualServiceRefs = refs
        try tx.update(o, p)
    }

    /// Deletes a virtual service and its pool (either may be gone already).
    static func deleteLB(_ tx: WriteTx, poolId: String?, vsId: String?) throws {
        var gateways = Set<String>()
        if let vsId, let vs = tx.get(vsId, kind: Kind.virtualService) {
            tx.delete(vs.id)
            try VirtualServices.linkPool(tx, poolId: vs.json.value(at: "loadBalancerPoolRef.id")?.stringValue,
                                         vs: OpenAPIReference(name: vs.name, id: vs.id), add: false)
            if let g = vs.parentId { gateways.insert(g) }
        }
        if let poolId, let pool = tx.get(poolId, kind: Kind.lbPool) {
            tx.delete(pool.id)
            if let g = pool.parentId { gateways.insert(g) }
        }
        for g in gateways { try GatewayIPs.refresh(tx, gatewayId: g) }
    }
}
