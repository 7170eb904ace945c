import CloudWire
import Foundation
import NetAddress

/// Virtual services (`/cloudapi/1.0.0/loadBalancer/virtualServices`, summaries per gateway;
/// vcd-wire.md §5.7). Need load balancing on the gateway, an assigned SEG with room, a pool of the
/// same gateway, and a VIP that is either an allocated external IP (on a gateway with IP spaces: a
/// floating IP of its org from one of its IP spaces) or an internal address outside the gateway's
/// networks. `healthStatus` is PENDING for a while after creation, then UP (DOWN
/// when the pool has no enabled member).
enum VirtualServices: RouteFamily {
    static let collection = "loadBalancer/virtualServices"
    static let profiles: Set<String> = ["HTTP", "HTTPS", "L4", "L4_TLS"]

    /// The route table of this kind: paths, the access they need, and the handler of each.
    static func register(into t: RouteTable) {
        let p = "\(Cloud.prefix)/\(collection)"
        t.get("\(p)/{id}", .right(RightName.lbView), "LOAD_BALANCER_VIRTUAL_SERVICE_VIEW", show)
        t.get("\(Cloud.prefix)/edgeGateways/{id}/loadBalancer/virtualServiceSummaries", .right(RightName.lbView), "LOAD_BALANCER_VIRTUAL_SERVICE_VIEW", listSummaries)
        t.post(p, .right(RightName.lbConfigure), "LOAD_BALANCER_VIRTUAL_SERVICE_CREATE", create)
        t.put("\(p)/{id}", .right(RightName.lbConfigure), "LOAD_BALANCER_VIRTUAL_SERVICE_UPDATE", update)
        t.delete("\(p)/{id}", .right(RightName.lbConfigure), "LOAD_BALANCER_VIRTUAL_SERVICE_DELETE", remove)
    }

    /// GET one virtual service.
    static func show(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let o = try ctx.require(ctx.param("id"), Kind.virtualService, "Virtual service")
        return ctx.raw(o, body: try render(ctx, o, summary: false))
    }

    /// GET the virtual services of an edge gateway (summaries), paged.
    static func listSummaries(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let gw = try ctx.require(ctx.param("id"), Kind.edgeGateway, "Edge gateway")
        return try Listing.page(ctx, ctx.state.children(Kind.virtualService, of: gw.id), model: "EdgeLoadBalancerVirtualServiceSummaries") {
            try render(ctx, $0, summary: true)
        }
    }

    /// POST: a virtual service on a gateway, its VIP checked against the gateway's block and networks, its SEG against its capacity.
    static func create(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let input = try ctx.body(VirtualService.self)
        let (gw, gwBody) = try EdgeGateways.forChange(ctx, try Cloud.required(input.gatewayRef?.id, "gatewayRef.id"))
        var vs = try validate(ctx, input, gw: gw, gwBody: gwBody, replacing: nil)
        let id = URN.make(URNKind.loadBalancerVirtualService).description
        vs.id = id
        try ctx.write.insert(kind: Kind.virtualService, id: id, parent: gw.id, org: gw.orgId, name: vs.name!, vs)
        try linkPool(ctx.write, poolId: vs.loadBalancerPoolRef?.id, vs: OpenAPIReference(name: vs.name, id: id), add: true)
        try GatewayIPs.refresh(ctx.write, gatewayId: gw.id)
        return try ctx.accepted(operation: "Creating virtual service \(vs.name!)", operationName: .createLoadBalancerVirtualService,
                                owner: Cloud.owner(ctx, collection, id: id, name: vs.name!), lock: gw.id)
    }

