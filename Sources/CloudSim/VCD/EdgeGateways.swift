import CloudWire
import Foundation
import NetAddress

/// NSX-T edge gateways (`/cloudapi/1.0.0/edgeGateways`, vcd-wire.md §4.1–4.2). Creating one is a
/// provider operation that allocates external IPs from the provider gateway's pool; it comes with
/// its load-balancer settings (disabled), an empty firewall and route advertisement. A gateway on a
/// provider gateway with IP spaces (`usingIpSpace`, 37.1+) holds no addresses: `usingIpSpace` is
/// true on it and on its uplink, `subnets` is empty, and its org allocates floating IPs from the IP
/// spaces bound to the provider gateway (`IPSpaces`, `IPSpaceAllocations`).
enum EdgeGateways: RouteFamily {
    static let collection = "edgeGateways"

    /// The route table of this kind: paths, the access they need, and the handler of each.
    static func register(into t: RouteTable) {
        let p = "\(Cloud.prefix)/edgeGateways"
        t.get(p, .right(RightName.gatewayView), "EDGE_GATEWAY_VIEW", listEdgeGateways)
        t.get("\(p)/{id}", .right(RightName.gatewayView), "EDGE_GATEWAY_VIEW", showEdgeGateway)
        t.get("\(p)/{id}/usedIpAddresses", .right(RightName.gatewayView), "EDGE_GATEWAY_VIEW", listUsedIpAddresses)
        t.post(p, .provider(RightName.gatewayAdmin), "EDGE_GATEWAY_CREATE", create)
        t.put("\(p)/{id}", .provider(RightName.gatewayAdmin), "EDGE_GATEWAY_UPDATE", update)
        t.delete("\(p)/{id}", .provider(RightName.gatewayAdmin), "EDGE_GATEWAY_DELETE", remove)
    }

    /// GET the edge gateways the caller may see, paged.
    static func listEdgeGateways(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        try Listing.page(ctx, ctx.scoped(ctx.state.all(Kind.edgeGateway)), model: "EdgeGateways")
    }

    /// GET one edge gateway.
    static func showEdgeGateway(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        ctx.raw(try ctx.require(ctx.param("id"), Kind.edgeGateway, "Edge gateway"))
    }

    /// GET the addresses in use on the gateway (`/edgeGateways/{id}/usedIpAddresses`), paged.
    static func listUsedIpAddresses(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let o = try ctx.require(ctx.param("id"), Kind.edgeGateway, "Edge gateway")
        let used = GatewayIPs.used(ctx.state, gatewayId: o.id, try o.decode(EdgeGateway.self))
        let rows = try used.enumerated().map { i, u -> StoredObject in
            let body = try Cloud.encode(u)
            return StoredObject(kind: "usedIp", id: "\(i)", parentId: o.id, orgId: o.orgId, name: u.ipAddress ?? "", body: body,
                                json: try JSONValue.parse(body), version: 1, seq: Int64(i), created: 0, updated: 0)
        }
        return try Listing.page(ctx, rows, model: "GatewayUsedIpAddresses")
    }

    /// Resolves the owner VDC of a new gateway (`ownerRef`, or the deprecated `orgVdc`).
    static func ownerVdc(_ ctx: RequestContext, _ ref: OpenAPIReference?, _ legacy: OpenAPIReference?) throws -> StoredObject {
        guard let id = ref?.id ?? legacy?.id else { throw SimError.badRequest("The field ownerRef is required.") }
        guard let vdc = ctx.state.get(id, kind: Kind.vdc) else { throw SimError(400, VCDMinorError.invalidReference, "VDC \(id) does not exist.") }
        return vdc
    }

