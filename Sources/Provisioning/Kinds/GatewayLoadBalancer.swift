import Foundation
import CloudWire

/// Load balancing on one edge gateway (`/edgeGateways/{id}/loadBalancer`). Tenants read it;
/// enabling or disabling it is a provider operation.
public struct GatewayLoadBalancerSettings {
    public static let kind = "load balancer"
    public static let defaultServiceNetwork = "192.168.255.1/25"
    public let engine: Engine
    public let gateway: EdgeGateway
    public init(engine: Engine, gateway: EdgeGateway) { self.engine = engine; self.gateway = gateway }

    var path: String? { gateway.id.map { "\(Lookup.prefix)/edgeGateways/\($0)/loadBalancer" } }

    /// The live settings; disabled defaults for a gateway that does not exist yet.
    public func get() throws -> GatewayLoadBalancer {
        guard let path else { var lb = GatewayLoadBalancer(); lb.enabled = false; return lb }
        return try engine.tenant.get(path)
    }

    /// Enables load balancing with `serviceNetwork` (a /25 in gateway/prefix form).
    @discardableResult
    public func enable(serviceNetwork: String?) throws -> Ensured<GatewayLoadBalancer> {
        let name = gateway.name ?? "?"
        return try engine.withGatewayLock(gateway.id) {
            let live = try get()
            var d = Diff()
            d.check("enabled", true, live.enabled)
            if live.enabled == true { d.check("serviceNetwork", serviceNetwork, live.serviceNetworkDefinition) }
            if d.isEmpty {
                engine.unchanged(kind: Self.kind, name: name)
                return Ensured(live, Change(.unchanged, kind: Self.kind, name: name))
            }
            var body = GatewayLoadBalancer()
            body.enabled = true
            body.serviceNetworkDefinition = serviceNetwork ?? Self.defaultServiceNetwork
            let action: Change.Action = live.enabled == true ? .update : .create
            let change = Change(action, kind: Self.kind, name: name, fields: d.fields, values: d.values, scope: nil)
            let p = try engine.providerSession(for: "enabling the load balancer on edge gateway \(name)")
            try engine.mutate(change) { try p.change("PUT", path!, body: body, what: "enable load balancer on \(name)") }
            return Ensured(engine.isPlan ? body : try get(), change, planned: engine.isPlan)
        }
    }

    /// Disables load balancing (pools, virtual services and SEG assignments must be gone first).
    @discardableResult
    public func disable() throws -> Bool {
        let live = try get()
        guard live.enabled == true, let path else { return false }
        var body = GatewayLoadBalancer()
        body.enabled = false
        let p = try engine.providerSession(for: "disabling the load balancer on edge gateway \(gateway.name ?? "")")
        try engine.withGatewayLock(gateway.id) {
            try engine.mutate(Change(.delete, kind: Self.kind, name: gateway.name ?? "?")) {
                try p.change("PUT", path, body: body, what: "disable load balancer on \(gateway.name ?? "")")
            }
        }
        return true
    }
}

/// Route advertisement of an edge gateway (`/edgeGateways/{id}/routing/advertisement`): which
/// subnets the Tier-1 announces to the Tier-0.
public struct GatewayRouteAdvertisement {
    public static let kind = "route advertisement"
    public let engine: Engine
    public let gateway: EdgeGateway
    public init(engine: Engine, gateway: EdgeGateway) { self.engine = engine; self.gateway = gateway }

    var path: String? { gateway.id.map { "\(Lookup.prefix)/edgeGateways/\($0)/routing/advertisement" } }

    public func get() throws -> RouteAdvertisement {
        guard let path else { var ra = RouteAdvertisement(); ra.enable = false; ra.subnets = []; return ra }
        return try engine.tenant.get(path)
    }

    @discardableResult
    public func ensure(enable: Bool, subnets: [String]?) throws -> Ensured<RouteAdvertisement> {
        let name = gateway.name ?? "?"
        return try engine.withGatewayLock(gateway.id) {
            let live = try get()
            var d = Diff()
            d.check("enable", enable, live.enable)
            d.check("subnets", subnets.map { $0.sorted() }, (live.subnets ?? []).sorted())
            if d.isEmpty {
                engine.unchanged(kind: Self.kind, name: name)
                return Ensured(live, Change(.unchanged, kind: Self.kind, name: name))
            }
            var body = RouteAdvertisement()
            body.enable = enable
            body.subnets = subnets ?? live.subnets ?? []
            let change = Change(.update, kind: Self.kind, name: name, fields: d.fields, values: d.values)
            try engine.mutate(change) { try engine.tenant.change("PUT", path!, body: body, what: "route advertisement of \(name)") }
            return Ensured(engine.isPlan ? body : try get(), change, planned: engine.isPlan)
        }
    }
}
