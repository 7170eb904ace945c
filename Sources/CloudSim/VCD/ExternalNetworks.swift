import CloudWire
import Foundation
import NetAddress

/// External networks: provider gateways on an NSX-T Tier-0 (or VRF), provider-only
/// (`/cloudapi/1.0.0/externalNetworks`, govcd `ExternalNetworkV2`). List and read; create
/// (`networkBackings` with one Tier-0 backing, and either `subnets` with static pools or, 37.1+,
/// `usingIpSpace: true` and no subnets: the provider then binds IP spaces to it with
/// `/ipSpaceUplinks`) → 202 + task; delete → 202 + task, refused while an edge gateway or an
/// IP-space uplink uses it. A Tier-0 backs one provider gateway; the simulator does not check that
/// NSX knows the Tier-0.
enum ExternalNetworks: RouteFamily {
    static let collection = "externalNetworks"
    static let backingTypes: Set<String> = ["NSXT_TIER0", "NSXT_VRF_TIER0"]

    /// The route table of this kind: paths, the access they need, and the handler of each.
    static func register(into t: RouteTable) {
        let p = "\(Cloud.prefix)/\(collection)"
        t.get(p, .provider(RightName.gatewayAdmin), "EXTERNAL_NETWORK_VIEW", listExternalNetworks)
        t.get("\(p)/{id}", .provider(RightName.gatewayAdmin), "EXTERNAL_NETWORK_VIEW", showExternalNetwork)
        t.post(p, .provider(RightName.gatewayAdmin), "EXTERNAL_NETWORK_CREATE", create)
        t.delete("\(p)/{id}", .provider(RightName.gatewayAdmin), "EXTERNAL_NETWORK_DELETE", remove)
    }

    /// GET the external networks (provider gateways), paged.
    static func listExternalNetworks(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        try Listing.page(ctx, ctx.state.all(Kind.externalNetwork), model: "ExternalNetworks")
    }

    /// GET one external network.
    static func showExternalNetwork(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        ctx.raw(try ctx.require(ctx.param("id"), Kind.externalNetwork, "External network"))
    }

    /// Whether the external network `id` takes its addresses from IP spaces.
    static func usesIPSpaces(_ state: StateView, _ id: String?) -> Bool {
        guard let id, let o = state.get(id, kind: Kind.externalNetwork) else { return false }
        return o.json["usingIpSpace"] == .bool(true)
    }

    /// The one Tier-0 (or VRF) backing of a new external network, in a known NSX-T manager and
    /// backing no other external network; its type, name and provider filled as VCD does.
    private static func backing(_ tx: StateView, _ ext: ExternalNetwork) throws -> ExternalNetworkBacking {
        guard let backings = ext.networkBackings?.values, backings.count == 1, var b = backings.first else {
            throw SimError.badRequest("An external network needs exactly one network backing (networkBackings.values).")
        }
        let backingId = try Cloud.required(b.backingId, "networkBackings.values.backingId")
        let type = b.backingTypeValue ?? b.backingType ?? "NSXT_TIER0"
        guard backingTypes.contains(type) else {
            throw SimError.badRequest("Backing type \(type) is not supported by the simulator: use \(backingTypes.sorted().joined(separator: " or ")).")
        }
        let nsx: StoredObject
        if let pid = b.networkProvider?.id {
            guard let m = tx.get(pid, kind: Kind.nsxtManager) else { throw SimError(400, VCDMinorError.invalidReference, "NSX-T manager \(pid) does not exist.") }
            nsx = m
        } else {
            guard let m = tx.all(Kind.nsxtManager).first else { throw SimError.badRequest("The field networkBackings.values.networkProvider is required.") }
            nsx = m
        }
        if let other = tx.records(Kind.externalNetwork, as: ExternalNetwork.self).first(where: { o in
            (o.record.networkBackings?.values ?? []).contains { $0.backingId == backingId }
        })?.object {
            throw SimError.badRequest("Tier-0 \(backingId) already backs external network \(other.name).")
        }
        b.backingType = type
        b.backingTypeValue = type
        b.name = b.name ?? backingId
        b.networkProvider = Cloud.ref(nsx)
        return b
    }

