import CloudWire
import Foundation
import NetAddress

/// NAT rules of an edge gateway (`/edgeGateways/{id}/nat/rules`, vcd-wire.md §4.3). Cursor paged;
/// `ruleType` alone is accepted (CAPVCD and CPI send nothing else) and both fields are returned;
/// creation answers 202 with the gateway as task owner (real VCD does not return the rule id). A
/// single external address must be allocated to the gateway, or, on a gateway with IP spaces, be a
/// floating IP of the gateway's org from one of its IP spaces.
enum NatRules: RouteFamily {
    static let types: Set<String> = ["DNAT", "SNAT", "NO_DNAT", "NO_SNAT", "REFLEXIVE"]

    /// The route table of this kind: paths, the access they need, and the handler of each.
    static func register(into t: RouteTable) {
        let p = "\(Cloud.prefix)/edgeGateways/{id}/nat/rules"
        t.get(p, .right(RightName.natView), "EDGE_GATEWAY_NAT_VIEW", list)
        t.get("\(p)/{ruleId}", .right(RightName.natView), "EDGE_GATEWAY_NAT_VIEW", show)
        t.post(p, .right(RightName.natConfigure), "EDGE_GATEWAY_NAT_CONFIGURE", create)
        t.put("\(p)/{ruleId}", .right(RightName.natConfigure), "EDGE_GATEWAY_NAT_CONFIGURE", update)
        t.delete("\(p)/{ruleId}", .right(RightName.natConfigure), "EDGE_GATEWAY_NAT_CONFIGURE", remove)
    }

    /// GET the NAT rules of an edge gateway, paged.
    static func list(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let gw = try ctx.require(ctx.param("id"), Kind.edgeGateway, "Edge gateway")
        return try Listing.cursorPage(ctx, ctx.state.children(Kind.natRule, of: gw.id), model: "EdgeNatRules")
    }

    /// GET one NAT rule.
    static func show(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let gw = try ctx.require(ctx.param("id"), Kind.edgeGateway, "Edge gateway")
        guard let r = ctx.state.get(ctx.param("ruleId"), kind: Kind.natRule), r.parentId == gw.id else { throw SimError.notFound("NAT rule \(ctx.param("ruleId"))") }
        return ctx.raw(r)
    }

    /// POST: a NAT rule on the gateway, normalised as VCD does (type and ruleType both filled).
    static func create(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let (gwObj, gw) = try EdgeGateways.forChange(ctx, ctx.param("id"))
        var rule = try normalize(ctx, try ctx.body(NatRule.self), gatewayId: gwObj.id, gw: gw, replacing: nil)
        let id = UUID().uuidString.lowercased()
        rule.id = id
        rule.version = ObjectVersion(version: 0)
        try ctx.write.insert(kind: Kind.natRule, id: id, parent: gwObj.id, org: gwObj.orgId, name: rule.name!, rule)
        try GatewayIPs.refresh(ctx.write, gatewayId: gwObj.id)
        return try ctx.accepted(operation: "Creating NAT rule \(rule.name!) on edge gateway \(gwObj.name)", operationName: .createNatRule,
                                owner: Cloud.owner(ctx, EdgeGateways.collection, id: gwObj.id, name: gwObj.name), lock: gwObj.id)
    }

    /// PUT: replaces a NAT rule; its `version` must match (optimistic lock).
    static func update(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let (gwObj, gw) = try EdgeGateways.forChange(ctx, ctx.param("id"))
        guard let old = ctx.state.get(ctx.param("ruleId"), kind: Kind.natRule), old.parentId == gwObj.id else { throw SimError.notFound("NAT rule \(ctx.param("ruleId"))") }
        let body = try ctx.body(NatRule.self)
        let current = try old.decode(NatRule.self).version?.version ?? 0
        if let v = body.version?.version, v != current {
            throw SimError(400, VCDMinorError.conflict, "NAT rule \(old.name) was changed by someone else (version \(v) is stale, current is \(current)).")
        }
        var rule = try normalize(ctx, body, gatewayId: gwObj.id, gw: gw, replacing: old.id)
        rule.id = old.id
        rule.version = ObjectVersion(version: current + 1)
        try ctx.write.update(old, name: rule.name, rule)
        try GatewayIPs.refresh(ctx.write, gatewayId: gwObj.id)
        return try ctx.accepted(operation: "Updating NAT rule \(rule.name!) on edge gateway \(gwObj.name)", operationName: .updateNatRule,
                                owner: Cloud.owner(ctx, EdgeGateways.collection, id: gwObj.id, name: gwObj.name), lock: gwObj.id)
    }

