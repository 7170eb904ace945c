import CloudWire
import Foundation

/// Metadata of legacy objects: `GET <obj>/metadata`, `GET|PUT|DELETE <obj>/metadata/{key}` (PUT body
/// `MetadataValue` with `TypedValue xsi:type="MetadataStringValue"`), `POST <obj>/metadata` (a
/// `Metadata` with entries). Changes answer 202 with a Task (vcd-wire.md §8.2).
enum LegacyMetadata: RouteFamily {
    struct Entry: Codable {
        var key: String
        var value: String
        var type: String
    }

    static func key(_ objectId: String) -> String { "\(objectId)#metadata" }

    /// Path prefix → (stored kind, URN kind, segment prefix) resolvers.
    static let prefixes: [String] = ["/api/vApp", "/api/vAppTemplate", "/api/catalog", "/api/admin/catalog", "/api/catalogItem", "/api/vdc",
                                     "/api/org", "/api/network"]

    /// The route table: the same five metadata routes under each object prefix.
    static func register(into t: RouteTable) {
        for p in prefixes {
            t.get("\(p)/{id}/metadata", .session, "METADATA_VIEW") { try listMetadata($0, p) }
            t.get("\(p)/{id}/metadata/{key}", .session, "METADATA_VIEW") { try showEntry($0, p) }
            t.put("\(p)/{id}/metadata/{key}", .session, "METADATA_EDIT") { try putEntry($0, p) }
            t.post("\(p)/{id}/metadata", .session, "METADATA_EDIT") { try addEntries($0, p) }
            t.delete("\(p)/{id}/metadata/{key}", .session, "METADATA_EDIT") { try removeEntry($0, p) }
        }
    }

    /// GET the metadata of an object (`<object>/metadata`).
    static func listMetadata(_ ctx: RequestContext, _ p: String) throws -> HTTPResponseMessage {
        let o = try object(ctx, p)
        return ctx.xml(XNS.header + metadataXML(ctx, o, href: href(ctx, p)), type: XType.metadata)
    }

    /// GET one metadata entry (`<object>/metadata/{key}`).
    static func showEntry(_ ctx: RequestContext, _ p: String) throws -> HTTPResponseMessage {
        let o = try object(ctx, p)
        guard let e = entries(ctx.state, o.id).first(where: { $0.key == ctx.param("key") }) else {
            throw SimError.notFound("Metadata key \(ctx.param("key"))")
        }
        return ctx.xml(XNS.header + "<MetadataValue xmlns=\"\(XNS.vcloud)\" xmlns:xsi=\"\(XNS.xsi)\" type=\"\(XType.metadataValue)\">\n"
                       + typed(e) + "</MetadataValue>\n", type: XType.metadataValue)
    }

    /// PUT: sets one metadata entry (a task).
    static func putEntry(_ ctx: RequestContext, _ p: String) throws -> HTTPResponseMessage {
        let o = try object(ctx, p)
        guard let body = try? XMLTree.parse(ctx.request.body), let tv = body.child("TypedValue") else {
            throw SimError.badRequest("Expected a MetadataValue with a TypedValue.")
        }
        try set(ctx, o, [Entry(key: ctx.param("key"), value: tv.value("Value") ?? "", type: tv.attr("type") ?? "MetadataStringValue")])
        return try LTask.accepted(ctx, "Updating metadata of \(o.name)", .metadataUpdate, owner: LTask.owner(o.id, o.name, XType.metadata, href(ctx, p)))
    }

    /// POST: adds or replaces metadata entries (a task).
    static func addEntries(_ ctx: RequestContext, _ p: String) throws -> HTTPResponseMessage {
        let o = try object(ctx, p)
        guard let body = try? XMLTree.parse(ctx.request.body) else { throw SimError.badRequest("Expected a Metadata body.") }
        let new = body.all("MetadataEntry").compactMap { e -> Entry? in
            guard let k = e.value("Key") else { return nil }
            let tv = e.child("TypedValue")
            return Entry(key: k, value: tv?.value("Value") ?? e.value("Value") ?? "", type: tv?.attr("type") ?? "MetadataStringValue")
        }
        try set(ctx, o, new)
        return try LTask.accepted(ctx, "Updating metadata of \(o.name)", .metadataUpdate, owner: LTask.owner(o.id, o.name, XType.metadata, href(ctx, p)))
    }

