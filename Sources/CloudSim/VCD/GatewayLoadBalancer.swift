import CloudWire
import Foundation
import NetAddress

/// Load balancing on an edge gateway (`GET/PUT /edgeGateways/{id}/loadBalancer`, vcd-wire.md §5.6).
/// Tenants read it; enabling it is a provider operation; the service network is a /25 and cannot
/// change while load balancing is on.
enum GatewayLoadBalancerAPI: RouteFamily {
    static let defaultServiceNetwork = "192.168.255.1/25"

    static func register(into t: RouteTable) {
        let p = "\(Cloud.prefix)/edgeGateways/{id}/loadBalancer"
        t.get(p, .right(RightName.lbView), "EDGE_GATEWAY_LOAD_BALANCER_VIEW") { ctx in
            let gw = try ctx.require(ctx.param("id"), Kind.edgeGateway, "Edge gateway")
            return ctx.raw(try settings(ctx.state, gw.id))
        }
        t.put(p, .provider(RightName.albAdmin), "EDGE_GATEWAY_LOAD_BALANCER_CONFIGURE") { ctx in
            let (gw, _) = try EdgeGateways.forChange(ctx, ctx.param("id"))
            let stored = try settings(ctx.state, gw.id)
            let old = try stored.decode(GatewayLoadBalancer.self)
            var new = try ctx.body(GatewayLoadBalancer.self)
            guard let enabled = new.enabled else { throw SimError.badRequest("The field enabled is required.") }
            if enabled {
                if let cloudId = new.loadBalancerCloudRef?.id {
                    guard let cloud = ctx.state.get(cloudId, kind: Kind.albCloud) else { throw SimError(400, VCDMinorError.invalidReference, "Load balancer cloud \(cloudId) does not exist.") }
                    new.loadBalancerCloudRef = Cloud.ref(cloud)
                } else if let cloud = ctx.state.all(Kind.albCloud).first {
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
            } else {
                if !ctx.state.children(Kind.virtualService, of: gw.id).isEmpty || !ctx.state.children(Kind.lbPool, of: gw.id).isEmpty
                    || !ctx.state.children(Kind.segAssignment, of: gw.id).isEmpty {
                    throw SimError.badRequest("Load balancing on edge gateway \(gw.name) still has pools, virtual services or service engine group assignments.")
                }
                new = GatewayLoadBalancer()
                new.enabled = false
            }
            try ctx.write.update(stored, new)
            return try ctx.accepted(operation: "\(enabled ? "Enabling" : "Disabling") load balancer on edge gateway \(gw.name)",
                                    operationName: .updateEdgeGatewayLoadBalancer,
                                    owner: Cloud.owner(ctx, EdgeGateways.collection, id: gw.id, name: gw.name), lock: gw.id)
        }
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