    /// DELETE a NAT rule.
    static func remove(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let (gwObj, _) = try EdgeGateways.forChange(ctx, ctx.param("id"))
        guard let old = ctx.state.get(ctx.param("ruleId"), kind: Kind.natRule), old.parentId == gwObj.id else { throw SimError.notFound("NAT rule \(ctx.param("ruleId"))") }
        ctx.write.delete(old.id)
        try GatewayIPs.refresh(ctx.write, gatewayId: gwObj.id)
        return try ctx.accepted(operation: "Deleting NAT rule \(old.name) on edge gateway \(gwObj.name)", operationName: .deleteNatRule,
                                owner: Cloud.owner(ctx, EdgeGateways.collection, id: gwObj.id, name: gwObj.name), lock: gwObj.id)
    }

    /// Validates a rule and fills what VCD fills.
    static func normalize(_ ctx: RequestContext, _ input: NatRule, gatewayId: String, gw: EdgeGateway, replacing: String?) throws -> NatRule {
        var r = input
        _ = try Cloud.required(r.name, "name")
        guard let type = r.type ?? r.ruleType, types.contains(type) else {
            throw SimError.badRequest("The NAT rule type (type or ruleType) must be one of \(types.sorted().joined(separator: ", ")).")
        }
        if let a = r.type, let b = r.ruleType, a != b, b != "DNAT" || a != "DNAT" {
            throw SimError.badRequest("type \(a) and ruleType \(b) disagree.")
        }
        r.type = type
        r.ruleType = type == "REFLEXIVE" ? nil : type
        r.enabled = r.enabled ?? true
        r.logging = r.logging ?? false
        r.description = r.description ?? ""
        r.firewallMatch = r.firewallMatch ?? "MATCH_INTERNAL_ADDRESS"
        r.priority = r.priority ?? 0
        r.systemRule = false
        r.dnatExternalPort = r.dnatExternalPort ?? (type == "DNAT" ? "" : nil)
        let ext = r.externalAddresses ?? ""
        if type == "DNAT" || type == "SNAT" || type == "REFLEXIVE" {
            _ = try Cloud.required(r.externalAddresses, "externalAddresses")
            _ = try Cloud.required(r.internalAddresses, "internalAddresses")
        }
        if let ip = IPv4.parse(ext) {
            if gw.usingIpSpace == true, let gwObj = ctx.state.get(gatewayId, kind: Kind.edgeGateway) {
                try GatewayIPs.requireIPSpaceAddress(ctx.state, gateway: gwObj, gw, ext, what: "External address")
            } else if !GatewayIPs.allocated(gw).contains(ip) {
                throw SimError.badRequest("External address \(ext) is not allocated to edge gateway \(gw.name ?? gatewayId).")
            }
            if type == "DNAT" {
                // Two DNAT rules cannot claim one external address and port.
                let port = r.dnatExternalPort ?? ""
                for o in ctx.state.children(Kind.natRule, of: gatewayId) where o.id != replacing {
                    let j = o.json
                    guard (j["type"]?.stringValue ?? j["ruleType"]?.stringValue) == "DNAT", j["externalAddresses"]?.stringValue == ext,
                          (j["dnatExternalPort"]?.stringValue ?? "") == port else { continue }
                    throw SimError.badRequest("External address \(ext) port \(port.isEmpty ? "any" : port) is already in use by DNAT rule \(o.name).")
                }
            }
        } else if !ext.isEmpty, IPv4.parseCIDR(ext) == nil {
            throw SimError.badRequest("Invalid external address \(ext).")
        }
        if let inner = r.internalAddresses, !inner.isEmpty, IPv4.parse(inner) == nil, IPv4.parseCIDR(inner) == nil {
            throw SimError.badRequest("Invalid internal address \(inner).")
        }
        if let pp = r.applicationPortProfile?.id {
            guard let prof = ctx.state.get(pp, kind: Kind.appPortProfile) else {
                throw SimError(400, VCDMinorError.invalidReference, "Application port profile \(pp) does not exist.")
            }
            r.applicationPortProfile = Cloud.ref(prof)
        }
        return r
    }
}
