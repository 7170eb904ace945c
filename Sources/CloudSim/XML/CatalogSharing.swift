import CloudWire
import Foundation

/// What a caller may do with a catalog (and its items and templates): VCD's access levels
/// `ReadOnly` < `Change` (add and remove items) < `FullControl` (also the catalog itself: delete it,
/// share it).
enum CatalogAccess: Int, Comparable {
    case none = 0, readOnly, change, fullControl

    static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

    init?(level: String) {
        switch level {
        case "ReadOnly": self = .readOnly
        case "Change": self = .change
        case "FullControl": self = .fullControl
        default: return nil
        }
    }
}

/// Catalog sharing and publishing between orgs, as VCD does it (govcd `types/v56`
/// `ControlAccessParams`, `PublishCatalogParams`; govcd `access_control.go`; pyvcloud `acl.py`,
/// `Org.share_catalog`):
///
/// * `GET /api/catalog/{id}/controlAccess` and `POST /api/catalog/{id}/action/controlAccess`
///   (`ControlAccessParams`: `IsSharedToEveryone`, `EveryoneAccessLevel`, `AccessSettings/AccessSetting`
///   with a `Subject href` of an org (`/api/admin/org/{uuid}` or `/api/org/{uuid}`) or a user
///   (`/api/admin/user/{uuid}`) and an `AccessLevel`). The POST replaces the whole list and answers
///   the new `ControlAccessParams`. It needs `Catalog: Sharing` and full control of the catalog;
///   a tenant shares with another org (or its users) only if the provider let its org publish
///   (`canPublish`).
/// * `POST /api/admin/catalog/{id}/action/publish` (also under `/api/catalog/{id}`, as govcd's
///   `Catalog.publish` posts it): `PublishCatalogParams` `IsPublished` — read-only to every org of the
///   site. The provider, or a tenant holding `Catalog: Publish` in an org that may publish. 204.
///
/// Who sees a catalog: its own org (everyone there, as before: the simulator keeps no per-user ACL
/// inside the owner org), the provider, an org or user it is shared with (at that level), and every
/// org when it is published to callers holding `Catalog: View Published Catalogs` (read-only).
/// `IsSharedToEveryone` concerns the owner org's own members: it is kept and answered, no more.
enum CatalogSharing: RouteFamily {
    static let controlAccessType = "application/vnd.vmware.vcloud.controlAccess+xml"
    static let publishType = "application/vnd.vmware.admin.publishCatalogParams+xml"

    /// The route table of this kind: paths, the access they need, and the handler of each.
    static func register(into t: RouteTable) {
        t.get("/api/catalog/{id}/controlAccess", .session, "CATALOG_VIEW_ACL", showControlAccess)
        t.post("/api/catalog/{id}/action/controlAccess", .session, "CATALOG_SHARE", setControlAccess)
        for p in ["/api/admin/catalog/{id}/action/publish", "/api/catalog/{id}/action/publish"] {
            t.post(p, .session, "CATALOG_PUBLISH", publish)
        }
    }

    /// GET who a catalog is shared with (`/api/catalog/{id}/controlAccess`).
    static func showControlAccess(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let c = try require(ctx, ctx.param("id"), .fullControl)
        if !ctx.has(RightName.catalogViewACL) && !ctx.has(RightName.catalogSharing) {
            throw SimError.forbidden(rights: [RightName.catalogViewACL], operation: ctx.route.operation, target: "catalog \(c.name)")
        }
        return ctx.xml(controlAccessXML(ctx, c), type: controlAccessType)
    }

    // MARK: Access

    /// What the caller may do with catalog `c`.
    static func access(_ ctx: RequestContext, _ c: StoredObject) -> CatalogAccess {
        guard let s = ctx.session else { return .none }
        if s.isProvider || c.orgId == s.orgID { return .fullControl }
        return granted(c, org: s.orgID, user: s.userID, viewPublished: s.holds(RightName.catalogViewPublished))
    }