    private static func create(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        var gw = try ctx.body(EdgeGateway.self)
        let tx = ctx.write
        let name = try Cloud.required(gw.name, "name")
        let vdc = try ownerVdc(ctx, gw.ownerRef, gw.orgVdc)
        if tx.all(Kind.edgeGateway).contains(where: { $0.orgId == vdc.orgId && $0.name == name }) {
            throw SimError.duplicate("An edge gateway named \(name) already exists in org \(Cloud.orgName(tx, vdc.orgId) ?? "").")
        }
        let id = URN.make(URNKind.gateway).description
        gw.edgeGatewayUplinks = try allocateUplinks(ctx, gw.edgeGatewayUplinks ?? [], gatewayId: id, existing: nil)
        if mixed(gw.edgeGatewayUplinks!) {
            throw SimError.badRequest("Edge gateway \(name) cannot have uplinks to provider gateways with and without IP spaces.")
        }
        gw.id = id
        gw.status = "REALIZED"
        gw.description = gw.description ?? ""
        gw.ownerRef = Cloud.ref(vdc)
        gw.orgVdc = Cloud.ref(vdc)
        gw.orgRef = OpenAPIReference(name: Cloud.orgName(tx, vdc.orgId), id: vdc.orgId)
        gw.distributedRoutingEnabled = gw.distributedRoutingEnabled ?? false
        gw.orgVdcNetworkCount = 0
        gw.serviceNetworkDefinition = gw.serviceNetworkDefinition ?? "192.168.255.225/27"
        // A gateway uses IP spaces when its provider gateway does (the field is computed, 37.1+).
        let ipSpaces = gw.edgeGatewayUplinks!.contains { $0.usingIpSpace == true }
        if gw.usingIpSpace == true, !ipSpaces {
            throw SimError.badRequest("Edge gateway \(name) cannot use IP spaces: its provider gateway does not (usingIpSpace is false).")
        }
        gw.usingIpSpace = ipSpaces
        placeInNSX(tx, &gw, gatewayId: id)
        try tx.insert(kind: Kind.edgeGateway, id: id, parent: vdc.id, org: vdc.orgId, name: name, gw)
        try insertCompanions(tx, gatewayId: id, org: vdc.orgId, name: name)
        try GatewayIPs.refresh(tx, gatewayId: id)
        return try ctx.accepted(operation: "Creating edge gateway \(name) (\(id))", operationName: .createEdgeGateway,
                                owner: Cloud.owner(ctx, collection, id: id, name: name), lock: id)
    }

    /// The NSX-T side of a new gateway: its Tier-1 backing in the (first) NSX-T manager and, unless
    /// given, the first edge cluster.
    private static func placeInNSX(_ tx: StateView, _ gw: inout EdgeGateway, gatewayId id: String) {
        let nsx = tx.all(Kind.nsxtManager).first
        var backing = GatewayBacking()
        backing.backingId = URN(id)!.uuid  // the Tier-1 id in NSX Policy (inferred mapping, vcd-wire.md §10)
        backing.gatewayType = "NSXT_BACKED"
        backing.networkProvider = nsx.map(Cloud.ref)
        gw.gatewayBacking = backing
        if gw.edgeClusterConfig == nil, let ec = tx.all(Kind.edgeCluster).first {
            var cfg = EdgeClusterConfig()
            var primary = EdgeClusterRef()
            primary.edgeClusterRef = Cloud.ref(ec)
            primary.backingId = ec.json["backingId"]?.stringValue
            cfg.primaryEdgeCluster = primary
            gw.edgeClusterConfig = cfg
        }
    }

    /// The companions of every gateway: load balancer settings (off), firewall, route advertisement (off).
    private static func insertCompanions(_ tx: WriteTx, gatewayId: String, org: String?, name: String) throws {
        var lb = GatewayLoadBalancer()
        lb.enabled = false
        try tx.insert(kind: Kind.gatewayLoadBalancer, id: "\(gatewayId)#loadBalancer", parent: gatewayId, org: org, name: name, lb)
        try tx.insert(kind: Kind.firewall, id: "\(gatewayId)#firewall", parent: gatewayId, org: org, name: name, Firewall.initial())
        var ra = RouteAdvertisement()
        ra.enable = false
        ra.subnets = []
        try tx.insert(kind: Kind.routeAdvertisement, id: "\(gatewayId)#routeAdvertisement", parent: gatewayId, org: org, name: name, ra)
    }

