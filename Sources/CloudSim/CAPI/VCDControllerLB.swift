import CloudWire
import Foundation

/// The load balancer calls CAPVCD and CPI share (capvcd-wire.md rows 15–17): look a pool or
/// virtual service up by name on the gateway, create one (202 + task whose owner is the object),
/// replace a pool's members, delete (virtual service before its pool; gone counts as deleted).
extension VCDControllerClient {
    /// The request bodies of one release's load balancer calls: 1.x and CPI least connections with
    /// the profile `System-L4-Application`; 0.5.x round robin with client-IP persistence and a
    /// profile named `System-HTTP` of type L4 (VCD goes by the type).
    enum LBStyle { case current, capvcd05 }

    static func lbPath(_ p: String) -> String { "/cloudapi/1.0.0/\(p)" }

    /// The id of the gateway's pool or virtual service named `name` (`poolSummaries`,
    /// `virtualServiceSummaries`), with the virtual service's pool and address.
    func lbSummary(gatewayId: String, kind: String, name: String) throws -> JSONValue? {
        try list(Self.lbPath("edgeGateways/\(gatewayId)/loadBalancer/\(kind)?filter=\(Self.encode("name==\(name)"))"), JSONValue.self,
                 what: "\(kind == "poolSummaries" ? "pool" : "virtual service") [\(name)]").first { $0["name"]?.stringValue == name }
    }

    /// The gateway's virtual service named `name`, as its summary (pool and address included).
    func virtualServiceSummary(gatewayId: String, name: String) throws -> VirtualService? {
        try list(Self.lbPath("edgeGateways/\(gatewayId)/loadBalancer/virtualServiceSummaries?filter=\(Self.encode("name==\(name)"))"), VirtualService.self,
                 what: "virtual service [\(name)]").first { $0.name == name }
    }

    static func member(_ ip: String, _ port: Int) -> PoolMember {
        var m = PoolMember()
        m.ipAddress = ip
        m.port = port
        m.enabled = true
        m.ratio = 1
        return m
    }

    /// Creates a pool of `members` on `port` (TCP health monitor); its id.
    func createPool(gatewayId: String, gatewayName: String, name: String, members: [String], port: Int, style: LBStyle = .current) throws -> String {
        var pool = LoadBalancerPool()
        pool.name = name
        pool.enabled = true
        pool.defaultPort = port
        pool.gracefulTimeoutPeriod = 0
        pool.algorithm = style == .capvcd05 ? "ROUND_ROBIN" : "LEAST_CONNECTIONS"
        if style == .capvcd05 {
            var persistence = PoolPersistenceProfile()
            persistence.type = "CLIENT_IP"
            pool.persistenceProfile = persistence
        }
        pool.gatewayRef = OpenAPIReference(name: gatewayName, id: gatewayId)
        pool.healthMonitors = [PoolHealthMonitor(type: "TCP")]
        pool.members = members.map { Self.member($0, port) }
        let task = try change("POST", Self.lbPath("loadBalancer/pools"), body: Self.json(pool), what: "create pool [\(name)]")
        guard let id = task?.owner?.id else { throw CPIError(message: "unable to create pool [\(name)]: the task names no pool") }
        return id
    }

    /// Creates an L4 (`TCP_PROXY`) virtual service `vip:port` on the pool; its id.
    func createVirtualService(gatewayId: String, gatewayName: String, segId: String, segName: String?, name: String, vip: String, port: Int,
                              poolId: String, poolName: String, style: LBStyle = .current) throws -> String {
        var vs = VirtualService()
        vs.name = name
        vs.enabled = true
        vs.virtualIpAddress = vip
        vs.gatewayRef = OpenAPIReference(name: gatewayName, id: gatewayId)
        vs.loadBalancerPoolRef = OpenAPIReference(name: poolName, id: poolId)
        vs.serviceEngineGroupRef = OpenAPIReference(name: segName, id: segId)
        vs.applicationProfile = ApplicationProfile(name: style == .capvcd05 ? "System-HTTP" : "System-L4-Application", type: "L4", systemDefined: true)
        var sp = ServicePort()
        sp.portStart = port
        sp.sslEnabled = false
        sp.tcpUdpProfile = TCPUDPProfile(type: "TCP_PROXY")
        vs.servicePorts = [sp]
        let task = try change("POST", Self.lbPath("loadBalancer/virtualServices"), body: Self.json(vs), what: "create virtual service [\(name)]")
        guard let id = task?.owner?.id else { throw CPIError(message: "unable to create virtual service [\(name)]: the task names no virtual service") }
        return id
    }

    /// Sets the pool's members (and port) unless they are already those; false when the pool is gone.
    @discardableResult
    func setPoolMembers(_ poolId: String, members: [String], port: Int) throws -> Bool {
        let r = try call("GET", Self.lbPath("loadBalancer/pools/\(poolId)"))
        if r.status == 404 { return false }
        guard r.status == 200, var pool = try? JSONDecoder().decode(LoadBalancerPool.self, from: r.body) else {
            throw CPIError(message: "unable to get pool [\(poolId)]: \(Self.describe(r))", busy: Self.isBusy(r))
        }
        let want = members.map { Self.member($0, port) }
        func key(_ m: [PoolMember]) -> [String] { m.map { "\($0.ipAddress ?? ""):\($0.port ?? 0)" } }
        if key(pool.members ?? []) == key(want) && pool.defaultPort == port { return true }
        pool.members = want
        pool.defaultPort = port
        try change("PUT", Self.lbPath("loadBalancer/pools/\(poolId)"), body: Self.json(pool), what: "update pool [\(pool.name ?? poolId)]")
        return true
    }

    /// Deletes a pool, virtual service or NAT rule by its path (`loadBalancer/pools/<id>`…);
    /// one already gone counts as deleted.
    func deleteObject(_ path: String, what: String) throws {
        let r = try call("DELETE", Self.lbPath(path))
        if r.status == 404 { return }
        guard (200..<300).contains(r.status) else {
            throw CPIError(message: "unable to delete \(what): \(Self.describe(r))", busy: Self.isBusy(r))
        }
        guard r.status == 202, let loc = r.headers["Location"], let tid = loc.split(separator: "/").last else { return }
        for _ in 0..<50 {
            let t = try call("GET", "/api/task/\(tid)", accept: "application/*+json;version=\(version)")
            guard let task = try? JSONDecoder().decode(VCDTask.self, from: t.body), let st = task.status else { break }
            if st == VCDTask.Status.success { return }
            if VCDTask.Status.isFinal(st) { throw CPIError(message: "unable to delete \(what): task failed: [\(task.error?.message ?? st)]") }
        }
        throw CPIError(message: "unable to delete \(what): task still running", busy: true)
    }
}
