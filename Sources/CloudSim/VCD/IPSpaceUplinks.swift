import CloudWire
import Foundation

/// IP-space uplinks, `/cloudapi/1.0.0/ipSpaceUplinks` (govcd `ip_space_uplink.go`,
/// `types.IpSpaceUplink`): the provider binds an IP space to a provider gateway that uses IP spaces
/// (`usingIpSpace: true`). `GET` (paged, `filter=externalNetworkRef.id==…` as govcd sends it),
/// `POST` `{name, externalNetworkRef, ipSpaceRef}` → 202 + task (owner: the uplink), `GET/PUT/DELETE
/// /{id}` (PUT changes `name` and `description`; both refs are not updatable) → 202 + task.
/// PUBLIC and SHARED_SERVICES spaces bind to any IP-space provider gateway, a PRIVATE one only to a
/// provider gateway dedicated to its org; one uplink per space and gateway, names unique per
/// gateway. Deleting is refused while an org uses an address of the space on an edge gateway of
/// that provider gateway. Provider only (`IP Spaces: Manage`).
enum IPSpaceUplinks: RouteFamily {
    static let collection = "ipSpaceUplinks"

    /// The route table of this kind: paths, the access they need, and the handler of each.
    static func register(into t: RouteTable) {
        let p = "\(Cloud.prefix)/\(collection)"
        let admin = Access.provider(RightName.ipSpaceAdmin)
        t.get(p, admin, "IP_SPACE_UPLINK_VIEW", listUplinks)
        t.get("\(p)/{id}", admin, "IP_SPACE_UPLINK_VIEW", showUplink)
        t.post(p, admin, "IP_SPACE_UPLINK_CREATE", create)
        t.put("\(p)/{id}", admin, "IP_SPACE_UPLINK_UPDATE", updateUplink)
        t.delete("\(p)/{id}", admin, "IP_SPACE_UPLINK_DELETE", removeUplink)
    }

    /// GET the IP space uplinks (`/ipSpaceUplinks`), paged.
    static func listUplinks(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        try APIVersions.require(ctx, IPSpaces.minimumVersion)
        return try Listing.page(ctx, ctx.state.all(Kind.ipSpaceUplink), model: "IpSpaceUplinks")
    }

    /// GET one IP space uplink.
    static func showUplink(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        ctx.raw(try uplink(ctx))
    }

    /// PUT: renames an uplink or changes its description (its space and provider gateway stay).
    static func updateUplink(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let o = try uplink(ctx)
        let input = try ctx.body(IPSpaceUplink.self)
        var v = try o.decode(IPSpaceUplink.self)
        if let e = input.externalNetworkRef?.id, e != v.externalNetworkRef?.id { throw SimError.badRequest("externalNetworkRef of an IP space uplink cannot change.") }
        if let s = input.ipSpaceRef?.id, URN.normalize(s, kind: URNKind.ipSpace) != v.ipSpaceRef?.id {
            throw SimError.badRequest("ipSpaceRef of an IP space uplink cannot change.")
        }
        let name = try Cloud.required(input.name ?? v.name, "name")
        try ensureUniqueName(ctx, name, externalNetwork: o.parentId, except: o.id)
        v.name = name
        v.description = input.description ?? v.description
        try ctx.write.update(o, name: name, v)
        return try ctx.accepted(operation: "Updating IP space uplink \(name) (\(o.id))", operationName: .updateIpSpaceUplink,
                                owner: Cloud.owner(ctx, collection, id: o.id, name: name))
    }

    /// DELETE an uplink, refused while an address of its space serves a gateway of its provider gateway.
    static func removeUplink(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let o = try uplink(ctx)
        let tx = ctx.write
        if let spaceId = (try? o.decode(IPSpaceUplink.self))?.ipSpaceRef?.id {
            // Addresses of the space in use on a gateway of this provider gateway keep it.
            let values = Set(tx.children(Kind.ipSpaceAllocation, of: spaceId).map { "\($0.orgId ?? "")|\($0.name)" })
            for (key, u) in IPSpaceAllocations.usage(tx, orgs: nil) where values.contains(key) {
                guard let g = u.gateway.id.flatMap({ tx.get($0, kind: Kind.edgeGateway) }),
                      EdgeGateways.uplinkIds(g).contains(where: { $0 == o.parentId }) else { continue }
                throw SimError.badRequest("IP space uplink \(o.name) is in use: \(key.split(separator: "|").last ?? "") serves \(u.categories.joined(separator: ", ")) on edge gateway \(g.name).")
            }
        }
        tx.delete(o.id)
        return try ctx.accepted(operation: "Deleting IP space uplink \(o.name) (\(o.id))", operationName: .deleteIpSpaceUplink,
                                owner: Cloud.owner(ctx, collection, id: o.id, name: o.name))
    }

