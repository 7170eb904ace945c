import CloudWire
import Foundation
import NetAddress

/// The firewall of an edge gateway (`/edgeGateways/{id}/firewall/rules`, vcd-wire.md §4.5): one
/// container; PUT replaces the user-defined rules in order.
enum Firewall: RouteFamily {
    static let actions: Set<String> = ["ALLOW", "DROP", "REJECT"]

    static func initial() -> FirewallRules {
        var c = FirewallRules()
        var d = FirewallRule()
        d.id = UUID().uuidString.lowercased()
        d.name = "default_rule"
        d.action = "DROP"
        d.actionValue = "DROP"
        d.enabled = true
        d.ipProtocol = "IPV4_IPV6"
        d.logging = false
        d.direction = "IN_OUT"
        d.version = ObjectVersion(version: 0)
        c.systemRules = []
        c.defaultRules = [d]
        c.userDefinedRules = []
        return c
    }

    /// The route table of this kind: paths, the access they need, and the handler of each.
    static func register(into t: RouteTable) {
        let p = "\(Cloud.prefix)/edgeGateways/{id}/firewall/rules"
        t.get(p, .right(RightName.firewallView), "EDGE_GATEWAY_FIREWALL_VIEW", showFirewall)
        t.put(p, .right(RightName.firewallConfigure), "EDGE_GATEWAY_FIREWALL_CONFIGURE", replaceFirewall)
        t.get("\(p)/{ruleId}", .right(RightName.firewallView), "EDGE_GATEWAY_FIREWALL_VIEW", showRule)
        t.put("\(p)/{ruleId}", .right(RightName.firewallConfigure), "EDGE_GATEWAY_FIREWALL_CONFIGURE", updateRule)
        t.delete("\(p)/{ruleId}", .right(RightName.firewallConfigure), "EDGE_GATEWAY_FIREWALL_CONFIGURE", removeRule)
    }

    /// GET the gateway's firewall rules container (`/edgeGateways/{id}/firewall/rules`).
    static func showFirewall(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let gw = try ctx.require(ctx.param("id"), Kind.edgeGateway, "Edge gateway")
        return ctx.raw(try container(ctx.state, gw.id))
    }

    /// PUT: replaces the gateway's user-defined firewall rules, each validated.
    static func replaceFirewall(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let (gw, _) = try EdgeGateways.forChange(ctx, ctx.param("id"))
        let stored = try container(ctx.state, gw.id)
        var c = try stored.decode(FirewallRules.self)
        let input = try ctx.body(FirewallRules.self)
        c.userDefinedRules = try (input.userDefinedRules ?? []).map { try validate($0) }
        try ctx.write.update(stored, c)
        return try ctx.accepted(operation: "Updating firewall of edge gateway \(gw.name)", operationName: .updateFirewall,
                                owner: Cloud.owner(ctx, EdgeGateways.collection, id: gw.id, name: gw.name), lock: gw.id)
    }

    /// GET one firewall rule of the gateway.
    static func showRule(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let gw = try ctx.require(ctx.param("id"), Kind.edgeGateway, "Edge gateway")
        let c = try container(ctx.state, gw.id).decode(FirewallRules.self)
        guard let r = all(c).first(where: { $0.id == ctx.param("ruleId") }) else { throw SimError.notFound("Firewall rule \(ctx.param("ruleId"))") }
        return try ctx.json(r)
    }

    /// PUT: replaces one user-defined firewall rule; its version goes up by one.
    static func updateRule(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let (gw, _) = try EdgeGateways.forChange(ctx, ctx.param("id"))
        let stored = try container(ctx.state, gw.id)
        var c = try stored.decode(FirewallRules.self)
        guard let i = c.userDefinedRules?.firstIndex(where: { $0.id == ctx.param("ruleId") }) else { throw SimError.notFound("Firewall rule \(ctx.param("ruleId"))") }
        var r = try validate(try ctx.body(FirewallRule.self))
        r.id = ctx.param("ruleId")
        r.version = ObjectVersion(version: (c.userDefinedRules![i].version?.version ?? 0) + 1)
        c.userDefinedRules![i] = r
        try ctx.write.update(stored, c)
        return try ctx.accepted(operation: "Updating firewall rule \(r.name ?? "")", operationName: .updateFirewallRule,
                                owner: Cloud.owner(ctx, EdgeGateways.collection, id: gw.id, name: gw.name), lock: gw.id)
    }

