import CloudWire
import Foundation
import NetAddress

/// Load balancer pools (`/cloudapi/1.0.0/loadBalancer/pools`, pool summaries per gateway;
/// vcd-wire.md §5.7). Names are unique per gateway; counts follow the members (CAPVCD 0.5 sizes its
/// member list by `memberCount`).
enum Pools: RouteFamily {
    static let collection = "loadBalancer/pools"
    static let algorithms: Set<String> = ["LEAST_CONNECTIONS", "ROUND_ROBIN", "CONSISTENT_HASH", "FASTEST_RESPONSE", "LEAST_LOAD",
                                          "FEWEST_SERVERS", "RANDOM", "FEWEST_TASKS", "CORE_AFFINITY"]
    static let healthMonitorTypes: Set<String> = ["HTTP", "HTTPS", "TCP", "UDP", "PING"]
    static let persistenceTypes: Set<String> = ["CLIENT_IP", "HTTP_COOKIE", "CUSTOM_HTTP_HEADER", "APP_COOKIE", "TLS"]

    /// The route table of this kind: paths, the access they need, and the handler of each.
    static func register(into t: RouteTable) {
        let p = "\(Cloud.prefix)/\(collection)"
        t.get("\(p)/{id}", .right(RightName.lbView), "LOAD_BALANCER_POOL_VIEW", showPool)
        t.get("\(Cloud.prefix)/edgeGateways/{id}/loadBalancer/poolSummaries", .right(RightName.lbView), "LOAD_BALANCER_POOL_VIEW", listPoolSummaries)
        t.post(p, .right(RightName.lbConfigure), "LOAD_BALANCER_POOL_CREATE", createPool)
        t.put("\(p)/{id}", .right(RightName.lbConfigure), "LOAD_BALANCER_POOL_UPDATE", updatePool)
        t.delete("\(p)/{id}", .right(RightName.lbConfigure), "LOAD_BALANCER_POOL_DELETE", removePool)
    }

    /// GET one load balancer pool.
    static func showPool(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        ctx.raw(try ctx.require(ctx.param("id"), Kind.lbPool, "Load balancer pool"))
    }

    /// GET the pool summaries of a gateway, paged.
    static func listPoolSummaries(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let gw = try ctx.require(ctx.param("id"), Kind.edgeGateway, "Edge gateway")
        return try Listing.page(ctx, ctx.state.children(Kind.lbPool, of: gw.id), model: "EdgeLoadBalancerPoolSummaries") { try summary($0) }
    }

    /// POST: a pool on a gateway whose load balancing is enabled.
    static func createPool(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let input = try ctx.body(LoadBalancerPool.self)
        let (gw, _) = try EdgeGateways.forChange(ctx, try Cloud.required(input.gatewayRef?.id, "gatewayRef.id"))
        try GatewayLoadBalancerAPI.requireEnabled(ctx.state, gw)
        var pool = try validate(ctx, input, gw: gw, replacing: nil)
        let id = URN.make(URNKind.loadBalancerPool).description
        pool.id = id
        pool.virtualServiceRefs = []
        try ctx.write.insert(kind: Kind.lbPool, id: id, parent: gw.id, org: gw.orgId, name: pool.name!, pool)
        return try ctx.accepted(operation: "Creating load balancer pool \(pool.name!)", operationName: .createLoadBalancerPool,
                                owner: Cloud.owner(ctx, collection, id: id, name: pool.name!), lock: gw.id)
    }

    /// PUT: replaces a pool's settings; it cannot move to another gateway.
    static func updatePool(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let old = try ctx.require(ctx.param("id"), Kind.lbPool, "Load balancer pool")
        let (gw, _) = try EdgeGateways.forChange(ctx, old.parentId ?? "")
        let input = try ctx.body(LoadBalancerPool.self)
        if let g = input.gatewayRef?.id, g != gw.id { throw SimError.badRequest("A pool cannot move to another edge gateway.") }
        var pool = try validate(ctx, input, gw: gw, replacing: old.id)
        pool.id = old.id
        pool.virtualServiceRefs = try old.decode(LoadBalancerPool.self).virtualServiceRefs
        try ctx.write.update(old, name: pool.name, pool)
        return try ctx.accepted(operation: "Updating load balancer pool \(pool.name!)", operationName: .updateLoadBalancerPool,
                                owner: Cloud.owner(ctx, collection, id: old.id, name: pool.name!), lock: gw.id)
    }