    /// DELETE one metadata entry (a task).
    static func removeEntry(_ ctx: RequestContext, _ p: String) throws -> HTTPResponseMessage {
        let o = try object(ctx, p)
        var list = entries(ctx.state, o.id)
        guard let i = list.firstIndex(where: { $0.key == ctx.param("key") }) else { throw SimError.notFound("Metadata key \(ctx.param("key"))") }
        list.remove(at: i)
        try store(ctx, o, list)
        return try LTask.accepted(ctx, "Deleting metadata of \(o.name)", .metadataDelete, owner: LTask.owner(o.id, o.name, XType.metadata, href(ctx, p)))
    }

    static func href(_ ctx: RequestContext, _ prefix: String) -> String { "\(ctx.base)\(prefix)/\(ctx.param("id"))/metadata" }

    static func object(_ ctx: RequestContext, _ prefix: String) throws -> StoredObject {
        let seg = ctx.param("id")
        // Catalogs shared from another org: reading needs ReadOnly, changing an item's or template's
        // metadata Change, a catalog's FullControl (CatalogSharing).
        let reads = ctx.route.method == "GET"
        switch prefix {
        case "/api/vApp":
            return try LegacyVApps.object(ctx).0
        case "/api/vAppTemplate":
            if seg.lowercased().hasPrefix("vm-") {
                let vm = try ctx.requireShared(XID.urn(seg, kind: "vm", prefix: "vm-"), Kind.templateVm, "Template VM")
                return vm
            }
            return try LegacyCatalogs.template(ctx, seg, reads ? .readOnly : .change)
        case "/api/catalog", "/api/admin/catalog": return try LegacyCatalogs.catalog(ctx, seg, reads ? .readOnly : .fullControl)
        case "/api/catalogItem": return try LegacyCatalogs.item(ctx, seg, reads ? .readOnly : .change)
        case "/api/vdc": return try ctx.require(XID.urn(seg, kind: URNKind.vdc), Kind.vdc, "VDC")
        case "/api/org": return try LegacyOrgs.org(ctx, seg)
        default: return try ctx.require(XID.urn(seg, kind: URNKind.network), Kind.orgVdcNetwork, "Network")
        }
    }

    static func entries(_ state: StateView, _ id: String) -> [Entry] {
        (try? state.get(key(id))?.decode([Entry].self)) ?? []
    }

    static func set(_ ctx: RequestContext, _ o: StoredObject, _ new: [Entry]) throws {
        var list = entries(ctx.state, o.id)
        for e in new {
            if let i = list.firstIndex(where: { $0.key == e.key }) { list[i] = e } else { list.append(e) }
        }
        try store(ctx, o, list)
    }

    static func store(_ ctx: RequestContext, _ o: StoredObject, _ list: [Entry]) throws {
        if let old = ctx.write.get(key(o.id)) { try ctx.write.update(old, list) } else {
            try ctx.write.insert(kind: Kind.metadata, id: key(o.id), parent: o.id, org: o.orgId, name: o.name, list)
        }
    }

    static func typed(_ e: Entry) -> String {
        let t = XMLTree.local(e.type)
        return "<TypedValue xsi:type=\"\(X.e(t))\"><Value>\(X.e(e.value))</Value></TypedValue>\n"
    }

    static func metadataXML(_ ctx: RequestContext, _ o: StoredObject, href: String) -> String {
        var s = "<Metadata xmlns=\"\(XNS.vcloud)\" xmlns:xsi=\"\(XNS.xsi)\"" + X.attrs([("href", href), ("type", XType.metadata)]) + ">\n"
        s += X.link("up", String(href.dropLast("/metadata".count)))
        for e in entries(ctx.state, o.id) {
            s += "<MetadataEntry" + X.attrs([("href", "\(href)/\(e.key)"), ("type", XType.metadataValue)]) + ">\n"
            s += "<Key>\(X.e(e.key))</Key>\n" + typed(e) + "</MetadataEntry>\n"
        }
        return s + "</Metadata>\n"
    }
}