    /// DELETE one user-defined firewall rule.
    static func removeRule(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let (gw, _) = try EdgeGateways.forChange(ctx, ctx.param("id"))
        let stored = try container(ctx.state, gw.id)
        var c = try stored.decode(FirewallRules.self)
        guard let i = c.userDefinedRules?.firstIndex(where: { $0.id == ctx.param("ruleId") }) else { throw SimError.notFound("Firewall rule \(ctx.param("ruleId"))") }
        c.userDefinedRules!.remove(at: i)
        try ctx.write.update(stored, c)
        return try ctx.accepted(operation: "Deleting firewall rule", operationName: .deleteFirewallRule,
                                owner: Cloud.owner(ctx, EdgeGateways.collection, id: gw.id, name: gw.name), lock: gw.id)
    }

    static func all(_ c: FirewallRules) -> [FirewallRule] { (c.systemRules ?? []) + (c.userDefinedRules ?? []) + (c.defaultRules ?? []) }

    static func container(_ state: StateView, _ gwId: String) throws -> StoredObject {
        guard let o = state.get("\(gwId)#firewall") else { throw SimError.notFound("Firewall of edge gateway \(gwId)") }
        return o
    }

    static func validate(_ input: FirewallRule) throws -> FirewallRule {
        var r = input
        _ = try Cloud.required(r.name, "name")
        let action = r.actionValue ?? r.action ?? ""
        guard actions.contains(action) else { throw SimError.badRequest("Firewall rule \(r.name!): actionValue must be ALLOW, DROP or REJECT.") }
        r.actionValue = action
        r.action = action == "REJECT" ? "DROP" : action
        r.enabled = r.enabled ?? true
        r.logging = r.logging ?? false
        r.ipProtocol = r.ipProtocol ?? "IPV4_IPV6"
        r.direction = r.direction ?? "IN_OUT"
        guard ["IPV4", "IPV6", "IPV4_IPV6"].contains(r.ipProtocol!) else { throw SimError.badRequest("Invalid ipProtocol \(r.ipProtocol!).") }
        guard ["IN", "OUT", "IN_OUT"].contains(r.direction!) else { throw SimError.badRequest("Invalid direction \(r.direction!).") }
        r.id = r.id ?? UUID().uuidString.lowercased()
        r.version = r.version ?? ObjectVersion(version: 0)
        return r
    }
}

/// Route advertisement of an edge gateway (`/edgeGateways/{id}/routing/advertisement`, vcd-wire.md §4.6).
enum RouteAdvertisementAPI: RouteFamily {
    /// The route table of this kind: paths, the access they need, and the handler of each.
    static func register(into t: RouteTable) {
        let p = "\(Cloud.prefix)/edgeGateways/{id}/routing/advertisement"
        t.get(p, .right(RightName.gatewayView), "EDGE_GATEWAY_ROUTING_VIEW", showRouteAdvertisement)
        t.put(p, .right(RightName.routingConfigure), "EDGE_GATEWAY_ROUTING_CONFIGURE", updateRouteAdvertisement)
    }

    /// GET the gateway's route advertisement (`/edgeGateways/{id}/routing/advertisement`).
    static func showRouteAdvertisement(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let gw = try ctx.require(ctx.param("id"), Kind.edgeGateway, "Edge gateway")
        guard let o = ctx.state.get("\(gw.id)#routeAdvertisement") else { throw SimError.notFound("Route advertisement of \(gw.id)") }
        return ctx.raw(o)
    }

    /// PUT: the advertised subnets, each a network address in CIDR form.
    static func updateRouteAdvertisement(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let (gw, _) = try EdgeGateways.forChange(ctx, ctx.param("id"))
        guard let o = ctx.state.get("\(gw.id)#routeAdvertisement") else { throw SimError.notFound("Route advertisement of \(gw.id)") }
        var ra = try ctx.body(RouteAdvertisement.self)
        ra.enable = ra.enable ?? false
        ra.subnets = ra.subnets ?? []
        for s in ra.subnets! {
            guard let (addr, prefix) = IPv4.parseCIDR(s), addr & IPv4.mask(prefix) == addr else {
                throw SimError.badRequest("Invalid subnet \(s): expected a network address in CIDR form (e.g. 10.0.0.0/24).")
            }
        }
        try ctx.write.update(o, ra)
        return try ctx.accepted(operation: "Updating route advertisement of edge gateway \(gw.name)", operationName: .updateRouteAdvertisement,
                                owner: Cloud.owner(ctx, EdgeGateways.collection, id: gw.id, name: gw.name), lock: gw.id)
    }
}
