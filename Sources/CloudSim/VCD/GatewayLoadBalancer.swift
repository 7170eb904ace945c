import CloudWire
import Foundation
import NetAddress

/// Load balancing on an edge gateway (`GET/PUT /edgeGateways/{id}/loadBalancer`, vcd-wire.md §5.6).
/// Tenants read it; enabling it is a provider operation; the service network is a /25 and cannot
/// change while load balancing is on.
enum GatewayLoadBalancerAPI: RouteFamily {
    static let defaultServiceNetwork = "192.168.255.1/25"

    /// The route table of this kind: paths, the access they need, and the handler of each.
    static func register(into t: RouteTable) {
        let p = "\(Cloud.prefix)/edgeGateways/{id}/loadBalancer"
        t.get(p, .right(RightName.lbView), "EDGE_GATEWAY_LOAD_BALANCER_VIEW", showSettings)
        t.put(p, .provider(RightName.albAdmin), "EDGE_GATEWAY_LOAD_BALANCER_CONFIGURE", updateSettings)
    }

    /// GET the gateway's load balancer settings.
    static func showSettings(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let gw = try ctx.require(ctx.param("id"), Kind.edgeGateway, "Edge gateway")
        return ctx.raw(try settings(ctx.state, gw.id))
    }

    /// PUT: enables load balancing (a cloud and a /25 service network) or disables it (nothing may use it).
    static func updateSettings(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let (gw, _) = try EdgeGateways.forChange(ctx, ctx.param("id"))
        let stored = try settings(ctx.state, gw.id)
        let old = try stored.decode(GatewayLoadBalancer.self)
        let input = try ctx.body(GatewayLoadBalancer.self)
        guard let enabled = input.enabled else { throw SimError.badRequest("The field enabled is required.") }
        let new = enabled ? try enabling(ctx.state, gw, input, old: old) : try disabling(ctx.state, gw)
        try ctx.write.update(stored, new)
        return try ctx.accepted(operation: "\(enabled ? "Enabling" : "Disabling") load balancer on edge gateway \(gw.name)",
                                operationName: .updateEdgeGatewayLoadBalancer,
                                owner: Cloud.owner(ctx, EdgeGateways.collection, id: gw.id, name: gw.name), lock: gw.id)
    }

    /// The settings of an enabled load balancer: the named (or first) ALB cloud, and a /25 service
    /// network that cannot change while load balancing stays on.
    static func enabling(_ state: StateView, _ gw: StoredObject, _ input: GatewayLoadBalancer, old: GatewayLoadBalancer) throws -> GatewayLoadBalancer {
        var new = input
        if let cloudId = new.loadBalancerCloudRef?.id {
            guard let cloud = state.get(cloudId, kind: Kind.albCloud) else { throw SimError(400, VCDMinorError.invalidReference, "Load balancer cloud \(cloudId) does not exist.") }
            new.loadBalancerCloudRef = Cloud.ref(cloud)
        } else if let cloud = state.all(Kind.albCloud).first {
            new.loadBalancerCloudRef = Cloud.ref(cloud)
        } else {
            throw SimError.badRequest("No NSX ALB cloud is available to enable load balancing on edge gateway \(gw.name).")
        }
        let cidr = new.serviceNetworkDefinition ?? old.serviceNetworkDefinition ?? defaultServiceNetwork
        guard let (_, prefix) = IPv4.parseCIDR(cidr) else { throw SimError.badRequest("Invalid service network definition \(cidr).") }
        guard prefix == 25 else { throw SimError.badRequest("The service network definition \(cidr) must be a /25 subnet.") }
        if old.enabled == true, let was = old.serviceNetworkDefinition, was != cidr {
            throw SimError.badRequest("The service network definition cannot be changed while load balancing is enabled (it is \(was)).")
        }
        new.serviceNetworkDefinition = cidr
        new.supportedFeatureSet = new.supportedFeatureSet ?? "STANDARD"
        new.transparentModeEnabled = new.transparentModeEnabled ?? false
        return new
    }

    /// The settings of a disabled load balancer; refused while pools, virtual services or service
    /// engine group assignments remain on the gateway.
    static func disabling(_ state: StateView, _ gw: StoredObject) throws -> GatewayLoadBalancer {
        if !state.children(Kind.virtualService, of: gw.id).isEmpty || !state.children(Kind.lbPool, of: gw.id).isEmpty
            || !state.children(Kind.segAssignment, of: gw.id).isEmpty {
            throw SimError.badRequest("Load balancing on edge gateway \(gw.name) still has pools, virtual services or service engine group assignments.")
        }
        var new = GatewayLoadBalancer()
        new.enabled = false
        return new
    }

    static func settings(_ state: StateView, _ gwId: String) throws -> StoredObject {
        guard let o = state.get("\(gwId)#loadBalancer") else { throw SimError.notFound("Load balancer settings of \(gwId)") }
        return o
    }

    /// Throws VCD's answer when load balancing is not enabled on the gateway.
    static func requireEnabled(_ state: StateView, _ gw: StoredObject) throws {
        let lb = try settings(state, gw.id).decode(GatewayLoadBalancer.self)
        if lb.enabled != true {
            throw SimError.badRequest("Load balancer is not enabled on edge gateway \(gw.name). Enable the load balancer service first.")
        }
    }
}