    /// The access an org of another owner (and, if given, one of its users) has to catalog `c`.
    static func granted(_ c: StoredObject, org: String, user: String?, viewPublished: Bool) -> CatalogAccess {
        guard let x = try? c.decode(XCatalog.self) else { return .none }
        var best = CatalogAccess.none
        for a in x.accessSettings ?? [] where a.subjectId == org || (user != nil && a.subjectId == user) {
            best = max(best, CatalogAccess(level: a.level) ?? .none)
        }
        if viewPublished, x.published == true { best = max(best, .readOnly) }
        return best
    }

    /// The catalog `segment` (UUID or URN) if the caller has at least `level` on it: 404 if there is
    /// none, 403 if the caller does not see it or may not do this (as VCD answers other orgs' objects).
    static func require(_ ctx: RequestContext, _ segment: String, _ level: CatalogAccess) throws -> StoredObject {
        let id = XID.urn(segment, kind: "catalog")
        guard let c = ctx.state.get(id, kind: Kind.catalog) else { throw SimError.notFound("Catalog \(id)") }
        try demand(ctx, c, level, target: "Catalog \(id)")
        return c
    }

    /// 403 unless the caller has `level` on catalog `c`.
    static func demand(_ ctx: RequestContext, _ c: StoredObject, _ level: CatalogAccess, target: String) throws {
        if access(ctx, c) < level { throw SimError.forbidden(rights: [], operation: ctx.route.operation, target: target) }
    }

    /// The catalog of an item or a template (its parent), if any.
    static func catalogOf(_ ctx: RequestContext, _ o: StoredObject) -> StoredObject? {
        o.parentId.flatMap { ctx.state.get($0, kind: Kind.catalog) }
    }

    /// What the caller may do with a catalog item or template: its catalog's access (an object
    /// outside any catalog: its org's, as before).
    static func accessIn(_ ctx: RequestContext, _ o: StoredObject) -> CatalogAccess {
        if let c = catalogOf(ctx, o) { return access(ctx, c) }
        return ctx.visible(o) ? .fullControl : .none
    }

    /// The item or template `id` of `kind` if the caller has at least `level` on its catalog.
    static func requireIn(_ ctx: RequestContext, _ id: String, _ kind: String, _ what: String, _ level: CatalogAccess) throws -> StoredObject {
        guard let o = ctx.state.get(id, kind: kind) else { throw SimError.notFound("\(what) \(id)") }
        if accessIn(ctx, o) < level { throw SimError.forbidden(rights: [], operation: ctx.route.operation, target: "\(what) \(id)") }
        return o
    }

    /// The catalogs org `orgId` sees: its own, those shared with it (or with `user`, one of its
    /// users), and the published ones when it may see published catalogs.
    static func visible(_ ctx: RequestContext, toOrg orgId: String, user: String?, viewPublished: Bool) -> [StoredObject] {
        ctx.state.all(Kind.catalog).filter { c in
            c.orgId == orgId || granted(c, org: orgId, user: user, viewPublished: viewPublished) > .none
        }
    }

    /// The catalogs in the caller's scope: the provider's every catalog (with a tenant context
    /// header, what that org sees), a tenant's what it sees.
    static func scoped(_ ctx: RequestContext) -> [StoredObject] {
        guard let org = ctx.scopeOrgID else { return ctx.state.all(Kind.catalog) }
        return visibleToCaller(ctx, org: org)
    }

    /// The catalogs a caller sees when acting in `org` (the provider: what the org's users see).
    static func visibleToCaller(_ ctx: RequestContext, org: String) -> [StoredObject] {
        guard let s = ctx.session else { return [] }
        if s.isProvider { return visible(ctx, toOrg: org, user: nil, viewPublished: true) }
        return visible(ctx, toOrg: org, user: s.userID, viewPublished: s.holds(RightName.catalogViewPublished))
    }