    /// Validates and fills the uplinks of a new or updated gateway, allocating external addresses.
    /// An uplink to a provider gateway with IP spaces holds no addresses: the gateway's org
    /// allocates floating IPs from the IP spaces bound to it (`IPSpaceAllocations`).
    static func allocateUplinks(_ ctx: RequestContext, _ uplinks: [EdgeGatewayUplink], gatewayId: String, existing: EdgeGateway?) throws -> [EdgeGatewayUplink] {
        guard !uplinks.isEmpty else { throw SimError.badRequest("An edge gateway needs at least one uplink (edgeGatewayUplinks).") }
        var out: [EdgeGatewayUplink] = []
        for var u in uplinks {
            let extId = try Cloud.required(u.uplinkId, "edgeGatewayUplinks.uplinkId")
            guard let extObj = ctx.state.get(extId, kind: Kind.externalNetwork) else {
                throw SimError(400, VCDMinorError.invalidReference, "External network \(extId) does not exist.")
            }
            let ext = try extObj.decode(ExternalNetwork.self)
            if ext.usingIpSpace == true {
                guard (u.subnets?.values ?? []).isEmpty, (u.quickAddAllocatedIpCount ?? 0) == 0 else {
                    throw SimError.badRequest("Provider gateway \(extObj.name) uses IP spaces: an uplink to it takes no subnets or quickAddAllocatedIpCount (allocate floating IPs from its IP spaces).")
                }
                u.subnets = EdgeGatewaySubnets(values: [])
                u.uplinkName = extObj.name
                u.connected = true
                u.dedicated = u.dedicated ?? false
                u.quickAddAllocatedIpCount = nil
                u.backingType = ext.networkBackings?.values.first.flatMap { $0.backingTypeValue ?? $0.backingType } ?? "NSXT_TIER0"
                u.usingIpSpace = true
                out.append(u)
                continue
            }
            var free = GatewayIPs.free(ctx.state, external: ext, extId: extId, excluding: gatewayId)
            let freeSet = Set(free)
            var subnets = u.subnets?.values ?? []
            if subnets.isEmpty, let first = ext.subnets?.values.first {
                var s = EdgeGatewaySubnet()
                s.gateway = first.gateway
                s.prefixLength = first.prefixLength
                subnets = [s]
            }
            var quick = u.quickAddAllocatedIpCount ?? 0
            for i in subnets.indices {
                var s = subnets[i]
                guard let gwIP = s.gateway.flatMap(IPv4.parse), let prefix = s.prefixLength,
                      let extSubnet = ext.subnets?.values.first(where: { $0.gateway == s.gateway && $0.prefixLength == prefix }) else {
                    throw SimError.badRequest("Subnet \(s.gateway ?? "?")/\(s.prefixLength ?? 0) is not a subnet of external network \(extObj.name).")
                }
                var addrs: [UInt32] = []
                for r in s.ipRanges?.values ?? [] {
                    guard let a = IPv4.parse(r.startAddress), let b = IPv4.parse(r.endAddress), a <= b else {
                        throw SimError.badRequest("Invalid IP range \(r.startAddress)-\(r.endAddress).")
                    }
                    for ip in a...b {
                        guard IPv4.inSubnet(ip, gateway: gwIP, prefix: prefix) else {
                            throw SimError.badRequest("IP address \(IPv4.format(ip)) is outside subnet \(s.gateway!)/\(prefix).")
                        }
                        guard inPool(ip, extSubnet) else {
                            throw SimError.badRequest("IP address \(IPv4.format(ip)) is not in the static pool of external network \(extObj.name).")
                        }
                        guard freeSet.contains(ip) else {
                            throw SimError.badRequest("IP address \(IPv4.format(ip)) is already allocated to another edge gateway.")
                        }
                        addrs.append(ip)
                    }
                }
                free.removeAll { addrs.contains($0) }
                // Quick add (or nothing asked): take free addresses of this subnet.
                let want = quick > 0 ? quick : (addrs.isEmpty ? 1 : 0)
                if want > 0 {
                    let candidates = free.filter { IPv4.inSubnet($0, gateway: gwIP, prefix: prefix) }
                    guard candidates.count >= want else {
                        throw SimError.badRequest("Not enough free IP addresses in external network \(extObj.name): \(want) requested, \(candidates.count) available.")
                    }
                    addrs += candidates.prefix(want)
                    free.removeAll { candidates.prefix(want).contains($0) }
                    quick = 0
                }
                s.ipRanges = IPRanges(values: IPv4.ranges(of: addrs).map { IPRange(startAddress: IPv4.format($0.lowerBound), endAddress: IPv4.format($0.upperBound)) })
                if let p = s.primaryIp {
                    guard let pip = IPv4.parse(p), addrs.contains(pip) else { throw SimError.badRequest("Primary IP \(p) is not among the addresses allocated to the gateway.") }
                } else {
                    s.primaryIp = addrs.min().map(IPv4.format)
                }
                s.enabled = s.enabled ?? true
                s.dnsServer1 = s.dnsServer1 ?? extSubnet.dnsServer1
                s.dnsSuffix = s.dnsSuffix ?? extSubnet.dnsSuffix
                s.autoAllocateIpRanges = nil
                subnets[i] = s
            }
            u.subnets = EdgeGatewaySubnets(values: subnets)
            u.uplinkName = extObj.name
            u.connected = true
            u.dedicated = u.dedicated ?? false
            u.quickAddAllocatedIpCount = nil
            u.backingType = "NSXT_TIER0"
            u.usingIpSpace = false
            out.append(u)
        }
        return out
    }

    /// Whether uplinks mix provider gateways with and without IP spaces (VCD refuses it).
    static func mixed(_ uplinks: [EdgeGatewayUplink]) -> Bool {
        Set(uplinks.map { $0.usingIpSpace == true }).count > 1
    }