    /// DELETE a pool no virtual service uses.
    static func removePool(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let old = try ctx.require(ctx.param("id"), Kind.lbPool, "Load balancer pool")
        let (gw, _) = try EdgeGateways.forChange(ctx, old.parentId ?? "")
        if let vs = ctx.state.records(Kind.virtualService, as: VirtualService.self, parent: gw.id).first(where: { $0.record.loadBalancerPoolRef?.id == old.id })?.object {
            throw SimError.badRequest("Load balancer pool \(old.name) is used by virtual service \(vs.name).")
        }
        ctx.write.delete(old.id)
        return try ctx.accepted(operation: "Deleting load balancer pool \(old.name)", operationName: .deleteLoadBalancerPool,
                                owner: Cloud.owner(ctx, collection, id: old.id, name: old.name), lock: gw.id)
    }

    static func validate(_ ctx: RequestContext, _ input: LoadBalancerPool, gw: StoredObject, replacing: String?) throws -> LoadBalancerPool {
        var p = input
        let name = try Cloud.required(p.name, "name")
        if ctx.state.children(Kind.lbPool, of: gw.id).contains(where: { $0.name == name && $0.id != replacing }) {
            throw SimError.duplicate("A load balancer pool named \(name) already exists on edge gateway \(gw.name).")
        }
        p.algorithm = p.algorithm ?? "LEAST_CONNECTIONS"
        guard algorithms.contains(p.algorithm!) else { throw SimError.badRequest("Invalid algorithm \(p.algorithm!).") }
        p.gatewayRef = Cloud.ref(gw)
        p.enabled = p.enabled ?? true
        p.defaultPort = p.defaultPort ?? 80
        p.gracefulTimeoutPeriod = p.gracefulTimeoutPeriod ?? 1
        p.passiveMonitoringEnabled = p.passiveMonitoringEnabled ?? true
        p.description = p.description ?? ""
        if let d = p.defaultPort, !(1...65535).contains(d) { throw SimError.badRequest("Invalid default port \(d).") }
        for m in p.healthMonitors ?? [] where !healthMonitorTypes.contains(m.type ?? "") {
            throw SimError.badRequest("Invalid health monitor type \(m.type ?? "(none)"); use one of \(healthMonitorTypes.sorted().joined(separator: ", ")).")
        }
        p.healthMonitors = p.healthMonitors?.map { PoolHealthMonitor(name: $0.name ?? "System-\($0.type!)", type: $0.type, systemDefined: $0.systemDefined ?? true) }
        if let pp = p.persistenceProfile {
            guard let t = pp.type, persistenceTypes.contains(t) else {
                throw SimError.badRequest("Invalid persistence profile type \(pp.type ?? "(none)"); use one of \(persistenceTypes.sorted().joined(separator: ", ")).")
            }
            if ["HTTP_COOKIE", "CUSTOM_HTTP_HEADER", "APP_COOKIE"].contains(t), (pp.value ?? "").isEmpty {
                throw SimError.badRequest("A \(t) persistence profile needs a value (the cookie or header name).")
            }
        }
        if let g = p.gracefulTimeoutPeriod, g < -1 { throw SimError.badRequest("gracefulTimeoutPeriod must be -1, 0 or a number of minutes.") }
        var members = p.members ?? []
        for i in members.indices {
            guard let ip = members[i].ipAddress, IPv4.parse(ip) != nil else { throw SimError.badRequest("Invalid pool member address \(members[i].ipAddress ?? "").") }
            if let port = members[i].port, !(1...65535).contains(port) { throw SimError.badRequest("Invalid port \(port) of pool member \(ip).") }
            members[i].enabled = members[i].enabled ?? true
            members[i].port = members[i].port ?? p.defaultPort
            members[i].ratio = members[i].ratio ?? 1
            members[i].healthStatus = members[i].enabled! ? "UP" : "DISABLED"
        }
        p.members = members
        p.memberCount = members.count
        p.enabledMemberCount = members.filter { $0.enabled == true }.count
        p.upMemberCount = p.enabledMemberCount
        p.status = "REALIZED"
        p.healthStatus = p.enabled == false ? "DISABLED" : (members.isEmpty ? "DOWN" : "UP")
        p.sslEnabled = p.sslEnabled ?? false
        return p
    }

    static func summary(_ o: StoredObject) throws -> Data {
        var p = try o.decode(LoadBalancerPool.self)
        p.members = nil
        p.activeMonitoringEnabled = !(p.healthMonitors ?? []).isEmpty
        p.memberSslEnabled = false
        p.virtualServiceRefs = p.virtualServiceRefs.map { Array($0.prefix(10)) }
        return try Cloud.encode(p)
    }
}