    private static func uplink(_ ctx: RequestContext) throws -> StoredObject {
        try APIVersions.require(ctx, IPSpaces.minimumVersion)
        return try ctx.require(URN.normalize(ctx.param("id"), kind: URNKind.ipSpaceUplink), Kind.ipSpaceUplink, "IP space uplink")
    }

    private static func ensureUniqueName(_ ctx: RequestContext, _ name: String, externalNetwork: String?, except: String?) throws {
        if let ext = externalNetwork, ctx.state.children(Kind.ipSpaceUplink, of: ext).contains(where: { $0.name == name && $0.id != except }) {
            throw SimError.duplicate("An IP space uplink named \(name) already exists on this provider gateway.")
        }
    }

    private static func create(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        try APIVersions.require(ctx, IPSpaces.minimumVersion)
        var v = try ctx.body(IPSpaceUplink.self)
        let tx = ctx.write
        let name = try Cloud.required(v.name, "name")
        let extId = try Cloud.required(v.externalNetworkRef?.id, "externalNetworkRef.id")
        let ext = try providerGateway(tx, extId)
        let spaceId = URN.normalize(try Cloud.required(v.ipSpaceRef?.id, "ipSpaceRef.id"), kind: URNKind.ipSpace)
        let space = try bindableSpace(tx, spaceId, to: ext)
        let type = space.json["type"]?.stringValue ?? ""
        try ensureUniqueName(ctx, name, externalNetwork: ext.id, except: nil)
        let id = URN.make(URNKind.ipSpaceUplink).description
        v.id = id
        v.description = v.description ?? ""
        v.externalNetworkRef = Cloud.ref(ext)
        v.ipSpaceRef = Cloud.ref(space)
        v.ipSpaceType = type
        v.status = "REALIZED"
        try tx.insert(kind: Kind.ipSpaceUplink, id: id, parent: ext.id, name: name, v)
        return try ctx.accepted(operation: "Creating IP space uplink \(name) (\(id))", operationName: .createIpSpaceUplink,
                                owner: Cloud.owner(ctx, collection, id: id, name: name))
    }

    /// The uplink's provider gateway: it must exist and use IP spaces.
    private static func providerGateway(_ tx: WriteTx, _ extId: String) throws -> StoredObject {
        guard let ext = tx.get(extId, kind: Kind.externalNetwork) else {
            throw SimError(400, VCDMinorError.invalidReference, "External network \(extId) does not exist.")
        }
        guard ExternalNetworks.usesIPSpaces(tx, ext.id) else {
            throw SimError.badRequest("Provider gateway \(ext.name) does not use IP spaces (usingIpSpace is false): it cannot have IP space uplinks.")
        }
        return ext
    }

    /// The IP space to bind: it must exist, be PRIVATE only on a gateway dedicated to its org, and
    /// not be bound to this gateway already.
    private static func bindableSpace(_ tx: WriteTx, _ spaceId: String, to ext: StoredObject) throws -> StoredObject {
        guard let space = tx.get(spaceId, kind: Kind.ipSpace) else {
            throw SimError(400, VCDMinorError.invalidReference, "IP space \(spaceId) does not exist.")
        }
        if space.json["type"]?.stringValue == IPSpaceType.private, (try? ext.decode(ExternalNetwork.self))?.dedicatedOrg?.id != space.orgId {
            throw SimError.badRequest("PRIVATE IP space \(space.name) can only be bound to a provider gateway dedicated to its org.")
        }
        if let other = IPSpaces.uplinks(tx, of: space.id, on: ext.id).first {
            throw SimError.badRequest("IP space \(space.name) is already bound to provider gateway \(ext.name) by uplink \(other.name).")
        }
        return space
    }
}