    private static func inPool(_ ip: UInt32, _ s: NetworkSubnet) -> Bool {
        (s.ipRanges?.values ?? []).contains { r in
            guard let a = IPv4.parse(r.startAddress), let b = IPv4.parse(r.endAddress) else { return false }
            return a <= ip && ip <= b
        }
    }

    private static func update(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let o = try ctx.require(ctx.param("id"), Kind.edgeGateway, "Edge gateway")
        try ctx.ensureNotBusy(o.id, name: o.name)
        let old = try o.decode(EdgeGateway.self)
        var gw = try ctx.body(EdgeGateway.self)
        let tx = ctx.write
        let name = gw.name ?? old.name ?? o.name
        if name != o.name, tx.all(Kind.edgeGateway).contains(where: { $0.orgId == o.orgId && $0.name == name && $0.id != o.id }) {
            throw SimError.duplicate("An edge gateway named \(name) already exists.")
        }
        var new = old
        new.name = name
        new.description = gw.description ?? old.description
        if let uplinks = gw.edgeGatewayUplinks {
            new.edgeGatewayUplinks = try allocateUplinks(ctx, uplinks, gatewayId: o.id, existing: old)
            let ipSpaces = new.edgeGatewayUplinks!.contains { $0.usingIpSpace == true }
            if mixed(new.edgeGatewayUplinks!) || ipSpaces != (old.usingIpSpace == true) {
                throw SimError.badRequest("Edge gateway \(name) cannot move between a provider gateway with IP spaces and one without.")
            }
            // Addresses in use by NAT rules and VIPs must stay allocated (IP-space addresses are the org's).
            let allocatedNow = GatewayIPs.allocated(new)
            for u in GatewayIPs.used(tx, gatewayId: o.id, old) where u.category != "PRIMARY_IP" && !ipSpaces {
                if let ip = u.ipAddress.flatMap(IPv4.parse), !allocatedNow.contains(ip) {
                    throw SimError.badRequest("IP address \(u.ipAddress!) is in use (\(u.category ?? "")) on the edge gateway and cannot be released.")
                }
            }
        }
        gw = new
        try tx.update(o, name: name, gw)
        try GatewayIPs.refresh(tx, gatewayId: o.id)
        return try ctx.accepted(operation: "Updating edge gateway \(name) (\(o.id))", operationName: .updateEdgeGateway,
                                owner: Cloud.owner(ctx, collection, id: o.id, name: name), lock: o.id)
    }

    private static func remove(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let o = try ctx.require(ctx.param("id"), Kind.edgeGateway, "Edge gateway")
        try ctx.ensureNotBusy(o.id, name: o.name)
        let tx = ctx.write
        if !OrgVdcNetworks.connected(tx, to: o.id).isEmpty {
            throw SimError.badRequest("Edge gateway \(o.name) still has connected org VDC networks; delete them first.")
        }
        if !tx.children(Kind.virtualService, of: o.id).isEmpty || !tx.children(Kind.lbPool, of: o.id).isEmpty {
            throw SimError.badRequest("Edge gateway \(o.name) still has load balancer pools or virtual services; delete them first.")
        }
        for kind in [Kind.natRule, Kind.gatewayLoadBalancer, Kind.firewall, Kind.routeAdvertisement] {
            for c in tx.children(kind, of: o.id) { tx.delete(c.id) }
        }
        for a in tx.all(Kind.segAssignment) where a.parentId == o.id { tx.delete(a.id) }
        // Its Tier-1 goes with it in NSX (a stored one carries route advertisement set through NSX).
        if let t1 = (try? o.decode(EdgeGateway.self))?.gatewayBacking?.backingId, tx.get(t1, kind: Kind.nsxTier1) != nil { tx.delete(t1) }
        tx.delete(o.id)
        return try ctx.accepted(operation: "Deleting edge gateway \(o.name) (\(o.id))", operationName: .deleteEdgeGateway,
                                owner: Cloud.owner(ctx, collection, id: o.id, name: o.name), lock: o.id)
    }

    /// The provider gateways (external networks) stored edge gateway `o` is uplinked to.
    static func uplinkIds(_ o: StoredObject) -> [String] {
        ((try? o.decode(EdgeGateway.self))?.edgeGatewayUplinks ?? []).compactMap(\.uplinkId)
    }

    /// The gateway `id`, visible to the caller and not busy; for families that change gateway children.
    static func forChange(_ ctx: RequestContext, _ id: String) throws -> (StoredObject, EdgeGateway) {
        let o = try ctx.require(id, Kind.edgeGateway, "Edge gateway")
        try ctx.ensureNotBusy(o.id, name: o.name)
        return (o, try o.decode(EdgeGateway.self))
    }
}