    /// PUT: replaces a virtual service's settings, checked as a create is.
    static func update(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let old = try ctx.require(ctx.param("id"), Kind.virtualService, "Virtual service")
        let (gw, gwBody) = try EdgeGateways.forChange(ctx, old.parentId ?? "")
        let input = try ctx.body(VirtualService.self)
        if let g = input.gatewayRef?.id, g != gw.id { throw SimError.badRequest("A virtual service cannot move to another edge gateway.") }
        var vs = try validate(ctx, input, gw: gw, gwBody: gwBody, replacing: old.id)
        vs.id = old.id
        let oldPool = (try? old.decode(VirtualService.self))?.loadBalancerPoolRef?.id
        try ctx.write.update(old, name: vs.name, vs)
        if oldPool != vs.loadBalancerPoolRef?.id {
            try linkPool(ctx.write, poolId: oldPool, vs: OpenAPIReference(name: old.name, id: old.id), add: false)
            try linkPool(ctx.write, poolId: vs.loadBalancerPoolRef?.id, vs: OpenAPIReference(name: vs.name, id: old.id), add: true)
        }
        try GatewayIPs.refresh(ctx.write, gatewayId: gw.id)
        return try ctx.accepted(operation: "Updating virtual service \(vs.name!)", operationName: .updateLoadBalancerVirtualService,
                                owner: Cloud.owner(ctx, collection, id: old.id, name: vs.name!), lock: gw.id)
    }

    /// DELETE a virtual service (its VIP is free again).
    static func remove(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let old = try ctx.require(ctx.param("id"), Kind.virtualService, "Virtual service")
        let (gw, _) = try EdgeGateways.forChange(ctx, old.parentId ?? "")
        ctx.write.delete(old.id)
        try linkPool(ctx.write, poolId: (try? old.decode(VirtualService.self))?.loadBalancerPoolRef?.id, vs: OpenAPIReference(name: old.name, id: old.id), add: false)
        try GatewayIPs.refresh(ctx.write, gatewayId: gw.id)
        return try ctx.accepted(operation: "Deleting virtual service \(old.name)", operationName: .deleteLoadBalancerVirtualService,
                                owner: Cloud.owner(ctx, collection, id: old.id, name: old.name), lock: gw.id)
    }

    static func linkPool(_ tx: WriteTx, poolId: String?, vs: OpenAPIReference, add: Bool) throws {
        guard let poolId, let o = tx.get(poolId, kind: Kind.lbPool) else { return }
        var pool = try o.decode(LoadBalancerPool.self)
        var refs = (pool.virtualServiceRefs ?? []).filter { $0.id != vs.id }
        if add { refs.append(vs) }
        pool.virtualServiceRefs = refs
        try tx.update(o, pool)
    }