    private static func create(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        var ext = try ctx.body(ExternalNetwork.self)
        let tx = ctx.write
        let name = try Cloud.required(ext.name, "name")
        if tx.all(Kind.externalNetwork).contains(where: { $0.name == name }) {
            throw SimError.duplicate("An external network named \(name) already exists.")
        }
        // The field exists from 37.1: an older request's field is unknown to VCD, hence ignored.
        let ipSpaces = APIVersions.compare(ctx.apiVersion, "37.1") >= 0 && ext.usingIpSpace == true
        ext.networkBackings = ExternalNetworkBackings(values: [try backing(tx, ext)])
        // Addresses: subnets with pools, or IP spaces.
        let subnets = ext.subnets?.values ?? []
        if ipSpaces {
            guard subnets.isEmpty else {
                throw SimError.badRequest("External network \(name) uses IP spaces: it takes no subnets (bind IP spaces with /ipSpaceUplinks).")
            }
            ext.subnets = NetworkSubnets(values: [])
        } else {
            guard !subnets.isEmpty else { throw SimError.badRequest("The field subnets is required (or usingIpSpace: true).") }
            ext.subnets = NetworkSubnets(values: try subnets.map(checkSubnet))
        }
        if let org = ext.dedicatedOrg?.id {
            guard let o = tx.get(org, kind: Kind.org) else { throw SimError(400, VCDMinorError.invalidReference, "Org \(org) does not exist.") }
            ext.dedicatedOrg = Cloud.ref(o)
        }
        let id = URN.make(URNKind.externalNetwork).description
        ext.id = id
        ext.description = ext.description ?? ""
        ext.usingIpSpace = ipSpaces
        try tx.insert(kind: Kind.externalNetwork, id: id, name: name, ext)
        return try ctx.accepted(operation: "Creating external network \(name) (\(id))", operationName: .createExternalNetwork,
                                owner: Cloud.owner(ctx, collection, id: id, name: name))
    }

    /// A subnet of a classic provider gateway: gateway/prefix, pools inside it.
    private static func checkSubnet(_ input: NetworkSubnet) throws -> NetworkSubnet {
        var s = input
        guard let gwText = s.gateway, let gw = IPv4.parse(gwText), let prefix = s.prefixLength, (1...32).contains(prefix) else {
            throw SimError.badRequest("Each subnet needs an IPv4 gateway and a prefixLength.")
        }
        var total = 0
        for r in s.ipRanges?.values ?? [] {
            guard let a = IPv4.parse(r.startAddress), let b = IPv4.parse(r.endAddress), a <= b,
                  IPv4.inSubnet(a, gateway: gw, prefix: prefix), IPv4.inSubnet(b, gateway: gw, prefix: prefix) else {
                throw SimError.badRequest("IP range \(r.startAddress)-\(r.endAddress) is not inside subnet \(gwText)/\(prefix).")
            }
            total += Int(b - a) + 1
        }
        s.enabled = s.enabled ?? true
        s.totalIpCount = total
        s.usedIpCount = 0
        return s
    }

    private static func remove(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let o = try ctx.require(ctx.param("id"), Kind.externalNetwork, "External network")
        let tx = ctx.write
        if let gw = tx.all(Kind.edgeGateway).first(where: { EdgeGateways.uplinkIds($0).contains(o.id) }) {
            throw SimError.badRequest("External network \(o.name) is used by edge gateway \(gw.name); delete it first.")
        }
        if let u = tx.children(Kind.ipSpaceUplink, of: o.id).first {
            throw SimError.badRequest("External network \(o.name) still has IP space uplink \(u.name); delete it first.")
        }
        tx.delete(o.id)
        return try ctx.accepted(operation: "Deleting external network \(o.name) (\(o.id))", operationName: .deleteExternalNetwork,
                                owner: Cloud.owner(ctx, collection, id: o.id, name: o.name))
    }
}
