import CloudWire
import Foundation
import NetAddress

/// Org VDC networks (`/cloudapi/1.0.0/orgVdcNetworks`, page size at most 32; vcd-wire.md §6).
/// Routed networks hang off an edge gateway of the same org; their subnets may not overlap other
/// networks of that gateway; static pools stay inside the subnet and off the gateway address.
enum OrgVdcNetworks: RouteFamily {
    static let collection = "orgVdcNetworks"
    static let maxPageSize = 32

    /// The route table of this kind: paths, the access they need, and the handler of each.
    static func register(into t: RouteTable) {
        let p = "\(Cloud.prefix)/\(collection)"
        t.get(p, .right(RightName.networkView), "ORG_VDC_NETWORK_VIEW", list)
        t.get("\(p)/{id}", .right(RightName.networkView), "ORG_VDC_NETWORK_VIEW", show)
        t.post(p, .right(RightName.networkEdit), "ORG_VDC_NETWORK_CREATE", create)
        t.put("\(p)/{id}", .right(RightName.networkEdit), "ORG_VDC_NETWORK_UPDATE", update)
        t.delete("\(p)/{id}", .right(RightName.networkEdit), "ORG_VDC_NETWORK_DELETE", remove)
    }

    /// GET the org VDC networks the caller may see, paged (at most 32 a page, as VCD).
    static func list(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        try Listing.page(ctx, ctx.scoped(ctx.state.all(Kind.orgVdcNetwork)), model: "VdcNetworks", maxPageSize: maxPageSize)
    }

    /// GET one org VDC network.
    static func show(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        ctx.raw(try ctx.require(ctx.param("id"), Kind.orgVdcNetwork, "Org VDC network"))
    }

    /// POST: a routed or isolated network, its subnet and pool checked by the shared rules.
    static func create(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let input = try ctx.body(OrgVdcNetwork.self)
        let vdc = try EdgeGateways.ownerVdc(ctx, input.ownerRef, input.orgVdc)
        guard ctx.visible(vdc) else { throw SimError.forbidden(rights: [], operation: "ORG_VDC_NETWORK_CREATE", target: "VDC \(vdc.id)") }
        var net = try validate(ctx, input, vdc: vdc, replacing: nil)
        let id = URN.make(URNKind.network).description
        net.id = id
        net.backingNetworkId = UUID().uuidString.lowercased()
        try ctx.write.insert(kind: Kind.orgVdcNetwork, id: id, parent: vdc.id, org: vdc.orgId, name: net.name!, net)
        let gwId = net.connection?.routerRef?.id
        if let gwId { try GatewayIPs.refresh(ctx.write, gatewayId: gwId) }
        return try ctx.accepted(operation: "Creating network \(net.name!)", operationName: .createOrgVdcNetwork,
                                owner: Cloud.owner(ctx, collection, id: id, name: net.name!), lock: gwId)
    }

    /// PUT: replaces a network's settings, checked as a create is; it cannot move to another gateway.
    static func update(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let old = try ctx.require(ctx.param("id"), Kind.orgVdcNetwork, "Org VDC network")
        guard let vdc = old.parentId.flatMap({ ctx.state.get($0) }) else { throw SimError.notFound("VDC of network \(old.id)") }
        var net = try validate(ctx, try ctx.body(OrgVdcNetwork.self), vdc: vdc, replacing: old.id)
        let prev = try old.decode(OrgVdcNetwork.self)
        if prev.connection?.routerRef?.id != net.connection?.routerRef?.id {
            throw SimError.badRequest("A network cannot move to another edge gateway.")
        }
        net.id = old.id
        net.backingNetworkId = prev.backingNetworkId
        try ctx.write.update(old, name: net.name, net)
        return try ctx.accepted(operation: "Updating network \(net.name!)", operationName: .updateOrgVdcNetwork,
                                owner: Cloud.owner(ctx, collection, id: old.id, name: net.name!), lock: net.connection?.routerRef?.id)
    }

    /// DELETE a network (waits for no task on its gateway; the gateway's IP use is recounted).
    static func remove(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let old = try ctx.require(ctx.param("id"), Kind.orgVdcNetwork, "Org VDC network")
        let gwId = (try? old.decode(OrgVdcNetwork.self))?.connection?.routerRef?.id
        if let gwId, let gw = ctx.state.get(gwId) { try ctx.ensureNotBusy(gwId, name: gw.name) }
        ctx.write.delete(old.id)
        if let gwId { try GatewayIPs.refresh(ctx.write, gatewayId: gwId) }
        return try ctx.accepted(operation: "Deleting network \(old.name)", operationName: .deleteOrgVdcNetwork,
                                owner: Cloud.owner(ctx, collection, id: old.id, name: old.name), lock: gwId)
    }