    static func validate(_ ctx: RequestContext, _ input: VirtualService, gw: StoredObject, gwBody: EdgeGateway, replacing: String?) throws -> VirtualService {
        var v = input
        let name = try Cloud.required(v.name, "name")
        try GatewayLoadBalancerAPI.requireEnabled(ctx.state, gw)
        if ctx.state.children(Kind.virtualService, of: gw.id).contains(where: { $0.name == name && $0.id != replacing }) {
            throw SimError.duplicate("A virtual service named \(name) already exists on edge gateway \(gw.name).")
        }
        let poolId = try Cloud.required(v.loadBalancerPoolRef?.id, "loadBalancerPoolRef.id")
        guard let pool = ctx.state.get(poolId, kind: Kind.lbPool), pool.parentId == gw.id else {
            throw SimError(400, VCDMinorError.invalidReference, "Load balancer pool \(poolId) does not exist on edge gateway \(gw.name).")
        }
        let segId = try Cloud.required(v.serviceEngineGroupRef?.id, "serviceEngineGroupRef.id")
        guard let seg = ctx.state.get(segId, kind: Kind.serviceEngineGroup) else {
            throw SimError(400, VCDMinorError.invalidReference, "Service engine group \(segId) does not exist.")
        }
        try ServiceEngineGroups.requireCapacity(ctx.state, gatewayId: gw.id, gatewayName: gw.name, segId: segId, excludingVS: replacing)
        guard let type = v.applicationProfile?.type, profiles.contains(type) else {
            throw SimError.badRequest("applicationProfile.type must be one of \(profiles.sorted().joined(separator: ", ")).")
        }
        if (type == "HTTPS" || type == "L4_TLS"), v.certificateRef?.id == nil {
            throw SimError.badRequest("A \(type) virtual service needs a certificateRef.")
        }
        if let certId = v.certificateRef?.id {
            // The certificate must be one of the library's that the gateway's org may use.
            guard let cert = ctx.state.get(certId, kind: Kind.certificate), cert.orgId == nil || cert.orgId == gw.orgId else {
                throw SimError(400, VCDMinorError.invalidReference, "Certificate \(certId) does not exist in the certificate library.")
            }
            v.certificateRef = OpenAPIReference(name: cert.name, id: cert.id)
        }
        let ports = v.servicePorts ?? []
        guard !ports.isEmpty else { throw SimError.badRequest("The field servicePorts is required.") }
        for port in ports {
            guard let s = port.portStart, (1...65535).contains(s), (port.portEnd ?? s) >= s else {
                throw SimError.badRequest("Invalid service port \(port.portStart.map(String.init) ?? "?").")
            }
        }
        let vipText = try Cloud.required(v.virtualIpAddress, "virtualIpAddress")
        // The rules the engine checks before sending too (VirtualServiceRules); on a gateway with
        // IP spaces, an external VIP must be a floating IP the org holds, which only the site knows.
        let external = IPv4.parse(vipText).map { GatewayIPs.isExternal(ctx.state, gwBody, $0) }
        let networks = OrgVdcNetworks.connected(ctx.state, to: gw.id).map { (name: $0.object.name, subnets: $0.record.subnets?.values ?? []) }
        if let problem = VirtualServiceRules.vipProblem(vipText, gateway: gwBody, gatewayName: gw.name, external: external, networks: networks) {
            throw SimError.badRequest(problem)
        }
        if external == true, gwBody.usingIpSpace == true {
            try GatewayIPs.requireIPSpaceAddress(ctx.state, gateway: gw, gwBody, vipText, what: "Virtual IP address")
        }
        // One VIP may serve several virtual services only on different ports.
        for other in ctx.state.children(Kind.virtualService, of: gw.id) where other.id != replacing {
            guard let o = try? other.decode(VirtualService.self), o.virtualIpAddress == vipText else { continue }
            for a in ports { for b in o.servicePorts ?? [] {
                let ar = a.portStart!...(a.portEnd ?? a.portStart!)
                let bs = b.portStart ?? 0
                if ar.overlaps(bs...(b.portEnd ?? bs)) {
                    throw SimError.badRequest("Virtual IP address \(vipText) port \(a.portStart!) is already in use by virtual service \(other.name).")
                }
            } }
        }
        v.gatewayRef = Cloud.ref(gw)
        v.loadBalancerPoolRef = Cloud.ref(pool)
        v.serviceEngineGroupRef = Cloud.ref(seg)
        v.enabled = v.enabled ?? true
        v.description = v.description ?? ""
        v.status = "REALIZED"
        v.healthStatus = nil
        v.applicationProfileType = nil
        return v
    }

    /// How long a new virtual service reports PENDING (virtual seconds).
    static func pendingSeconds(_ sim: Simulator) -> Double { sim.options.realisticTiming ? 15 : max(0.05, sim.options.fastTaskSeconds * 3) }

    static func render(_ ctx: RequestContext, _ o: StoredObject, summary: Bool) throws -> Data {
        var v = try o.decode(VirtualService.self)
        if v.enabled == false {
            v.healthStatus = "DISABLED"
        } else if ctx.now - o.updated < pendingSeconds(ctx.sim) {
            v.healthStatus = "PENDING"
        } else {
            let pool = v.loadBalancerPoolRef?.id.flatMap { ctx.state.get($0) }.flatMap { try? $0.decode(LoadBalancerPool.self) }
            v.healthStatus = (pool?.enabledMemberCount ?? 0) > 0 ? "UP" : "DOWN"
        }
        v.healthMessage = v.healthStatus == "UP" ? "The virtual service is up." : nil
        if summary {
            v.applicationProfileType = v.applicationProfile?.type
        }
        return try Cloud.encode(v)
    }
}