    /// Whether a catalog is shared with anyone (the query service's `isShared`).
    static func isShared(_ c: StoredObject) -> Bool {
        guard let x = try? c.decode(XCatalog.self) else { return false }
        return x.sharedToEveryone == true || !(x.accessSettings ?? []).isEmpty
    }

    static func isPublished(_ c: StoredObject?) -> Bool {
        c?.json["published"]?.scalarText == "true"
    }

    /// Whether the caller may publish catalogs of `org`: the provider, or a holder of `Catalog:
    /// Publish` in an org the provider lets publish.
    static func mayPublish(_ ctx: RequestContext, org: String?) -> Bool {
        guard let s = ctx.session else { return false }
        if s.isProvider { return true }
        return s.holds(RightName.catalogPublish) && org == s.orgID && orgMayPublish(ctx, org)
    }

    static func orgMayPublish(_ ctx: RequestContext, _ org: String?) -> Bool {
        org.flatMap { ctx.state.get($0, kind: Kind.org) }?.json["canPublish"]?.scalarText == "true"
    }

    // MARK: Control access

    static func setControlAccess(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let c = try require(ctx, ctx.param("id"), .fullControl)
        try ctx.demand(RightName.catalogSharing, target: "catalog \(c.name)")
        guard let body = try? XMLTree.parse(ctx.request.body), body.name == "ControlAccessParams" else {
            throw SimError.badRequest("Expected a ControlAccessParams body.")
        }
        let (everyone, everyoneLevel) = try sharingToEveryone(body)
        let settings = try accessSettings(ctx, body, catalogOrg: c.orgId)
        var x = try c.decode(XCatalog.self)
        x.sharedToEveryone = everyone
        x.everyoneAccessLevel = everyoneLevel
        x.accessSettings = settings
        let updated = try ctx.write.update(c, x)
        return ctx.xml(controlAccessXML(ctx, updated), type: controlAccessType)
    }

    /// `IsSharedToEveryone` and, when true, the `EveryoneAccessLevel` it needs.
    private static func sharingToEveryone(_ body: XMLTree) throws -> (everyone: Bool, level: String?) {
        guard let everyoneText = body.value("IsSharedToEveryone"), ["true", "false"].contains(everyoneText.lowercased()) else {
            throw SimError.badRequest("ControlAccessParams needs IsSharedToEveryone (true or false).")
        }
        guard everyoneText.lowercased() == "true" else { return (false, nil) }
        guard let l = body.value("EveryoneAccessLevel"), CatalogAccess(level: l) != nil else {
            throw SimError.badRequest("IsSharedToEveryone is true: EveryoneAccessLevel must be ReadOnly, Change or FullControl.")
        }
        return (true, l)
    }

    /// The `AccessSettings`: each subject once, with a valid level; subjects of another org only
    /// when the caller is the provider or the catalog's org may publish.
    private static func accessSettings(_ ctx: RequestContext, _ body: XMLTree, catalogOrg: String?) throws -> [XAccessSetting] {
        var settings: [XAccessSetting] = []
        for a in body.child("AccessSettings")?.all("AccessSetting") ?? [] {
            guard let href = a.child("Subject")?.attr("href"), !href.isEmpty else {
                throw SimError.badRequest("An AccessSetting needs a Subject with an href.")
            }
            guard let level = a.value("AccessLevel"), CatalogAccess(level: level) != nil else {
                throw SimError.badRequest("AccessLevel of \(href) must be ReadOnly, Change or FullControl.")
            }
            let (kind, id, subjectOrg) = try subject(ctx, href)
            if settings.contains(where: { $0.subjectId == id }) {
                throw SimError.badRequest("Subject \(href) is given more than once.")
            }
            if subjectOrg != catalogOrg, !(ctx.session?.isProvider ?? false), !orgMayPublish(ctx, catalogOrg) {
                throw SimError(403, VCDMinorError.forbidden,
                               "Org \(QueryService.orgName(ctx, catalogOrg)) may not share catalogs with other organizations: the provider has not allowed it (canPublish).")
            }
            settings.append(XAccessSetting(subjectKind: kind, subjectId: id, level: level))
        }
        return settings
    }