    /// The org VDC networks connected to edge gateway `gatewayId`, with their records.
    static func connected(_ state: StateView, to gatewayId: String) -> [(object: StoredObject, record: OrgVdcNetwork)] {
        state.records(Kind.orgVdcNetwork, as: OrgVdcNetwork.self).filter { $0.record.connection?.routerRef?.id == gatewayId }
    }

    static func validate(_ ctx: RequestContext, _ input: OrgVdcNetwork, vdc: StoredObject, replacing: String?) throws -> OrgVdcNetwork {
        var n = input
        let name = try Cloud.required(n.name, "name")
        if ctx.state.all(Kind.orgVdcNetwork).contains(where: { $0.parentId == vdc.id && $0.name == name && $0.id != replacing }) {
            throw SimError.duplicate("A network named \(name) already exists in VDC \(vdc.name).")
        }
        n.networkType = n.networkType ?? "NAT_ROUTED"
        guard ["NAT_ROUTED", "ISOLATED"].contains(n.networkType!) else {
            throw SimError.badRequest("Network type \(n.networkType!) is not supported by the simulator (NAT_ROUTED, ISOLATED).")
        }
        guard let subnets = n.subnets?.values, subnets.count == 1 else { throw SimError.badRequest("Exactly one subnet (subnets.values) is required.") }
        var s = subnets[0]
        if let problem = OrgVdcNetworkRules.subnetProblem(s) { throw SimError.badRequest(problem) }
        let poolSize = (s.ipRanges?.values ?? []).reduce(0) { n, r in n + Int(IPv4.parse(r.endAddress)! - IPv4.parse(r.startAddress)!) + 1 }
        s.enabled = true
        s.totalIpCount = poolSize
        s.usedIpCount = 0
        s.dnsServer1 = s.dnsServer1 ?? ""
        s.dnsServer2 = s.dnsServer2 ?? ""
        s.dnsSuffix = s.dnsSuffix ?? ""
        n.subnets = NetworkSubnets(values: [s])
        if n.networkType == "NAT_ROUTED" {
            let gwId = try Cloud.required(n.connection?.routerRef?.id, "connection.routerRef.id")
            guard let gw = ctx.state.get(gwId, kind: Kind.edgeGateway), gw.orgId == vdc.orgId else {
                throw SimError(400, VCDMinorError.invalidReference, "Edge gateway \(gwId) does not exist in the org of VDC \(vdc.name).")
            }
            try ctx.ensureNotBusy(gw.id, name: gw.name)
            let others = connected(ctx.state, to: gwId).filter { $0.object.id != replacing }
                .map { (name: $0.object.name, subnets: $0.record.subnets?.values ?? []) }
            if let problem = OrgVdcNetworkRules.overlapProblem(s, others: others, edgeGateway: gw.name) { throw SimError.badRequest(problem) }
            var conn = n.connection ?? NetworkConnection()
            conn.routerRef = Cloud.ref(gw)
            conn.connectionType = conn.connectionType ?? "INTERNAL"
            conn.connectionTypeValue = conn.connectionTypeValue ?? conn.connectionType
            conn.connected = true
            n.connection = conn
            n.backingNetworkType = "NSXT_FLEXIBLE_SEGMENT"
        } else {
            n.connection = nil
            n.backingNetworkType = "NSXT_FLEXIBLE_SEGMENT"
        }
        n.status = "REALIZED"
        n.description = n.description ?? ""
        n.ownerRef = Cloud.ref(vdc)
        n.orgVdc = Cloud.ref(vdc)
        n.orgRef = OpenAPIReference(name: Cloud.orgName(ctx.state, vdc.orgId), id: vdc.orgId)
        n.orgVdcIsNsxTBacked = true
        n.guestVlanTaggingAllowed = n.guestVlanTaggingAllowed ?? false
        n.routeAdvertised = false
        n.shared = n.shared ?? false
        n.totalIpCount = poolSize
        n.usedIpCount = 0
        n.enableDualSubnetNetwork = false
        return n
    }
}