    /// The org or user a `Subject href` names: (`org`|`user`, its URN, its org's URN).
    static func subject(_ ctx: RequestContext, _ href: String) throws -> (String, String, String) {
        let parts = href.split(separator: "/").map(String.init)
        guard parts.count >= 2, let seg = parts.last else { throw SimError(400, VCDMinorError.invalidReference, "Subject \(href) is not an org or a user.") }
        switch parts[parts.count - 2].lowercased() {
        case "org":
            let id = XID.urn(seg, kind: URNKind.org)
            guard ctx.state.get(id, kind: Kind.org) != nil else { throw SimError(400, VCDMinorError.invalidReference, "Org \(href) does not exist.") }
            return ("org", id, id)
        case "user":
            let id = XID.urn(seg, kind: URNKind.user)
            guard let u = ctx.state.get(id, kind: Kind.user) else { throw SimError(400, VCDMinorError.invalidReference, "User \(href) does not exist.") }
            return ("user", id, u.orgId ?? "")
        default:
            throw SimError(400, VCDMinorError.invalidReference, "Subject \(href) is not an org or a user.")
        }
    }

    static func controlAccessXML(_ ctx: RequestContext, _ c: StoredObject) -> String {
        let x = try? c.decode(XCatalog.self)
        var s = XNS.header + "<ControlAccessParams xmlns=\"\(XNS.vcloud)\">\n"
        s += X.el("IsSharedToEveryone", x?.sharedToEveryone == true ? "true" : "false")
        if x?.sharedToEveryone == true, let l = x?.everyoneAccessLevel { s += X.el("EveryoneAccessLevel", l) }
        let settings = x?.accessSettings ?? []
        if !settings.isEmpty {
            s += "<AccessSettings>\n"
            for a in settings {
                let o = ctx.state.get(a.subjectId)
                let (href, type) = a.subjectKind == "org"
                    ? ("\(ctx.base)/api/admin/org/\(XID.uuid(a.subjectId))", XType.adminOrg)
                    : ("\(ctx.base)/api/admin/user/\(XID.uuid(a.subjectId))", MediaType.user)
                s += "<AccessSetting>\n<Subject" + X.attrs([("href", href), ("name", o?.name ?? ""), ("type", type)]) + "/>\n"
                s += X.el("AccessLevel", a.level) + "</AccessSetting>\n"
            }
            s += "</AccessSettings>\n"
        }
        return s + "</ControlAccessParams>\n"
    }

    // MARK: Publish

    static func publish(_ ctx: RequestContext) throws -> HTTPResponseMessage {
        let c = try require(ctx, ctx.param("id"), .fullControl)
        guard mayPublish(ctx, org: c.orgId) else {
            if ctx.has(RightName.catalogPublish) {
                throw SimError(403, VCDMinorError.forbidden,
                               "Org \(QueryService.orgName(ctx, c.orgId)) may not publish catalogs: the provider has not allowed it (canPublish).")
            }
            throw SimError.forbidden(rights: [RightName.catalogPublish], operation: ctx.route.operation, target: "catalog \(c.name)")
        }
        guard let body = try? XMLTree.parse(ctx.request.body), body.name == "PublishCatalogParams",
              let v = body.value("IsPublished"), ["true", "false"].contains(v.lowercased()) else {
            throw SimError.badRequest("Expected a PublishCatalogParams body with IsPublished true or false.")
        }
        var x = try c.decode(XCatalog.self)
        x.published = v.lowercased() == "true"
        try ctx.write.update(c, x)
        return ctx.noContent()
    }
}
